"""A recovery session on disk: its files, its state read back from the transcript, start and
cancel.

The state is never stored on its own: it is replayed from the transcript's events every time, after
the chain and the notice hash have been checked, so an edited notice or transcript stops the
session instead of being trusted.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

from ceremony.core.calibration import duration_text, samples_text_in
from ceremony.errors import BadInput, NotVerified, OutputFailed, Refused
from ceremony.files import exclusive_directory, staged_directory, write_atomic
from ceremony.model.record import Record
from ceremony.model.sources import Clock, Rng
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.paper.content import PaperSize
from ceremony.workflows.check_share import RECORD_FILE
from ceremony.workflows.inputs import decode_text, read_bounded
from ceremony.workflows.notice import RecoveryNotice, utc_now
from ceremony.workflows.transcript import (
    CLOSED,
    OPENED,
    Json,
    Transcript,
    TranscriptEntry,
    verify_transcript,
)

NOTICE_FILE = "notice.json"
NOTICE_PDF = "notice.pdf"
TRANSCRIPT_FILE = "transcript.jsonl"
PROOF_DIR = "proof"
CHECKPOINT_FILE = "sealed-checkpoint.json"
PREVIOUS_CHECKPOINT_FILE = "sealed-checkpoint.previous.json"
"""The checkpoint before the last one, kept so that a damaged last checkpoint costs one interval."""
SESSIONS_DIR = "recovery"
"""Where sessions go by default: `<kit>/recovery/<notice id>/`, beside the record."""

REQUESTED, WAITING, DELAY_DONE = "requested", "waiting", "delay_done"
UNLOCKED, RECOVERED, CANCELLED = "unlocked", "recovered", "cancelled"
RELEASE_TARGETS = ("terminal", "file")
UNLOCK_STARTED = "unlock_started"
NOTES = frozenset({UNLOCK_STARTED})
"""Events that note what happened without changing the state: an unlock attempt begins (one that
never reaches `unlocked` was interrupted or refused)."""

if TYPE_CHECKING:
    from ceremony.paper.notice import NoticeSheet


class State(StrEnum):
    """Where a session stands, replayed from its transcript's events."""

    REQUESTED = "requested"
    WAITING = "waiting"
    UNLOCKED = "unlocked"
    RECOVERED = "recovered"
    CANCELLED = "cancelled"


# -- the record ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class RecordFile:
    """The ceremony record with its exact bytes, which the notice's record_sha256 pins."""

    record: Record
    data: bytes = field(repr=False)
    path: Path


def read_record(source: str | Path) -> RecordFile:
    """The record from its file, or from a kit directory holding record.json."""
    path = Path(source)
    if path.is_dir():
        path = path / RECORD_FILE
    if not path.is_file():
        raise BadInput(
            f"the record {path} does not exist",
            f"give the path of the ceremony's {RECORD_FILE}, or of its kit directory, with --record",
        )
    data = read_bounded(path, "record")
    record = Record.from_json(decode_text(data, "record"), f"the record {path}")
    return RecordFile(record, data, path)


# -- the session and its state ------------------------------------------------------------------


@dataclass(frozen=True)
class Session:
    """A session as found on disk, checked: transcript chain, notice hash, order of events."""

    path: Path
    notice: RecoveryNotice
    state: State
    delay_done: bool
    """Evidenced mode: a wait has recorded that its chain reached the required work."""
    closed: bool
    head: str
    """The transcript's head hash (hex)."""
    entries: int

    @property
    def notice_hash(self) -> bytes:
        """The notice hash every delay segment of this session is chained to."""
        return self.notice.sha256

    @property
    def transcript_path(self) -> Path:
        """The session's own transcript, kept in the session folder."""
        return self.path / TRANSCRIPT_FILE

    @property
    def proof_dir(self) -> Path:
        """Where the session's delay segments are saved, so an interrupted wait can resume."""
        return self.path / PROOF_DIR

    @property
    def sealed(self) -> bool:
        """A sealed lock is opened by unlocking, not by a delay proof chain."""
        return self.notice.mode is TimeLockMode.SEALED

    @classmethod
    def open(cls, path: str | Path) -> Session:
        """Read and check a session directory; raise NotVerified if anything was changed."""
        path = Path(path)
        if not (path / TRANSCRIPT_FILE).is_file() or not (path / NOTICE_FILE).is_file():
            raise BadInput(
                f"{path} is not a recovery session (no {NOTICE_FILE} and {TRANSCRIPT_FILE})",
                "give the session directory that `ceremony recover start` printed",
            )
        summary = verify_transcript(path / TRANSCRIPT_FILE)
        notice_bytes = read_bounded(path / NOTICE_FILE, "notice")
        digest = hashlib.sha256(notice_bytes).hexdigest()
        recorded = summary.entries[0].data.get("notice_sha256")
        if digest != recorded:
            raise NotVerified(
                f"the notice no longer matches the session transcript: {NOTICE_FILE} hashes to "
                f"{digest[:16]}..., the transcript recorded {str(recorded)[:16]}...",
                "the notice was changed after the session started; restore the original "
                "(compare with the printed notice's hash words) or start a new session",
            )
        notice = RecoveryNotice.from_bytes(notice_bytes)
        state, delay_done = _replay(summary.entries, digest, notice)
        return cls(
            path=path,
            notice=notice,
            state=state,
            delay_done=delay_done,
            closed=summary.closed,
            head=summary.head,
            entries=len(summary.entries),
        )

    def append(self, event: str, data: dict[str, Json], *, close: bool = False) -> Session:
        """Add one entry (and `closed` after it, if asked); returns the session as it now is."""
        transcript = Transcript.resume(self.transcript_path)
        try:
            transcript.append(event, data=data)
            if close:
                transcript.close()
        finally:
            transcript.suspend()
        return Session.open(self.path)


