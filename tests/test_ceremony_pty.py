"""A whole guided ceremony in a real pseudo-terminal, typed as a person would: confirmations,
accepting the sandbox's preflight failures as exceptions, each holder re-typing their share from
the printed card (one with a wrong word that is caught, named by its number only, and read again
from the card), bag serials."""

from __future__ import annotations

import io
import sys
from pathlib import Path

import pexpect
import pytest

from ceremony.model.record import Record
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN, assert_no_secret, card_words
from tests.helpers.child import default_signals

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
PROMPTS = [
    r"\[y = yes, n = stop the ceremony\]",  # 0
    r"Type ACCEPT",  # 1
    r"word (\d+) of (\d+): ",  # 2
    r"Bag serial for ([^:\r\n]+):",  # 3
    r"word (\d+) again: ",  # 4
    r"Is this exactly the serial on the bag\? \[y = record it, n = type it again\]",  # 5
    pexpect.EOF,  # 6
]


def wrong_word(word: str) -> str:
    return "academic" if word != "academic" else "acid"


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_interactive_ceremony(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    screen = io.StringIO()
    child = pexpect.spawn(
        CEREMONY,
        ["run", str(SMALL_PLAN), "--out", str(kit)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 120),
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"},
    )
    child.logfile_read = screen
    holder = -1
    cards: list[list[str]] = []
    typed_wrong = False
    corrections = 0
    # the witness mistypes the first serial (and says no when shown it), then types the first
    # serial again for the second card (refused: one bag per card)
    serials = iter(["SEAL-l", "SEAL-1", "SEAL-1", "SEAL-2"])
    confirms = iter(["n", "y", "y"])
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            position, total = int(child.match.group(1)), int(child.match.group(2))
            if not cards:
                cards = [card_words(p) for p in sorted((kit / "holders").iterdir())]
            if position == 1:
                holder += 1
            word = cards[holder][position - 1]
            if holder == 1 and position == 7 and not typed_wrong:
                typed_wrong = True
                child.sendline(wrong_word(word))  # a slip of the eye: another valid word
            else:
                child.sendline(word[:4])  # the first four letters are enough
            assert total == len(cards[holder])
        elif index == 3:
            child.sendline(next(serials))
        elif index == 4:
            corrections += 1
            position = int(child.match.group(1))
            child.sendline(cards[holder][position - 1])  # read again from the card
        elif index == 5:
            child.sendline(next(confirms))
        else:
            break
    child.close()
    text = screen.getvalue()
    assert child.exitstatus == 0, text[-2000:]
    assert corrections == 1
    assert "word 7 looks wrong: read word 7 again from the card and type it" in text
    assert "word 7 as read again fits the checksum" in text
    assert "starting" not in text  # no letter of the corrected word is shown
    assert "card confirmed" in text
    for step in (
        "Step 1.1",
        "Step 2.2",
        "Step 4.2",
        "Step 6.1",
        "Step 7.1",
        "Step 8.1",
        "Step 8.2",
    ):
        assert step in text
    # 8.3 (power off) is a reminder: after it nothing is asked
    assert "[y = yes" not in text[text.index("Step 8.3") :]
    assert "Reminder" in text[text.index("Step 8.3") :]
    assert "head words:" in text
    assert "typed: SEAL-l   (one by one: S E A L - l)" in text
    assert "bag serial SEAL-1 is already recorded for Zoë's card" in text
    # nothing typed was echoed: no run of share words on the screen
    assert_no_secret(text, cards)
    record = Record.from_json((kit / "record.json").read_text())
    assert [e.bag_serial for e in record.shares] == ["SEAL-1", "SEAL-2"]
    assert verify_transcript(kit / "transcript.jsonl", expected_head=record.transcript_head).closed
    methods = [
        line
        for line in (kit / "transcript.jsonl").read_text().splitlines()
        if '"share_confirmed"' in line
    ]
    assert len(methods) == 2
    assert all('"method":"typed"' in line for line in methods)


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_ctrl_c_in_a_terminal(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    child = pexpect.spawn(
        CEREMONY,
        ["run", str(SMALL_PLAN), "--out", str(kit)],
        encoding="utf-8",
        timeout=60,
        env={"PATH": "/usr/bin:/bin"},
        preexec_fn=default_signals,  # Ctrl-C reaches the child even when pytest ignores it
    )
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            child.sendintr()  # Ctrl-C while the first holder types
            break
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted at step 6.1" in child.before
    assert "Traceback" not in child.before
    aside = tmp_path / "kit.aborted-1"
    assert not kit.exists()
    assert sorted(p.name for p in aside.iterdir()) == ["transcript.jsonl"]
    assert verify_transcript(aside / "transcript.jsonl").aborted
    # the screen names the transcript where it is, and says what it holds
    said = " ".join(child.before.split())
    assert f"the transcript {aside / 'transcript.jsonl'} ends with an abort entry" in said


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_the_last_steps_in_a_terminal_never_remove_the_kit(tmp_path: Path) -> None:
    """Driven to the end in a terminal: 'n' at the head-words question (after `closed`) stops
    without removing anything (the last step, 8.3, is a reminder that asks nothing)."""
    kit = tmp_path / "kit"
    screen = io.StringIO()
    child = pexpect.spawn(
        CEREMONY,
        ["run", str(SMALL_PLAN), "--out", str(kit)],
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 120),
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"},
    )
    child.logfile_read = screen
    holder, cards, bags = -1, [], 0
    last = r"initialled these words\? \[y = yes"
    while True:
        index = child.expect([*PROMPTS[:6], last, pexpect.EOF])
        if index == 6:
            child.sendline("n")
            break
        if index == 5 or index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            position = int(child.match.group(1))
            if not cards:
                cards = [card_words(p) for p in sorted((kit / "holders").iterdir())]
            holder += position == 1
            child.sendline(cards[holder][position - 1])
        elif index == 3:
            bags += 1
            child.sendline(f"SEAL-{bags}")
        else:
            raise AssertionError(screen.getvalue()[-2000:])
    child.expect(pexpect.EOF)
    child.close()
    text = " ".join(screen.getvalue().split())
    assert child.exitstatus == 130, text[-2000:]
    assert "after the transcript was closed" in text
    assert "nothing was removed" in text
    assert "abort entry" not in text
    assert "Read back" in text
    assert "recover.py (python3 -I" in text
    assert (kit / "record.json").exists()
    assert len(list((kit / "holders").iterdir())) == 2
    record = Record.from_json((kit / "record.json").read_text())
    assert verify_transcript(kit / "transcript.jsonl", expected_head=record.transcript_head).closed
    assert_no_secret(screen.getvalue(), cards)
