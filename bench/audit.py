"""Benchmark: verifying a 72-hour delay chain, and `ceremony audit` as the command a person runs.

Kits are made by the real ceremony (calibration fixed to the rate measured once for the run):

- DEMO kit: the kit `ceremony demo` writes (run as a command: the ceremony, then a recovery with
  its real evidenced delay), audited as the demo tells a person to.
- 72-hour kit: the demo plan with a 72 h delay, so the record's T is 72 hours of VDF work here.
  Proving 72 hours is not possible in a benchmark, so the session's chain has the segment count
  `plan_segment_iterations` gives a real 72-hour chain, each segment real but only 300 iterations
  long: a Wesolowski check costs the same whatever the iteration count (the two "check of one
  segment" rows show it). The session is left "waiting", so every check passes and runs.
- plain kit: the small test plan, no time lock.

Rows (alternating pairs, see harness.py):

- chain: `verify_chain` (every check, proofs on every core) against the bare work: chiavdf's
  `verify_wesolowski` on each segment in turn, one core, nothing else checked; both cold (the
  discriminant derived again each run). For 160 (what `plan_segment_iterations` gives a 72-hour
  chain), 240, 360 and 720 segments: the trade-off between segment count and verification time.
  Goal: under 1 s for the planned count.
- `ceremony audit 72h-kit --json` as a whole process, against a process that only verifies that
  chain with chiavdf directly, one core. Goal: under 1.5 s.
- `ceremony audit DEMO-kit --json` as a whole process, against `ceremony --help`. Goal: 0.25 s.

Run: .venv/bin/python bench/audit.py [--quick]   (results in bench/results/audit.json)
"""

from __future__ import annotations

import argparse
import hashlib
import math
import subprocess
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from unittest import mock

from harness import (
    BIN,
    PYTHON,
    ROOT,
    Command,
    Row,
    Sample,
    load_average,
    pairs,
    process_pairs,
    report,
)

from ceremony.core import calibration, vdf
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.planfile.plan import parse_plan
from ceremony.templates import template_path
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.audit import AuditReport, audit_kit
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.transcript import Transcript

HOURS_72 = 72 * 3600
SMALL_SEGMENT = 300


def seeded(seed: bytes) -> Callable[[int], bytes]:
    counter = 0

    def rng(n: int) -> bytes:
        nonlocal counter
        counter += 1
        return hashlib.shake_256(seed + counter.to_bytes(8, "big")).digest(n)

    return rng


class Keeper(ScriptedOperator):
    """Scripted answers that keep the issued shares, so that the DEMO kit can be recovered."""

    def __init__(self) -> None:
        super().__init__(accept_preflight_failures=True, quiet=True)
        self.shares: list[Share] = []

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        self.shares.append(expected)
        return super().reenter_share(holder, group, expected)


def make_kit(directory: Path, plan_text: str, rate: float, seed: bytes) -> list[Share]:
    """The real ceremony, with the calibration fixed to the rate measured once for the whole run."""
    keeper = Keeper()
    with mock.patch("ceremony.workflows.timelock_policy.measure_vdf_rate", return_value=rate):
        plan = parse_plan(plan_text.encode(), source="bench plan")
        Ceremony(plan, keeper, directory, rng=seeded(seed), preflight=lambda _: ()).run()
    return keeper.shares


def synthetic_session(kit: Path, segments: int) -> tuple[Path, vdf.Chain, bytes]:
    """A session in state "waiting" with `segments` real segments of SMALL_SEGMENT iterations."""
    data = (kit / "record.json").read_bytes()
    record = Record.from_json(data.decode())
    notice = RecoveryNotice.issue(
        record, data, requester="bench", reason="72-hour audit", rng=seeded(b"notice")
    )
    directory = kit / "recovery" / notice.notice_id
    (directory / "proof").mkdir(parents=True)
    (directory / "notice.json").write_bytes(notice.to_bytes())
    chain = quick_chain(notice.sha256, segments)
    for segment in chain.segments:
        path = directory / "proof" / f"segment-{segment.index:04d}.json"
        path.write_text(segment.to_json())
    digest = notice.sha256.hex()
    transcript = Transcript.create(
        directory / "transcript.jsonl",
        data={
            "notice_sha256": digest,
            "notice_id": notice.notice_id,
            "ceremony_id": record.ceremony_id,
        },
    )
    transcript.append(
        "requested",
        data={
            "notice_sha256": digest,
            "requester": notice.requester,
            "reason": notice.reason,
            "mode": notice.mode,
            "required_iterations": notice.required_iterations,
        },
    )
    transcript.append("waiting", data={"segments": 0})
    transcript.suspend()
    return directory, chain, notice.sha256


