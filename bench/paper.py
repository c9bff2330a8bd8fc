"""Benchmark: paper kits from a real split, against plain reportlab and against python-slip39.

- One holder kit (33-word share of a real 256-bit split, A4): `render_holder_kit` against plain
  reportlab doing the same drawing. The baseline is recorded from the kit itself: every call the
  layout makes on its reportlab canvas (each string with its font, size and place, each rule and
  box, each line of text through reportlab's text object, where ceremony writes the same
  operators itself) is replayed on a fresh canvas, with no layout logic, in the same fonts loaded
  as plain reportlab `TTFont`s (which make and compress their embedded subsets for every document,
  where ceremony's packaged fonts do it once per process); the replay must give the very same PDF
  bytes, which proves it does the same work: same strings, fonts, subsets and compression.
  Goal: at most 1.5x.
- `ceremony split --kit` as a whole process for the largest scheme SLIP-39 allows (16 groups of 16,
  256 holder kits, the record, recover.py, written atomically, then read back from the files),
  against the same command for 16 holders (one group of 16). Goal: under 4 s; and the peak memory
  of the two must be alike (kits are streamed to disk, so memory does not grow with their number).
- python-slip39, when installed in a side environment (see bench/README.md), run on the same
  schemes as `ceremony split --kit` in alternating pairs: both make a fresh secret and write PDFs.

Run: .venv/bin/python bench/paper.py [--quick]   (results in bench/results/paper.json)
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any
from unittest import mock

from harness import BIN, ROOT, Command, Row, Sample, load_average, pairs, process_pairs, report
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas

from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.paper import holder, layout
from ceremony.paper.content import HolderKit, PaperSize
from ceremony.paper.fonts import FILES, font_bytes
from ceremony.workflows import kit as kits
from ceremony.workflows.split import split_secret

SIDE_VENV = Path(os.environ.get("SLIP39_VENV", ROOT.parent / "i18-side-venv"))
LARGEST = ["-t", "8", *[a for i in range(16) for a in ("-g", f"group-{i + 1:02d}=9of16")]]
SIXTEEN = ["-t", "1", "-g", "solo=9of16"]


class TextRef:
    """Stands for a text object in a recording; the replay swaps in its own."""

    def __init__(self, number: int) -> None:
        self.number = number


class Recording:
    """Every call made on a canvas (and its text objects), in order, to replay on a bare one."""

    def __init__(self) -> None:
        self.calls: list[tuple[int | None, str, tuple[Any, ...], dict[str, Any]]] = []
        self.texts = 0

    def replay(self, size: PaperSize, fonts: dict[str, str] | None = None) -> bytes:
        """The calls again on a bare canvas; `fonts` renames the fonts set (to plain ones)."""
        rename = fonts or {}
        buffer = io.BytesIO()
        args, kwargs = self.calls[0][2], dict(self.calls[0][3])
        kwargs["initialFontName"] = rename.get(kwargs["initialFontName"], kwargs["initialFontName"])
        canvas = Canvas(buffer, *args, **kwargs)
        texts: dict[int, Any] = {}
        for target, name, args, kwargs in self.calls[1:]:
            args = tuple(texts[a.number] if isinstance(a, TextRef) else a for a in args)
            if name == "setFont":
                args = (rename.get(args[0], args[0]), *args[1:])
            if name == "beginText":
                texts[target] = canvas.beginText(*args, **kwargs)
            elif target is None:
                getattr(canvas, name)(*args, **kwargs)
            else:
                getattr(texts[target], name)(*args, **kwargs)
        return buffer.getvalue()


def plain_fonts() -> dict[str, str]:
    """The packaged fonts again as plain reportlab TTFonts, under names of their own."""
    names = {}
    for name, filename in FILES.items():
        plain = f"Plain{name}"
        pdfmetrics.registerFont(TTFont(plain, io.BytesIO(font_bytes(filename))))
        names[name] = plain
    return names


class _Proxy:
    def __init__(self, real: Any, recording: Recording, target: int | None) -> None:
        self._real, self._recording, self._target = real, recording, target

    def __getattr__(self, name: str) -> Any:
        attr = getattr(self._real, name)
        if not callable(attr):
            return attr

        def call(*args: Any, **kwargs: Any) -> Any:
            real_args = tuple(a._real if isinstance(a, _Proxy) else a for a in args)
            if name == "beginText":
                number = self._recording.texts = self._recording.texts + 1
                self._recording.calls.append((number, name, args, kwargs))
                return _Proxy(attr(*real_args, **kwargs), self._recording, number)
            shown = tuple(TextRef(a._target) if isinstance(a, _Proxy) else a for a in args)
            self._recording.calls.append((self._target, name, shown, kwargs))
            return attr(*real_args, **kwargs)

        return call


def record(kit: HolderKit, size: PaperSize) -> tuple[Recording, bytes]:
    recording = Recording()

    def canvas(buffer: io.BytesIO, *args: Any, **kwargs: Any) -> _Proxy:
        recording.calls.append((None, "__init__", args, kwargs))
        return _Proxy(Canvas(buffer, *args, **kwargs), recording, None)

    # ceremony writes its text operators itself (`ceremony.paper.textops`), as reportlab's text
    # objects would: recorded here through those text objects, so that the replay makes them too
    with (
        mock.patch.object(layout, "Canvas", canvas),
        mock.patch.object(layout, "write_runs", return_value=False),
    ):
        pdf = holder.render_holder_kit(kit, size)
    return recording, pdf


def real_kit() -> HolderKit:
    """The first holder kit of a real 256-bit split (2 of 3 groups), as `write_kit` builds it."""
    scheme = Scheme(
        group_threshold=2,
        groups=tuple(
            GroupSpec.from_text(t) for t in ("treasury=3of5", "family=2of3", "notary=1of1")
        ),
        strength_bits=256,
    )
    split = split_secret(scheme, Secret(os.urandom(32)), b"")
    options = kits.KitOptions(ceremony_name="Bench treasury", paper_size=PaperSize.A4)
    record_ = kits.build_record(
        split,
        ceremony_name="Bench treasury",
        holders=kits.default_holders(split),
        plan_sha256=kits.command_line_plan_hash(split, "Bench treasury"),
        plan_source="command-line",
        passphrase_used=False,
        demo=False,
    )
    return kits.holder_kit(record_, options, record_.shares[0], split.all_shares()[0].words)


def split_kit(args: list[str], base: Path, name: str) -> Command:
    return Command(
        [str(BIN / "ceremony"), "split", *args, "--kit", str(base / name), "--force"],
    )


def slip39_command(args: list[str], base: Path, name: str) -> Command | None:
    """python-slip39's CLI on the same scheme, writing its PDFs into a directory of its own."""
    python = SIDE_VENV / "bin" / "python"
    if not python.exists():
        return None
    groups = [args[i + 1].replace("=", " ").replace("of", "/") for i in range(2, len(args), 2)]
    threshold = args[1]
    out = base / name
    out.mkdir(exist_ok=True)
    specs = []
    for number, text in enumerate(groups):
        _, rule = text.split(" ")
        need, have = rule.split("/")
        specs += ["-g", f"group{chr(ord('a') + number)}({need}/{have})"]  # no digits in its names
    return Command(
        [
            str(python),
            "-m",
            "slip39",
            "-q",
            "-t",
            threshold,
            *specs,
            "--bits",
            "256",
            "-o",
            str(out / "slip39.pdf"),
        ],
        cwd=out,
    )


