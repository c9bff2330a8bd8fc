"""Split a secret into SLIP-39 shares and prove, before anything is shown, that it worked."""

from __future__ import annotations

import secrets
from collections.abc import Callable
from dataclasses import dataclass, field

from ceremony.core import fingerprint, slip39
from ceremony.core.verify import verify_shares
from ceremony.errors import NotVerified
from ceremony.model.scheme import Scheme
from ceremony.model.secret import Secret
from ceremony.model.share import Share

Rng = Callable[[int], bytes]


@dataclass(frozen=True)
class SplitResult:
    """A verified split. `groups` holds the shares (secret), one tuple per group in plan order."""

    scheme: Scheme
    identifier: int
    fingerprint: str
    commitment: str
    groups: tuple[tuple[Share, ...], ...] = field(repr=False)

    def all_shares(self) -> list[Share]:
        return [share for group in self.groups for share in group]


def split_secret(
    scheme: Scheme, secret: Secret, passphrase: bytes, *, rng: Rng = secrets.token_bytes
) -> SplitResult:
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
