"""SECRET HANDLING. Proof that every qualifying subset of a share set rebuilds the same secret.

Enumerating subsets is exponential (16 groups of 16 have more qualifying subsets than atoms). Instead:
inside each group, every share and the digest point lie on one polynomial of degree threshold - 1
over GF(256) exactly when any `threshold` of them interpolate to the same group secret; the same holds
one level up for the group secrets. So checking that all points lie on the polynomial fixed by the
first `threshold` of them, and that the SLIP-39 digest (HMAC-SHA256 at x = 254 over the secret at
x = 255) holds, proves that every qualifying subset agrees, in time polynomial in the share count.

Checks raise; nothing here returns a bool that a caller could forget to look at.
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Sequence
from dataclasses import dataclass, field

from ceremony.core import gf256
from ceremony.core.slip39 import EncryptedSecret
from ceremony.errors import BadInput, NotVerified
from ceremony.model.share import Share

SECRET_X = 255
DIGEST_X = 254
DIGEST_BYTES = 4


@dataclass(frozen=True)
class GroupStatus:
    """What the given shares of one group amount to."""

    index: int
    threshold: int
    present: int

    @property
    def complete(self) -> bool:
        """Whether enough of this group's shares are present to rebuild its part."""
        return self.present >= self.threshold

    @property
    def number(self) -> int:
        """1-based, as people count."""
        return self.index + 1


@dataclass(frozen=True)
class SetProof:
    """The outcome of a successful verification. `ems` is set only when a quorum is present."""

    identifier: int
    group_threshold: int
    group_count: int
    groups: tuple[GroupStatus, ...]
    ems: EncryptedSecret | None = field(repr=False)

    @property
    def complete_groups(self) -> int:
        """How many groups can be rebuilt, to say how far the set is from a quorum."""
        return sum(1 for g in self.groups if g.complete)

    @property
    def quorum(self) -> bool:
        """Whether the shares rebuilt the encrypted secret: enough groups, and they agree."""
        return self.ems is not None

    def status_of(self, group_index: int) -> GroupStatus | None:
        """The status of one group (by 0-based index), or None when no share of it was given."""
        for group in self.groups:
            if group.index == group_index:
                return group
        return None


def _digest_ok(secret: bytes, digest_share: bytes) -> bool:
    expected = hmac.new(digest_share[DIGEST_BYTES:], secret, hashlib.sha256).digest()
    return hmac.compare_digest(expected[:DIGEST_BYTES], digest_share[:DIGEST_BYTES])


def _outliers(points: Sequence[tuple[int, bytes]], threshold: int) -> list[int]:
    """Positions of the points that do not lie on the polynomial most of the points agree on."""
    if len(points) <= threshold:
        return []
    best: list[int] = list(range(len(points)))
    # Try each threshold-sized window as the defining set; the polynomial that explains the most
    # points wins. Polynomial in the share count: at most n windows of n evaluations.
    for start in range(len(points) - threshold + 1):
        basis = points[start : start + threshold]
        bad = [
            i
            for i, (x, y) in enumerate(points)
            if not start <= i < start + threshold and gf256.interpolate(basis, x) != y
        ]
        if len(bad) < len(best):
            best = bad
    return best


def _rebuild(points: Sequence[tuple[int, bytes]], threshold: int) -> tuple[bytes, list[int]]:
    """The secret of a polynomial through all points, or the positions of points off it."""
    if threshold == 1:
        first = points[0][1]
        return first, [i for i, (_, y) in enumerate(points) if y != first]
    basis = points[:threshold]
    bad = [
        i
        for i, (x, y) in enumerate(points[threshold:], start=threshold)
        if gf256.interpolate(basis, x) != y
    ]
    if bad:
        return b"", _outliers(points, threshold) or bad
    secret = gf256.interpolate(basis, SECRET_X)
    digest = gf256.interpolate(basis, DIGEST_X)
    if not _digest_ok(secret, digest):
        return b"", list(range(len(points)))
    return secret, []


