"""Hashes as words, for people to read aloud, compare and initial on paper.

A hex digest is hard to compare by voice; twelve words from the BIP-39 English list are easy. The words
are the first 11 bits of the digest per word, big-endian, with no checksum: 12 words carry 132 bits, which
is far beyond what anyone could forge a collision for by hand-picked edits. The full hex is still printed
beside the words for machines.

The list comes from the `mnemonic` package and is imported on first use, so that importing this module
(and starting the command line) stays fast.
"""

from __future__ import annotations

import hashlib
from functools import cache

BITS_PER_WORD = 11
DEFAULT_COUNT = 12
"""Twelve words: 132 bits of the digest."""


@cache
def _english() -> tuple[str, ...]:
    from mnemonic import Mnemonic

    words = tuple(Mnemonic("english").wordlist)
    if len(words) != 1 << BITS_PER_WORD:
        raise RuntimeError(f"the BIP-39 English list has {len(words)} words, expected 2048")
    return words


def hash_words(digest: bytes, count: int = DEFAULT_COUNT) -> str:
    """The first `11 * count` bits of `digest` as `count` BIP-39 English words, single-spaced."""
    available = len(digest) * 8
    if count < 1 or count * BITS_PER_WORD > available:
        raise ValueError(
            f"{count} words need {count * BITS_PER_WORD} bits; the digest has {available}"
        )
    value = int.from_bytes(digest, "big") >> (available - count * BITS_PER_WORD)
    words = _english()
    mask = (1 << BITS_PER_WORD) - 1
    return " ".join(
        words[(value >> (BITS_PER_WORD * (count - 1 - i))) & mask] for i in range(count)
    )


def sha256_words(data: bytes, count: int = DEFAULT_COUNT) -> str:
    """The SHA-256 of `data` as words (see `hash_words`)."""
    return hash_words(hashlib.sha256(data).digest(), count)
