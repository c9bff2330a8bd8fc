"""Untrusted text on a terminal (the one sanitiser), strict JSON, and `split --kit --force` that
replaces only a kit that split wrote."""

from __future__ import annotations

import atexit
import functools
import io
import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from ceremony.errors import BadInput, ExitCode
from ceremony.model import strict_json
from ceremony.model.record import Record
from ceremony.terminal_text import safe
from ceremony.ui.console import console
from tests.helpers.cli import run_cli

SPLIT = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128"]


@pytest.mark.parametrize(
    ("raw", "shown"),
    [
        ("plain Zoë Łukasz 名前", "plain Zoë Łukasz 名前"),
        ("a\x1b]52;c;aGk=\x07b", "a<U+001B>]52;c;aGk=<U+0007>b"),
        ("\x1b[2J", "<U+001B>[2J"),
        ("\x9b31m", "<U+009B>31m"),
        ("abc\u202edef", "abc<U+202E>def"),
        ("Al\u200bice", "Al<U+200B>ice"),
        ("a\u2028b\u2029c", "a<U+2028>b<U+2029>c"),
        ("\ufeffbom", "<U+FEFF>bom"),
        ("line\nbreak\ttab\r", "line<U+000A>break<U+0009>tab<U+000D>"),
    ],
)
def test_safe_makes_hidden_characters_visible(raw: str, shown: str) -> None:
    assert safe(raw) == shown


def test_chatter_keeps_its_own_line_breaks() -> None:
    assert safe("one\ntwo\tthree\x1b", keep_lines=True) == "one\ntwo\tthree<U+001B>"


def test_every_console_sanitises_what_it_renders() -> None:
    from rich.table import Table
    from rich.text import Text

    buffer = io.StringIO()
    screen = console(file=buffer, force_terminal=True, color_system="standard", width=100)
    screen.print(Text("name \x1b]52;c;aGk=\x07 \u202e", style="bold"))
    table = Table()
    table.add_column("x")
    table.add_row("\x1b[2J")
    screen.print(table)
    screen.rule("\x9b1m")
    text = buffer.getvalue()
    assert "\x1b]" not in text
    assert "\x1b[2J" not in text
    assert "\u202e" not in text
    assert "\x9b" not in text
    assert "<U+001B>]52" in text
    assert "\x1b[1m" in text  # rich's own styling still works


def make_kit(tmp_path: Path, name: str = "kit") -> Path:
    """A kit that `split --kit` wrote: split once per test process, a copy (modes kept) for each
    test, as the tests only read it or change their own copy."""
    kit = tmp_path / name
    shutil.copytree(_split_once(), kit)
    return kit


@functools.cache
def _split_once() -> Path:
    folder = Path(tempfile.mkdtemp(prefix="ceremony-test-split-kit-"))
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    result = run_cli([*SPLIT, "--kit", str(folder / "kit")])
    assert result.code == 0, result.err
    return folder / "kit"


def test_check_share_shows_a_hostile_record_without_escapes(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = json.loads((kit / "record.json").read_text())
    data["shares"][0]["holder"] = "Eve\x1b]52;c;aGFja2Vk\x07"
    data["ceremony_name"] = "Acme \u202eyrusaert"
    (kit / "record.json").write_text(json.dumps(data))
    result = run_cli(["check-share", "--record", str(kit), "-"], "academic " * 20)
    assert result.code == ExitCode.NOT_VERIFIED, result.err
    assert "\x1b" not in result.err + result.out
    assert "\u202e" not in result.err
    assert "shares[1].holder contains an invisible or control character <U+001B>" in result.err


@pytest.mark.parametrize(
    ("text", "phrase"),
    [
        ('{"a": 1, "a": 2}', 'the key "a" appears twice'),
        ('{"a": 1e999}', "the number 1e999 is out of range"),
        ('{"a": NaN}', "NaN is not a number this tool writes"),
        ('{"a": ' + "1" * 300 + "}", "an integer of 300 digits"),
        ("[" * 5000 + "]" * 5000, "nests 5000 levels deep"),
        ('{"a": "\\ud800"', "not valid JSON"),
    ],
)
def test_strict_json_refuses(text: str, phrase: str) -> None:
    with pytest.raises(BadInput, match="the thing") as caught:
        strict_json.loads(text, "the thing", "hint")
    assert phrase in caught.value.message


def test_strict_json_bounds_size() -> None:
    with pytest.raises(BadInput, match="too large"):
        strict_json.loads(b" " * 100, "the thing", "hint", max_bytes=10)


@pytest.mark.parametrize(
    ("field", "value", "phrase"),
    [
        ("demo", "false", "field demo must be true or false, not a string"),
        ("extendable", 1, "field extendable must be true or false, not an integer"),
        ("group_threshold", True, "field group_threshold must be an integer, not a boolean"),
        ("group_threshold", "1", "field group_threshold must be an integer, not a string"),
        ("fingerprint", 5, "field fingerprint must be a string, not an integer"),
        ("shares", {}, "field shares must be an array, not an object"),
    ],
)
def test_record_types_are_never_coerced(
    tmp_path: Path, field: str, value: object, phrase: str
) -> None:
    kit = make_kit(tmp_path)
    data = json.loads((kit / "record.json").read_text())
    data[field] = value
    with pytest.raises(BadInput) as caught:
        Record.from_json(json.dumps(data), "the record")
    assert phrase in caught.value.message


def test_record_share_fields_are_named_by_path(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    data = json.loads((kit / "record.json").read_text())
    data["shares"][1]["group_number"] = "1"
    with pytest.raises(BadInput, match=r"field shares\[1\]\.group_number must be an integer"):
        Record.from_json(json.dumps(data), "the record")


# -- --force replaces only a kit that split wrote ---------------------------------------------


def test_force_replaces_a_split_kit(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    before = (kit / "record.json").read_bytes()
    result = run_cli([*SPLIT, "--kit", str(kit), "--force"])
    assert result.code == 0, result.err
    assert (kit / "record.json").read_bytes() != before


@pytest.mark.parametrize(
    "damage",
    [
        "not a kit",
        "an extra file",
        "a transcript",
        "a recovery session",
        "a symlink out",
        "the kit is a symlink",
        "a bad record",
        "a planned ceremony",
    ],
)
def test_force_refuses_anything_else(tmp_path: Path, damage: str) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "precious.txt").write_text("keep me")
    kit = make_kit(tmp_path)
    target = kit
    if damage == "not a kit":
        target = outside
    elif damage == "an extra file":
        (kit / "notes.txt").write_text("mine")
    elif damage == "a transcript":
        (kit / "transcript.jsonl").write_text("{}\n")
    elif damage == "a recovery session":
        (kit / "recovery").mkdir()
    elif damage == "a symlink out":
        os.symlink(outside, kit / "holders" / "link")
    elif damage == "the kit is a symlink":
        target = tmp_path / "link"
        os.symlink(kit, target)
    elif damage == "a bad record":
        (kit / "record.json").write_text('{"format": "ceremony-record/v1", "demo": "false"}')
    elif damage == "a planned ceremony":
        data = json.loads((kit / "record.json").read_text())
        data["plan_source"] = "plan"
        (kit / "record.json").write_text(json.dumps(data))
    listing = sorted(str(p) for p in tmp_path.rglob("*"))
    result = run_cli([*SPLIT, "--kit", str(target), "--force"])
    assert result.code == ExitCode.REFUSED, result.err
    assert result.err.splitlines()[-1].startswith("hint: ")
    assert sorted(str(p) for p in tmp_path.rglob("*")) == listing
    assert (outside / "precious.txt").read_text() == "keep me"
