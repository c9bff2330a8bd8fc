"""RS1024: the official vectors' checksums, the spec's bit-by-bit definition, and its guarantees."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony.core import rs1024
from ceremony.core.words import parse_words
from tests.helpers.vectors import load_vectors, vector_params


def vector_shares() -> list[Any]:
    def make(vectors: Any) -> list[Any]:
        return [
            pytest.param(description, text, id=f"{description} #{number}")
            for description, mnemonics, *_ in vectors
            for number, text in enumerate(mnemonics, start=1)
        ]

    return vector_params("slip39-vectors.json", make, 2)


def spec_polymod(values: list[int]) -> int:
    """The checksum as the spec words it: one generator term per bit of the word shifted out."""
    generator = [
        0xE0E040,
        0x1C1C080,
        0x3838100,
        0x7070200,
        0xE0E0009,
        0x1C0C2412,
        0x38086C24,
        0x3090FC48,
        0x21B1F890,
        0x3F3F120,
    ]
    state = 1
    for value in values:
        top = state >> 20
        state = ((state & 0xFFFFF) << 10) ^ value
        for bit in range(10):
            if top & (1 << bit):
                state ^= generator[bit]
    return state


@pytest.mark.parametrize(("description", "text"), vector_shares())
def test_official_vectors(description: str, text: str) -> None:
    words = [w for w in parse_words(text) if w is not None]
    expect_valid = "invalid checksum" not in description
    assert rs1024.verify_share(words) is expect_valid
    # The flag picks the customization string: the other one never verifies a vector share.
    assert not rs1024.verify(words, not rs1024.is_extendable(words))
    if expect_valid:
        flag = rs1024.is_extendable(words)
        assert rs1024.create_checksum(words[:-3], flag) == tuple(words[-3:])


def test_extendable_vectors_set_the_flag() -> None:
    for description, mnemonics, *_ in load_vectors("slip39-vectors.json"):
        words = [w for w in parse_words(mnemonics[0]) if w is not None]
        assert rs1024.is_extendable(words) is ("xtendable" in description)


def test_customization_strings() -> None:
    assert rs1024.customization(False) == "shamir"
    assert rs1024.customization(True) == "shamir_extendable"
    assert rs1024.customization_values(False) == tuple(b"shamir")


word = st.integers(0, 1023)


@settings(max_examples=200, deadline=None)
@given(st.lists(word, max_size=40), st.booleans())
def test_polymod_is_the_spec_function(values: list[int], extendable: bool) -> None:
    values = list(rs1024.customization_values(extendable)) + values
    assert rs1024.polymod(values) == spec_polymod(values)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.tuples(word, word), min_size=1, max_size=40))
def test_polymod_from_zero_is_linear(pairs: list[tuple[int, int]]) -> None:
    """The property repair is built on: from a zero start the checksum is XOR-linear."""
    a = [x for x, _ in pairs]
    b = [y for _, y in pairs]
    both = [x ^ y for x, y in pairs]
    assert rs1024.polymod(both, 0) == rs1024.polymod(a, 0) ^ rs1024.polymod(b, 0)


@settings(max_examples=200, deadline=None)
@given(word, st.integers(0, 40))
def test_shift_carries_a_word_to_the_end(value: int, distance: int) -> None:
    assert rs1024.shift(value, distance) == rs1024.polymod([value] + [0] * distance, 0)


@st.composite
def damaged(draw: st.DrawFn) -> tuple[list[int], list[int]]:
    length = draw(st.sampled_from([20, 33]))
    data = draw(st.lists(word, min_size=length - 3, max_size=length - 3))
    share = data + list(rs1024.create_checksum(data, rs1024.is_extendable(data)))
    positions = draw(
        st.lists(st.integers(0, length - 1), min_size=1, max_size=3, unique=True).filter(
            lambda ps: rs1024.EXTENDABLE_WORD not in ps
        )
    )
    copy = list(share)
    for position in positions:
        copy[position] ^= draw(st.integers(1, 1023))
    return share, copy


@settings(max_examples=300, deadline=None)
@given(damaged())
def test_up_to_three_changed_words_are_always_detected(case: tuple[list[int], list[int]]) -> None:
    share, copy = case
    assert rs1024.verify_share(share)
    assert not rs1024.verify_share(copy)
