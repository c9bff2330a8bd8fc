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

- chain: `verify_chain` (proofs checked on every core) against the same checks one segment after
  another on one core, both cold (the discriminant derived again each run). Goal: under 1 s.
- `ceremony audit 72h-kit --json` as a whole process, against a process that only verifies that
  chain. Goal: under 1.5 s.
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

    def save(segment: vdf.Segment) -> None:
        path = directory / "proof" / f"segment-{segment.index:04d}.json"
        path.write_text(segment.to_json())

    chain = vdf.ChainProver(
        notice.sha256, segments * SMALL_SEGMENT, segment_iterations=SMALL_SEGMENT, on_segment=save
    ).run()
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


def require_pass(report: AuditReport, what: str) -> None:
    if not report.passed:
        failed = "; ".join(f"{c.name}: {c.detail}" for c in report.failures)
        raise SystemExit(f"the {what} did not pass its audit: {failed}")


def parallel(chain: vdf.Chain, notice: bytes) -> Callable[[], None]:
    def run() -> None:
        vdf._discriminant.cache_clear()
        vdf.verify_chain(chain, notice, 0)

    return run


def one_by_one(chain: vdf.Chain, notice: bytes) -> Callable[[], None]:
    """The same checks as `verify_chain`, in order, on one core (how it worked before)."""

    def run() -> None:
        vdf._discriminant.cache_clear()
        expected = vdf.GENERATOR.hex()
        for position, segment in enumerate(chain.segments, start=1):
            vdf._check_link(segment, position, notice, expected)
            vdf._verify(segment, f"segment {position}")
            expected = segment.output

    return run


CHAIN_ONLY = """import sys
from ceremony.core.vdf import Chain, verify_chain
verify_chain(Chain.from_json(open(sys.argv[1]).read()), bytes.fromhex(sys.argv[2]), 0)
"""


def audit_command(kit: Path, plan: Path) -> Command:
    return Command([str(BIN / "ceremony"), "audit", str(kit), "--plan", str(plan), "--json"])


def segment_check(segment: vdf.Segment) -> Sample:
    runs = []
    for _ in range(20):
        started = time.perf_counter()
        vdf.verify_segment(segment)
        runs.append(time.perf_counter() - started)
    return Sample(tuple(runs))


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
        value, baseline, ratios = pairs(parallel(chain, notice), one_by_one(chain, notice), times)
        rows.append(
            Row(
                "chain",
                f"verify a 72-hour chain ({segments} segments), all cores",
                value,
                "the same checks one segment after another, one core",
                baseline,
                ratios,
                goal="< 1 s",
                max_seconds=None if args.quick else 1.0,
                extra={"segments": segments, "real_chain_segments": real_segments},
            )
        )
        chain_file = base / "chain.json"
        chain_file.write_text(chain.to_json())
        value, baseline, ratios = process_pairs(
            audit_command(long_kit, long_plan),
            Command([PYTHON, "-c", CHAIN_ONLY, str(chain_file), notice.hex()]),
            times,
        )
        rows.append(
            Row(
                "audit",
                "ceremony audit 72-hour kit --json (whole process)",
                value,
                "a process that only verifies its chain",
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
