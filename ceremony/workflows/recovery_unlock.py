"""`ceremony recover unlock` as one workflow: under the session's lock, check the delay (or read the
consent file), take the shares, open the lock, verify against the record, release.

The people at the terminal are reached through an `UnlockScreen` (ceremony.ui.recovery_prompts at
the command line): the shares, the passphrase and the confirmation are asked for there, the
secret is shown there, and nothing here prints. Whatever is refused is refused before anyone types
a share.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from ceremony.errors import BadInput, Interrupted, Refused

if TYPE_CHECKING:
    from ceremony.core.vdf import Chain, Progress
    from ceremony.model.record import Record
    from ceremony.model.share import Share
    from ceremony.workflows.recovery import (
        Consent,
        PuzzleResume,
        Reconstruction,
        Session,
        ShareCollection,
    )


@dataclass(frozen=True)
class UnlockRequest:
    """The options of `recover unlock`: where the secret goes and where the inputs come from."""

    session_dir: Path
    record: Path | None = None
    output: Path | None = None
    force: bool = False
    shares_file: str | None = None
    consent_file: Path | None = None
    passphrase_file: Path | None = None
    reveal: bool = False


class UnlockScreen(Protocol):
    """What the unlock asks of the people at the terminal, and what it shows them."""

    def note(self, text: str) -> None:
        """A line for the people at the screen; never a secret."""

    def stdin_is_terminal(self) -> bool:
        """Whether input is a terminal: the secret is shown only after a confirmation asked
        there."""

    def stdout_is_terminal(self) -> bool:
        """Whether output is a terminal, so the secret is not shown into a pipe or file by
        accident."""

    def read_shares(self, record: Record, source: str | None) -> ShareCollection:
        """Shares for this record from `source`, or typed at the prompt when None."""

    def passphrase(self, record: Record, path: Path | None) -> bytes:
        """The record's passphrase from the file at `path`, or typed when None."""

    def confirm_release(self, form: str) -> bool:
        """Ask before the secret is shown in `form`; False releases nothing."""

    def show_secret(self, text: str) -> None:
        """Show the released secret; called only after a confirmation, or with --reveal."""

    def on_resume(self, resume: PuzzleResume) -> None:
        """Say which saved checkpoint the puzzle resumes from and which damaged ones are not
        used."""

    def progress(self, label: str, unit: str, rate_hint: float) -> AbstractContextManager[Progress]:
        """Show the long puzzle computation as it runs, with a rough rate to start from."""


def unlock(request: UnlockRequest, screen: UnlockScreen) -> Session:
    """The whole unlock, under the session's lock: no second unlock, wait or cancel meanwhile.
    Returns the closed session."""
    from ceremony.files import check_output_target, remove_stale_partials
    from ceremony.workflows import recovery as rec

    output = request.output
    if output is not None:  # a copy of the secret left by a crashed write to this path goes first
        remove_stale_partials(output.parent, output.name)
        check_output_target(output, request.force)
    from ceremony.workflows.session_attest import write_session_messages

    with rec.exclusive(rec.Session.open(request.session_dir)):
        session = _unlock(rec.Session.open(request.session_dir), request, screen)
        write_session_messages(session.path)
    return session


def _unlock(session: Session, request: UnlockRequest, screen: UnlockScreen) -> Session:
    from ceremony.workflows import recovery as rec

    rec.refuse_finished(session, "unlock")
    record = rec.session_record(session, request.record).record
    check_release_target(request, screen)
    consent, chain = _delay_or_consent(session, record, request.consent_file, screen.note)
    session = rec.record_attempt(session)
    collection = screen.read_shares(record, request.shares_file)
    shares = list(collection.shares)
    if session.sealed and consent is None:
        result = _solve(session, record, shares, request.session_dir, screen)
    else:
        passphrase = b"" if session.sealed else screen.passphrase(record, request.passphrase_file)
        result = rec.rebuild(
            session, record, shares, passphrase=passphrase, consent=consent, chain=chain
        )
    screen.note(
        f"verified: this IS the recorded secret (fingerprint {result.fingerprint}, commitment "
        f"{result.commitment[:16]}... both match the record)"
    )
    session = rec.record_unlock(session, result, refused_shares=collection.refused)
    return _release(session, result, request, screen)


