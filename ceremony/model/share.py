"""One SLIP-39 share as a value: its public metadata, and its words, which are secret."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

SHARE_COMMITMENT_TAG = b"ceremony/v1/share-commitment\x00"


@dataclass(frozen=True)
class Share:
    """A parsed share. The words and value are secret; repr and str show only the metadata."""

    identifier: int
    extendable: bool
    iteration_exponent: int
    group_index: int
    group_threshold: int
    group_count: int
    member_index: int
    member_threshold: int
    value: bytes = field(repr=False)
    words: tuple[str, ...] = field(repr=False)

    @property
    def prefix(self) -> str:
        """The first four words: identifier, flags and parameters. Safe to quote in messages."""
        return " ".join(self.words[:4]) + " ..."

    @property
    def group_number(self) -> int:
        """1-based, as people count."""
        return self.group_index + 1

    @property
    def member_number(self) -> int:
        """1-based, as people count."""
        return self.member_index + 1

    def mnemonic(self) -> str:
        """The share's words. Every caller is a place where a share can leak."""
        return " ".join(self.words)

    def commitment(self) -> str:
        """A public SHA-256 commitment to this share, recorded so that it can be checked alone."""
        return hashlib.sha256(SHARE_COMMITMENT_TAG + self.mnemonic().encode()).hexdigest()

    def check_code(self) -> str:
        """The short code printed on the card: a holder compares it without a computer."""
        return check_code(self.commitment())

    def label(self) -> str:
        """How messages name the share: position and the first four words, which are public."""
        return f"group {self.group_number}, member {self.member_number} ({self.prefix})"

    def __str__(self) -> str:
        return f"Share({self.label()})"


def check_code(commitment: str) -> str:
    """The short code printed on a card: the first 8 hex digits of the share commitment."""
    head = commitment[:8].upper()
    return f"{head[:4]}-{head[4:]}"
