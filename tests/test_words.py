"""Typed words: whole or by four letters, '?' for unreadable, unknown words never echoed."""

from __future__ import annotations

import pytest

from ceremony.core import slip39
from ceremony.core.slip39 import share_from_indices, wordlist
from ceremony.core.words import (
    UnknownWord,
    close_words,
    mnemonic,
    parse_share,
    parse_words,
    word_index,
    word_prefix,
)
from ceremony.errors import BadInput
from ceremony.model.scheme import GroupSpec, Scheme


def _a_share() -> str:
    scheme = Scheme(group_threshold=1, groups=(GroupSpec("a", 1, 1),), strength_bits=128)
    ems = slip39.encrypt(bytes(16), scheme, b"", rng=lambda n: bytes(n))
    return slip39.split_ems(ems, scheme, rng=lambda n: bytes(n))[0][0].mnemonic()


def test_a_typed_share_is_built_from_its_indices_once() -> None:
    """Typed text becomes indices word by word; the share is built from those indices, and
    four-letter starts give the same share as whole words."""
    text = _a_share()
    indices = [word_index(word) for word in text.split()]
    short = " ".join(word[:4].upper() for word in text.split())
    assert parse_share(text) == share_from_indices(indices) == parse_share(short)
    assert parse_share(short).mnemonic() == text


def test_share_from_indices_refuses_what_no_word_is() -> None:
    indices = [word_index(word) for word in _a_share().split()]
    with pytest.raises(BadInput, match="outside the SLIP-39 list"):
        share_from_indices([*indices[:-1], 1024])
    with pytest.raises(BadInput, match="the share is empty"):
        parse_share("   ")


def test_every_word_by_whole_and_by_four_letters() -> None:
    for index, word in enumerate(wordlist()):
        assert word_index(word) == index
        assert word_index(word[:4].upper()) == index
        assert word_index(f"  {word} ") == index
        assert word_prefix(index) == word[:4]


def test_longer_starts_must_agree_with_the_word() -> None:
    assert word_index("acade") == word_index("academic")
    with pytest.raises(UnknownWord):
        word_index("academix")


@pytest.mark.parametrize("typed", ["aca", "", "xyzzy", "acadmic", "académic"])
def test_unknown_words_name_the_position_not_the_word(typed: str) -> None:
    with pytest.raises(UnknownWord) as caught:
        word_index(typed, 7)
    error = caught.value
    assert error.position == 7
    assert "word 7" in error.message
    if typed:
        assert typed not in error.message
        assert typed not in error.hint


def test_close_words_are_kept_for_the_caller() -> None:
    with pytest.raises(UnknownWord) as caught:
        parse_words("acid acadmic acne")
    assert caught.value.position == 2
    assert caught.value.suggestions[0] == "academic"
    assert len(caught.value.suggestions) <= 3


def test_close_words() -> None:
    assert close_words("acadmeic")[0] == "academic"  # adjacent swap
    assert "acid" in close_words("acd")
    assert close_words("zzzzzzzzzzzz") == ()


def test_parse_words_with_unreadable_words() -> None:
    assert parse_words("academic ? ACID\n acne") == [0, None, 1, 2]
    assert mnemonic([0, 1, 2]) == "academic acid acne"
