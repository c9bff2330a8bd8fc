"""The kits and recovery sessions the audit tests (and the golden and reproducible ones) start from.

Kits come from the real ceremony in scriptable mode, deterministic (seeded randomness, a fixed
clock), with the time-lock calibration pinned to 1000 iterations/s so that a demo delay of 3 s is
T = 3000 VDF iterations, which a test proves in a few milliseconds. Recovery sessions are built by
hand from notes/session-format.md (so that tests can write what no tool would). The fixtures make
each kit once per module; a test that changes one takes `demo_kit`, a private copy."""

from __future__ import annotations

import dataclasses
import hashlib
import shutil
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from pathlib import Path

import pytest

from ceremony.core.vdf import ChainProver, Segment
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.planfile.plan import load_plan
from ceremony.templates import template_path
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.recovery.delay import chain_sha256
from ceremony.workflows.transcript import Json, Transcript
from tests.helpers.ceremony import SMALL_PLAN

RATE = 1000.0
"""Pinned calibration: the demo plan's 3 s delay becomes T = 3000 iterations."""
DEMO_PLAN = template_path("demo-plan.toml")


def seeded(seed: bytes) -> Callable[[int], bytes]:
    """A deterministic byte source: SHAKE-256 over a counter."""
    counter = 0

    def rng(n: int) -> bytes:
        nonlocal counter
        counter += 1
        return hashlib.shake_256(seed + counter.to_bytes(8, "big")).digest(n)

    return rng


def fixed_clock() -> datetime:
    return datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


class Keeper(ScriptedOperator):
    """Scripted answers that keep the issued shares, for share-file checks and recoveries."""

    def __init__(self) -> None:
        super().__init__(accept_preflight_failures=True, quiet=True)
        self.shares: list[Share] = []

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        self.shares.append(expected)
        return super().reenter_share(holder, group, expected)


def make_kit(directory: Path, plan: Path = SMALL_PLAN, *, seed: bytes = b"kit") -> list[Share]:
    """Run the ceremony for `plan` into `directory`; returns the issued shares."""
    keeper = Keeper()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ceremony.workflows.timelock_policy.measure_vdf_rate", lambda **_: RATE)
        Ceremony(load_plan(plan), keeper, directory, rng=seeded(seed), preflight=lambda _: ()).run()
    return keeper.shares


def read_record(kit: Path) -> Record:
    return Record.from_json((kit / "record.json").read_text())


@pytest.fixture(scope="module")
def small_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kit = tmp_path_factory.mktemp("small") / "kit"
    make_kit(kit)
    return kit


@pytest.fixture(scope="module")
def demo_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[Share]]:
    """The DEMO plan's kit with one whole evidenced recovery session in `recovery/`."""
    kit = tmp_path_factory.mktemp("demo") / "kit"
    shares = make_kit(kit, DEMO_PLAN, seed=b"demo")
    write_session(kit)
    return kit, shares


@pytest.fixture
def demo_kit(demo_made: tuple[Path, list[Share]], tmp_path: Path) -> Path:
    """A private copy of the DEMO kit, free to tamper with."""
    copy = tmp_path / "kit"
    shutil.copytree(demo_made[0], copy)
    return copy


FULL = ("requested", "waiting", "delay_done", "unlocked", "recovered", "closed")
"""A whole evidenced recovery, as `ceremony recover` writes it."""


def write_session(
    kit: Path,
    *,
    events: Sequence[str] = FULL,
    required: int | None = None,
    work: int | None = None,
    segment_iterations: int = 1000,
    seed: bytes = b"session",
    directory: Path | None = None,
    unlocked_by: str = "delay",
) -> Path:
    """A recovery session written by hand as notes/session-format.md describes it.

    `events` follow `opened`; `required` overrides the notice's T (a lowered T), `work` the
    iterations actually proven (default: the notice's T, if any waiting happened).
    """
    record_bytes = (kit / "record.json").read_bytes()
    record = Record.from_json(record_bytes.decode())
    notice = RecoveryNotice.issue(
        record,
        record_bytes,
        requester="Rita Requester",
        reason="the treasury key is needed",
        clock=fixed_clock,
        rng=seeded(seed),
    )
    if required is not None:
        notice = dataclasses.replace(notice, required_iterations=required)
    directory = directory or kit / "recovery" / notice.notice_id
    directory.mkdir(parents=True)
    (directory / "notice.json").write_bytes(notice.to_bytes())
    from ceremony.paper.content import PaperSize
    from ceremony.paper.notice import render_notice
    from ceremony.workflows.recovery.session import notice_sheet

    notice_pdf = render_notice(notice_sheet(notice, record), PaperSize.A4)
    (directory / "notice.pdf").write_bytes(notice_pdf)
    digest = notice.sha256
    total = notice.required_iterations if work is None else work
    segments: list[Segment] = []
    if "waiting" in events and total > 0:
        (directory / "proof").mkdir()

        def save(segment: Segment) -> None:
            path = directory / "proof" / f"segment-{segment.index:04d}.json"
            path.write_text(segment.to_json())
            segments.append(segment)

        chain = ChainProver(digest, total, segment_iterations=segment_iterations, on_segment=save)
        chain.run()
    transcript = Transcript.create(
        directory / "transcript.jsonl",
        data={
            "notice_sha256": digest.hex(),
            "notice_id": notice.notice_id,
            "ceremony_id": notice.ceremony_id,
        },
        clock=fixed_clock,
    )
    from ceremony.core.vdf import Chain

    chain_done = Chain(tuple(segments))
    data: dict[str, dict[str, Json]] = {
        "requested": {
            "notice_sha256": digest.hex(),
            "notice_pdf_sha256": hashlib.sha256(notice_pdf).hexdigest(),
            "paper": "a4",
            "requester": notice.requester,
            "reason": notice.reason,
            "mode": notice.mode,
            "required_iterations": notice.required_iterations,
        },
        "waiting": {"segments": 0},
        "delay_done": {
            "total_iterations": chain_done.total_iterations,
            "segments": len(segments),
            "chain_sha256": chain_sha256(chain_done),
        },
        "unlocked": {
            **(
                {"by": unlocked_by, "total_iterations": chain_done.total_iterations}
                if unlocked_by == "delay"
                else {"by": unlocked_by}
            ),
            "participants": [e.check_code for e in record.shares[:3]],
            "refused_shares": 0,
        },
        "recovered": {
            "fingerprint": record.fingerprint,
            "commitment": record.commitment,
            "released_to": "terminal",
        },
        "cancelled": {"reason": "the request was withdrawn"},
    }
    for event in events:
        if event == "closed":
            transcript.close()
        else:
            transcript.append(event, data=data[event])
    if not transcript.finished:
        transcript.suspend()
    return directory
