"""Dice: reading rolls, the roll minimum, and the health tests, with every bad input of issue 3."""

from __future__ import annotations

import math
import pickle
from pathlib import Path

import pytest

from ceremony.core.dice import (
    MAX_INPUT_CHARS,
    DiceRolls,
    Verdict,
    adaptive_proportion_test,
    assess,
    check_health,
    check_sides,
    chi_square_p_value,
    chi_square_test,
    minimum_rolls,
    parse_rolls,
    proportion_cutoff,
    proportion_window,
    read_dice_file,
    repetition_count_test,
    repetition_cutoff,
)
from ceremony.errors import BadInput

# 100 rolls of a d6 drawn once with `secrets` and fixed here, so the tests are deterministic.
GOOD = (
    "5464115633556214536222235154114412656313443664262346"
    "323635532665653614633151264236154165164632123113"
)
# Another fixed good set (drawn the same way), for checks that passing explanations do not depend on the rolls.
OTHER_GOOD = (
    "1624314653256443554523523423335612164434636412142125"
    "555363315442156352224465351255162646361312261163"
)


def d6(text: str) -> DiceRolls:
    return DiceRolls.from_text(text, 6)


# -- sides and the roll minimum --------------------------------------------------------------


@pytest.mark.parametrize(
    ("bits", "sides", "rolls"),
    [(128, 6, 50), (256, 6, 100), (128, 2, 128), (256, 2, 256), (128, 20, 30), (128, 100, 20)],
)
def test_minimum_rolls(bits: int, sides: int, rolls: int) -> None:
    assert minimum_rolls(bits, sides) == rolls


def test_minimum_rolls_is_ceil_bits_over_log2_sides() -> None:
    for sides in range(2, 101):
        for bits in range(128, 257, 16):
            assert minimum_rolls(bits, sides) == math.ceil(bits / math.log2(sides)), (bits, sides)


def test_sides_1_is_refused_with_a_hint() -> None:
    with pytest.raises(BadInput) as caught:
        check_sides(1)
    assert "no randomness" in caught.value.message
    assert "--sides 6" in caught.value.hint


@pytest.mark.parametrize("sides", [0, -6, 101, 1000])
def test_unsupported_sides(sides: int) -> None:
    with pytest.raises(BadInput, match="not supported"):
        check_sides(sides)


def test_sides_1_in_a_dice_file_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_text("1111")
    with pytest.raises(BadInput, match="1 side"):
        read_dice_file(path, sides=1)


# -- reading rolls ---------------------------------------------------------------------------


def test_digits_with_spaces_tabs_and_line_breaks() -> None:
    assert parse_rolls("12 3\t4\r\n5\n\n6 ") == (1, 2, 3, 4, 5, 6)


def test_a_byte_order_mark_is_ignored() -> None:
    assert parse_rolls("\ufeff123") == (1, 2, 3)


def test_a_7_on_a_d6_is_reported_by_line_and_column() -> None:
    with pytest.raises(BadInput) as caught:
        parse_rolls("123456\n12745\n", 6)
    assert caught.value.message == "'7' at line 2, column 3 is not a roll of a d6 (1 to 6)"
    assert "--sides" in caught.value.hint


def test_one_line_input_names_the_column_only() -> None:
    with pytest.raises(BadInput, match=r"^'0' at column 4 "):
        parse_rolls("1230", 6)


def test_letters_are_reported_with_a_count_of_the_others() -> None:
    with pytest.raises(BadInput) as caught:
        parse_rolls("12a4\n5bc", 6)
    assert caught.value.message == (
        "'a' at line 1, column 3 is not a roll (and 2 more bad characters)"
    )


@pytest.mark.parametrize("char", ["\u0661", "\uff13", "-", ".", ","])
def test_other_characters_are_not_rolls(char: str) -> None:
    with pytest.raises(BadInput, match="column 3"):
        parse_rolls(f"12{char}3", 6)


def test_an_unprintable_character_is_named_by_its_code() -> None:
    with pytest.raises(BadInput, match=r"U\+0000 at column 2"):
        parse_rolls("1\x002", 6)


