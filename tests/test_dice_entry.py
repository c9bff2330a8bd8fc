"""The interactive dice entry, driven by scripted lines and a console that writes to a buffer."""

from __future__ import annotations

import io
from collections.abc import Iterable

import pytest
from rich.console import Console

from ceremony.core.dice import DiceRolls
from ceremony.errors import BadInput, Interrupted
from ceremony.ui.dice_entry import DiceEntry, enter_dice
from tests.helpers.prompts import Script

GOOD = (
    "5464115633556214536222235154114412656313443664262346"
    "323635532665653614633151264236154165164632123113"
)


def console() -> tuple[Console, io.StringIO]:
    buffer = io.StringIO()
    return Console(file=buffer, width=200, color_system=None, force_terminal=False), buffer


def run(
    lines: Iterable[str], *, strength: int = 128, sides: int = 6, attempts: int = 3
) -> tuple[DiceRolls, str, Script]:
    script = Script(lines)
    screen, buffer = console()
    rolls = enter_dice(script, screen, strength_bits=strength, sides=sides, attempts=attempts)
    return rolls, buffer.getvalue(), script


def test_rolls_over_several_lines_with_a_live_count() -> None:
    rolls, shown, script = run([GOOD[:20], GOOD[20:35] + "  ", " ".join(GOOD[35:50]), ""])
    assert rolls.dice_string() == GOOD[:50].encode()
    assert (
        "20 of 50 rolls, 51.7 of 128 bits · repetition count pass · adaptive proportion pass"
        in (shown)
    )
    assert "chi-square after 50 rolls" in shown
    assert "50 of 50 rolls, 129.2 of 128 bits" in shown
    assert "dice accepted: 50 rolls of a d6, 129.2 bits; every health test passed" in shown
    assert script.prompts[:3] == ["rolls 0 of 50: ", "rolls 20 of 50: ", "rolls 35 of 50: "]


def test_the_screen_never_shows_the_rolls() -> None:
    _, shown, _ = run([GOOD[:25], GOOD[25:50], "done"])
    for start in range(0, 45, 5):
        assert GOOD[start : start + 6] not in shown


def test_a_bad_line_is_not_kept_and_names_the_column() -> None:
    rolls, shown, _ = run([GOOD[:25], "1237", GOOD[25:50], ""])
    assert "line not kept: '7' at column 4 is not a roll of a d6 (1 to 6)" in shown
    assert "hint: a d6 shows 1 to 6" in shown
    assert rolls.count == 50


def test_letters_in_a_line() -> None:
    _, shown, _ = run(["12a4", GOOD[:50], ""])
    assert "line not kept: 'a' at column 3 is not a roll" in shown


def test_finishing_early_asks_for_more_rolls() -> None:
    rolls, shown, _ = run([GOOD[:30], "", GOOD[30:50], "done"])
    assert "30 of 50 rolls so far; 20 more are needed" in shown
    assert rolls.count == 50


def test_undo_removes_the_last_line() -> None:
    rolls, shown, _ = run([GOOD[:30], "666666", "undo", GOOD[30:50], ""])
    assert "removed the last line (6 rolls)" in shown
    assert rolls.dice_string() == GOOD[:50].encode()


def test_undo_with_nothing_typed() -> None:
    _, shown, _ = run(["undo", GOOD[:50], ""])
    assert "nothing to undo" in shown


def test_nine_in_a_row_stops_at_once_and_the_witness_rolls_again() -> None:
    rolls, shown, script = run(["1234", "66666", "6666", GOOD[:50], ""])
    assert "repetition count: fail: the face 6 came up 9 times in a row" in shown
    assert "the 13 rolls were discarded." in shown
    assert "hint: roll again" in shown
    assert "roll again: set 2 of 3, from the first roll" in shown
    assert rolls.dice_string() == GOOD[:50].encode()
    assert script.prompts[3] == "rolls 0 of 50: "


def test_a_set_that_fails_chi_square_is_discarded_at_the_end() -> None:
    rolls, shown, _ = run(["123" * 10, "123" * 7, "", GOOD[:50], ""])
    assert "chi-square fail" in shown
    assert "chi-square: fail: the faces came up too unevenly" in shown
    assert "the 51 rolls were discarded." in shown
    assert rolls.count == 50


def test_after_all_attempts_fail_the_step_stops() -> None:
    with pytest.raises(BadInput) as caught:
        run(["1" * 9, "2" * 9], attempts=2)
    assert caught.value.message.startswith("dice health tests failed 2 times; last: the face 2")
    assert "other dice" in caught.value.hint


def test_end_of_input_interrupts() -> None:
    with pytest.raises(Interrupted, match="input ended before the dice rolls were accepted"):
        run([GOOD[:30]])


def test_a_d20_with_commas() -> None:
    typed = ", ".join(str(1 + (7 * i) % 20) for i in range(30))
    rolls, shown, _ = run([typed, ""], sides=20)
    assert rolls.count == 30
    assert "numbers 1 to 20, separated by spaces or commas" in shown
    assert "chi-square skipped" in shown


def test_256_bits_need_100_rolls() -> None:
    rolls, shown, _ = run([GOOD[:50], "", GOOD[50:], ""], strength=256)
    assert "50 of 100 rolls so far; 50 more are needed" in shown
    assert rolls.count == 100


def test_bad_arguments() -> None:
    screen, _ = console()
    with pytest.raises(BadInput, match="1 side"):
        DiceEntry(Script([]), screen, strength_bits=128, sides=1)
    with pytest.raises(ValueError, match="attempts"):
        DiceEntry(Script([]), screen, strength_bits=128, attempts=0)
