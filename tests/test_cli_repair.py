"""`ceremony repair` end to end: files and pipes, --reveal and --json, and the hidden prompt."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

import ceremony.cli.repair  # noqa: F401 - registers the command until app.py lists it
from ceremony.core import rs1024
from ceremony.core.words import mnemonic
from ceremony.errors import ExitCode
from tests.helpers.cli import run_cli
from tests.helpers.paths import ROOT
from tests.helpers.shares import make_share

SHARE = make_share(20, "cli")
TEXT = mnemonic(SHARE)


def damaged(*unreadable: int, wrong: int | None = None) -> str:
    words = TEXT.split()
    for position in unreadable:
        words[position] = "?"
    if wrong is not None:
        words[wrong] = mnemonic([(SHARE[wrong] + 300) % 1024])
    return " ".join(words)


def test_help_has_examples() -> None:
    result = run_cli(["repair", "--help"])
    assert result.code == 0
    assert "Examples:" in result.out
    assert "ceremony repair share.txt" in result.out


def test_refuses_to_write_a_share_to_a_pipe_without_reveal() -> None:
    result = run_cli(["repair", "-"], damaged(4))
    assert result.code == ExitCode.REFUSED
    assert "--reveal" in result.err
    assert result.out == ""


def test_restores_unreadable_words() -> None:
    result = run_cli(["repair", "-", "--reveal"], damaged(4, 11, 19))
    assert result.code == 0, result.err
    assert result.out == f"candidate 1 of 1 (changed words: 5, 12, 20)\n{TEXT}\n"
    assert "unreadable words: 5, 12, 20" in result.err
    assert "used all three check words" in result.err
    assert TEXT.split()[11] not in result.err.split()


def test_finds_one_wrong_word_as_json(tmp_path: Path) -> None:
    source = tmp_path / "share.txt"
    source.write_text(f"# a comment line\n{damaged(wrong=8)}\n")
    result = run_cli(["repair", str(source), "--json", "--reveal"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["format"] == "ceremony-repair/v1"
    assert data["needed"] is True
    assert data["redundancy_left"] == 1
    flag = rs1024.is_extendable(SHARE)
    assert data["candidates"] == [{"share": TEXT, "changed": [9], "extendable": flag}]
    assert "changed words: 9" in result.err


def test_a_correct_share_needs_nothing() -> None:
    result = run_cli(["repair", "--reveal"], TEXT)
    assert result.code == 0
    assert result.out == ""
    assert "nothing to repair" in result.err


def test_says_when_nothing_fits() -> None:
    words = TEXT.split()
    for position in (3, 7, 12):
        words[position] = mnemonic([(SHARE[position] + 1) % 1024])
    result = run_cli(["repair", "--reveal"], " ".join(words))
    if result.code == 0:  # another share one word away: listed, for the person to compare
        assert "candidate 1" in result.out
    else:
        assert result.code == ExitCode.BAD_INPUT
        assert result.err.startswith("error: the checksum does not match")
        assert result.out == ""


@pytest.mark.parametrize(
    ("stdin", "message"),
    [
        (damaged(1, 2, 3, 4), "4 words are unreadable"),
        (TEXT + " acid", "21 words cannot be a SLIP-39 share"),
        ("", "no words found"),
        ("acid qqqq acne", "word 2 is not a SLIP-39 word"),
    ],
    ids=["four unreadable", "21 words", "empty", "unknown word"],
)
def test_bad_input(stdin: str, message: str) -> None:
    result = run_cli(["repair", "--reveal"], stdin)
    assert result.code == ExitCode.BAD_INPUT
    assert message in result.err
    assert "hint:" in result.err
    assert "qqqq" not in result.err


def test_hidden_prompt_at_a_terminal() -> None:
    pexpect = pytest.importorskip("pexpect")
    code = "import ceremony.cli.repair\nfrom ceremony.cli.app import main\nmain(['repair'])\n"
    child = pexpect.spawn(sys.executable, ["-c", code], cwd=str(ROOT), encoding="utf-8", timeout=30)
    try:
        child.expect_exact("word 1: ")
        child.sendline(damaged(6))
        child.expect_exact("word 21 (or Enter if the share has 20 words): ")
        before = child.before
        child.sendline("")
        child.expect_exact("candidate 1 of 1 (changed words: 7)")
        chatter = before + child.before
        child.expect(pexpect.EOF)
        shown = child.before
    finally:
        child.close()
    assert child.exitstatus == 0
    assert "word 7: marked unreadable" in chatter
    # Hidden input: none of the typed words was echoed before the result was printed.
    typed = set(damaged(6).split()) - {"?"}
    assert not typed & set(chatter.replace(":", " ").split())
    assert TEXT in shown
