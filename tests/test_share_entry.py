"""The share prompt driven with scripted lines: checks per word, confirmed repairs, no words shown."""

from __future__ import annotations

import io
import re

import pytest
from rich.console import Console

from ceremony.core import repair as repair_module
from ceremony.core import rs1024
from ceremony.core import words as words_module
from ceremony.core.slip39 import wordlist
from ceremony.errors import BadInput, Interrupted, NotVerified
from ceremony.ui import share_entry
from ceremony.ui.share_entry import EnteredShare, SharePrompt
from tests.helpers.prompts import Script, own_wording
from tests.helpers.shares import make_share

# Some SLIP-39 words ("type", "again", "check", ...) are also words of the prompt's own wording.
OWN_WORDS = own_wording(share_entry, repair_module, words_module)


def entry(lines: list[str], **options: object) -> tuple[SharePrompt, Script, io.StringIO]:
    buffer = io.StringIO()
    console = Console(file=buffer, width=200, color_system=None, force_terminal=False)
    script = Script(lines)
    return SharePrompt(script, console, **options), script, buffer  # type: ignore[arg-type]


def lines_of(indices: list[int], per_line: int = 5) -> list[str]:
    text = [wordlist()[i] for i in indices]
    return [" ".join(text[i : i + per_line]) for i in range(0, len(text), per_line)]


def assert_nothing_shown(output: str, share: list[int], typed: tuple[str, ...] = ()) -> None:
    """No word of the share (nor its four letters, nor a typo) appears."""
    tokens = set(re.findall(r"[a-z]+", output.lower()))
    secret = {wordlist()[i] for i in share} | {wordlist()[i][:4] for i in share} | set(typed)
    assert not (secret - OWN_WORDS) & tokens


SHARE = make_share(20, "entry")
LONG = make_share(33, "entry long")


def test_a_good_share_ends_by_itself() -> None:
    prompt, script, out = entry(lines_of(SHARE))
    result = prompt.read()
    assert result == EnteredShare(tuple(SHARE), ())
    text = out.getvalue()
    assert "word 1: ok" in text
    assert "word 20: ok" in text
    assert "checksum: ok" in text
    assert script.prompts[0] == "word 1: "
    assert_nothing_shown(text + "".join(script.prompts), SHARE)


def test_words_by_four_letters_and_a_known_length() -> None:
    four = [" ".join(wordlist()[i][:4] for i in LONG)]
    prompt, script, out = entry(four, expected_words=33)
    assert prompt.read().words == tuple(LONG)
    assert script.prompts == ["word 1 of 33: "]
    assert_nothing_shown(out.getvalue(), LONG)


def test_a_typo_is_caught_at_once() -> None:
    first = " ".join(wordlist()[i] for i in SHARE[:2])
    rest = lines_of(SHARE[2:])
    lines = [f"{first} qqqzz {wordlist()[SHARE[3]]}", *rest]
    prompt, script, out = entry(lines)
    assert prompt.read().words == tuple(SHARE)
    text = out.getvalue()
    assert "word 3: not a SLIP-39 word, type it again" in text
    assert "the words after it on that line were not kept; go on from word 3" in text
    assert script.prompts[1] == "word 3: "
    assert_nothing_shown(text, SHARE, typed=("qqqzz",))


def with_wrong_word(position: int) -> list[int]:
    wrong = list(SHARE)
    wrong[position] = (wrong[position] + 517) % 1024
    return wrong


def test_a_wrong_word_is_read_again_from_the_card_and_accepted() -> None:
    wrong = with_wrong_word(6)
    prompt, script, out = entry([*lines_of(wrong), "", wordlist()[SHARE[6]][:4]])
    result = prompt.read()
    assert result.words == tuple(SHARE)
    assert result.corrected == (6,)
    text = out.getvalue()
    assert "word 7 looks wrong: read word 7 again from the card and type it" in text
    assert "word 7 as read again fits the checksum" in text
    assert script.prompts[-2] == "word 21 (or Enter if the share has 20 words): "
    assert script.prompts[-1] == "word 7 again: "
    assert_nothing_shown(text + "".join(script.prompts), SHARE + wrong)


def test_no_letter_of_a_corrected_word_is_shown() -> None:
    """The old hint ("the word starting 'lend'") identified the word: nothing like it is left."""
    for position in (0, 6, 19):
        wrong = with_wrong_word(position)
        prompt, script, out = entry([*lines_of(wrong), "", wordlist()[SHARE[position]]])
        assert prompt.read().words == tuple(SHARE)
        text = out.getvalue() + "".join(script.prompts)
        assert "starting" not in text
        assert_nothing_shown(text, SHARE + wrong)


def test_a_reading_that_does_not_fit_is_not_applied() -> None:
    wrong = with_wrong_word(11)
    prompt, _, out = entry([*lines_of(wrong), "", wordlist()[wrong[11]], *lines_of(SHARE)])
    result = prompt.read()
    assert result == EnteredShare(tuple(SHARE), ())
    text = out.getvalue()
    assert "word 12 as read again does not fit this correction" in text
    assert "no correction was applied" in text
    assert "type the share again, from the first word" in text
    assert_nothing_shown(text, SHARE + wrong)