def _check_common(shares: Sequence[Share]) -> None:
    if not shares:
        raise BadInput("no shares were given", "give the shares one per line")
    first = shares[0]
    for share in shares[1:]:
        if (share.identifier, share.extendable, share.iteration_exponent) != (
            first.identifier,
            first.extendable,
            first.iteration_exponent,
        ):
            raise BadInput(
                f"the shares come from different sets: {first.prefix!r} and {share.prefix!r}",
                "shares of one backup begin with the same two words; remove the ones that differ",
            )
        if (share.group_threshold, share.group_count) != (first.group_threshold, first.group_count):
            raise BadInput(
                f"the shares {first.prefix!r} and {share.prefix!r} disagree on the group "
                "threshold or group count",
                "one of them belongs to another backup, or was copied wrongly",
            )
    seen: dict[tuple[int, int], Share] = {}
    for share in shares:
        key = (share.group_index, share.member_index)
        other = seen.get(key)
        if other is not None:
            if other.words == share.words:
                raise BadInput(
                    f"the same share was given twice ({share.label()})",
                    "give each share once",
                )
            raise NotVerified(
                f"two different shares claim to be {share.label()}",
                "one of them is wrong or from another backup; check both cards",
            )
        seen[key] = share
    by_group: dict[int, Share] = {}
    for share in shares:
        known = by_group.setdefault(share.group_index, share)
        if known.member_threshold != share.member_threshold:
            raise BadInput(
                f"shares of group {share.group_number} disagree on its member threshold "
                f"({known.prefix!r} and {share.prefix!r})",
                "one of them belongs to another backup, or was copied wrongly",
            )
        if len(known.value) != len(share.value):
            raise BadInput(
                f"shares {known.prefix!r} and {share.prefix!r} have different lengths",
                "they cannot belong to the same backup; remove the one that differs",
            )


def verify_shares(shares: Sequence[Share]) -> SetProof:
    """Prove that the given shares are consistent, so every qualifying subset of them agrees.

    Groups with fewer shares than their threshold cannot be checked (any points fit some
    polynomial); they are reported as incomplete. Raises NotVerified naming the share(s) off the
    polynomial, or the group whose digest fails.
    """
    _check_common(shares)
    first = shares[0]
    groups: dict[int, list[Share]] = {}
    for share in shares:
        groups.setdefault(share.group_index, []).append(share)
    statuses = []
    group_points: list[tuple[int, bytes]] = []
    for index in sorted(groups):
        members = sorted(groups[index], key=lambda s: s.member_index)
        threshold = members[0].member_threshold
        statuses.append(GroupStatus(index=index, threshold=threshold, present=len(members)))
        if len(members) < threshold:
            continue
        points = [(s.member_index, s.value) for s in members]
        secret, bad = _rebuild(points, threshold)
        if bad:
            if len(bad) == len(members):
                raise NotVerified(
                    f"group {index + 1}: its {len(members)} shares do not rebuild a valid group "
                    "share (the SLIP-39 digest does not match)",
                    "one of these shares was altered or belongs to another backup; "
                    "check each card with `ceremony check-share`",
                )
            names = ", ".join(members[i].label() for i in bad)
            raise NotVerified(
                f"group {index + 1}: inconsistent share(s): {names}",
                "these shares do not lie on the same polynomial as the others in their group; "
                "check those cards with `ceremony check-share`",
            )
        group_points.append((index, secret))
    if len(group_points) < first.group_threshold:
        return SetProof(
            first.identifier, first.group_threshold, first.group_count, tuple(statuses), None
        )
    ems_bytes, bad = _rebuild(group_points, first.group_threshold)
    if bad:
        if len(bad) == len(group_points):
            raise NotVerified(
                f"the {len(group_points)} complete groups do not rebuild a valid secret "
                "(the SLIP-39 digest does not match)",
                "a share in one of these groups was altered, or the groups come from different "
                "backups; check each card with `ceremony check-share`",
            )
        names = ", ".join(f"group {group_points[i][0] + 1}" for i in bad)
        raise NotVerified(
            f"inconsistent group(s): {names} disagree with the other groups",
            "a share in that group was altered or comes from another backup",
        )
    ems = EncryptedSecret(
        identifier=first.identifier,
        extendable=first.extendable,
        iteration_exponent=first.iteration_exponent,
        ciphertext=ems_bytes,
    )
    return SetProof(
        first.identifier, first.group_threshold, first.group_count, tuple(statuses), ems
    )
