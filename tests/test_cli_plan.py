"""`ceremony plan new|check|print`, end to end through the real entry point."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

import ceremony.cli.plan  # noqa: F401 - registers the commands
from ceremony.paper.wording import template_path
from tests.helpers.plans import MINIMAL


@pytest.fixture
def example(tmp_path: Path, cli: Any) -> Path:
    path = tmp_path / "plan.toml"
    result = cli(["plan", "new", str(path)])
    assert result.code == 0, result.err
    return path


def pdf_text(data: bytes) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def test_new_writes_the_annotated_example(example: Path, cli: Any) -> None:
    assert example.read_bytes() == template_path("plan-example.toml").read_bytes()
    assert example.stat().st_mode & 0o777 == 0o644
    result = cli(["plan", "check", str(example)])
    assert result.code == 0, result.err


def test_new_refuses_to_overwrite_without_force(example: Path, cli: Any) -> None:
    example.write_text("mine")
    result = cli(["plan", "new", str(example)])
    assert result.code == 5
    assert "already exists" in result.err
    assert "--force" in result.err
    assert example.read_text() == "mine"
    assert cli(["plan", "new", str(example), "--force"]).code == 0
    assert example.read_text().startswith("# Ceremony plan")


def test_check_prints_a_summary_and_the_hash(example: Path, cli: Any) -> None:
    result = cli(["plan", "check", str(example)])
    digest = hashlib.sha256(example.read_bytes()).hexdigest()
    assert f"sha256     {digest}" in result.out
    words = next(line for line in result.out.splitlines() if line.startswith("words"))
    assert len(words.split()) == 13
    assert "group      treasury: 2 of 3 needed" in result.out
    assert "Alice Example  <alice@example.org>" in result.out
    assert "at least 3 people recover; 7 shares of 33 words" in result.out
    assert "the plan is valid" in result.err


def test_check_prints_untrusted_names_literally(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(MINIMAL.replace('"Bob"', '"[bold red]Bob[/]"'))
    result = cli(["plan", "check", str(path)])
    assert result.code == 0, result.err
    assert "[bold red]Bob[/]" in result.out
    assert "warning: no auditor is named" in result.err


def test_check_json(example: Path, cli: Any) -> None:
    result = cli(["plan", "check", str(example), "--json"])
    assert result.code == 0
    data = json.loads(result.out)
    assert data["format"] == "ceremony-plan-check/v1"
    assert data["valid"] is True
    assert data["plan"]["sha256"] == hashlib.sha256(example.read_bytes()).hexdigest()
    assert data["plan"]["groups"][2]["name"] == "escrow"
    assert data["warnings"] == []


def test_check_reports_bad_plans_with_exit_3(tmp_path: Path, cli: Any) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(MINIMAL.replace("\nthreshold = 2\n", "\ntreshold = 2\n"))
    result = cli(["plan", "check", str(path)])
    assert result.code == 3
    assert result.out == ""
    assert result.err.startswith(f"error: {path}, line 10: unknown key 'groups[1].treshold'")
    assert "did you mean 'threshold'?" in result.err
    assert "\nhint: " in result.err


def test_check_a_missing_file(tmp_path: Path, cli: Any) -> None:
    result = cli(["plan", "check", str(tmp_path / "nope.toml")])
    assert result.code == 3
    assert "cannot read the plan" in result.err


def test_print_writes_a_deterministic_review_pdf(example: Path, tmp_path: Path, cli: Any) -> None:
    first, second = tmp_path / "a.pdf", tmp_path / "b.pdf"
    assert cli(["plan", "print", str(example), "--out", str(first)]).code == 0
    assert cli(["plan", "print", str(example), "-o", str(second)]).code == 0
    assert first.read_bytes() == second.read_bytes()

    words = json.loads(cli(["plan", "check", str(example), "--json"]).out)["plan"]["hash_words"]
    reader = PdfReader(io.BytesIO(first.read_bytes()))
    assert len(reader.pages) >= 2
    for page in reader.pages:
        text = page.extract_text()
        assert f"plan words: {words}" in " ".join(text.split())
        assert "Ceremony plan for review" in text
        assert "DEMO  Ceremony plan" not in text
    text = pdf_text(first.read_bytes())
    assert 'name = "Example Co treasury cold wallet"' in text
    assert '{ name = "Alice Example", contact = "alice@example.org" },' in text
    assert f"page 1 of {len(reader.pages)}" in text


def test_print_refuses_to_overwrite_and_marks_demo_plans(tmp_path: Path, cli: Any) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(MINIMAL.replace('name = "Test ceremony"', 'name = "Zoë Łukasz"\ndemo = true'))
    out = tmp_path / "plan.pdf"
    assert cli(["plan", "print", str(plan), "--out", str(out)]).code == 0
    text = pdf_text(out.read_bytes())
    pages = len(PdfReader(io.BytesIO(out.read_bytes())).pages)
    assert text.count("DEMO · NOT A REAL SECRET · DO NOT USE · DEMO") == pages  # the band
    assert "DEMO plan: never keep value" in text
    assert "Zoë Łukasz" in text
    result = cli(["plan", "print", str(plan), "--out", str(out)])
    assert result.code == 5
    assert cli(["plan", "print", str(plan), "--out", str(out), "--force"]).code == 0


def test_print_of_a_bad_plan_writes_nothing(tmp_path: Path, cli: Any) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text("[ceremony\n")
    out = tmp_path / "plan.pdf"
    result = cli(["plan", "print", str(plan), "--out", str(out)])
    assert result.code == 3
    assert not out.exists()


def test_print_needs_an_output(example: Path, cli: Any) -> None:
    result = cli(["plan", "print", str(example)])
    assert result.code == 2
    assert "--out" in result.err


@pytest.mark.parametrize("command", ["new", "check", "print"])
def test_every_command_has_help_with_examples(cli: Any, command: str) -> None:
    result = cli(["plan", command, "--help"])
    assert result.code == 0
    assert "Examples:" in result.out
    assert f"ceremony plan {command} plan.toml" in result.out
