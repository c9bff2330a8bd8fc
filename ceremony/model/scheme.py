"""A sharing scheme: named groups with member thresholds, a group threshold, the secret's strength
and kind. Every SLIP-39 limit is checked here, with a message that names the problem."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from enum import StrEnum

from ceremony.errors import BadInput

MAX_GROUPS = 16
MAX_MEMBERS = 16
MIN_STRENGTH = 128
MAX_STRENGTH = 256
"""What this tool makes. What it reads is wider: any secret SLIP-39 allows, see MAX_READ_STRENGTH."""
MAX_READ_STRENGTH = 1024
"""SLIP-39 sets no upper bound; other tools write 512-bit secrets (59-word shares). Shares of up to
1024-bit secrets (110 words) are read and combined."""
MAX_ITERATION_EXPONENT = 15
GROUP_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,39}$")
GROUP_TEXT = re.compile(r"^\s*([^=\s]+)\s*=\s*(\d+)\s*of\s*(\d+)\s*$", re.IGNORECASE)


class SecretKind(StrEnum):
    """What the master secret is used as; it changes the fingerprint and what recovery prints."""

    SLIP39 = "slip39"
    """The master secret is the wallet seed: SLIP-39 wallets use it directly as the BIP-32 seed."""
    BIP39 = "bip39"
    """The master secret is BIP-39 entropy: recovery gives back the BIP-39 phrase."""

    @classmethod
    def from_text(cls, text: str) -> SecretKind:
        """The kind named on a command line, in any case."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise BadInput(
                f"unknown secret kind {text!r}",
                "use slip39 (the master secret is the wallet seed) or bip39 (BIP-39 entropy)",
            ) from None


@dataclass(frozen=True)
class GroupSpec:
    """One named group: `threshold` of its `count` members are needed to rebuild the group's share."""

    name: str
    threshold: int
    count: int
    holders: tuple[str, ...] = field(default=())

    def __post_init__(self) -> None:
        if not GROUP_NAME.match(self.name):
            raise BadInput(
                f"group name {self.name!r} is not usable",
                "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit",
            )
        if not 1 <= self.count <= MAX_MEMBERS:
            raise BadInput(
                f"group {self.name}: {self.count} members; SLIP-39 allows 1 to {MAX_MEMBERS}",
                f"split the group, or use at most {MAX_MEMBERS} members per group",
            )
        if not 1 <= self.threshold <= self.count:
            raise BadInput(
                f"group {self.name}: threshold {self.threshold} is above its {self.count} members"
                if self.threshold > self.count
                else f"group {self.name}: threshold must be at least 1",
                "a group's threshold must be between 1 and its member count, as in treasury=2of3",
            )
        if self.threshold == 1 and self.count > 1:
            raise BadInput(
                f"group {self.name}: a threshold of 1 with {self.count} members is not allowed "
                "by SLIP-39",
                f"use {self.name}=1of1 and add more groups, or raise the threshold",
            )
        if self.holders and len(self.holders) != self.count:
            raise BadInput(
                f"group {self.name}: {len(self.holders)} holders named for {self.count} shares",
                "name exactly one holder per share",
            )

    @classmethod
    def from_text(cls, text: str) -> GroupSpec:
        """Parse `NAME=TofN`, for example `treasury=2of3`."""
        match = GROUP_TEXT.match(text)
        if not match:
            raise BadInput(
                f"cannot read group {text!r}",
                "write a group as NAME=TofN, for example treasury=2of3",
            )
        name, threshold, count = match.group(1), int(match.group(2)), int(match.group(3))
        return cls(name=name, threshold=threshold, count=count)

    def to_text(self) -> str:
        """The group as `--group` takes it (name=2of3), so a printed command can be run."""
        return f"{self.name}={self.threshold}of{self.count}"


@dataclass(frozen=True)
class Scheme:
    """A two-level SLIP-39 scheme plus what the secret is."""

    group_threshold: int
    groups: tuple[GroupSpec, ...]
    strength_bits: int = 256
    kind: SecretKind = SecretKind.SLIP39
    iteration_exponent: int = 1
    extendable: bool = True

    def __post_init__(self) -> None:
        if not self.groups:
            raise BadInput(
                "no groups given", "give at least one group, as in --group treasury=2of3"
            )
        if len(self.groups) > MAX_GROUPS:
            raise BadInput(
                f"{len(self.groups)} groups; SLIP-39 allows at most {MAX_GROUPS}",
                f"merge groups so that there are at most {MAX_GROUPS}",
            )
        names = [g.name.lower() for g in self.groups]
        for name in names:
            if names.count(name) > 1:
                raise BadInput(
                    f"group name {name!r} is used twice", "give every group its own name"
                )
        if not 1 <= self.group_threshold <= len(self.groups):
            raise BadInput(
                f"group threshold {self.group_threshold} is above the {len(self.groups)} groups"
                if self.group_threshold > len(self.groups)
                else "group threshold must be at least 1",
                "the group threshold must be between 1 and the number of groups",
            )
        check_strength(self.strength_bits, self.kind)
        if not 0 <= self.iteration_exponent <= MAX_ITERATION_EXPONENT:
            raise BadInput(
                f"iteration exponent {self.iteration_exponent} is outside 0 to "
                f"{MAX_ITERATION_EXPONENT}",
                "use a small exponent such as 1 (each step doubles the passphrase work)",
            )

    @property
    def strength_bytes(self) -> int:
        """The master secret's length in bytes."""
        return self.strength_bits // 8

    @property
    def share_count(self) -> int:
        """All shares of all groups: one holder kit each."""
        return sum(g.count for g in self.groups)

    @property
    def words_per_share(self) -> int:
        """20 words for 128-bit secrets, 33 for 256-bit: 4 metadata, ceil(bits / 10) value, 3 checksum."""
        padded = -(-self.strength_bits // 10)
        return 4 + padded + 3

    def summary(self) -> str:
        """One line for the screen and the transcript, such as "2 of 3 groups needed: ..."."""
        groups = ", ".join(g.to_text() for g in self.groups)
        return f"{self.group_threshold} of {len(self.groups)} groups needed: {groups}"


def check_read_strength(bits: int, kind: SecretKind) -> None:
    """A secret recovered from shares another tool may have made: 128 bits or more in steps of
    16 (SLIP-39), at most MAX_READ_STRENGTH; a BIP-39 secret as BIP-39 allows."""
    if kind is SecretKind.BIP39 or bits <= MAX_STRENGTH:
        check_strength(bits, kind)
    elif bits > MAX_READ_STRENGTH or bits % 16:
        raise BadInput(
            f"a {bits}-bit secret is not one SLIP-39 shares carry (128 bits or more, in steps of "
            f"16; this tool reads up to {MAX_READ_STRENGTH})",
            "check that every share is complete",
        )


def check_strength(bits: int, kind: SecretKind) -> None:
    """Refuse a strength SLIP-39 (or, for kind bip39, BIP-39) cannot encode, before anything
    is generated."""
    if not MIN_STRENGTH <= bits <= MAX_STRENGTH or bits % 16:
        raise BadInput(
            f"strength {bits} bits is not allowed; SLIP-39 takes 128 to 256 bits in steps of 16",
            "use 128 or 256 (the usual choices), or another multiple of 16 in between",
        )
    if kind is SecretKind.BIP39 and bits % 32:
        raise BadInput(
            f"strength {bits} bits has no BIP-39 phrase; BIP-39 takes 128, 160, 192, 224 or 256",
            "use 128 (12 words) or 256 (24 words) for kind bip39",
        )
