"""The frame every witnessed ceremony runs in, the key ceremony and each lifecycle ceremony alike:
the people in the room (`Operator`), the numbered script, the hash-chained transcript, the acts the
ceremonies share, and the abort rule.

The abort rule: while the transcript is open, an interruption or a failure ends it with an abort
entry and removes the run's secret files (the kit is renamed aside first, so a removal cut short
never leaves something that looks like a kit). Once the transcript file ends with `closed`, nothing
is ever removed: the kit is finished. What the message says about the transcript is what it holds.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

from ceremony.core.dice import DiceRolls
from ceremony.errors import CeremonyError, Interrupted, NotVerified, OutputFailed, Refused
from ceremony.files import is_locked, remove_tree
from ceremony.model.plan import Roles
from ceremony.model.record import IssuedShare, Record
from ceremony.model.share import Share
from ceremony.model.sources import Clock
from ceremony.model.steps import Act, Step
from ceremony.process import deferred_interrupts, interruption_name
from ceremony.workflows.audit.kit_checks import closing_record_sha256
from ceremony.workflows.leftovers import transcript_state
from ceremony.workflows.passphrase_advice import Judge
from ceremony.workflows.preflight import Check
from ceremony.workflows.transcript import Json, Transcript

TRANSCRIPT = "transcript.jsonl"


class Operator(Protocol):
    """What the ceremony needs from the people in the room."""

    def begin_act(self, act: Act) -> None:
        """Tell the people a new act of the script starts."""

    def begin_step(self, step: Step) -> None:
        """Show the step about to run, so the witnesses can follow it in the runbook."""

    def confirm(self, step: Step, question: str) -> None:
        """Return once the people confirm; raise Interrupted if they stop the ceremony."""

    def show_facts(self, title: str, facts: Sequence[tuple[str, str]]) -> None:
        """Facts the witnesses read and may write down, under a title."""

    def warn(self, text: str) -> None:
        """A warning the people must read before they confirm the step."""

    def show_checks(self, checks: Sequence[Check]) -> None:
        """Show the preflight results before the administrator decides on any failure."""

    def accept_failures(self, checks: Sequence[Check]) -> bool:
        """Whether the administrator accepts failed preflight checks as recorded exceptions."""

    def read_dice(self, sides: int, strength_bits: int) -> DiceRolls:
        """Rolls that passed the health tests (the UI lets the witness roll again)."""

    def read_passphrase(self, judge: Judge) -> bytes:
        """The passphrase, typed twice, hidden; `judge` says how guessable it is (a weak one is
        kept only if the people say so, else typed again)."""

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        """Loop until the holder typed exactly `expected`; return how ("typed" or "scripted")."""

    def read_bag_serial(self, holder: str) -> str:
        """The serial typed from this holder's tamper-evident bag; it is shown back and checked
        before it is recorded."""

    def confirm_bag_serial(self, holder: str, serial: str) -> bool:
        """Whether `serial`, shown back as typed, is exactly the one on the bag (else re-typed)."""

    def refuse_bag_serial(self, holder: str, problem: str) -> None:
        """Say why a serial cannot be recorded; the serial is then asked for again."""


@dataclass(frozen=True)
class Outcome:
    directory: Path
    record: Record
    head: str
    head_words: str


class ScriptRun:
    """One run of a numbered script into one kit directory. Subclasses set the attributes in
    their `__init__` and supply `_acts`, one method call per act, in the script's order."""

    operator: Operator
    directory: Path
    clock: Clock
    preflight: Callable[[Path], Sequence[Check]]
    script: tuple[Act, ...]
    transcript: Transcript | None = None
    current: Step | None = None
    preflight_summary: str = ""
    name = "the ceremony"
    """How messages name this run ("the ceremony was interrupted at step 2.1")."""
    untouched = ""
    """What an abort never touches, said in its hint (a lifecycle run: the predecessor kit)."""

    def _acts(self) -> Outcome:
        raise NotImplementedError

    def _open_and_run(self, opening: dict[str, Json]) -> Outcome:
        """Open the transcript with `opening`, run the acts, and apply the abort rule."""
        self.transcript = Transcript.create(
            self.directory / TRANSCRIPT, role="administrator", data=opening, clock=self.clock
        )
        try:
            return self._acts()
        except BaseException as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: BaseException) -> BaseException:
        """What an interruption or failure leaves. After `closed` (read from the transcript file)
        nothing is ever removed: the kit is finished. Before it, the transcript ends with an abort
        entry and the secret files are removed, crash-safely. The message says what was done."""
        assert self.transcript is not None
        if transcript_closed(self.directory / TRANSCRIPT):
            if isinstance(exc, KeyboardInterrupt | Interrupted):
                return Interrupted(
                    f"stopped at step {self._step_id()}, after the transcript was closed",
                    f"the ceremony is complete and nothing was removed: the kit in "
                    f"{self.directory} is final (its transcript ends with 'closed')",
                )
            if isinstance(exc, CeremonyError):
                exc.hint = (
                    f"{exc.hint}. The transcript was already closed: nothing in "
                    f"{self.directory} was removed"
                )
            return exc
        wrote_abort = False
        with deferred_interrupts():  # a second Ctrl-C or SIGTERM cannot stop the clean-up
            if not self.transcript.finished:
                self.transcript.abort(_reason(exc), step=self.current.id if self.current else None)
                wrote_abort = True
            where = remove_secret_outputs(self.directory) / TRANSCRIPT
        said = (
            f"the transcript {where} ends with an abort entry"
            if wrote_abort
            else f"the transcript is in {where}"
        )
        said += self.untouched
        if isinstance(exc, KeyboardInterrupt):
            return Interrupted(
                f"{self.name} was interrupted at step {self._step_id()}",
                f"no secret file was kept; {said}. Run {self.name} again to start afresh",
            )
        if isinstance(exc, CeremonyError):
            exc.hint = f"{exc.hint}. No secret file was kept; {said}"
        return exc

    # -- steps -------------------------------------------------------------------------------

    def _step_id(self) -> str:
        return self.current.id if self.current else "1.1"

    def _begin(self, step_id: str) -> Step:
        """Show step `step_id` (and its act's title, at the act's first step) and make it current."""
        for act in self.script:
            for step in act.steps:
                if step.id == step_id:
                    if step is act.steps[0]:
                        self.operator.begin_act(act)
                    self.current = step
                    self.operator.begin_step(step)
                    return step
        raise KeyError(step_id)

    def _log(self, event: str, step: Step, data: dict[str, Json], role: str | None = None) -> None:
        assert self.transcript is not None
        self.transcript.append(event, role=role or step.who, step=step.id, data=data)

    # -- the acts every ceremony shares --------------------------------------------------------

    def _roles_present(self, roles: Roles) -> None:
        """Step 1.1: everyone present is named, with their role."""
        step = self._begin("1.1")
        self.operator.show_facts(
            "Roles",
            [
                ("administrator", roles.administrator),
                *[("witness", w) for w in roles.witnesses],
                ("auditor", roles.auditor or "(none present)"),
            ],
        )
        self.operator.confirm(step, "Is everyone named here present, and nobody else?")
        self._log("roles_recorded", step, role_names(roles))

    def _preflight_checks(self) -> None:
        """Step 1.3: the preflight checks, read aloud; a failure stops unless accepted."""
        step = self._begin("1.3")
        checks = self.preflight(self.directory)
        self.operator.show_checks(checks)
        failed = [c for c in checks if c.status.value == "fail"]
        accepted = bool(failed) and self.operator.accept_failures(failed)
        self._log(
            "preflight",
            step,
            {
                "checks": [{"name": c.name, "status": c.status.value} for c in checks],
                "failures_accepted": accepted,
            },
        )
        self.preflight_summary = preflight_summary(checks, accepted)
        if failed and not accepted:
            raise NotVerified(
                f"preflight failed: {', '.join(c.name for c in failed)}",
                f"fix the failed checks (see `ceremony preflight`), then run {self.name} again",
            )

    def _reentry(self, step: Step, entries: Sequence[IssuedShare], shares: Sequence[Share]) -> None:
        """Each holder types their share back from the printed card."""
        for entry, share in zip(entries, shares, strict=True):
            how = self.operator.reenter_share(entry.holder, entry.group, share)
            self._log(
                "share_confirmed",
                step,
                {
                    "holder": entry.holder,
                    "group": entry.group,
                    "member": entry.member_number,
                    "commitment": entry.commitment,
                    "method": how,
                },
                role="shareholder",
            )

    def _close_transcript(self, record: Record, extra: dict[str, Json] | None = None) -> str:
        """The `closed` entry, bound both ways: it holds the record's hash, the record its head."""
        assert self.transcript is not None
        return self.transcript.close(
            role="administrator",
            data={
                "fingerprint": record.fingerprint,
                "commitment": record.commitment,
                "bag_serials": [e.bag_serial for e in record.shares],
                **(extra or {}),
                "record_sha256": closing_record_sha256(record),
            },
        )