def rows(quick: bool) -> list[Row]:
    out: list[Row] = []
    kit = real_kit()
    recording, pdf = record(kit, PaperSize.A4)
    plain = plain_fonts()
    assert recording.replay(PaperSize.A4, plain) == pdf, "the replay must give the same bytes"
    work: Callable[[], bytes] = lambda: holder.render_holder_kit(kit, PaperSize.A4)  # noqa: E731
    value, baseline, ratios = pairs(
        work, lambda: recording.replay(PaperSize.A4, plain), 5 if quick else 15
    )
    out.append(
        Row(
            "paper",
            f"one holder kit, 33 words, A4 ({len(pdf) // 1024} KiB)",
            value,
            f"plain reportlab: the same {len(recording.calls)} canvas calls replayed, plain TTFonts",
            baseline,
            ratios,
            goal="<= 1.5x",
            max_ratio=1.5,
        )
    )
    times = 1 if quick else 2  # whole 256-kit runs: a few seconds each, tens under load
    with tempfile.TemporaryDirectory(prefix="bench-paper-") as tmp:
        base = Path(tmp)
        big, small, big_ratios = process_pairs(
            split_kit(LARGEST, base, "largest"), split_kit(SIXTEEN, base, "sixteen"), times + 1
        )
        holders = len(list((base / "largest" / "holders").iterdir()))
        out.append(
            Row(
                "paper",
                f"ceremony split --kit, {holders} holder kits (whole process)",
                big,
                "the same command, 16 holder kits",
                small,
                big_ratios,
                goal="< 4 s",
                max_seconds=4.0,
            )
        )
        assert big.peak_mib is not None
        assert small.peak_mib is not None
        out.append(
            Row(
                "paper",
                f"peak memory, {holders} kits",
                Sample((big.peak_mib,)),
                "peak memory, 16 kits",
                Sample((small.peak_mib,)),
                goal="<= 1.2x (streamed)",
                max_ratio=1.2,
                unit="MiB",
            )
        )
        peers = (
            (("16 holders", SIXTEEN),)
            if quick
            else (("16 holders", SIXTEEN), ("256 holders", LARGEST))
        )
        for label, args in peers:
            peer = slip39_command(args, base, f"slip39-{label[:3].strip()}")
            if peer is None:
                print(f"python-slip39 is not installed in {SIDE_VENV}: see bench/README.md")
                break
            mine = split_kit(args, base, f"mine-{label[:3].strip()}")
            value, baseline, ratios = process_pairs(mine, peer, times, warm=args is SIXTEEN)
            out.append(
                Row(
                    "paper",
                    f"ceremony split --kit, {label} (whole process)",
                    value,
                    f"python-slip39, same scheme, PDFs ({label})",
                    baseline,
                    ratios,
                )
            )
            shutil.rmtree(base / f"slip39-{label[:3].strip()}", ignore_errors=True)
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats")
    args = parser.parse_args()
    load = load_average()
    report("paper", rows(args.quick), load)


if __name__ == "__main__":
    main()