def _delay_or_consent(
    session: Session, record: Record, consent_file: Path | None, note: Callable[[str], None]
) -> tuple[Consent | None, Chain | None]:
    """Sealed: the consent file, when given. Evidenced: the delay's proof chain, checked."""
    from ceremony.workflows import recovery as rec

    if session.sealed:
        if consent_file is None:
            return None, None
        consent = rec.read_consent(consent_file, record)
        note(
            f"consent file for ceremony {consent.ceremony_id or record.ceremony_id}, "
            "check code "
            f"{consent.check_code}: compare it with the consent card"
        )
        return consent, None
    if consent_file is not None:
        raise BadInput(
            "a consent file opens a sealed time lock; this session has an evidenced delay",
            "leave out --consent-file",
        )
    chain = rec.check_delay(session)
    note(
        f"the delay is proven: {chain.total_iterations:,} iterations in "
        f"{len(chain.segments)} segment(s), bound to notice {session.notice.notice_id}"
    )
    return None, chain


def _solve(
    session: Session, record: Record, shares: list[Share], session_dir: Path, screen: UnlockScreen
) -> Reconstruction:
    """The sealed lock's sequential squarings, checkpointed; Ctrl-C keeps the checkpoint."""
    from ceremony.workflows import recovery as rec

    lock = record.timelock
    assert lock is not None
    screen.note(f"solving the time lock: {lock.iterations:,} sequential squarings")
    try:
        with screen.progress("time lock", "sq", lock.rate_per_second) as bar:
            events = rec.SolveEvents(on_resume=screen.on_resume, progress=bar)
            return rec.rebuild(session, record, shares, solve=events)
    except KeyboardInterrupt:
        saved = rec.checkpoint_progress(session) or 0
        raise Interrupted(
            f"the time lock was interrupted: {saved:,} of {lock.iterations:,} squarings "
            f"({100 * saved // lock.iterations}%) are saved in the checkpoint",
            f"run `ceremony recover unlock {session_dir}` again and have a quorum type their "
            "shares again (any quorum): it resumes from the checkpoint, which only the value "
            "the shares open can unlock, and the tool never writes that value to disk",
        ) from None


def _release(
    session: Session, result: Reconstruction, request: UnlockRequest, screen: UnlockScreen
) -> Session:
    """Into --output (mode 0600), or on the screen after a confirmation (or with --reveal)."""
    from ceremony.workflows import recovery as rec

    if request.output is not None:
        session = rec.release_to_file(session, result, request.output, force=request.force)
        screen.note(f"the {result.release_form} was written to {request.output} (mode 0600)")
        return session
    if screen.stdin_is_terminal() and not screen.confirm_release(result.release_form):
        raise Refused(
            "nothing was released",
            "run unlock again to release it, or give --output FILE; the session stays unlocked",
        )
    screen.show_secret(result.release_text())
    session = rec.record_release(session, result, "terminal")
    screen.note(
        f"the {result.release_form} was shown; the transcript records that, never the secret"
    )
    return session


def check_release_target(request: UnlockRequest, screen: UnlockScreen) -> None:
    """Refuse an unusable destination before anyone types a share."""
    output = request.output
    if output is not None:
        if output.exists() and not request.force:
            raise Refused(
                f"{output} already exists", "choose another path, or pass --force to replace it"
            )
        return
    if not screen.stdout_is_terminal() and not request.reveal:
        raise Refused(
            "refusing to write the secret to standard output, which is not a terminal",
            "give --output FILE (written with mode 0600), or --reveal if you really mean it",
        )
    if not screen.stdin_is_terminal() and not request.reveal:
        raise Refused(
            "the secret is shown only after a confirmation at the terminal",
            "give --output FILE, or --reveal to show it without asking",
        )
