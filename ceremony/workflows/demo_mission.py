"""`ceremony demo` as one workflow: the guided ceremony on the built-in DEMO plan (scripted), a
time-locked recovery by a quorum whose result is checked against the record, then a lifecycle
extension chained to the kit. The screen (ceremony.ui.demo_screen) supplies the scripted
operators and the progress bar; chatter goes to `screen.note`, never a real secret (the DEMO
secret is throw-away and printed on purpose)."""

from __future__ import annotations

import time
from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from ceremony.core.vdf import Progress
    from ceremony.model.record import Record
    from ceremony.model.share import Share
    from ceremony.workflows.ceremony import Operator, Outcome
    from ceremony.workflows.demo import DemoCeremony
    from ceremony.workflows.lifecycle.base import LifecycleOperator
    from ceremony.workflows.recovery import Outcome as Recovered


class DemoScreen(Protocol):
    """The scripted people of the DEMO and what they see."""

    def note(self, text: str) -> None:
        """A line for the people watching the DEMO."""

    def ceremony_operator(self) -> Operator:
        """The scripted operator that answers every step of the DEMO ceremony."""

    def reentered_shares(self) -> list[Share]:
        """The shares the ceremony's operator re-entered, kept in memory for the recovery."""
        ...

    def extension_operator(self, shares: Sequence[Share]) -> LifecycleOperator:
        """The scripted operator of the DEMO extension; `shares` are the ones its holders type."""

    def progress(self, label: str, unit: str, rate_hint: float) -> AbstractContextManager[Progress]:
        """Show a long computation (the time lock) as it runs, with a rough rate to start from."""


@dataclass(frozen=True)
class Mission:
    directory: Path
    demo: DemoCeremony
    recovered: Recovered
    extended: Outcome
    seconds: float


def run_mission(out: Path, screen: DemoScreen) -> Mission:
    """The whole DEMO in one go: the ceremony on the built-in plan, then a recovery and a group
    extension of its kit."""
    from ceremony.workflows.demo import demo_directory, run_demo_ceremony

    started = time.monotonic()
    directory = demo_directory(out)
    screen.note("DEMO: running the whole ceremony on the built-in plan (answers are scripted)")
    demo = run_demo_ceremony(screen.ceremony_operator(), directory)
    record = demo.outcome.record
    screen.note("")
    recovered = _recover(directory, record, screen)
    screen.note("")
    extended = _extend(directory, record, screen)
    screen.note("")
    return Mission(directory, demo, recovered, extended, time.monotonic() - started)


def _recover(directory: Path, record: Record, screen: DemoScreen) -> Recovered:
    """A time-locked recovery by a quorum: notice, the VDF delay with its bar, the shares."""
    from ceremony.workflows.demo import quorum
    from ceremony.workflows.recovery import run_recovery

    lock = record.timelock
    assert lock is not None, "the built-in plan has a time lock"
    screen.note(
        f"DEMO: time-locked recovery by a quorum of {record.group_threshold} groups: "
        f"a notice, then {lock.iterations} VDF iterations of sequential work, then the shares"
    )
    chosen = quorum(record, screen.reentered_shares())
    with screen.progress("DEMO delay", "it", lock.rate_per_second) as bar:
        recovered = run_recovery(
            directory / "record.json",
            chosen,
            progress=bar,
            requester="DEMO coordinator",
            reason="demonstration of a time-locked recovery",
            segment_iterations=max(1, lock.iterations // 10),
            released_to="terminal",
        )
    result = recovered.reconstruction
    screen.note(
        f"DEMO: session {recovered.session.path}: notice {recovered.session.notice.notice_id}, "
        f"proof chain of {len(recovered.chain.segments) if recovered.chain else 0} segments "
        "verified"
    )
    screen.note(
        f"DEMO: recovered fingerprint {result.fingerprint}, recorded {record.fingerprint}: "
        "it IS the recorded secret (fingerprint and commitment match)"
    )
    screen.note(f"DEMO: the throw-away DEMO secret: {result.release_text()}")
    return recovered


def _extend(directory: Path, record: Record, screen: DemoScreen) -> Outcome:
    """The DEMO's lifecycle step: one more holder for a group, as a ceremony chained to the kit."""
    from ceremony.workflows.demo import demo_extension_group, extension_shares, run_demo_extension

    group = demo_extension_group(record)
    brought = extension_shares(record, screen.reentered_shares())
    screen.note(
        f"DEMO: lifecycle: {len(brought)} holders of group {group.name} bring their cards; the "
        "group gets one more holder, without any other group and without rebuilding the secret"
    )
    outcome = run_demo_extension(directory, record, screen.extension_operator(brought))
    screen.note(f"DEMO: extension kit in {outcome.directory}: head words {outcome.head_words}")
    return outcome
