"""SECRET HANDLING. Repair of a damaged share with its RS1024 checksum: never applied silently.

The checksum is affine over GF(2) in the bits of the word indices (the customization string and the
start value 1 add a constant), so the words that fit can be solved for directly: a word at position
p changed by d changes the checksum by shift(d, n - 1 - p), which is linear in the ten bits of d.
Unknown words become 10 unknown bits each and Gaussian elimination on the 30 check bits solves them.

What it can do (the code has distance 4, three check words):
- restore up to 3 unreadable words (erasures), exactly;
- locate and fix 1 wrong word, or 1 wrong word together with 1 unreadable word.

The SLIP-39 spec advises against offering corrections, because a confident-looking correction of
a share with more errors than the code can fix is a *different* valid share. So every result here
is a list of candidates for a person to confirm against the paper, with the positions that changed
and how much checking the repair left unused (`Repair.redundancy_left`).

Positions are zero-based here; people count from 1 and the UI adds it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache, lru_cache

from ceremony.core import rs1024, slip39
from ceremony.core.slip39 import METADATA_WORDS, valid_length
from ceremony.errors import BadInput

RADIX = 1 << rs1024.RADIX_BITS
MAX_ERASURES = rs1024.CHECKSUM_WORDS
"""Three check words restore at most three unknown words."""


@dataclass(frozen=True)
class RepairCandidate:
    """One share that fits the checksum. Its words are secret; repr shows only what changed."""

    words: tuple[int, ...] = field(repr=False)
    changed: tuple[int, ...]
    """Positions (zero-based) that were unreadable or whose typed word was replaced."""
    extendable: bool


@dataclass(frozen=True)
class Repair:
    """Every well-formed share that fits the words given; the caller decides, with the person."""

    candidates: tuple[RepairCandidate, ...]
    erased: tuple[int, ...]
    """Positions (zero-based) that were unreadable in the input."""
    redundancy_left: int
    """Check words the repair did not spend. At 0 a mistyped readable word could not be noticed."""

    @property
    def needed(self) -> bool:
        """False when the share was already complete and correct."""
        return any(candidate.changed for candidate in self.candidates)

    @property
    def unique(self) -> bool:
        """Whether exactly one share fits the words given: more than one leaves nothing to offer."""
        return len(self.candidates) == 1


def well_formed(words: Sequence[int]) -> bool:
    """The layout checks a reader makes besides the checksum: zero padding, threshold <= count.

    The cheap subset of parsing, tried first; candidates must then pass `slip39.share_from_indices`.
    """
    count = len(words)
    if not valid_length(count):
        return False
    value_bits = rs1024.RADIX_BITS * (count - METADATA_WORDS - rs1024.CHECKSUM_WORDS)
    padding = value_bits % 16
    if words[METADATA_WORDS] >> (rs1024.RADIX_BITS - padding):
        return False
    group_threshold = (words[2] >> 2) & 0xF
    group_count = ((words[2] & 0x3) << 2) | (words[3] >> 8)
    return group_threshold <= group_count


def repair(words: Sequence[int | None]) -> Repair:
    """The shares that fit `words`, where None marks an unreadable word.

    Raises BadInput when the length is impossible, too many words are unreadable, or no well-formed
    share fits. A complete share with a correct checksum comes back as one unchanged candidate.
    """
    count = len(words)
    if not valid_length(count):
        raise BadInput(
            f"a share of {count} words cannot be a SLIP-39 share",
            "SLIP-39 shares have 20 words (128-bit secret), 33 (256-bit) or 59 (512-bit); "
            "count the words on the paper and mark each unreadable one with '?'",
        )
    for position, word in enumerate(words):
        if word is not None and not 0 <= word < RADIX:
            raise BadInput(
                f"word {position + 1} is not a word index",
                "this is a bug in the caller; word indices run from 0 to 1023",
            )
    erased = tuple(position for position, word in enumerate(words) if word is None)
    if len(erased) > MAX_ERASURES:
        raise BadInput(
            f"{len(erased)} words are unreadable; the checksum can restore at most {MAX_ERASURES}",
            "look for another copy of this share, or recover with other shares instead",
        )
    filled = tuple(0 if word is None else word for word in words)

    if not erased and rs1024.verify_share(filled):
        if not well_formed(filled):
            raise BadInput(
                "the checksum is correct but the share is malformed (padding or group counts)",
                "this is not a damaged word: the share was altered or not made by a SLIP-39 tool",
            )
        unchanged = RepairCandidate(filled, (), rs1024.is_extendable(filled))
        return Repair((unchanged,), (), MAX_ERASURES)

    kept = _keep(_fit(filled, erased, erased))
    if kept:
        return Repair(kept, erased, MAX_ERASURES - len(erased))
    if len(erased) <= 1:
        # One wrong word costs two check words (position and value), one erasure costs one.
        found: list[RepairCandidate] = []
        for suspect in range(count):
            if suspect in erased:
                continue
            found.extend(
                candidate
                for candidate in _fit(filled, erased, tuple(sorted((*erased, suspect))))
                if suspect in candidate.changed
            )
        kept = _keep(found)
        if kept:
            return Repair(kept, erased, MAX_ERASURES - len(erased) - 2)
    raise _no_fit(erased)


def _no_fit(erased: tuple[int, ...]) -> BadInput:
    if not erased:
        return BadInput(
            "the checksum does not match and no single-word correction fits",
            "more than one word is probably wrong: compare every word with the paper, type '?' "
            "for any you cannot read, or use another share",
        )
    if len(erased) == 1:
        return BadInput(
            "no share fits: besides the unreadable word, more than one other word is wrong",
            "compare every readable word with the paper, or use another share",
        )
    return BadInput(
        f"no share fits the readable words with {len(erased)} restored",
        "some readable word is probably wrong too: compare every word with the paper, or use "
        "another share",
    )


def _keep(found: list[RepairCandidate]) -> tuple[RepairCandidate, ...]:
    """Candidates that parse as shares, each once, fewest changes first."""
    unique: dict[tuple[int, ...], RepairCandidate] = {}
    for candidate in found:
        if well_formed(candidate.words) and _parses(candidate.words):
            unique.setdefault(candidate.words, candidate)
    return tuple(sorted(unique.values(), key=lambda c: (len(c.changed), c.changed)))


def _parses(words: tuple[int, ...]) -> bool:
    """The adapter's full parse agrees (the reference package's checks, beyond `well_formed`)."""
    try:
        slip39.share_from_indices(words)
    except BadInput:
        return False
    return True


def _fit(
    filled: tuple[int, ...], erased: tuple[int, ...], unknown: tuple[int, ...]
) -> list[RepairCandidate]:
    """Solve for the words at `unknown` so that the checksum holds, for each possible flag."""
    if rs1024.EXTENDABLE_WORD in unknown:
        flags: tuple[bool, ...] = (False, True)
    else:
        flags = (rs1024.is_extendable(filled),)
    pivots = _pivots(len(filled), unknown)
    found = []
    for extendable in flags:
        combination = _reduce(pivots, rs1024.residue(filled, extendable))
        if combination is None:
            continue
        words = list(filled)
        for slot, position in enumerate(unknown):
            words[position] ^= (combination >> (slot * rs1024.RADIX_BITS)) & (RADIX - 1)
        if rs1024.is_extendable(words) != extendable:
            continue
        changed = tuple(p for p in unknown if p in erased or words[p] != filled[p])
        found.append(RepairCandidate(tuple(words), changed, extendable))
    return found


@cache
def _columns(count: int) -> tuple[tuple[int, ...], ...]:
    """What flipping bit j of the word at position p does to the final checksum state."""
    columns: list[tuple[int, ...]] = []
    for distance in range(count):  # distance from the last word
        columns.append(tuple(rs1024.shift(1 << bit, distance) for bit in range(rs1024.RADIX_BITS)))
    columns.reverse()
    return tuple(columns)


@lru_cache(maxsize=8192)
def _pivots(count: int, unknown: tuple[int, ...]) -> Mapping[int, tuple[int, int]]:
    """Gaussian elimination over GF(2) of the columns of the unknown bits, keyed by leading bit.

    Each entry is (reduced column, which unknown bits it combines). Up to three unknown positions
    the columns are independent (RS1024 is MDS), so any solution found is the only one.
    """
    columns = _columns(count)
    pivots: dict[int, tuple[int, int]] = {}
    for slot, position in enumerate(unknown):
        for bit, column in enumerate(columns[position]):
            vector, combination = column, 1 << (slot * rs1024.RADIX_BITS + bit)
            while vector:
                lead = vector.bit_length() - 1
                if lead not in pivots:
                    pivots[lead] = (vector, combination)
                    break
                pivot_vector, pivot_combination = pivots[lead]
                vector ^= pivot_vector
                combination ^= pivot_combination
    return pivots


def _reduce(pivots: Mapping[int, tuple[int, int]], target: int) -> int | None:
    """The unknown bits whose columns XOR to `target`, or None when the system has no solution."""
    combination = 0
    while target:
        lead = target.bit_length() - 1
        entry = pivots.get(lead)
        if entry is None:
            return None
        target ^= entry[0]
        combination ^= entry[1]
    return combination