_NEXT: dict[str, tuple[State, ...]] = {
    REQUESTED: (),
    WAITING: (State.REQUESTED, State.WAITING),
    DELAY_DONE: (State.WAITING,),
    UNLOCKED: (State.REQUESTED, State.WAITING),
    RECOVERED: (State.UNLOCKED,),
    CANCELLED: (State.REQUESTED, State.WAITING, State.UNLOCKED),
    CLOSED: (State.RECOVERED, State.CANCELLED),
}


def _replay(
    entries: Sequence[TranscriptEntry], notice_sha256: str, notice: RecoveryNotice
) -> tuple[State, bool]:
    """The state the events lead to; raise NotVerified on an order no tool would write."""

    def broken(seq: int, why: str) -> NotVerified:
        return NotVerified(
            f"session transcript entry {seq}: {why}",
            "the transcript does not describe a recovery session as `ceremony recover` writes "
            "it; keep it for the audit and start a new session",
        )

    if len(entries) < 2 or entries[0].event != OPENED or entries[1].event != REQUESTED:
        raise broken(1, "a session starts with 'opened' and 'requested'")
    for entry in entries[:2]:
        if entry.data.get("notice_sha256") != notice_sha256:
            raise broken(entry.seq, "it names another notice")
    if entries[0].data.get("notice_id") != notice.notice_id:
        raise broken(1, "it names another notice id")
    state, delay_done = State.REQUESTED, False
    for entry in entries[2:]:
        if entry.event in NOTES:
            if state in (State.RECOVERED, State.CANCELLED):
                raise broken(entry.seq, f"'{entry.event}' after the session ended")
            continue
        allowed = _NEXT.get(entry.event)
        if allowed is None or state not in allowed:
            raise broken(entry.seq, f"'{entry.event}' cannot follow the state '{state.value}'")
        if entry.event in (WAITING, DELAY_DONE) and notice.mode is not TimeLockMode.EVIDENCED:
            raise broken(entry.seq, "a sealed session has no delay chain to wait for")
        if entry.event == DELAY_DONE:
            delay_done = True
        elif entry.event == WAITING:
            state = State.WAITING
        elif entry.event == UNLOCKED:
            state = State.UNLOCKED
        elif entry.event == RECOVERED:
            state = State.RECOVERED
        elif entry.event == CANCELLED:
            state = State.CANCELLED
    return state, delay_done


def refuse_finished(session: Session, action: str) -> None:
    """Refuse to act on a session that was cancelled or has already released the secret: a session
    releases it once."""
    if session.state is State.CANCELLED:
        raise Refused(
            f"session {session.notice.notice_id} was cancelled: it cannot {action}",
            "a cancelled session ends for good; start a new one with `ceremony recover start`",
        )
    if session.state is State.RECOVERED or session.closed:
        raise Refused(
            f"session {session.notice.notice_id} has already released the secret: it cannot "
            f"{action}",
            "a session releases the secret once; start a new one if it is needed again",
        )


@contextlib.contextmanager
def exclusive(session: Session) -> Iterator[None]:
    """One command at a time changes a session (wait, unlock, cancel): an advisory lock on the
    session directory, re-entrant within the process, released when the process ends, however it
    ends. A second command is refused at once with a hint."""
    busy = Refused(
        f"another wait, unlock or cancel is working on session {session.notice.notice_id}",
        "let it finish, or stop it with Ctrl-C, then run this again",
    )
    with exclusive_directory(session.path, "recovery session", busy):
        yield


