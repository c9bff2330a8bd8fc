"""Every valid SLIP-39 share length is read: 20, 33 and 59 words (512-bit secrets, which the
reference package, python-slip39 and btclib write), by combine, verify-shares and every prompt."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
import shamir_mnemonic
from rich.console import Console

from ceremony.core.words import parse_share
from ceremony.ui.share_entry import SharePrompt
from tests.helpers.cli import run_cli

SECRET_512 = bytes(range(64))


@pytest.fixture(scope="module")
def shares_512() -> list[str]:
    return shamir_mnemonic.generate_mnemonics(1, [(2, 3)], SECRET_512, b"TREZOR")[0]


@pytest.mark.parametrize("size", [16, 32, 64])
def test_parse_accepts_every_length(size: int) -> None:
    share = shamir_mnemonic.generate_mnemonics(1, [(1, 1)], bytes(size), b"")[0][0]
    assert len(parse_share(share).words) == {16: 20, 32: 33, 64: 59}[size]


def test_combine_and_verify_read_59_word_shares(tmp_path: Path, shares_512: list[str]) -> None:
    assert len(shares_512[0].split()) == 59
    path = tmp_path / "shares.txt"
    path.write_text("\n".join(shares_512[:2]) + "\n")
    (tmp_path / "pass.txt").write_text("TREZOR")
    combined = run_cli(
        ["combine", str(path), "--passphrase-file", str(tmp_path / "pass.txt"), "--reveal"]
    )
    assert combined.code == 0, combined.err
    assert f"secret {SECRET_512.hex()}" in combined.out
    verified = run_cli(["verify-shares", str(path)])
    assert verified.code == 0, verified.err
    assert "quorum present" in verified.out


def test_a_59_word_share_is_typed_at_the_prompt(shares_512: list[str]) -> None:
    words = iter(shares_512[0].split())
    entry = SharePrompt(
        lambda prompt: next(words, ""),
        Console(file=io.StringIO()),
        read_answer=lambda prompt: "",
    )
    assert entry.read().mnemonic() == shares_512[0]


def test_impossible_lengths_are_still_refused() -> None:
    share = shamir_mnemonic.generate_mnemonics(1, [(1, 1)], bytes(16), b"")[0][0]
    result = run_cli(["verify-shares", "-"], stdin=share + " academic\n")
    assert result.code == 3
    assert "has 21 words, a length no SLIP-39 share has" in result.err
