"""Repair of damaged shares: erasures restored exactly, one wrong word found, nothing silent."""

from __future__ import annotations

import pytest
import shamir_mnemonic
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony.core import rs1024
from ceremony.core.repair import repair, well_formed
from ceremony.core.slip39 import valid_length
from ceremony.core.words import mnemonic, parse_words
from ceremony.errors import BadInput
from tests.helpers.shares import build_share, make_share
from tests.helpers.vectors import load_vectors


@st.composite
def shares(draw: st.DrawFn) -> list[int]:
    length = draw(st.sampled_from([20, 33]))
    return build_share(
        draw(st.lists(st.integers(0, 1023), min_size=length - 3, max_size=length - 3))
    )


def positions(length: int, count: int) -> st.SearchStrategy[list[int]]:
    return st.lists(st.integers(0, length - 1), min_size=count, max_size=count, unique=True)


# -- erasures ------------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(shares(), st.data())
def test_up_to_three_erasures_are_restored_exactly(share: list[int], data: st.DataObject) -> None:
    count = data.draw(st.integers(1, 3))
    erased = sorted(data.draw(positions(len(share), count)))
    damaged: list[int | None] = list(share)
    for position in erased:
        damaged[position] = None
    result = repair(damaged)
    originals = [c for c in result.candidates if c.words == tuple(share)]
    assert len(originals) == 1
    assert originals[0].changed == tuple(erased)
    assert result.erased == tuple(erased)
    assert result.redundancy_left == 3 - count
    if rs1024.EXTENDABLE_WORD not in erased:
        # One customization string, an MDS code: the solution is the only one.
        assert result.candidates == tuple(originals)
    else:
        # The flag was erased too: at most one more candidate, under the other flag.
        assert len(result.candidates) <= 2
        assert len({c.extendable for c in result.candidates}) == len(result.candidates)


@settings(max_examples=25, deadline=None)
@given(
    st.binary(min_size=16, max_size=16) | st.binary(min_size=32, max_size=32),
    st.booleans(),
    st.data(),
)
def test_erasures_in_reference_shares(secret: bytes, extendable: bool, data: st.DataObject) -> None:
    groups = shamir_mnemonic.generate_mnemonics(
        1, [(2, 3)], secret, extendable=extendable, iteration_exponent=0
    )
    share = parse_words(groups[0][data.draw(st.integers(0, 2))])
    erased = data.draw(positions(len(share), 3))
    damaged = [None if p in erased else w for p, w in enumerate(share)]
    found = [mnemonic(c.words) for c in repair(damaged).candidates]
    assert mnemonic([w for w in share if w is not None]) in found


def test_four_erasures_are_refused() -> None:
    damaged: list[int | None] = list(make_share(20, "four"))
    for position in (3, 8, 9, 15):
        damaged[position] = None
    with pytest.raises(BadInput, match="at most 3"):
        repair(damaged)


# -- wrong words ---------------------------------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(shares(), st.data())
def test_one_wrong_word_is_found_and_fixed(share: list[int], data: st.DataObject) -> None:
    position = data.draw(st.integers(0, len(share) - 1))
    damaged = list(share)
    damaged[position] ^= data.draw(st.integers(1, 1023))
    result = repair(damaged)
    assert result.needed
    originals = [c for c in result.candidates if c.words == tuple(share)]
    assert len(originals) == 1
    assert originals[0].changed == (position,)
    # Within one customization string a single error decodes uniquely; any other candidate
    # can only come from the other string, by changing the word that holds the flag.
    for other in result.candidates:
        if other is not originals[0]:
            assert other.extendable != originals[0].extendable
            assert other.changed == (rs1024.EXTENDABLE_WORD,)


@settings(max_examples=100, deadline=None)
@given(shares(), st.data())
def test_one_wrong_word_and_one_erasure(share: list[int], data: st.DataObject) -> None:
    erased, wrong = data.draw(positions(len(share), 2))
    damaged: list[int | None] = list(share)
    damaged[erased] = None
    damaged[wrong] = share[wrong] ^ data.draw(st.integers(1, 1023))
    result = repair(damaged)
    assert tuple(share) in [c.words for c in result.candidates]
    assert result.redundancy_left == 0


@settings(max_examples=150, deadline=None)
@given(shares(), st.data())
def test_two_wrong_words_are_never_silently_accepted(share: list[int], data: st.DataObject) -> None:
    first, second = data.draw(positions(len(share), 2))
    damaged = list(share)
    damaged[first] ^= data.draw(st.integers(1, 1023))
    damaged[second] ^= data.draw(st.integers(1, 1023))
    # Detection is guaranteed while the flag word is intact; if it changed, the other
    # customization string applies and a false pass has odds of 2**-30.
    assert not rs1024.verify_share(damaged)
    try:
        result = repair(damaged)
    except BadInput:
        return
    # Rarely another share lies one word away: offered for confirmation, never as "no change".
    assert result.needed
    assert all(len(c.changed) == 1 for c in result.candidates)
    assert tuple(share) not in [c.words for c in result.candidates]


