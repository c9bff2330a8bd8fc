"""`ceremony extend` and `ceremony reshare` in a real pseudo-terminal, typed as a person would:
confirmations, the sandbox's preflight failures accepted as exceptions, holders typing their shares
from their cards (one from the wrong group, refused and typed again), new holders re-typing their new
cards, bag serials, and for a reshare the fate of every old card."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from pathlib import Path

import pexpect
import pytest

from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import assert_no_secret
from tests.helpers.lifecycle import NEW_PLAN, card, original_kit, record_of, write_amendment

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
PROMPTS = [
    r"\[y = yes, n = stop the ceremony\]",  # 0
    r"Type ACCEPT",  # 1
    r"word (\d+) of (\d+): ",  # 2
    r"Bag serial for ([^:\r\n]+):",  # 3
    r"Try again\? \[y = type a share again",  # 4
    r"d = destroyed in front of the witnesses, r = not returned",  # 5
    pexpect.EOF,  # 6
]
Card = Callable[[], str]


def drive(args: list[str], cards: list[Card], fates: str = "") -> tuple[int, str, list[str]]:
    """Run the command, answering every prompt; returns the exit code, the screen and the cards
    typed."""
    screen = io.StringIO()
    child = pexpect.spawn(
        CEREMONY,
        args,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 140),
        env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm"},
    )
    child.logfile_read = screen
    typed: list[str] = []
    words: list[str] = []
    serial = 0
    fate = iter(fates)
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            position = int(child.match.group(1))
            if position == 1:
                words = cards.pop(0)().split()
                typed.append(" ".join(words))
            assert position <= len(words), screen.getvalue()[-1500:]
            child.sendline(words[position - 1][:4])  # the first four letters are enough
        elif index == 3:
            serial += 1
            child.sendline(f"SEAL-{serial}")
        elif index == 4:
            child.sendline("y")
        elif index == 5:
            child.sendline(next(fate, "d"))
        else:
            break
    child.close()
    return child.exitstatus, screen.getvalue(), typed


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_interactive_extend(tmp_path: Path) -> None:
    kit = original_kit(tmp_path)
    amendment = write_amendment(tmp_path, kit)
    out = tmp_path / "kit-2"
    cards: list[Card] = [
        lambda: card(kit, 2, 1),  # Dee of the board group: refused, she is not a family holder
        lambda: card(kit, 1, 1),
        lambda: card(kit, 1, 3),
        lambda: card(out, 1, 4),  # Fay re-types her new card from the printed PDF
    ]
    code, text, typed = drive(["extend", str(amendment)], cards)
    assert code == 0, text[-3000:]
    assert "refused: this share is of group board, not family" in text
    assert "accepted: Ann: share 1 of group family" in text
    assert "never rebuilds the master secret" in text
    assert "card confirmed" in text
    for step in (
        "Step 1.2",
        "Step 2.1",
        "Step 3.1",
        "Step 3.4",
        "Step 5.1",
        "Step 6.1",
        "Step 8.1",
    ):
        assert step in text
    assert "extend complete" in text
    assert "Read back" in text  # the kit read back from its files, old and new cards together
    assert_no_secret(text, [t.split() for t in typed])
    record = record_of(out)
    assert record.read_back["fingerprint"] == record.fingerprint
    assert record.read_back["old_cards"] >= 1
    assert verify_transcript(out / "transcript.jsonl", expected_head=record.transcript_head).closed
    assert [e.bag_serial for e in record.shares if e.holder in ("Ann", "Cai", "Fay")] == [
        "SEAL-1",
        "SEAL-2",
        "SEAL-3",
    ]


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_interactive_reshare(tmp_path: Path) -> None:
    kit = original_kit(tmp_path)
    (tmp_path / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"), encoding="utf-8")
    amendment = write_amendment(tmp_path, kit, kind="reshare", plan="new-plan.toml", output="kit-3")
    out = tmp_path / "kit-3"
    cards: list[Card] = [
        lambda: card(kit, 1, 2),
        lambda: card(kit, 1, 3),
        lambda: card(kit, 2, 1),
        lambda: card(kit, 2, 2),
    ]
    for group, count in ((1, 3), (2, 1), (3, 2)):
        for member in range(1, count + 1):
            cards.append(lambda g=group, m=member: card(out, g, m))
    code, text, typed = drive(["reshare", str(amendment)], cards, fates="ddrdd")
    assert code == 0, text[-3000:]
    assert "the master secret itself is never decrypted" in text
    assert "unchanged: the same wallet" in text
    assert "Step 7.1" in text
    assert "reshare complete" in text
    assert "Read back" in text
    assert_no_secret(text, [t.split() for t in typed])
    record = record_of(out)
    assert record.read_back["fingerprint"] == record.fingerprint
    assert record.lineage is not None
    assert [c.fate for c in record.lineage.retired] == [
        "destroyed",
        "destroyed",
        "not returned",
        "destroyed",
        "destroyed",
    ]


@pytest.mark.skipif(not Path(CEREMONY).exists(), reason="the ceremony command is not installed")
def test_ctrl_c_while_a_holder_types(tmp_path: Path) -> None:
    kit = original_kit(tmp_path)
    before = {p: p.read_bytes() for p in kit.rglob("*") if p.is_file()}
    amendment = write_amendment(tmp_path, kit)
    child = pexpect.spawn(
        CEREMONY,
        ["extend", str(amendment)],
        encoding="utf-8",
        timeout=120,
        env={"PATH": "/usr/bin:/bin"},
    )
    while True:
        index = child.expect(PROMPTS)
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        elif index == 2:
            child.sendintr()
            break
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130
    assert "interrupted at step 2.1" in child.before
    assert {p: p.read_bytes() for p in kit.rglob("*") if p.is_file()} == before
    assert [p.name for p in (tmp_path / "kit-2.aborted-1").iterdir()] == ["transcript.jsonl"]
