"""SECRET HANDLING. The arithmetic of a secret's later life: more shares for one group, and a new
share set for the same encrypted master secret.

Extending a group. Inside a group every member share is a point (x, f(x)) of one polynomial f of
degree threshold - 1 over GF(256), with the group's share at x = 255 and its digest at x = 254. Any
`threshold` shares fix f, so they let anyone evaluate f at an unused member index: the new share
lies on the same polynomial as the old ones, so every qualifying set of old and new shares gives the
same group share, and so (one level up, unchanged) the same master secret. SLIP-39 shares do not
encode how many members a group has, so the old shares stay valid beside the new ones. Neither the
other groups nor the master secret are touched.

Resharing. With the extendable-backup flag, the Feistel cipher's salt does not contain the share
set's identifier, so the same encrypted master secret (EMS) under a new identifier, split under any
scheme, decrypts to the same master secret for every passphrase. The EMS is rebuilt from a quorum;
the master secret itself is never decrypted here.

Checks raise; nothing returns a bool to forget.
"""

from __future__ import annotations

import secrets
from collections.abc import Collection, Sequence
from dataclasses import dataclass, field

from ceremony.core import gf256, slip39
from ceremony.core.slip39 import EncryptedSecret
from ceremony.core.verify import verify_shares
from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.model.scheme import Scheme
from ceremony.model.share import Share
from ceremony.model.sources import Rng

MAX_MEMBERS = 16


@dataclass(frozen=True)
class GroupExtension:
    """New shares of one group and the proof facts. `shares` are SECRET."""

    identifier: int
    group_index: int
    member_threshold: int
    used: tuple[int, ...]
    """Member indexes (0-based) issued before, as the caller said."""
    shares: tuple[Share, ...] = field(repr=False)

    @property
    def members(self) -> tuple[int, ...]:
        """The new shares' member indices (0-based), in the order they were made."""
        return tuple(s.member_index for s in self.shares)


def check_group_shares(shares: Sequence[Share]) -> Share:
    """The typed shares are one group's threshold of one share set, and lie on one polynomial with
    a valid digest. Returns one of them as a template for new shares."""
    if not shares:
        raise BadInput("no shares were given", "the group's holders type their shares")
    first = shares[0]
    for share in shares[1:]:
        if share.identifier != first.identifier:
            raise BadInput(
                f"the shares come from two ceremonies ({first.prefix!r} and {share.prefix!r})",
                "shares of one backup begin with the same two words; each holder types the "
                "card of this ceremony",
            )
        if share.group_index != first.group_index:
            raise BadInput(
                f"the shares come from two groups (group {first.group_number} and group "
                f"{share.group_number})",
                "only holders of the group being extended type their shares",
            )
    if len(shares) < first.member_threshold:
        raise BadInput(
            f"{len(shares)} share(s) of group {first.group_number} were given; its threshold is "
            f"{first.member_threshold}",
            f"{first.member_threshold} holders of the group must type their shares",
        )
    proof = verify_shares(shares)
    status = proof.status_of(first.group_index)
    if status is None or not status.complete:  # pragma: no cover - checked just above
        raise NotVerified("the group's shares could not be checked", "this is a bug")
    return first


def extend_group(
    shares: Sequence[Share], used: Collection[int], new_members: Sequence[int]
) -> GroupExtension:
    """Evaluate the group's member polynomial at `new_members` (0-based member indexes).

    `shares`: at least the group's threshold of its shares (typed by their holders). `used`: every
    member index issued before (from the record), which new shares must not reuse.
    """
    template = check_group_shares(shares)
    if template.member_threshold == 1:
        raise Refused(
            f"group {template.group_number} has a threshold of 1: every share of it is the same "
            "words, and SLIP-39 allows such a group only one member",
            "to replace a worn card, reprint it (`ceremony reprint`); to add holders, reshare "
            "under a scheme with a larger group (`ceremony reshare`)",
        )
    taken = set(used) | {s.member_index for s in shares}
    if not new_members:
        raise BadInput("no new member was asked for", "name at least one new holder")
    if len(set(new_members)) != len(new_members):
        raise BadInput("a new member index is given twice", "give each new holder its own member")
    for index in new_members:
        if index in taken:
            raise BadInput(
                f"member {index + 1} of group {template.group_number} is already used",
                "a new share needs an unused member number; leave the number out to take the "
                "next free one",
            )
        if not 0 <= index < MAX_MEMBERS:
            raise BadInput(
                f"member {index + 1} of group {template.group_number}: a SLIP-39 group holds at "
                f"most {MAX_MEMBERS} members",
                "to add more holders, reshare under a new scheme (`ceremony reshare`)",
            )
    basis = [(s.member_index, s.value) for s in shares[: template.member_threshold]]
    new = tuple(
        slip39.share_at(template, index, gf256.interpolate(basis, index)) for index in new_members
    )
    prove_group_extension(shares, new)
    return GroupExtension(
        identifier=template.identifier,
        group_index=template.group_index,
        member_threshold=template.member_threshold,
        used=tuple(sorted(set(used))),
        shares=new,
    )


