"""Passphrase strength (issue 13, item 8): zxcvbn's estimate at `split` and `run`, a warning below
60 bits that says what the public fingerprint lets a quorum do and which iteration exponent helps,
and the passphrase itself never on the screen, in the kit or in the transcript."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pexpect
import pytest

from ceremony.core.passphrase_strength import MIN_BITS, PassphraseStrength, estimate
from ceremony.workflows.passphrase_advice import judge, split_note
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import default_signals
from tests.helpers.cli import run_cli

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
WEAK = "Treasury2024!"
STRONG = "vivid oyster lantern mosaic quartz fable"
"""Six random words: far above 60 bits by any estimate."""


def test_estimates_come_from_zxcvbn() -> None:
    assert estimate(b"", exponent=1).bits == 0
    assert estimate(b"password", exponent=1).bits < 10
    assert estimate(WEAK.encode(), exponent=1).weak
    strong = estimate(STRONG.encode(), exponent=1)
    assert not strong.weak
    assert strong.bits > 100


def test_names_in_the_public_record_count_as_known() -> None:
    guess = b"Okafor Brzeczyszczykiewicz escrow"
    alone = estimate(guess, exponent=1).bits
    names = ["Okafor", "Brzeczyszczykiewicz", "escrow"]
    known = estimate(guess, exponent=1, public_words=names).bits
    assert alone >= MIN_BITS
    assert known < MIN_BITS


def test_a_long_passphrase_is_estimated_on_its_prefix() -> None:
    assert not estimate((STRONG * 10).encode(), exponent=1).weak


@pytest.mark.parametrize(
    ("bits", "exponent", "recommended"),
    [(55.2, 1, 6), (59.9, 0, 1), (53.0, 2, None), (20.0, 1, None), (61.0, 1, 1)],
)
def test_the_recommended_exponent_makes_up_the_shortfall(
    bits: float, exponent: int, recommended: int | None
) -> None:
    strength = PassphraseStrength(bits=bits, exponent=exponent)
    if bits >= MIN_BITS:
        assert not strength.weak
        assert strength.shortfall == 0
        return
    assert strength.recommended_exponent == recommended


def test_the_warning_says_what_a_quorum_can_do_and_what_helps() -> None:
    verdict = judge(b"Treasury2024", exponent=1, public_words=[], setting="--exponent")
    assert verdict.weak
    flat = " ".join(verdict.text.split())
    assert "fingerprint" in flat
    assert "quorum of shares" in flat
    assert "offline" in flat
    assert "six or more random words" in flat
    assert "Treasury" not in flat
    close = judge(b"k7#Rq2!vLm9xQwZpT", exponent=1, public_words=[], setting="--exponent")
    assert close.weak  # about 56.5 bits: 4 short, so exponent 5 makes up for it
    assert "raise --exponent from 1 to 5" in " ".join(close.text.split())
    assert not judge(STRONG.encode(), exponent=1, public_words=[], setting="x").weak


def test_split_warns_about_a_weak_passphrase_without_showing_it(tmp_path: Path) -> None:
    phrase = tmp_path / "pass.txt"
    phrase.write_text(WEAK + "\n")
    args = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--reveal"]
    result = run_cli([*args, "--passphrase-file", str(phrase)])
    assert result.code == 0, result.err
    assert "warning: This passphrase is weak" in result.err
    assert "--exponent" in result.err
    assert WEAK not in result.err + result.out
    phrase.write_text(STRONG + "\n")
    result = run_cli([*args, "--passphrase-file", str(phrase)])
    assert result.code == 0, result.err
    assert f"passphrase: zxcvbn estimates the passphrase at {MIN_BITS} bits or more" in result.err
    assert STRONG not in result.err + result.out


def test_split_note_counts_group_names_as_public() -> None:
    note = split_note(b"escrow", exponent=1, names=("escrow=1of1", "Shamir backup"))
    assert note.startswith("warning: ")


def prompt_plan(tmp_path: Path) -> Path:
    text = SMALL_PLAN.read_text().replace('passphrase = "none"', 'passphrase = "prompt"')
    assert 'passphrase = "prompt"' in text
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    return plan


def all_bytes(folder: Path) -> bytes:
    return b"".join(p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file())


def test_scripted_run_warns_and_keeps_the_passphrase_out_of_the_kit(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text(f'confirm = true\naccept_preflight_failures = true\npassphrase = "{WEAK}"\n')
    kit = tmp_path / "kit"
    result = run_cli(
        ["run", str(prompt_plan(tmp_path)), "--answers", str(answers), "--out", str(kit)]
    )
    assert result.code == 0, result.err
    assert "warning: This passphrase is weak" in result.err
    assert WEAK not in result.err + result.out
    public = [kit / "record.json", kit / "transcript.jsonl", kit / "record.pdf"]
    assert all(WEAK.encode() not in p.read_bytes() for p in public)
    assert WEAK.encode() not in all_bytes(kit)


PROMPTS = [
    r"\[y = yes, n = stop the ceremony\]",  # 0
    r"Type ACCEPT",  # 1
    r"Passphrase \(hidden\): ",  # 2
    r"Passphrase again \(hidden\): ",  # 3
    r"Keep this weak passphrase\? \[y = keep it, n = type another\] ",  # 4
    r"word (\d+) of (\d+): ",  # 5: re-entry begins; the passphrase part is over
    pexpect.EOF,  # 6
]


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_guided_run_asks_again_after_a_weak_passphrase(tmp_path: Path) -> None:
    """In a pseudo-terminal: a weak passphrase is warned about and replaced by a strong one; neither
    ever reaches the screen, and neither is in any file the aborted run left."""
    screen = io.StringIO()
    child = pexpect.spawn(
        CEREMONY,
        ["run", str(prompt_plan(tmp_path)), "--out", str(tmp_path / "kit")],
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 160),
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"},
        preexec_fn=default_signals,
    )
    child.logfile_read = screen
    typed = iter([WEAK, WEAK, STRONG, STRONG])
    asked_to_keep = 0
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index in (2, 3):
            child.sendline(next(typed))
        elif index == 4:
            asked_to_keep += 1
            child.sendline("n")
        else:
            break
    assert index == 5, screen.getvalue()
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    shown = screen.getvalue()
    flat = " ".join(shown.split())
    assert asked_to_keep == 1
    assert "This passphrase is weak" in flat
    # the whole warning is on the screen (a soft-wrapping console once cropped it to one line)
    plain = re.sub(r"\x1b\[[0-9;]*m|[│╭╮╰╯─]", " ", shown)
    panel = " ".join(plain.split())
    for sentence in (
        "the fingerprint confirms the right guess exactly",
        "six or more random words",
    ):
        assert sentence in panel
    assert f"zxcvbn estimates the passphrase at {MIN_BITS} bits or more" in flat
    assert WEAK not in shown
    assert STRONG not in shown
    for secret in (WEAK, STRONG):
        assert secret.encode() not in all_bytes(tmp_path / "kit.aborted-1")