# -- well-formed results and refusals ------------------------------------------------------


@settings(max_examples=100, deadline=None)
@given(shares(), st.data())
def test_candidates_are_well_formed(share: list[int], data: st.DataObject) -> None:
    erased = data.draw(positions(len(share), 3))
    damaged = [None if p in erased else w for p, w in enumerate(share)]
    for candidate in repair(damaged).candidates:
        assert well_formed(candidate.words)
        assert rs1024.verify_share(candidate.words)


def test_restored_padding_must_be_zero() -> None:
    """Erasing the word that holds the padding bits and filtering on it never drops the share."""
    share = make_share(33, "padding")
    damaged: list[int | None] = list(share)
    damaged[4] = None
    (candidate,) = repair(damaged).candidates
    assert candidate.words == tuple(share)
    assert candidate.words[4] >> 6 == 0  # 33 words: 260-bit value, 4 padding bits


def test_a_correct_share_needs_no_repair() -> None:
    share = make_share(20, "fine")
    result = repair(share)
    assert not result.needed
    assert result.candidates[0].words == tuple(share)
    assert result.candidates[0].changed == ()


@pytest.mark.parametrize("length", [19, 21, 34])
def test_impossible_lengths_are_refused(length: int) -> None:
    assert not valid_length(length)
    with pytest.raises(BadInput, match=f"{length} words"):
        repair([0] * length)


def test_valid_lengths() -> None:
    expected = [20, 22, 23, 25, 27, 28, 30, 31, 33]  # secrets of 128 to 256 bits in 16-bit steps
    assert [n for n in range(15, 34) if valid_length(n)] == expected


def test_no_fit_says_so() -> None:
    share = make_share(20, "three wrong")
    damaged = list(share)
    for position in (5, 9, 14):
        damaged[position] ^= 0x155
    try:
        result = repair(damaged)
    except BadInput as exc:
        error: BadInput | None = exc
    else:  # another share one word away: possible, then it is offered, never applied
        error = None
        assert result.needed
    if error is not None:
        assert "no single-word correction" in error.message
        assert error.hint


def test_repr_hides_the_words() -> None:
    share = make_share(20, "repr")
    damaged: list[int | None] = list(share)
    damaged[7] = None
    result = repair(damaged)
    text = repr(result)
    assert "changed=(7,)" in text
    assert str(share[8]) not in text.replace("(7,)", "")


# -- official vectors ----------------------------------------------------------------------


@pytest.mark.parametrize(("damaged", "original"), [(1, 0), (20, 19)])
def test_invalid_checksum_vectors_repair_to_their_valid_neighbours(
    damaged: int, original: int
) -> None:
    """The spec's "invalid checksum" vectors are the valid ones with the last word replaced."""
    vectors = load_vectors("slip39-vectors.json")
    result = repair(parse_words(vectors[damaged][1][0]))
    (candidate,) = result.candidates
    assert mnemonic(candidate.words) == vectors[original][1][0]
    assert candidate.changed == (len(candidate.words) - 1,)


@pytest.mark.parametrize("index", [2, 21])
def test_invalid_padding_vectors_are_not_repaired(index: int) -> None:
    vectors = load_vectors("slip39-vectors.json")
    with pytest.raises(BadInput, match="malformed"):
        repair(parse_words(vectors[index][1][0]))


def test_share_from_the_reference_with_the_flag_word_erased() -> None:
    vectors = load_vectors("slip39-vectors.json")
    text = vectors[41][1][0]  # "Valid extendable mnemonic without sharing (128 bits)"
    share = parse_words(text)
    assert rs1024.is_extendable([w for w in share if w is not None])
    share[1] = None
    assert text in [mnemonic(c.words) for c in repair(share).candidates]


def test_a_malformed_fit_falls_back_to_looking_for_a_wrong_word() -> None:
    """Restoring the unreadable word alone fits the checksum only with padding bits set."""
    share = make_share(33, "fallback")
    damaged: list[int | None] = list(share)
    damaged[10] = None
    damaged[4] = share[4] | 0x3C0  # 33 words: the top 4 bits of word 5 are padding
    assert damaged[4] != share[4]
    (candidate,) = repair(damaged).candidates
    assert candidate.words == tuple(share)
    assert candidate.changed == (4, 10)