def prove_group_extension(old: Sequence[Share], new: Sequence[Share]) -> None:
    """Old and new shares of the group lie on one polynomial of degree threshold - 1 whose digest
    holds, so every qualifying set of them gives the same group share; and the new shares alone,
    when they reach the threshold, give it too."""
    together = [*old, *new]
    proof = verify_shares(together)
    status = proof.status_of(old[0].group_index)
    if status is None or status.present != len(together) or len(proof.groups) != 1:
        raise NotVerified(
            "the new shares are not of the extended group", "this is a bug; do not use them"
        )
    threshold = old[0].member_threshold
    if len(new) >= threshold:
        verify_shares(list(new))


@dataclass(frozen=True)
class Reshare:
    """A new share set for the same EMS. `groups` are SECRET."""

    old_identifier: int
    ems: EncryptedSecret = field(repr=False)
    groups: tuple[tuple[Share, ...], ...] = field(repr=False)

    def all_shares(self) -> list[Share]:
        """Every new share in plan order, for the kit writer and the re-entry check."""
        return [share for group in self.groups for share in group]


def rebuild_ems(shares: Sequence[Share]) -> EncryptedSecret:
    """The EMS of a quorum of old shares, refusing shares that cannot be reshared to one wallet."""
    proof = verify_shares(shares)
    if proof.ems is None:
        missing = proof.group_threshold - proof.complete_groups
        raise BadInput(
            f"the shares given are not a quorum: {proof.complete_groups} complete group(s) of "
            f"the {proof.group_threshold} needed",
            f"holders of {missing} more group(s) must type their shares, each group up to its "
            "threshold",
        )
    if not proof.ems.extendable:
        raise Refused(
            "these shares were made without the extendable-backup flag: under a new identifier "
            "they would open a different wallet",
            "to change who holds shares, extend or replace within the scheme (`ceremony "
            "extend`), or run a new ceremony (`ceremony run`) and move the funds to its wallet",
        )
    return proof.ems


def reshare(old: EncryptedSecret, scheme: Scheme, *, rng: Rng = secrets.token_bytes) -> Reshare:
    """Split the same EMS under a new identifier and `scheme`, and prove it."""
    if not old.extendable:
        raise Refused(
            "the old share set is not extendable", "a reshare needs the extendable-backup flag"
        )
    if not scheme.extendable:
        raise BadInput(
            "the new scheme is not extendable",
            "set extendable = true in the new plan: the wallet stays the same only then",
        )
    if scheme.iteration_exponent != old.iteration_exponent:
        raise BadInput(
            f"the new plan's iteration exponent is {scheme.iteration_exponent}, the shares' "
            f"{old.iteration_exponent}",
            f"set iteration_exponent = {old.iteration_exponent} in the new plan: it is part of "
            "the encryption and must stay",
        )
    if scheme.strength_bits != len(old.ciphertext) * 8:
        raise BadInput(
            f"the new plan's strength is {scheme.strength_bits} bits, the secret's "
            f"{len(old.ciphertext) * 8}",
            f"set strength = {len(old.ciphertext) * 8} in the new plan",
        )
    identifier = old.identifier
    while identifier == old.identifier:
        identifier = slip39.new_identifier(rng)
    ems = EncryptedSecret(identifier, True, old.iteration_exponent, old.ciphertext)
    groups = slip39.split_ems(ems, scheme, rng=rng)
    result = Reshare(old_identifier=old.identifier, ems=ems, groups=groups)
    prove_reshare(old, result, scheme)
    return result


def prove_reshare(old: EncryptedSecret, new: Reshare, scheme: Scheme) -> None:
    """Every qualifying set of the new shares rebuilds the old EMS bytes under the new identifier
    with the extendable flag, so every passphrase opens the same wallet as before."""
    shares = new.all_shares()
    proof = verify_shares(shares)
    for spec, status in zip(scheme.groups, proof.groups, strict=True):
        if status.present != spec.count:
            raise NotVerified(f"group {spec.name}: shares missing", "this is a bug")
    if proof.ems is None or proof.complete_groups != len(scheme.groups):
        raise NotVerified("the new shares are not a quorum", "this is a bug")
    rebuilt = proof.ems
    if (
        rebuilt.ciphertext != old.ciphertext
        or not rebuilt.extendable
        or rebuilt.iteration_exponent != old.iteration_exponent
        or rebuilt.identifier == old.identifier
    ):
        raise NotVerified(
            "the new shares do not carry the old encrypted secret", "this is a bug; do not use them"
        )