def role_names(roles: Roles) -> dict[str, Json]:
    """The roles as transcript data; a missing auditor is recorded as empty, not left out."""
    return {
        "administrator": roles.administrator,
        "witnesses": list(roles.witnesses),
        "auditor": roles.auditor or "",
    }


def contacts(roles: Roles) -> tuple[tuple[str, str, str], ...]:
    """(role, name, contact) of everyone who ran the ceremony, for the paper."""
    return (
        ("administrator", roles.administrator, roles.contact(roles.administrator)),
        *(("witness", w, roles.contact(w)) for w in roles.witnesses),
        *((("auditor", roles.auditor, roles.contact(roles.auditor)),) if roles.auditor else ()),
    )


def preflight_summary(checks: Sequence[Check], accepted: bool) -> str:
    """One line for the record: 'passed', 'passed with warnings: ...', 'failures accepted: ...'."""
    failed = [c.name for c in checks if c.status.value == "fail"]
    warned = [c.name for c in checks if c.status.value == "warn"]
    if failed:
        return ("failures accepted: " if accepted else "failed: ") + ", ".join(failed)
    if warned:
        return "passed with warnings: " + ", ".join(warned)
    return "passed"


def prepare_directory(directory: Path) -> None:
    """A new kit directory; an earlier aborted run there is moved aside, never reused."""
    if directory.exists():
        if is_locked(directory):
            raise Refused(
                f"another ceremony is running in {directory}",
                "let it finish or stop it first; one ceremony at a time writes a kit",
            )
        transcript = directory / TRANSCRIPT
        if transcript.exists() and transcript_state(transcript) != "closed":
            directory.rename(aborted_name(directory))
        else:
            raise Refused(
                f"the kit directory {directory} already exists",
                "choose another output directory in the plan, or move the old kit away",
            )
    try:
        directory.mkdir(mode=0o700, parents=False)
    except OSError as exc:
        raise OutputFailed(
            f"cannot create the kit directory {directory}: {exc.strerror or exc}",
            "check that its parent directory exists and is writable, or choose another with --out",
        ) from None