def test_a_bad_message_never_quotes_the_good_rolls() -> None:
    with pytest.raises(BadInput) as caught:
        parse_rolls(GOOD[:40] + "x", 6)
    assert GOOD[:6] not in caught.value.message + caught.value.hint


def test_larger_dice_take_separated_numbers() -> None:
    assert parse_rolls("12, 3,20\n5 7\t05", 20) == (12, 3, 20, 5, 7, 5)
    assert parse_rolls("100 1 99", 100) == (100, 1, 99)


@pytest.mark.parametrize(
    ("text", "sides", "message"),
    [
        ("12,,3", 20, "',' at column 4 has no roll before it"),
        (",12", 20, "',' at column 1 has no roll before it"),
        ("3 21", 20, "the number at column 3 is not a roll of a d20 (1 to 20)"),
        ("5 0", 10, "the number at column 3 is not a roll of a d10 (1 to 10)"),
        ("00", 100, "the number at column 1 is not a roll of a d100 (1 to 100)"),
        ("7 " + "9" * 5000, 12, "the number at column 3 is not a roll of a d12 (1 to 12)"),
        ("1 2 x", 20, "'x' at column 5 is not a roll"),
    ],
)
def test_bad_numbers_for_larger_dice(text: str, sides: int, message: str) -> None:
    with pytest.raises(BadInput) as caught:
        parse_rolls(text, sides)
    assert caught.value.message == message


def test_a_d10_face_marked_0_is_typed_10() -> None:
    with pytest.raises(BadInput) as caught:
        parse_rolls("0", 10)
    assert "type a face marked 0 as 10" in caught.value.hint


def test_the_dice_string_of_a_d6_is_digits_without_separators() -> None:
    assert d6("3 5 1\n6 2").dice_string() == b"35162"


def test_the_dice_string_of_larger_dice_is_decimal_joined_by_commas() -> None:
    assert DiceRolls.from_text("12, 03\n20 5", 20).dice_string() == b"12,3,20,5"
    assert DiceRolls.from_text("100 7", 100).dice_string() == b"100,7"


def test_rolls_are_redacted_and_not_picklable() -> None:
    rolls = d6(GOOD)
    assert repr(rolls) == "DiceRolls(<100 rolls of a d6, redacted>)"
    assert GOOD[:8] not in f"{rolls} {rolls!r}"
    with pytest.raises(TypeError):
        pickle.dumps(rolls)


def test_out_of_range_rolls_cannot_be_built() -> None:
    with pytest.raises(BadInput):
        DiceRolls(6, (1, 7))


def test_rolls_of_different_dice_do_not_add() -> None:
    with pytest.raises(BadInput, match="cannot be mixed"):
        _ = d6("12") + DiceRolls.from_text("12", 8)


# -- files -----------------------------------------------------------------------------------


