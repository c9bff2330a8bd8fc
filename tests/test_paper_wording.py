"""Wording templates: found in a checkout or an installed package, and every placeholder fillable."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from ceremony.core.slip39 import wordlist
from ceremony.errors import OutputFailed
from ceremony.paper import holder, record, wording
from ceremony.paper.specimen import SpecimenGroup, specimen_kits, specimen_record


def strings(node: Any) -> Iterator[str]:
    if isinstance(node, str):
        yield node
    elif isinstance(node, dict):
        for value in node.values():
            yield from strings(value)
    elif isinstance(node, list):
        for value in node:
            yield from strings(value)


def allowed_names() -> dict[str, set[str]]:
    groups = [SpecimenGroup("solo", 1, 1)]
    kits = specimen_kits(wordlist(), groups, 1)
    sheet = specimen_record(kits, ["0" * 64], wordlist(), groups=groups)
    holder_values = holder.template_values(kits[0], wording.load("paper", "holder.toml"))
    return {
        "holder.toml": set(holder_values) | {"summary"},
        "record.toml": set(record.template_values(sheet)) | {"member_number", "member_count"},
        "common.toml": {"document", "ceremony_id", "plan_hash_words", "page", "pages"},
    }


@pytest.mark.parametrize("name", ["holder.toml", "record.toml", "common.toml"])
def test_every_placeholder_is_one_the_program_fills(name: str) -> None:
    allowed = allowed_names()[name]
    for text in strings(dict(wording.load("paper", name).data)):
        assert wording.placeholders(text) <= allowed, text


def test_templates_are_found_in_the_checkout() -> None:
    assert (wording.templates_root() / "paper" / "holder.toml").is_file()


def test_installed_templates_come_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ceremony.templates as templates

    package = tmp_path / "pkg"
    installed = package / "_data" / "templates"
    (installed / "paper").mkdir(parents=True)
    (installed / "paper" / "x.toml").write_text('a = "installed {who}"\n')
    monkeypatch.setattr(templates, "PACKAGE", package)
    assert wording.templates_root() == installed
    loaded = wording.Wording("x", {"a": "installed {who}"})
    assert loaded.text("a", {"who": "copy"}) == "installed copy"
    assert wording.read_text("paper", "x.toml").startswith("a =")


def test_missing_templates_say_what_to_do(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import ceremony.templates as templates

    monkeypatch.setattr(templates, "PACKAGE", tmp_path / "a" / "pkg")
    with pytest.raises(OutputFailed) as caught:
        wording.templates_root()
    assert "reinstall" in caught.value.hint


def test_unknown_placeholder_is_an_error_not_a_crash() -> None:
    with pytest.raises(OutputFailed) as caught:
        wording.fill("hello {nobody}", {}, source="test")
    assert "nobody" in caught.value.message


def test_values_are_never_parsed_as_templates() -> None:
    assert wording.fill("{a}", {"a": "{b} {0}"}) == "{b} {0}"


def test_missing_key_names_the_key() -> None:
    text = wording.Wording("t.toml", {"a": {"b": "x"}})
    assert text.text("a.b") == "x"
    assert text.has("a.b")
    assert not text.has("a.c")
    with pytest.raises(OutputFailed, match=r"a\.c"):
        text.text("a.c")
