"""Hashes as words: the first 11 bits per word of the digest, big-endian, from the BIP-39 list."""

from __future__ import annotations

import hashlib
import subprocess
import sys

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from mnemonic import Mnemonic

from ceremony.model.hashwords import hash_words, sha256_words

ENGLISH = Mnemonic("english").wordlist


def by_bit_string(digest: bytes, count: int) -> str:
    """An independent reading: the digest as a string of 0s and 1s cut into 11-bit pieces."""
    bits = "".join(f"{byte:08b}" for byte in digest)
    return " ".join(ENGLISH[int(bits[11 * i : 11 * i + 11], 2)] for i in range(count))


def test_all_zero_and_all_one_bits() -> None:
    assert hash_words(bytes(32)) == " ".join(["abandon"] * 12)
    assert hash_words(b"\xff" * 32) == " ".join(["zoo"] * 12)


def test_sha256_of_abc_matches_a_bit_string_reading() -> None:
    digest = hashlib.sha256(b"abc").digest()
    assert hash_words(digest) == by_bit_string(digest, 12)
    assert sha256_words(b"abc") == hash_words(digest)


@settings(max_examples=60, deadline=None)
@given(st.binary(min_size=16, max_size=16))
def test_agrees_with_a_bip39_phrase_of_the_same_bits(entropy: bytes) -> None:
    # A 12-word BIP-39 phrase is 128 bits of entropy then 4 checksum bits: 132 bits, 11 per word.
    digest = entropy + hashlib.sha256(entropy).digest()[:1]
    assert hash_words(digest, 12) == Mnemonic("english").to_mnemonic(entropy)


@pytest.mark.parametrize("count", [1, 3, 12, 23])
def test_word_counts_read_the_leading_bits(count: int) -> None:
    digest = hashlib.sha256(b"count").digest()
    assert hash_words(digest, count) == by_bit_string(digest, count)
    assert len(hash_words(digest, count).split()) == count


@pytest.mark.parametrize("count", [0, -1, 24])
def test_impossible_counts_are_refused(count: int) -> None:
    with pytest.raises(ValueError, match="words need"):
        hash_words(bytes(32), count)


def test_importing_does_not_load_the_word_list_package() -> None:
    code = "import sys, ceremony.model.hashwords; print('mnemonic' in sys.modules)"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.stdout.strip() == "False", result.stderr