def test_read_dice_file(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_text(GOOD[:50] + "\n" + GOOD[50:] + "\n")
    assert read_dice_file(path).dice_string() == GOOD.encode()


def test_a_bad_file_names_the_file_line_and_column(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_text(GOOD[:50] + "\n12 7\n")
    with pytest.raises(BadInput) as caught:
        read_dice_file(path)
    assert caught.value.message == (
        f"dice file {path}: '7' at line 2, column 4 is not a roll of a d6 (1 to 6)"
    )


def test_a_no_break_space_is_not_a_separator() -> None:
    with pytest.raises(BadInput, match=r"U\+00A0 at column 2"):
        parse_rolls("1\u00a02", 6)


def test_an_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_bytes(b"")
    with pytest.raises(BadInput, match="has no rolls \\(it is empty\\)"):
        read_dice_file(path)


def test_a_file_of_blank_lines(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_text(" \n\n\t\n")
    with pytest.raises(BadInput, match="only spaces and line breaks"):
        read_dice_file(path)


def test_empty_text() -> None:
    with pytest.raises(BadInput, match="no dice rolls were given"):
        DiceRolls.from_text("   ")


def test_a_huge_file_is_refused_without_reading_it_all(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_bytes(b"1" * (50 * MAX_INPUT_CHARS))
    with pytest.raises(BadInput) as caught:
        read_dice_file(path)
    assert "larger than 100000 bytes" in caught.value.message
    assert "right file" in caught.value.hint


def test_a_file_at_the_limit_is_read(tmp_path: Path) -> None:
    path = tmp_path / "rolls.txt"
    path.write_bytes((b"123456" * MAX_INPUT_CHARS)[:MAX_INPUT_CHARS])
    assert read_dice_file(path).count == MAX_INPUT_CHARS


def test_huge_text_is_refused() -> None:
    with pytest.raises(BadInput, match="at most 100000 are read"):
        parse_rolls("1" * (MAX_INPUT_CHARS + 1))


def test_a_missing_file_a_directory_and_binary_data(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        read_dice_file(tmp_path / "nope.txt")
    with pytest.raises(BadInput, match="is a directory"):
        read_dice_file(tmp_path)
    binary = tmp_path / "rolls.bin"
    binary.write_bytes(b"123\xff\xfe")
    with pytest.raises(BadInput, match="not text \\(byte 4"):
        read_dice_file(binary)


# -- health tests ----------------------------------------------------------------------------


def test_too_few_rolls() -> None:
    with pytest.raises(BadInput) as caught:
        check_health(d6(GOOD[:49]), 128)
    assert caught.value.message == (
        "49 rolls of a d6 give 126.7 bits; 128 bits need at least 50 rolls"
    )
    assert caught.value.hint == "roll 1 more time and add the rolls"
    with pytest.raises(BadInput, match="256 bits need at least 100 rolls"):
        check_health(d6(GOOD[:50]), 256)


@pytest.mark.parametrize(("text", "bits"), [(GOOD[:50], 128), (GOOD, 128), (GOOD, 256)])
def test_a_good_sequence_passes_every_test(text: str, bits: int) -> None:
    report = check_health(d6(text), bits)
    assert [v.verdict for v in report.verdicts] == [Verdict.PASS] * 3
    assert report.passed


def test_passing_explanations_do_not_depend_on_the_rolls() -> None:
    """So a report shown or recorded says nothing about the rolls beyond their count."""
    first = assess(d6(GOOD), 256)
    second = assess(d6(OTHER_GOOD), 256)
    assert first.passed
    assert second.passed
    assert first == second


def test_all_ones() -> None:
    with pytest.raises(BadInput) as caught:
        check_health(d6("1" * 50), 128)
    assert caught.value.message.startswith(
        "dice health test failed: the face 1 came up 9 times in a row"
    )
    assert "(and 2 more health tests failed)" in caught.value.message
    assert caught.value.hint.startswith("roll again")


def test_nine_identical_rolls_in_a_row_fail_and_eight_pass() -> None:
    assert repetition_count_test(d6("12" + "6" * 8 + "34")).verdict is Verdict.PASS
    assert repetition_count_test(d6("12" + "6" * 9 + "34")).verdict is Verdict.FAIL


def test_a_pattern_that_only_chi_square_catches() -> None:
    """1 2 3 1 2 3 ...: no runs and no face above the proportion cutoff, but half the faces missing."""
    rolls = d6("123" * 17)
    report = assess(rolls, 128)
    assert [v.verdict for v in report.verdicts] == [Verdict.PASS, Verdict.PASS, Verdict.FAIL]
    with pytest.raises(BadInput) as caught:
        check_health(rolls, 128)
    assert "the faces came up too unevenly" in caught.value.message
    assert caught.value.hint.startswith("roll again")


def test_the_adaptive_proportion_test_counts_the_first_face_of_each_window() -> None:
    # A d6 at 128 bits: window 50, cutoff 24. Put the first face (5) 23 or 24 times in the first
    # window, never twice in a row, and the rest spread over the other faces.
    def window(count: int) -> str:
        others = "1234" * 13
        return "".join("5" + others[i] for i in range(count)) + others[count : 50 - count]

    assert proportion_window(128, 6) == 50
    assert adaptive_proportion_test(d6(window(23)), 128).verdict is Verdict.PASS
    failing = adaptive_proportion_test(d6(window(24)), 128)
    assert failing.verdict is Verdict.FAIL
    assert "came up 24 times in 50 rolls (from roll 1)" in failing.explanation
    # The second window is tested too, and a trailing partial one against the same cutoff.
    assert adaptive_proportion_test(d6(GOOD[:50] + window(24)), 128).verdict is Verdict.FAIL
    assert adaptive_proportion_test(d6(GOOD + window(24)[:48]), 128).verdict is Verdict.FAIL


@pytest.mark.parametrize(("sides", "cutoff"), [(6, 9), (2, 21), (20, 6), (100, 5)])
def test_repetition_cutoff(sides: int, cutoff: int) -> None:
    assert repetition_cutoff(sides) == cutoff


def test_repetition_cutoff_is_sp800_90b_formula() -> None:
    for sides in range(2, 101):
        assert repetition_cutoff(sides) == 1 + math.ceil(20 / math.log2(sides)), sides


def binomial_tail(n: int, p: float, c: int) -> float:
    return sum(math.comb(n, j) * p**j * (1 - p) ** (n - j) for j in range(c, n + 1))


@pytest.mark.parametrize(
    ("window", "sides", "cutoff"), [(50, 6, 24), (100, 6, 37), (128, 2, 92), (512, 6, 0)]
)
def test_proportion_cutoff_is_sp800_90b_critbinom(window: int, sides: int, cutoff: int) -> None:
    """C is the least c with P(Binomial(W, 1/sides) >= c) <= 2^-20 (recomputed here in floats)."""
    got = proportion_cutoff(window, sides)
    if cutoff:
        assert got == cutoff
    alpha = 2.0**-20
    assert (
        binomial_tail(window, 1 / sides, got) <= alpha < binomial_tail(window, 1 / sides, got - 1)
    )


def test_proportion_window_is_the_standard_window_when_enough_rolls_are_needed() -> None:
    assert proportion_window(256, 2) == 256
    assert proportion_window(128, 6) == 50
    # No SLIP-39 strength needs 512 rolls, so the standard window would never fill.
    assert all(proportion_window(bits, s) < 512 for bits in (128, 256) for s in range(3, 101))


def test_chi_square_is_skipped_when_faces_are_expected_too_rarely() -> None:
    rolls = DiceRolls(20, tuple(1 + (7 * i) % 20 for i in range(30)))
    verdict = chi_square_test(rolls)
    assert verdict.verdict is Verdict.SKIPPED
    assert "at least 40 rolls" in verdict.explanation
    assert check_health(rolls, 128).passed


# -- the chi-square p-value ------------------------------------------------------------------


def even_degrees_tail(x: float, degrees: int) -> float:
    """The closed form for even degrees: exp(-x/2) * sum over i < k of (x/2)^i / i!, k = degrees/2."""
    half = x / 2
    return math.exp(-half) * sum(half**i / math.factorial(i) for i in range(degrees // 2))


@pytest.mark.parametrize("degrees", [2, 4, 10, 20, 98])
@pytest.mark.parametrize("x", [0.5, 3.0, 9.0, 20.0, 45.0, 120.0, 160.0])
def test_p_value_matches_the_closed_form(degrees: int, x: float) -> None:
    assert chi_square_p_value(x, degrees) == pytest.approx(even_degrees_tail(x, degrees), rel=1e-9)


@pytest.mark.parametrize("x", [0.01, 1.0, 3.84, 10.828, 30.0])
def test_p_value_with_one_degree_is_erfc(x: float) -> None:
    assert chi_square_p_value(x, 1) == pytest.approx(math.erfc(math.sqrt(x / 2)), rel=1e-9)


@pytest.mark.parametrize(
    ("degrees", "critical"), [(1, 10.828), (5, 20.515), (10, 29.588), (20, 45.315), (99, 148.230)]
)
def test_p_value_at_published_critical_values(degrees: int, critical: float) -> None:
    """Upper 0.001 points of the chi-square distribution from standard statistical tables."""
    assert chi_square_p_value(critical, degrees) == pytest.approx(0.001, rel=2e-3)


def test_p_value_edges() -> None:
    assert chi_square_p_value(0.0, 5) == 1.0
    assert chi_square_p_value(1e6, 5) == 0.0