# -- start and cancel ---------------------------------------------------------------------------


def start(
    record_source: str | Path,
    *,
    requester: str = "",
    reason: str = "",
    session_dir: Path | None = None,
    paper: PaperSize = PaperSize.A4,
    clock: Clock = utc_now,
    rng: Rng = secrets.token_bytes,
) -> Session:
    """Issue a notice for a time-locked record and create its session directory, whole or not at
    all: notice.json, notice.pdf, and a transcript holding `opened` and `requested`."""
    from ceremony.paper.notice import render_notice

    found = read_record(record_source)
    notice = RecoveryNotice.issue(
        found.record, found.data, requester=requester, reason=reason, clock=clock, rng=rng
    )
    notice_bytes = notice.to_bytes()
    digest = hashlib.sha256(notice_bytes).hexdigest()
    pdf = render_notice(notice_sheet(notice, found.record), paper)
    requested: dict[str, Json] = {
        "notice_sha256": digest,
        "notice_pdf_sha256": hashlib.sha256(pdf).hexdigest(),
        "paper": paper.value,
        "requester": requester,
        "reason": reason,
        "mode": notice.mode,
        "required_iterations": notice.required_iterations,
    }
    if session_dir is None:
        parent = found.path.parent / SESSIONS_DIR
        try:
            os.mkdir(parent, 0o755)
        except FileExistsError:
            pass
        except OSError as exc:
            raise OutputFailed(
                f"cannot create {parent}: {exc.strerror or exc}",
                "give a writable place for the session with --session-dir",
            ) from None
        session_dir = parent / notice.notice_id
    with staged_directory(session_dir) as staging:
        write_atomic(staging / NOTICE_FILE, notice_bytes, secret=False)
        write_atomic(staging / NOTICE_PDF, pdf, secret=False)
        transcript = Transcript.create(
            staging / TRANSCRIPT_FILE,
            data={
                "notice_sha256": digest,
                "notice_id": notice.notice_id,
                "ceremony_id": notice.ceremony_id,
            },
            clock=clock,
        )
        try:
            transcript.append(REQUESTED, data=requested)
        finally:
            transcript.suspend()
    return Session.open(session_dir)


def cancel(session: Session, reason: str = "") -> Session:
    """End the session for good: `cancelled`, then `closed` (under the session's lock, checked
    again once it is held)."""
    with exclusive(session):
        session = Session.open(session.path)
        refuse_finished(session, "be cancelled")
        return session.append(CANCELLED, {"reason": reason}, close=True)


# -- the notice on paper ------------------------------------------------------------------------


def notice_sheet(notice: RecoveryNotice, record: Record) -> NoticeSheet:
    """The printed notice's values (a `ceremony.paper.notice.NoticeSheet`)."""
    from ceremony.paper.notice import NoticeSheet

    expected = float(notice.expected_seconds)
    minimum = float(notice.minimum_seconds)
    return NoticeSheet(
        notice_id=notice.notice_id,
        ceremony_name=notice.ceremony_name,
        ceremony_id=notice.ceremony_id,
        requester=notice.requester,
        reason=notice.reason,
        clock_time=notice.clock_untrusted,
        mode=notice.mode,
        required_iterations=notice.required_iterations,
        rate=f"{float(notice.rate_per_second):,.0f}",
        speedup=f"{float(notice.attacker_speedup):g}",
        expected=duration_text(expected),
        minimum=duration_text(minimum, round_down=True),
        record_sha256=notice.record_sha256,
        fingerprint=notice.fingerprint,
        commitment=notice.commitment,
        nonce=notice.nonce,
        notice_sha256=notice.sha256.hex(),
        notice_words=notice.hash_words,
        demo=record.demo,
        calibration=samples_text_in(record.timelock.description) if record.timelock else "",
    )


def session_record(session: Session, source: str | Path | None = None) -> RecordFile:
    """The record a session was started for: `source`, or `../../record.json` from the session
    (its default place), checked against the notice's record_sha256."""
    if source is None:
        candidate = session.path.resolve().parent.parent / RECORD_FILE
        if not candidate.is_file():
            raise BadInput(
                f"cannot find the record of session {session.notice.notice_id} beside it",
                "give the ceremony's record.json with --record",
            )
        source = candidate
    found = read_record(source)
    session.notice.check_record(found.record, found.data)
    return found


def describe_bounds(session: Session) -> str:
    """Both bounds in words, as the notice prints them."""
    notice = session.notice
    return (
        f"about {duration_text(float(notice.expected_seconds))} on the ceremony machine; at "
        f"least {duration_text(float(notice.minimum_seconds), round_down=True)} against hardware "
        f"{float(notice.attacker_speedup):g}× faster"
    )
