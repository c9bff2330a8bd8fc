"""Split a secret into SLIP-39 shares and prove, before anything is shown, that it worked."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field, replace

from ceremony.core import fingerprint, slip39
from ceremony.core.sealed import Passphrase, SealedLock, seal_ems
from ceremony.core.verify import verify_shares
from ceremony.errors import BadInput, NotVerified
from ceremony.model.passphrase import consent_check_code
from ceremony.model.record import TimeLockInfo
from ceremony.model.scheme import Scheme
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.model.sources import Rng
from ceremony.workflows.timelock_policy import SEALED, with_lock


@dataclass(frozen=True)
class SplitResult:
    """A verified split. `groups` holds the shares (secret), one tuple per group in plan order."""

    scheme: Scheme
    identifier: int
    fingerprint: str
    commitment: str
    groups: tuple[tuple[Share, ...], ...] = field(repr=False)

    def all_shares(self) -> list[Share]:
        """Every share, group by group, in member order."""
        return [share for group in self.groups for share in group]


def split_secret(
    scheme: Scheme, secret: Secret, passphrase: bytes, *, rng: Rng = secrets.token_bytes
) -> SplitResult:
    """Split and then prove the split recovers the same fingerprint, so bad shares are never
    returned."""
    ems = slip39.encrypt(secret.reveal(), scheme, passphrase, rng=rng)
    groups = slip39.split_ems(ems, scheme, rng=rng)
    result = SplitResult(
        scheme=scheme,
        identifier=ems.identifier,
        fingerprint=fingerprint.master_fingerprint(secret, passphrase),
        commitment=fingerprint.commitment(secret),
        groups=groups,
    )
    prove_split(result, passphrase)
    return result


def prove_split(result: SplitResult, passphrase: bytes) -> None:
    """Every issued share is present and consistent, and they rebuild exactly the secret."""
    shares = result.all_shares()
    proof = verify_shares(shares)
    for spec, status in zip(result.scheme.groups, proof.groups, strict=True):
        if status.present != spec.count:
            raise NotVerified(
                f"group {spec.name}: {status.present} shares issued, {spec.count} expected",
                "this is a bug; do not use these shares",
            )
    if proof.ems is None or proof.complete_groups != len(result.scheme.groups):
        raise NotVerified(
            "the split did not produce a quorum of complete groups",
            "this is a bug; do not use these shares",
        )
    rebuilt = Secret(proof.ems.decrypt(passphrase), result.scheme.kind)
    if fingerprint.commitment(rebuilt) != result.commitment:
        raise NotVerified(
            "the shares do not rebuild the secret that was split",
            "this is a bug; do not use these shares",
        )


@dataclass(frozen=True)
class SealedSplit:
    """A split whose secret is sealed under a time lock: S = decrypt(EMS, P), P = f(x^(2^T) mod N).

    `consent` is P, the consent-card passphrase: SECRET, the fast path past the time lock.
    """

    result: SplitResult
    lock: SealedLock
    consent: Passphrase = field(repr=False)


def split_sealed(
    scheme: Scheme, ems_bytes: bytes, squarings: int, *, rng: Rng = secrets.token_bytes
) -> SealedSplit:
    """Seal a random EMS under a fresh time lock and split it. The factors of N never leave
    `core.sealed.seal`. In sealed mode the BIP-39 passphrase (kind bip39) is empty: P only unlocks
    the shares."""
    identifier = slip39.new_identifier(rng)
    sealed = seal_ems(
        ems_bytes,
        squarings,
        identifier=identifier,
        extendable=scheme.extendable,
        iteration_exponent=scheme.iteration_exponent,
        rng=rng,
    )
    secret = Secret(sealed.secret.reveal(), scheme.kind)
    ems = slip39.EncryptedSecret(
        identifier=identifier,
        extendable=scheme.extendable,
        iteration_exponent=scheme.iteration_exponent,
        ciphertext=ems_bytes,
    )
    groups = slip39.split_ems(ems, scheme, rng=rng)
    result = SplitResult(
        scheme=scheme,
        identifier=identifier,
        fingerprint=fingerprint.master_fingerprint(secret, b""),
        commitment=fingerprint.commitment(secret),
        groups=groups,
    )
    prove_split(result, sealed.passphrase.slip39_bytes())
    return SealedSplit(result=result, lock=sealed.lock, consent=sealed.passphrase)


@dataclass(frozen=True)
class Unsealed:
    """A split whose shares are plain SLIP-39 of the secret, with the (optional) passphrase.

    `timelock` is an evidenced delay's calibration (recorded, enforced by the recovery tool), never
    a sealed lock: a sealed lock is a `Sealed` split, so its parameters cannot be left out."""

    result: SplitResult
    passphrase_used: bool
    timelock: TimeLockInfo | None = None

    def __post_init__(self) -> None:
        if self.timelock is not None and self.timelock.mode == SEALED:
            raise ValueError("a sealed time lock is a Sealed split, not an Unsealed one")


@dataclass(frozen=True)
class Sealed:
    """A split whose secret is sealed: the lock's parameters (N, T, version, both bounds) travel
    with it, and so does P, for the consent card when `consent_card` is set."""

    sealed: SealedSplit
    timelock: TimeLockInfo
    consent_card: bool

    def __post_init__(self) -> None:
        lock = self.sealed.lock
        if (
            self.timelock.mode != SEALED
            or self.timelock.modulus_hex != f"{lock.modulus:x}"
            or self.timelock.iterations != lock.squarings
        ):
            raise ValueError("the recorded time lock is not the lock that sealed the secret")

    @property
    def result(self) -> SplitResult:
        """The split under the sealed lock; the lock was checked against the recorded time lock on
        creation."""
        return self.sealed.result

    @property
    def consent(self) -> Passphrase | None:
        """P when the kit carries a consent card, else None. SECRET."""
        return self.sealed.consent if self.consent_card else None


KitSplit = Unsealed | Sealed


def make_split(
    scheme: Scheme,
    secret: Secret,
    passphrase: bytes,
    *,
    timelock: TimeLockInfo | None = None,
    consent_card: bool = False,
    rng: Rng = secrets.token_bytes,
) -> KitSplit:
    """The one split that `ceremony split` and the guided ceremony share. With a sealed
    `timelock` (calibrated, not yet bound to a lock) the secret's bytes become the EMS and are
    sealed under a fresh lock of `timelock.iterations` squarings."""
    if timelock is None or timelock.mode != SEALED:
        result = split_secret(scheme, secret, passphrase, rng=rng)
        return Unsealed(result, passphrase_used=bool(passphrase), timelock=timelock)
    if passphrase:
        raise BadInput(
            "a sealed time lock cannot be combined with a passphrase",
            "a sealed time lock makes its own passphrase; leave the passphrase out",
        )
    sealed = split_sealed(scheme, secret.reveal(), timelock.iterations, rng=rng)
    info = with_lock(timelock, sealed.lock, consent_card)
    if consent_card:
        info = replace(info, consent_check_code=consent_check_code(sealed.consent.reveal()))
    return Sealed(sealed, info, consent_card)
