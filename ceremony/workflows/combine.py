"""Combine shares into the secret, after proving that all the given shares agree."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from ceremony.core import fingerprint, slip39
from ceremony.core.verify import SetProof, verify_shares
from ceremony.errors import BadInput, NotVerified
from ceremony.model.scheme import SecretKind
from ceremony.model.secret import Secret
from ceremony.model.share import Share

if TYPE_CHECKING:  # the record only with --record: combine starts without loading it
    from ceremony.model.record import Record


@dataclass(frozen=True)
class Recovered:
    secret: Secret = field(repr=False)
    fingerprint: str
    commitment: str
    identifier: int
    proof: SetProof = field(repr=False)


@dataclass(frozen=True)
class GroupProgress:
    """How many shares of one group are in, of how many needed."""

    name: str
    present: int
    threshold: int

    @property
    def complete(self) -> bool:
        """Whether this group already has its threshold of shares."""
        return self.present >= self.threshold

    def line(self) -> str:
        """One progress line for the screen; extra shares beyond the threshold are not counted."""
        done = " (complete)" if self.complete else ""
        return f"{self.name}: {min(self.present, self.threshold)} of {self.threshold} needed{done}"


def progress_text(
    groups: Sequence[GroupProgress], *, group_threshold: int, group_count: int
) -> list[str]:
    """Per group, then overall: the lines people read while shares come in."""
    complete = sum(1 for group in groups if group.complete)
    return [
        *(group.line() for group in groups),
        f"groups: {complete} of {group_threshold} needed (of {group_count})",
    ]


def progress_lines(proof: SetProof) -> list[str]:
    """Progress of a set of shares whose groups are known only by number."""
    groups = [GroupProgress(f"group {g.number}", g.present, g.threshold) for g in proof.groups]
    return progress_text(
        groups, group_threshold=proof.group_threshold, group_count=proof.group_count
    )


def require_quorum(proof: SetProof, names: Sequence[str] | None = None) -> None:
    """Raise BadInput, naming each group that is short and by how much, unless the shares reach the
    quorum."""
    if proof.ems is not None:
        return
    missing = []
    for status in proof.groups:
        if not status.complete:
            label = (
                names[status.index]
                if names and status.index < len(names)
                else f"group {status.number}"
            )
            missing.append(f"{label} has {status.present} of {status.threshold}")
    need = proof.group_threshold - proof.complete_groups
    detail = "; ".join(missing)
    raise BadInput(
        f"too few shares: {proof.complete_groups} of {proof.group_threshold} groups complete"
        + (f" ({detail})" if detail else ""),
        f"bring shares to complete {need} more group(s)",
    )


def minimal_subset(shares: Sequence[Share], proof: SetProof) -> list[Share]:
    """Just enough shares (the threshold of each complete group, up to the group threshold) for the
    reference SLIP-39 code."""
    chosen: list[Share] = []
    groups = [g for g in proof.groups if g.complete][: proof.group_threshold]
    for status in groups:
        members = sorted(
            (s for s in shares if s.group_index == status.index), key=lambda s: s.member_index
        )
        chosen.extend(members[: status.threshold])
    return chosen


def verify(shares: Sequence[Share]) -> SetProof:
    """`verify-shares`: the consistency proof of the shares, without rebuilding the secret."""
    return verify_shares(shares)


def combine_shares(shares: Sequence[Share], passphrase: bytes, kind: SecretKind) -> Recovered:
    """Recover only after the consistency proof and the reference SLIP-39 code agree; a disagreement
    is a bug and refuses."""
    proof = verify_shares(shares)
    require_quorum(proof)
    assert proof.ems is not None
    # Cross-check: the reference implementation on a minimal subset gives the same EMS.
    reference = slip39.recover_ems(minimal_subset(shares, proof))
    if reference.ciphertext != proof.ems.ciphertext:
        raise NotVerified(
            "the reference SLIP-39 code and the consistency proof disagree",
            "this is a bug; do not trust this result",
        )
    secret = Secret(proof.ems.decrypt(passphrase), kind)
    return Recovered(
        secret=secret,
        fingerprint=fingerprint.master_fingerprint(secret, passphrase),
        commitment=fingerprint.commitment(secret),
        identifier=proof.identifier,
        proof=proof,
    )


def combine(
    read_shares: Callable[[], Sequence[Share]],
    passphrase_file: Path | None,
    kind: SecretKind,
    record_path: Path | None,
    notes: Callable[[str], None],
) -> Recovered:
    """`ceremony combine`: warn first when the record sets a time lock, then read the shares
    (`read_shares` may prompt), rebuild, and say whether it is the recorded secret."""
    from ceremony.workflows.inputs import read_passphrase_file

    found = None
    if record_path is not None:  # the recovery package (kits, paper content) only when asked
        from ceremony.workflows.recovery.session import read_record

        found = read_record(record_path)
        warning = time_lock_warning(found.record, str(record_path))
        if warning:
            notes(warning)
    shares = read_shares()
    passphrase = read_passphrase_file(passphrase_file)
    recovered = combine_shares(shares, passphrase, kind)
    for line in progress_lines(recovered.proof):
        notes(line)
    notes("all given shares agree; the secret was rebuilt")
    if found is not None:
        notes(record_verdict(recovered, found.record))
    return recovered


def time_lock_warning(record: Record, record_path: str) -> str | None:
    """What `combine --record` says before rebuilding when the record shows a time lock: the
    delay binds only the session path, which it names."""
    from ceremony.model.timelock_mode import TimeLockMode

    lock = record.timelock
    if lock is None:
        return None
    session = f"ceremony recover start --record {record_path}"
    if lock.mode is TimeLockMode.SEALED:
        return (
            "warning: this record has a sealed time lock: these shares alone give the locked "
            "master secret, not the recorded secret (its fingerprint will not match); the "
            f"time-locked path is `{session}`, then `ceremony recover unlock SESSION`"
        )
    return (
        f"warning: this record sets an evidenced delay ({lock.iterations} VDF iterations after a "
        "notice); combining here skips it and leaves no notice and no evidence. The agreed "
        f"recovery is `{session}`, then `ceremony recover wait SESSION` and `ceremony recover "
        "unlock SESSION`"
    )


def record_verdict(recovered: Recovered, record: Record) -> str:
    """Whether the rebuilt secret is the recorded one: fingerprint and commitment both."""
    if (recovered.fingerprint, recovered.commitment) == (record.fingerprint, record.commitment):
        return "this IS the recorded secret: fingerprint and commitment match the record"
    return (
        f"this is NOT the recorded secret: fingerprint {recovered.fingerprint}, the record's "
        f"{record.fingerprint} (a wrong passphrase, another kind, or shares of another backup)"
    )
