"""`ceremony split --dice-file`: the dice interface for scripts, every bad input, and the
two-machine cross-check (dice-only: same rolls, same fingerprint)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceremony.errors import ExitCode
from tests.helpers.cli import run_cli

GOOD_50 = "54641156335562145362222351541144126563134436642623"
BASE = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128"]


def split_with(tmp_path: Path, rolls: str | bytes, *extra: str) -> object:
    path = tmp_path / "rolls.txt"
    path.write_bytes(rolls.encode() if isinstance(rolls, str) else rolls)
    return run_cli([*BASE, "--dice-file", str(path), *extra, "--reveal", "--json"])


def test_dice_only_gives_the_same_fingerprint_twice(tmp_path: Path) -> None:
    first = split_with(tmp_path, GOOD_50, "--dice-only")
    second = split_with(tmp_path, GOOD_50 + "\n", "--dice-only")
    assert first.code == second.code == 0, first.err  # type: ignore[attr-defined]
    a, b = json.loads(first.out), json.loads(second.out)  # type: ignore[attr-defined]
    assert a["fingerprint"] == b["fingerprint"]
    assert a["commitment"] == b["commitment"]
    assert "The dice alone make the secret" in first.err  # type: ignore[attr-defined]
    assert "--dice-only was given, which confirms this" in first.err  # type: ignore[attr-defined]


def test_mixed_dice_differ_between_runs(tmp_path: Path) -> None:
    first = json.loads(split_with(tmp_path, GOOD_50).out)  # type: ignore[attr-defined]
    second = json.loads(split_with(tmp_path, GOOD_50).out)  # type: ignore[attr-defined]
    assert first["fingerprint"] != second["fingerprint"]


@pytest.mark.parametrize(
    ("rolls", "extra", "phrase"),
    [
        ("1234", (), "need at least 50 rolls"),
        (GOOD_50[:20] + "7" + GOOD_50[21:], (), "column 21"),
        (GOOD_50[:10] + "abc" + GOOD_50[10:], (), "column 11"),
        ("", (), "no rolls"),
        ("1" * 60, (), "in a row"),
        ("1234" * 13, (), "too unevenly"),
        (GOOD_50, ("--sides", "1"), "sides"),
        ("1" * 200_000, (), "larger than"),
    ],
    ids=[
        "too few",
        "a 7 on a d6",
        "letters",
        "empty file",
        "all ones",
        "fails chi-square",
        "sides 1",
        "huge file",
    ],
)
def test_bad_dice(tmp_path: Path, rolls: str, extra: tuple[str, ...], phrase: str) -> None:
    result = split_with(tmp_path, rolls, *extra)
    assert result.code == ExitCode.BAD_INPUT, result.err  # type: ignore[attr-defined]
    err = result.err  # type: ignore[attr-defined]
    assert err.startswith("error: ")
    assert "hint: " in err
    assert "Traceback" not in err
    assert phrase in err, err


def test_dice_options_need_a_dice_file() -> None:
    result = run_cli([*BASE, "--dice-only", "--reveal"])
    assert result.code == ExitCode.BAD_INPUT
    assert "--dice-file" in result.err