def quick_chain(notice: bytes, segments: int) -> vdf.Chain:
    """A real chain of `segments` short segments, proved in this process (ChainProver starts a
    child process per segment, which is right for a real wait and slow for hundreds of them)."""
    chiavdf = vdf._chiavdf()
    seed = vdf._discriminant_seed(notice)
    start, found = vdf.GENERATOR, []
    for index in range(1, segments + 1):
        raw = chiavdf.prove(seed, start, vdf.DISCRIMINANT_BITS, SMALL_SEGMENT, "")
        output, proof = raw[: vdf.FORM_BYTES], raw[vdf.FORM_BYTES :]
        found.append(
            vdf.Segment(index, notice.hex(), SMALL_SEGMENT, start.hex(), output.hex(), proof.hex())
        )
        start = output
    chain = vdf.Chain(tuple(found))
    vdf.verify_chain(chain, notice, 0)
    return chain


def require_pass(report: AuditReport, what: str) -> None:
    if not report.passed:
        failed = "; ".join(f"{c.name}: {c.detail}" for c in report.failures)
        raise SystemExit(f"the {what} did not pass its audit: {failed}")


def parallel(chain: vdf.Chain, notice: bytes) -> Callable[[], None]:
    def run() -> None:
        vdf._discriminant.cache_clear()
        vdf.verify_chain(chain, notice, 0)

    return run


def bare(chain: vdf.Chain, notice: bytes) -> Callable[[], None]:
    """The bare work: chiavdf's own check of each proof in turn, one core, the discriminant
    derived once; no encoding or link checks."""
    chiavdf = vdf._chiavdf()
    items = [
        (bytes.fromhex(s.start), bytes.fromhex(s.output), bytes.fromhex(s.proof), s.iterations)
        for s in chain.segments
    ]

    def run() -> None:
        discriminant = chiavdf.create_discriminant(
            vdf._discriminant_seed(notice), vdf.DISCRIMINANT_BITS
        )
        for start, output, proof, iterations in items:
            if not chiavdf.verify_wesolowski(discriminant, start, output, proof, iterations):
                raise SystemExit("a bench segment does not verify")

    return run


BARE_PROCESS = """import json, sys, chiavdf
from ceremony.core.vdf import DISCRIMINANT_BITS, _discriminant_seed
notice = bytes.fromhex(sys.argv[2])
d = chiavdf.create_discriminant(_discriminant_seed(notice), DISCRIMINANT_BITS)
for s in json.load(open(sys.argv[1]))["segments"]:
    x, y, p = (bytes.fromhex(s[k]) for k in ("start", "output", "proof"))
    assert chiavdf.verify_wesolowski(d, x, y, p, s["iterations"])
"""


RENDER_ONLY = """import sys
from pathlib import Path
from ceremony.model.record import Record
from ceremony.paper.content import PaperSize
from ceremony.paper.notice import render_notice
from ceremony.workflows.kit import record_pdf
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.recovery.session import notice_sheet
kit = Path(sys.argv[1])
record = Record.from_json((kit / "record.json").read_text(encoding="utf-8"))
assert record_pdf(record) == (kit / "record.pdf").read_bytes()
size = PaperSize.from_text(record.paper_size or "a4")
for session in sorted((kit / "recovery").iterdir()):
    notice = RecoveryNotice.from_bytes((session / "notice.json").read_bytes())
    assert render_notice(notice_sheet(notice, record), size) == (session / "notice.pdf").read_bytes()
"""
"""The floor of the audit's byte-for-byte PDF checks: a process that only re-renders the DEMO
kit's record.pdf and notice.pdf from their JSON (reportlab, the fonts, the drawing) and compares."""


def audit_command(kit: Path, plan: Path) -> Command:
    return Command([str(BIN / "ceremony"), "audit", str(kit), "--plan", str(plan), "--json"])


def segment_check(segment: vdf.Segment) -> Sample:
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        vdf.verify_segment(segment)
        runs.append(time.perf_counter() - started)
    return Sample(tuple(runs))