def aborted_name(directory: Path) -> Path:
    """The first free `NAME.aborted-N` beside the kit directory."""
    number = 1
    while directory.with_name(f"{directory.name}.aborted-{number}").exists():
        number += 1
    return directory.with_name(f"{directory.name}.aborted-{number}")


def remove_secret_outputs(directory: Path) -> Path:
    """After an abort, while the transcript is not closed: move the kit aside under an aborted
    name first (one rename, so a kit directory is whole or gone, never half-removed), then remove
    everything in it but the transcript, which says what happened. Returns where the transcript is."""
    if not directory.exists():
        return directory
    aside = aborted_name(directory)
    directory.rename(aside)
    for child in aside.iterdir():
        if child.name != TRANSCRIPT:
            remove_tree(child)
    return aside


def transcript_closed(path: Path) -> bool:
    """Whether the transcript on disk ends with `closed`: read from the file, not from memory."""
    from ceremony.workflows.transcript import CLOSED

    try:
        lines = path.read_bytes().splitlines()
        return bool(lines) and json.loads(lines[-1]).get("event") == CLOSED
    except (OSError, ValueError, AttributeError):
        return False


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return f"interrupted ({interruption_name(exc)})"
    if isinstance(exc, CeremonyError):
        return exc.message
    return f"internal error ({type(exc).__name__})"
