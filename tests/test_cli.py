"""The command line as a user meets it: help with examples, JSON shapes, stdout versus stderr,
no secrets in argv, no tracebacks."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator

import pytest
import typer

from ceremony.cli.app import _load_commands
from ceremony.cli.base import app
from tests.helpers.cli import run_cli
from tests.helpers.paths import ROOT


def all_commands() -> Iterator[tuple[str, object]]:
    _load_commands()
    root = typer.main.get_command(app)

    def walk(command: object, path: str) -> Iterator[tuple[str, object]]:
        sub = getattr(command, "commands", None)
        if sub is not None:
            for name, child in sub.items():
                yield from walk(child, f"{path} {name}".strip())
        else:
            yield path, command

    yield from walk(root, "")


COMMANDS = [name for name, _ in all_commands()]


@pytest.mark.parametrize("name", COMMANDS)
def test_help_has_examples(name: str) -> None:
    result = run_cli([*name.split(), "--help"])
    assert result.code == 0, result.err
    assert "Example" in result.out, f"`ceremony {name} --help` shows no examples"
    assert run_cli([*name.split(), "-h"]).code == 0


SECRET_WORDS = ("secret", "passphrase", "share", "mnemonic", "seed", "word", "password")
PUBLIC_HASH_WORDS = {"head_words", "notice_words", "session_words"}
"""`ceremony audit` anchors: twelve words of a public hash, printed on the record and notice."""


@pytest.mark.parametrize("name", COMMANDS)
def test_no_secret_is_taken_as_an_argument(name: str) -> None:
    command = dict(all_commands())[name]
    for param in getattr(command, "params", []):
        label = (param.name or "").lower()
        if any(word in label for word in SECRET_WORDS) and label not in PUBLIC_HASH_WORDS:
            is_flag = getattr(param, "is_flag", False)
            assert is_flag or label.endswith(("_file", "_dir", "source", "record")), (
                f"`ceremony {name}` takes {param.name} as a value: secrets never go in argv"
            )


def test_python_dash_m_and_console_script() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "ceremony", "--help"],
        capture_output=True,
        text=True,
        cwd=ROOT,
        timeout=60,
    )
    assert result.returncode == 0
    assert "split" in result.stdout


def test_split_json_shape_and_round_trip() -> None:
    result = run_cli(
        [
            "split",
            "-t",
            "2",
            "-g",
            "treasury=2of3",
            "-g",
            "family=2of3",
            "-g",
            "lawyer=1of1",
            "--reveal",
            "--json",
        ]
    )
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["format"] == "ceremony-split/v1"
    assert [g["name"] for g in data["groups"]] == ["treasury", "family", "lawyer"]
    assert len(data["fingerprint"]) == 8
    assert len(data["commitment"]) == 64
    shares = [
        data["groups"][0]["shares"][0]["mnemonic"],
        data["groups"][0]["shares"][2]["mnemonic"],
        data["groups"][2]["shares"][0]["mnemonic"],
    ]
    back = run_cli(["combine", "-", "--json"], stdin="\n".join(shares))
    combined = json.loads(back.out)
    assert combined["fingerprint"] == data["fingerprint"]
    assert combined["commitment"] == data["commitment"]
    assert "secret_hex" not in combined


def test_split_text_output_feeds_combine() -> None:
    split = run_cli(["split", "-t", "1", "-g", "solo=3of5", "--strength", "128", "--reveal"])
    assert split.code == 0
    assert "verified" in split.err
    assert "verified" not in split.out
    back = run_cli(["combine", "-", "--reveal"], stdin=split.out)
    # all five shares are given: more than the threshold is fine, and all are proven consistent
    assert back.code == 0, back.err
    assert back.out.splitlines()[0].split()[1] in split.out


def test_bip39_kind_round_trip(tmp_path) -> None:  # type: ignore[no-untyped-def]
    phrase = "legal winner thank year wave sausage worth useful legal winner thank yellow"
    secret_file = tmp_path / "seed"
    secret_file.write_text(phrase + "\n")
    split = run_cli(
        [
            "split",
            "-t",
            "1",
            "-g",
            "solo=2of3",
            "--kind",
            "bip39",
            "--secret-file",
            str(secret_file),
            "--reveal",
            "--json",
        ]
    )
    assert split.code == 0, split.err
    shares = [s["mnemonic"] for s in json.loads(split.out)["groups"][0]["shares"][:2]]
    back = run_cli(
        ["combine", "-", "--kind", "bip39", "--reveal", "--json"], stdin="\n".join(shares)
    )
    assert json.loads(back.out)["bip39_phrase"] == phrase


def test_verify_shares_reports_progress() -> None:
    split = run_cli(
        [
            "split",
            "-t",
            "2",
            "-g",
            "a=2of3",
            "-g",
            "b=3of5",
            "--strength",
            "128",
            "--reveal",
            "--json",
        ]
    )
    data = json.loads(split.out)
    shares = [
        data["groups"][0]["shares"][0]["mnemonic"],
        data["groups"][1]["shares"][0]["mnemonic"],
    ]
    result = run_cli(["verify-shares", "-"], stdin="\n".join(shares))
    assert result.code == 0
    assert "group 1: 1 of 2 needed" in result.out
    assert "no quorum" in result.out
    as_json = json.loads(run_cli(["verify-shares", "-", "--json"], stdin="\n".join(shares)).out)
    assert as_json["quorum"] is False


def test_internal_errors_print_no_traceback(monkeypatch: pytest.MonkeyPatch) -> None:
    import ceremony.workflows.combine as combine

    def boom(*args: object, **kwargs: object) -> None:
        secret_local = "abandon " * 20  # noqa: F841 - a local that must not be shown
        raise RuntimeError("boom")

    monkeypatch.setattr(combine, "combine_shares", boom)
    split = run_cli(["split", "-t", "1", "-g", "a=2of3", "--reveal"])
    result = run_cli(["combine", "-"], stdin=split.out)
    assert result.code == 1
    assert "internal error" in result.err
    assert "Traceback" not in result.err
    assert "abandon" not in result.err


def test_typer_locals_are_off() -> None:
    assert app.pretty_exceptions_show_locals is False