def tradeoff(
    planned: vdf.Chain,
    notice: bytes,
    rate: float,
    work: int,
    real_segments: int,
    times: int,
    *,
    quick: bool,
) -> list[Row]:
    """Verification time against segment count for a 72-hour chain: fewer, longer segments verify
    faster but lose more work on a crash (and the prover holds more memory)."""
    counts = [len(planned.segments)] if quick else sorted({real_segments, 240, 360, 720})
    rows = []
    for count in counts:
        if count <= len(planned.segments):
            chain = vdf.Chain(planned.segments[:count])
        else:
            chain = quick_chain(notice, count)
        value, baseline, ratios = pairs(parallel(chain, notice), bare(chain, notice), times)
        minutes = work / count / rate / 60
        planned_row = count == real_segments
        rows.append(
            Row(
                "chain",
                f"verify a 72-hour chain of {count} segments ({minutes:.0f} min each), all cores",
                value,
                "chiavdf's verify_wesolowski per segment, one core",
                baseline,
                ratios,
                goal="< 1 s" if planned_row else "",
                max_seconds=1.0 if planned_row else None,
                note=(
                    f"a crash loses at most {100 / count:.2f}% of the work"
                    + ("; the planned count" if planned_row else "")
                ),
                extra={"segments": count, "segment_minutes": minutes, "planned": planned_row},
            )
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="a tenth of the 72-hour chain")
    args = parser.parse_args()
    load = load_average()
    rate = calibration.measure_vdf_rate(repeats=1)
    work = calibration.work_for(HOURS_72, rate)
    real_segments = math.ceil(work / vdf.plan_segment_iterations(work, rate=rate))
    segments = real_segments // 10 if args.quick else real_segments
    demo_text = template_path("demo-plan.toml").read_text(encoding="utf-8")
    small_plan = ROOT / "tests" / "data" / "small-plan.toml"
    rows: list[Row] = []
    times = 3 if args.quick else 5
    with tempfile.TemporaryDirectory(prefix="bench-audit-") as tmp:
        base = Path(tmp)
        long_kit = base / "72h"
        long_text = demo_text.replace('delay = "3s"', 'delay = "72h"')
        long_text = long_text.replace("DEMO Example Co treasury", "DEMO 72-hour audit")
        make_kit(long_kit, long_text, rate, b"72h")
        session, chain, notice = synthetic_session(long_kit, segments)
        long_plan = base / "72h-plan.toml"
        long_plan.write_text(long_text, encoding="utf-8")
        require_pass(audit_kit(long_kit, plan_file=long_plan), "72-hour kit")
        rows += tradeoff(chain, notice, rate, work, real_segments, times, quick=args.quick)
        chain_file = base / "chain.json"
        chain_file.write_text(chain.to_json())
        value, baseline, ratios = process_pairs(
            audit_command(long_kit, long_plan),
            Command([PYTHON, "-c", BARE_PROCESS, str(chain_file), notice.hex()]),
            times,
        )
        rows.append(
            Row(
                "audit",
                "ceremony audit 72-hour kit --json (whole process)",
                value,
                "a process that only checks its chain's proofs with chiavdf, one core",
                baseline,
                ratios,
                goal="< 1.5 s",
                max_seconds=None if args.quick else 1.5,
            )
        )

        subprocess.run(
            [str(BIN / "ceremony"), "demo", "--out", str(base)], capture_output=True, check=True
        )
        demo = base / "demo-kit"
        demo_chain = vdf.Chain(
            tuple(
                vdf.Segment.from_json(path.read_bytes())
                for path in sorted(demo.glob("recovery/*/proof/segment-*.json"))
            )
        )
        help_only = Command([str(BIN / "ceremony"), "--help"])
        value, baseline, ratios = process_pairs(
            Command([str(BIN / "ceremony"), "audit", str(demo), "--json"], ok_codes=(0, 4)),
            help_only,
            times * 2,
        )
        rows.append(
            Row(
                "audit",
                f"ceremony audit of `ceremony demo`'s kit ({len(demo_chain.segments)} segments)",
                value,
                "ceremony --help",
                baseline,
                ratios,
                goal="< 0.25 s",
                max_seconds=0.25,
                note="whole process, as the demo prints it: ceremony audit KIT (here with --json)",
            )
        )
        value, baseline, ratios = process_pairs(
            Command([PYTHON, "-c", RENDER_ONLY, str(demo)]), help_only, times * 2
        )
        rows.append(
            Row(
                "audit",
                "re-render the DEMO kit's record.pdf and notice.pdf only (whole process)",
                value,
                "ceremony --help",
                baseline,
                ratios,
                note="the floor of the audit's files.record.pdf and notice-pdf checks: "
                "Python, reportlab, the fonts and the drawing, nothing else checked",
            )
        )
        plain = base / "plain"
        make_kit(plain, small_plan.read_text(encoding="utf-8"), rate, b"plain")
        require_pass(audit_kit(plain, plan_file=small_plan), "plain kit")
        value, baseline, ratios = process_pairs(audit_command(plain, small_plan), help_only, times)
        rows.append(
            Row(
                "audit",
                "ceremony audit plain kit (whole process)",
                value,
                "ceremony --help",
                baseline,
                ratios,
            )
        )
        small = vdf.Segment.from_json((session / "proof" / "segment-0001.json").read_bytes())
        real = demo_chain.segments[-1]
        rows.append(
            Row(
                "chain",
                f"check of one {real.iterations:,}-iteration segment",
                segment_check(real),
                f"check of one {small.iterations}-iteration segment",
                segment_check(small),
                note="a check costs the same whatever the iteration count",
            )
        )
    report("audit", rows, load)


if __name__ == "__main__":
    main()