def test_not_a_word_when_read_again_is_not_applied() -> None:
    wrong = with_wrong_word(4)
    prompt, _, out = entry([*lines_of(wrong), "", "qqqzz", *lines_of(SHARE)])
    assert prompt.read() == EnteredShare(tuple(SHARE), ())
    assert "word 5: not a SLIP-39 word" in out.getvalue()
    assert_nothing_shown(out.getvalue(), SHARE + wrong, typed=("qqqzz",))


def test_declining_every_time_gives_up_with_a_hint() -> None:
    wrong = with_wrong_word(2)
    lines = [*lines_of(wrong), "", wordlist()[wrong[2]], *lines_of(wrong), "", ""]
    prompt, _, _ = entry(lines, attempts=2)
    with pytest.raises(BadInput, match="after 2 attempts") as caught:
        prompt.read()
    assert "card" in caught.value.hint


def test_an_unreadable_word_is_restored_after_confirmation_and_not_shown() -> None:
    typed = lines_of(SHARE)
    parts = typed[0].split()
    parts[2] = "?"
    typed[0] = " ".join(parts)
    prompt, script, out = entry([*typed, "", "yes"])
    result = prompt.read()
    assert result == EnteredShare(tuple(SHARE), (2,))
    text = out.getvalue()
    assert "word 3: marked unreadable" in text
    assert "unreadable word 3 can be restored from the checksum (not shown here)" in text
    assert script.prompts[-1] == "Use this correction? [y/N] "
    assert_nothing_shown(text, SHARE)


def test_a_declined_restoration_is_not_applied() -> None:
    typed = [wordlist()[i] for i in SHARE]
    typed[8] = "?"
    prompt, _, out = entry([" ".join(typed), "n"], expected_words=20, attempts=1)
    with pytest.raises(BadInput, match="after 1 attempts"):
        prompt.read()
    assert "no correction was applied" in out.getvalue()


def test_three_unreadable_words_warn_that_no_check_is_left() -> None:
    damaged: list[str] = [wordlist()[i] for i in SHARE]
    for position in (5, 9, 17):
        damaged[position] = "?"
    prompt, _, out = entry([" ".join(damaged), "y"], expected_words=20)
    assert prompt.read().corrected == (5, 9, 17)
    assert "used all three check words" in out.getvalue()


def other_share() -> list[int]:
    """A well-formed share that differs from SHARE in word 6 (and the checksum words)."""
    data = list(SHARE[:-3])
    data[5] = (data[5] + 1) % 1024
    return data + list(rs1024.create_checksum(data, rs1024.is_extendable(data)))


def test_a_share_that_differs_from_the_issued_one() -> None:
    other = other_share()
    prompt, script, out = entry(
        [*lines_of(other), wordlist()[other[5]]], expected=SHARE, attempts=1
    )
    with pytest.raises(NotVerified, match="word 6 still differs from the issued share"):
        prompt.read()
    text = out.getvalue()
    assert "word 6 differs from the issued share: read word 6 again from the card" in text
    assert "word 5 differs" not in text
    assert script.prompts[-1] == "word 6 again: "
    assert_nothing_shown(text + "".join(script.prompts), SHARE + other)


def test_a_differing_word_read_again_correctly_is_taken() -> None:
    other = other_share()
    differing = [p for p in range(20) if other[p] != SHARE[p]]
    again = [wordlist()[SHARE[p]] for p in differing]
    prompt, _, out = entry([*lines_of(other), *again], expected=SHARE)
    result = prompt.read()
    assert result.words == tuple(SHARE)
    assert result.corrected == tuple(differing)
    text = out.getvalue()
    assert "word 6: now matches the issued share" in text
    assert "the share matches the issued share" in text
    assert_nothing_shown(text, SHARE + other)


def test_a_share_that_matches_the_issued_one() -> None:
    prompt, script, out = entry(lines_of(SHARE, per_line=20), expected=SHARE)
    assert prompt.read().words == tuple(SHARE)
    assert "matches the issued share" in out.getvalue()
    assert script.prompts == ["word 1 of 20: "]


def test_words_beyond_the_share_are_not_kept() -> None:
    extra = " ".join(wordlist()[i] for i in SHARE) + " acid acne"
    prompt, _, out = entry([extra], expected_words=20)
    assert prompt.read().words == tuple(SHARE)
    assert "word 21 and after were not kept: the share has 20 words" in out.getvalue()


def test_an_early_empty_line_asks_for_more() -> None:
    typed = lines_of(SHARE)
    prompt, _, out = entry([typed[0], "", *typed[1:]])
    assert prompt.read().words == tuple(SHARE)
    assert "5 words so far; go on with word 6" in out.getvalue()


def test_end_of_input_is_an_interruption() -> None:
    prompt, _, _ = entry(lines_of(SHARE)[:2])
    with pytest.raises(Interrupted):
        prompt.read()


def test_read_words_keeps_unreadable_marks() -> None:
    typed = [wordlist()[i] for i in SHARE]
    typed[0] = "?"
    prompt, _, _ = entry([" ".join(typed), ""])
    assert prompt.read_words() == [None, *SHARE[1:]]
