"""Typed words: whole or by four letters, '?' for unreadable, unknown words never echoed."""

from __future__ import annotations

import pytest

from ceremony.core.slip39 import wordlist
from ceremony.core.words import (
    UnknownWord,
    close_words,
    mnemonic,
    parse_words,
    word_index,
    word_prefix,
)


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
