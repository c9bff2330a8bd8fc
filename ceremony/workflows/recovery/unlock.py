"""Unlocking: prove the shares consistent, open the lock, and release only the recorded secret.

A rebuilt secret counts only if both its BIP-32 fingerprint and its commitment match the record; a
wrong passphrase or mixed shares give "NOT the recorded secret" and nothing is released. The
transcript records that a release happened and where to, never what.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import assert_never

from ceremony.core import fingerprint, slip39
from ceremony.core.sealed import (
    DEFAULT_CHECKPOINT_SECONDS,
    DEFAULT_CHUNK,
    SEALED_VERSION,
    Passphrase,
    PuzzleCheckpoint,
    PuzzleSolver,
    SealedLock,
    m0_from_ems,
    secret_from_ems,
)
from ceremony.core.vdf import Chain, Progress
from ceremony.core.verify import verify_shares
from ceremony.errors import BadInput, CeremonyError, NotVerified, Refused
from ceremony.faults import crash_point
from ceremony.files import staged_file, write_atomic
from ceremony.model.record import Record
from ceremony.model.scheme import SecretKind
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.workflows.combine import minimal_subset, require_quorum
from ceremony.workflows.inputs import read_bounded
from ceremony.workflows.recovery.consent import Consent
from ceremony.workflows.recovery.delay import check_delay, record_delay
from ceremony.workflows.recovery.session import (
    CHECKPOINT_FILE,
    PREVIOUS_CHECKPOINT_FILE,
    RECOVERED,
    RELEASE_TARGETS,
    UNLOCK_STARTED,
    UNLOCKED,
    Session,
    State,
    exclusive,
    refuse_finished,
)
from ceremony.workflows.transcript import Json

# -- the sealed puzzle --------------------------------------------------------------------------


def sealed_lock(record: Record) -> SealedLock:
    """Refuse a record with no sealed lock or with a damaged modulus, before any work on the puzzle
    starts."""
    lock = record.timelock
    if lock is None or lock.mode is not TimeLockMode.SEALED:
        raise BadInput("this record has no sealed time lock", "check the record")
    try:
        modulus = int(lock.modulus_hex, 16)
    except ValueError:
        raise BadInput(
            "the record's time-lock modulus is not hexadecimal",
            "check that the record was copied without changes",
        ) from None
    return SealedLock(
        modulus=modulus, squarings=lock.iterations, version=lock.version or SEALED_VERSION
    )


@dataclass(frozen=True)
class PuzzleResume:
    """Where solving resumes: a checked checkpoint, and what was wrong with later ones."""

    checkpoint: PuzzleCheckpoint | None
    discarded: tuple[str, ...]
    """Names of checkpoint files that were damaged or belong to another lock or quorum."""


def _load_checkpoint(session: Session, solver: PuzzleSolver) -> PuzzleResume:
    discarded = []
    for name in (CHECKPOINT_FILE, PREVIOUS_CHECKPOINT_FILE):
        path = session.path / name
        if not path.exists():
            continue
        try:
            checkpoint = PuzzleCheckpoint.from_json(read_bounded(path, "checkpoint"))
            solver.check(checkpoint)
        except CeremonyError:
            discarded.append(name)
            continue
        return PuzzleResume(checkpoint, tuple(discarded))
    return PuzzleResume(None, tuple(discarded))


def _save_checkpoint(session: Session, checkpoint: PuzzleCheckpoint) -> None:
    current = session.path / CHECKPOINT_FILE
    if current.exists():
        os.replace(current, session.path / PREVIOUS_CHECKPOINT_FILE)
    write_atomic(current, checkpoint.to_json().encode(), secret=True, overwrite=True)


def _drop_checkpoints(session: Session) -> None:
    for name in (CHECKPOINT_FILE, PREVIOUS_CHECKPOINT_FILE):
        (session.path / name).unlink(missing_ok=True)


def checkpoint_progress(session: Session) -> int | None:
    """Squarings done according to the last checkpoint, unverified (status only: checking it
    needs the quorum's M0)."""
    path = session.path / CHECKPOINT_FILE
    try:
        return PuzzleCheckpoint.from_json(path.read_bytes()).done
    except (OSError, CeremonyError):
        return None


# -- rebuilding and verifying -------------------------------------------------------------------


@dataclass(frozen=True)
class Reconstruction:
    """A rebuilt secret that IS the recorded one (fingerprint and commitment both match)."""

    secret: Secret = field(repr=False)
    fingerprint: str
    commitment: str
    unlocked: dict[str, Json]
    """What opened the lock, for the transcript's `unlocked` entry."""
    chain: Chain | None = field(default=None, repr=False)
    """Evidenced mode: the checked delay chain that allowed the unlock."""

    def release_text(self) -> str:
        """The secret in the form its kind calls for: a BIP-39 phrase, or the master secret hex."""
        if self.secret.kind is SecretKind.BIP39:
            return fingerprint.bip39_phrase(self.secret)
        return self.secret.reveal().hex()

    @property
    def release_form(self) -> str:
        """How the secret will be shown, named in the question asked before it is released."""
        return "BIP-39 phrase" if self.secret.kind is SecretKind.BIP39 else "master secret (hex)"


@dataclass(frozen=True)
class SolveEvents:
    """What the command line may want to show while the sealed lock is being opened."""

    on_resume: Callable[[PuzzleResume], None] | None = None
    progress: Progress | None = None
    chunk: int | None = None
    checkpoint_every: int | None = None
    checkpoint_seconds: float = DEFAULT_CHECKPOINT_SECONDS


def rebuild(
    session: Session,
    record: Record,
    shares: Sequence[Share],
    *,
    passphrase: bytes = b"",
    consent: Consent | None = None,
    chain: Chain | None = None,
    solve: SolveEvents | None = None,
) -> Reconstruction:
    """Prove the shares consistent, open the lock, and check the result against the record.

    Evidenced: the EMS is decrypted with `passphrase` (the chain must have been checked by
    `check_delay`, and is passed in for the transcript). Sealed: P comes from `consent`, or from
    solving the puzzle (checkpointed beside the session, mode 0600, resumed, deleted when done).
    Raises NotVerified, naming it "NOT the recorded secret", when the fingerprint or the
    commitment differ; nothing is released then.
    """
    refuse_finished(session, "unlock")
    ems = _checked_ems(record, shares)
    unlocked: dict[str, Json]
    match session.notice.mode:
        case TimeLockMode.SEALED:
            chain = None  # a sealed lock has no delay chain
            secret, unlocked = _open_sealed(session, record, ems, consent, solve)
            wallet_passphrase = b""  # sealed: P opens the shares; the BIP-39 wallet has none
        case TimeLockMode.EVIDENCED:
            if consent is not None:
                raise BadInput(
                    "a consent file opens a sealed time lock; this session has an evidenced delay",
                    "leave out --consent-file",
                )
            if chain is None:
                chain = check_delay(session)
            secret = Secret(ems.decrypt(passphrase), record.kind)
            wallet_passphrase = passphrase
            unlocked = {"by": "delay", "total_iterations": chain.total_iterations}
        case unreachable:
            assert_never(unreachable)
    found_fingerprint = fingerprint.master_fingerprint(secret, wallet_passphrase)
    found_commitment = fingerprint.commitment(secret)
    if found_fingerprint != record.fingerprint or found_commitment != record.commitment:
        raise NotVerified(
            f"NOT the recorded secret: the shares rebuilt fingerprint {found_fingerprint}, the "
            f"record says {record.fingerprint}" + _commitment_note(found_commitment, record),
            _mismatch_hint(session, record, consent),
        )
    if session.sealed and consent is None:
        _drop_checkpoints(session)
    unlocked["participants"] = [share.check_code() for share in shares]
    return Reconstruction(secret, found_fingerprint, found_commitment, unlocked, chain)


def _checked_ems(record: Record, shares: Sequence[Share]) -> slip39.EncryptedSecret:
    """The quorum's encrypted master secret, proved consistent and of this record's backup, and
    the same by the reference SLIP-39 code."""
    proof = verify_shares(shares)
    require_quorum(proof, record.group_names())
    assert proof.ems is not None
    if proof.identifier != record.identifier:
        raise NotVerified(
            f"the shares belong to another backup (identifier {proof.identifier}, the record "
            f"says {record.identifier})",
            "give the shares of this ceremony",
        )
    reference = slip39.recover_ems(minimal_subset(shares, proof))
    if reference.ciphertext != proof.ems.ciphertext:
        raise NotVerified(
            "the reference SLIP-39 code and the consistency proof disagree",
            "this is a bug; do not trust this result",
        )
    return proof.ems


def _open_sealed(
    session: Session,
    record: Record,
    ems: slip39.EncryptedSecret,
    consent: Consent | None,
    solve: SolveEvents | None,
) -> tuple[Secret, dict[str, Json]]:
    """The sealed lock opened by the consent card's P, or by solving the puzzle."""
    if consent is not None:
        key = consent.passphrase
        unlocked: dict[str, Json] = {"by": "consent"}
    else:
        key = _solve(session, record, ems, solve or SolveEvents())
        unlocked = {"by": "sealed-solved"}
    secret = secret_from_ems(
        ems.ciphertext,
        key,
        identifier=ems.identifier,
        extendable=ems.extendable,
        iteration_exponent=ems.iteration_exponent,
    ).reveal()
    return Secret(secret, record.kind), unlocked


def _commitment_note(found: str, record: Record) -> str:
    if found == record.commitment:
        return " (the commitment matches, the fingerprint does not)"
    return "; the commitment differs too"


def _mismatch_hint(session: Session, record: Record, consent: Consent | None) -> str:
    if session.sealed and consent is not None:
        return (
            "nothing was released. The consent file's passphrase does not open these shares: "
            "compare its check code with the consent card, or leave out --consent-file to solve "
            "the time lock"
        )
    if record.passphrase:
        return (
            "nothing was released. A wrong passphrase gives another wallet without any error: "
            "check the passphrase (case, spaces, keyboard layout); or the shares are mixed with "
            "another backup's"
        )
    return (
        "nothing was released. The shares agree with each other but are not this record's "
        "secret: are they mixed with another backup's, or is this the record of another ceremony?"
    )


def _solve(
    session: Session, record: Record, ems: slip39.EncryptedSecret, events: SolveEvents
) -> Passphrase:
    lock = sealed_lock(record)
    m0 = m0_from_ems(
        ems.ciphertext,
        identifier=ems.identifier,
        extendable=ems.extendable,
        iteration_exponent=ems.iteration_exponent,
    )
    solver = PuzzleSolver(
        lock,
        m0,
        on_checkpoint=lambda checkpoint: _save_checkpoint(session, checkpoint),
        progress=events.progress,
        chunk=events.chunk or DEFAULT_CHUNK,
        checkpoint_every=events.checkpoint_every,
        checkpoint_seconds=events.checkpoint_seconds,
    )
    with exclusive(session):
        resume = _load_checkpoint(session, solver)
        if events.on_resume is not None:
            events.on_resume(resume)
        return solver.solve(resume.checkpoint)


# -- the transcript of an unlock ----------------------------------------------------------------


def record_attempt(session: Session) -> Session:
    """Note that an unlock begins; one that never reaches `unlocked` was interrupted or refused,
    and the audit counts it."""
    refuse_finished(session, "unlock")
    return session.append(UNLOCK_STARTED, {})


def record_unlock(
    session: Session, reconstruction: Reconstruction, *, refused_shares: int = 0
) -> Session:
    """Append `unlocked` once the secret is proven to be the recorded one (not again on a retry),
    with the check codes of the shares used and how many shares were refused on the way."""
    session = Session.open(session.path)  # as it is now, not as it was when the shares came in
    refuse_finished(session, "unlock")
    if session.state is State.UNLOCKED:
        return session
    if reconstruction.chain is not None:
        session = record_delay(session, reconstruction.chain)
    return session.append(UNLOCKED, {**reconstruction.unlocked, "refused_shares": refused_shares})


def record_release(session: Session, reconstruction: Reconstruction, released_to: str) -> Session:
    """Append `recovered` (that a release happened and where to, never what) and `closed`."""
    if released_to not in RELEASE_TARGETS:
        raise ValueError(f"released_to is one of {RELEASE_TARGETS}")
    session = Session.open(session.path)
    if session.state is not State.UNLOCKED:
        raise Refused(
            f"session {session.notice.notice_id} is not unlocked",
            "this is a bug in the caller: unlock before releasing",
        )
    return session.append(
        RECOVERED,
        {
            "fingerprint": reconstruction.fingerprint,
            "commitment": reconstruction.commitment,
            "released_to": released_to,
        },
        close=True,
    )


def write_release(path: Path, reconstruction: Reconstruction, *, force: bool = False) -> None:
    """The secret into a new file, mode 0600, atomically (nothing recorded: see
    `release_to_file`)."""
    write_atomic(
        path, (reconstruction.release_text() + "\n").encode(), secret=True, overwrite=force
    )


def release_to_file(
    session: Session, reconstruction: Reconstruction, path: Path, *, force: bool = False
) -> Session:
    """The secret into a new file, mode 0600, recorded first: the transcript's `recovered` entry
    is written while the secret is still a temporary copy, and the copy is renamed into place only
    after it. A crash in between leaves a recorded release without a file (the temporary copy is
    removed by the next write to that path), never a secret file whose release is unrecorded."""
    with staged_file(path, secret=True, overwrite=force) as pending:
        pending.write((reconstruction.release_text() + "\n").encode())
        closed = record_release(session, reconstruction, "file")
        crash_point("release.recorded")
    return closed
