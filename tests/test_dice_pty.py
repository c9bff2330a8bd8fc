"""Dice typed at step 2.1 in a real pseudo-terminal: hidden, a line at a time, with counts and health
verdicts on the screen and never a roll; the dice-only warning shown and confirmed (in `run` and in
`split`)."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pexpect
import pytest

from ceremony.model.steps import warning
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import default_signals

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
GOOD_50 = "54641156335562145362222351541144126563134436642623"
LINES = [GOOD_50[:17], GOOD_50[17:34], " ".join(GOOD_50[34:])]
"""Three lines of rolls as a witness would type them; the last with spaces."""

PROMPTS = [
    r"\[y = yes, n = stop the ceremony\]",  # 0
    r"Type ACCEPT",  # 1
    r"rolls (\d+) of (\d+): ",  # 2
    r"word (\d+) of (\d+): ",  # 3: re-entry begins; the dice part is over
    pexpect.EOF,  # 4
]

pytestmark = pytest.mark.skipif(
    not Path(CEREMONY).exists(), reason="the ceremony command is not installed"
)


def dice_plan(tmp_path: Path, source: str) -> Path:
    text = SMALL_PLAN.read_text().replace('source = "csprng"', f'source = "{source}"')
    assert f'source = "{source}"' in text
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    return plan


def spawn(args: list[str], screen: io.StringIO) -> pexpect.spawn:
    child = pexpect.spawn(
        CEREMONY,
        args,
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 160),
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"},
        preexec_fn=default_signals,  # Ctrl-C reaches the child even when pytest ignores it
    )
    child.logfile_read = screen
    return child


def assert_no_roll_shown(screen: str) -> None:
    """No line of rolls, nor any run of 8 of them, appears anywhere on the screen."""
    flat = re.sub(r"\s+", "", screen)
    rolls = "".join(LINES).replace(" ", "")
    for start in range(len(rolls) - 7):
        assert rolls[start : start + 8] not in flat, f"rolls {start + 1}.. appear on the screen"


def run_to_reentry(tmp_path: Path, source: str) -> str:
    """Drives `ceremony run` until re-entry starts, then stops it; returns the screen."""
    screen = io.StringIO()
    child = spawn(["run", str(dice_plan(tmp_path, source)), "--out", str(tmp_path / "kit")], screen)
    typed = iter(LINES)
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            child.sendline(next(typed, ""))
        else:
            break
    child.sendintr()  # the dice part is what this test is about
    child.expect(pexpect.EOF)
    child.close()
    return screen.getvalue()


def test_dice_are_typed_hidden_with_counts_and_verdicts(tmp_path: Path) -> None:
    screen = run_to_reentry(tmp_path, "csprng+dice")
    assert "Step 2.1" in screen
    assert "The rolls are hidden as they are typed." in screen
    assert "17 of 50 rolls" in screen
    assert "34 of 50 rolls" in screen
    assert "dice accepted: 50 rolls of a d6" in screen
    assert "repetition count pass" in screen
    assert "The dice alone make the secret" not in screen  # mixed with the CSPRNG: no warning
    assert_no_roll_shown(screen)


def test_dice_only_warning_is_shown_and_confirmed_before_the_first_roll(tmp_path: Path) -> None:
    screen = run_to_reentry(tmp_path, "dice-only")
    flat = " ".join(screen.split())
    first_words = " ".join(warning("dice-only").split()[:12])
    assert first_words in flat
    # the whole warning, not its first line: the panel once came out cropped to one line
    plain = " ".join(re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", screen).split())
    assert " ".join(warning("dice-only").split()[-12:]) in plain
    assert "out of sight of any camera?" in screen
    assert screen.index("dice alone make the secret") < screen.index("rolls 0 of 50: ")
    assert_no_roll_shown(screen)
    # the run was stopped at re-entry: its kit was moved aside before its secrets were removed
    entries = (tmp_path / "kit.aborted-1" / "transcript.jsonl").read_text()
    assert '"dice_only_warning_confirmed"' in entries
    assert verify_transcript(tmp_path / "kit.aborted-1" / "transcript.jsonl").aborted


def test_refusing_the_dice_only_warning_stops_the_ceremony(tmp_path: Path) -> None:
    screen = io.StringIO()
    child = spawn(
        ["run", str(dice_plan(tmp_path, "dice-only")), "--out", str(tmp_path / "kit")], screen
    )
    while True:
        index = child.expect(PROMPTS)
        if index == 1:
            child.sendline("ACCEPT")
        elif index == 0 and "camera" in (child.before or ""):
            child.sendline("n")
            break
        elif index == 0:
            child.sendline("y")
        else:
            pytest.fail("the warning was not asked before the rolls")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "stopped at step 2.1" in screen.getvalue()


@pytest.mark.parametrize(("answer", "code"), [("y", 0), ("n", 130)])
def test_split_dice_only_asks_at_a_terminal(tmp_path: Path, answer: str, code: int) -> None:
    rolls = tmp_path / "rolls.txt"
    rolls.write_text(GOOD_50)
    args = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128"]
    screen = io.StringIO()
    child = spawn([*args, "--dice-file", str(rolls), "--dice-only", "--reveal"], screen)
    child.expect_exact("Go on with the dice alone? [y/N] ")
    child.sendline(answer)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == code, screen.getvalue()
    assert "The dice alone make the secret" in screen.getvalue()
    if code:
        assert "error: stopped before the dice-only secret was made" in screen.getvalue()


def test_the_printed_script_carries_the_dice_only_warning(tmp_path: Path) -> None:
    import pypdf

    from tests.helpers.cli import run_cli

    out = tmp_path / "before"
    result = run_cli(
        ["runbook", "render", "--plan", str(dice_plan(tmp_path, "dice-only")), "--out", str(out)]
    )
    assert result.code == 0, result.err
    reader = pypdf.PdfReader(out / "ceremony-script.pdf")
    text = " ".join(" ".join(page.extract_text() for page in reader.pages).split())
    assert "Dice alone make the secret" in text
    assert " ".join(warning("dice-only").split()[:12]) in text
    mixed = tmp_path / "mixed"
    result = run_cli(
        [
            "runbook",
            "render",
            "--plan",
            str(dice_plan(tmp_path, "csprng+dice")),
            "--out",
            str(mixed),
        ]
    )
    assert result.code == 0, result.err
    reader = pypdf.PdfReader(mixed / "ceremony-script.pdf")
    assert "Dice alone" not in " ".join(page.extract_text() for page in reader.pages)
