"""SECRET HANDLING. The RS1024 checksum of SLIP-39 shares (SLIP-0039, section "Checksum").

A Reed-Solomon code over GF(1024) with three check words: any damage to at most three words is
detected. The values passed here are a share's word indices, which are secret; nothing is logged.

`polymod` is the spec's function, with the ten generator terms folded into a 1024-entry table (the
same arithmetic, ten times fewer Python steps) and with the starting value as a parameter, because
repair runs the same linear map from a zero start to learn what each word contributes.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

RADIX_BITS = 10
"""Bits per word: the word list has 1024 words."""

CHECKSUM_WORDS = 3
"""Check words at the end of every share."""

CUSTOMIZATION = "shamir"
"""Customization string of shares without the extendable-backup flag."""

CUSTOMIZATION_EXTENDABLE = "shamir_extendable"
"""Customization string of shares with the extendable-backup flag set."""

GENERATOR = (
    0x00E0E040,
    0x01C1C080,
    0x03838100,
    0x07070200,
    0x0E0E0009,
    0x1C0C2412,
    0x38086C24,
    0x3090FC48,
    0x21B1F890,
    0x03F3F120,
)
"""The spec's GEN constants: what each bit of the word shifted out of the state folds back in."""

_LOW_MASK = (1 << (RADIX_BITS * (CHECKSUM_WORDS - 1))) - 1
_TOP_SHIFT = RADIX_BITS * (CHECKSUM_WORDS - 1)
STATE_MASK = (1 << (RADIX_BITS * CHECKSUM_WORDS)) - 1
"""The checksum state is 30 bits: three words."""


def _fold_table() -> tuple[int, ...]:
    table = []
    for top in range(1 << RADIX_BITS):
        acc = 0
        for bit, term in enumerate(GENERATOR):
            if (top >> bit) & 1:
                acc ^= term
        table.append(acc)
    return tuple(table)


_FOLD = _fold_table()


def customization(extendable: bool) -> str:
    """The customization string the spec ties to the extendable-backup flag."""
    return CUSTOMIZATION_EXTENDABLE if extendable else CUSTOMIZATION


def customization_values(extendable: bool) -> tuple[int, ...]:
    """The customization string as the checksum consumes it: one US-ASCII value per character."""
    return tuple(customization(extendable).encode("ascii"))


def polymod(values: Iterable[int], start: int = 1) -> int:
    """Run the checksum over 10-bit values from `start` (the spec starts at 1)."""
    chk = start
    for value in values:
        chk = ((chk & _LOW_MASK) << RADIX_BITS) ^ value ^ _FOLD[chk >> _TOP_SHIFT]
    return chk


def shift(state: int, count: int = 1) -> int:
    """Feed `count` zero words into a state: the linear map that carries a word to the end."""
    for _ in range(count):
        state = ((state & _LOW_MASK) << RADIX_BITS) ^ _FOLD[state >> _TOP_SHIFT]
    return state


def start_state(extendable: bool) -> int:
    """The state after the customization string, where a share's own words begin."""
    return polymod(customization_values(extendable))


def residue(words: Sequence[int], extendable: bool) -> int:
    """The checksum of a whole share XOR 1: zero exactly when the checksum is correct."""
    return polymod(words, start_state(extendable)) ^ 1


def verify(words: Sequence[int], extendable: bool) -> bool:
    """True when the share's three check words match the rest, for the given flag."""
    return residue(words, extendable) == 0


def create_checksum(data: Sequence[int], extendable: bool) -> tuple[int, int, int]:
    """The three check words to append to `data` (a share's words without them)."""
    state = polymod([*data, 0, 0, 0], start_state(extendable)) ^ 1
    mask = (1 << RADIX_BITS) - 1
    return (
        (state >> (2 * RADIX_BITS)) & mask,
        (state >> RADIX_BITS) & mask,
        state & mask,
    )


EXTENDABLE_WORD = 1
"""The second word holds 5 identifier bits, the extendable-backup flag and 4 exponent bits."""

EXTENDABLE_BIT = 4
"""Bit of the second word (counting from its least significant bit) that holds the flag."""


def is_extendable(words: Sequence[int]) -> bool:
    """The extendable-backup flag a share declares, which selects its customization string."""
    return bool((words[EXTENDABLE_WORD] >> EXTENDABLE_BIT) & 1)


def verify_share(words: Sequence[int]) -> bool:
    """True when the checksum is correct under the flag the share itself declares."""
    return len(words) > EXTENDABLE_WORD and verify(words, is_extendable(words))
