"""The architecture, read from the imports: layers point one way, and `random` is banned."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ceremony"


def imports_of(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return names


def modules(sub: str = "") -> list[Path]:
    return sorted((PACKAGE / sub).rglob("*.py"))


def top(name: str) -> str:
    return name.split(".")[0]


def test_random_is_never_imported() -> None:
    for path in modules():
        assert "random" not in {top(n) for n in imports_of(path)}, path


def test_only_the_adapter_imports_shamir_mnemonic() -> None:
    for path in modules():
        if path == PACKAGE / "core" / "slip39.py":
            continue
        assert "shamir_mnemonic" not in {top(n) for n in imports_of(path)}, path


def test_core_is_free_of_ui_and_upper_layers() -> None:
    banned = {"typer", "rich", "reportlab", "click"}
    upper = ("ceremony.cli", "ceremony.ui", "ceremony.paper", "ceremony.workflows")
    for path in modules("core"):
        names = imports_of(path)
        assert not {top(n) for n in names} & banned, path
        assert not any(n.startswith(upper) for n in names), path


LEAVES = ("ceremony.errors", "ceremony.terminal_text", "ceremony.templates")
"""Modules below every layer: errors, the terminal-text sanitiser, package data. Each imports
nothing of the project but errors (see `test_the_leaves_are_leaves`)."""


def test_model_imports_nothing_but_model_and_the_leaves() -> None:
    for path in modules("model"):
        names = imports_of(path)
        ours = {n for n in names if top(n) == "ceremony"}
        assert all(n.startswith("ceremony.model") or n in LEAVES for n in ours), (path, ours)
        assert not {top(n) for n in names} & {"typer", "rich", "reportlab"}, path


def test_the_leaves_are_leaves() -> None:
    for name in LEAVES:
        path = PACKAGE / f"{name.split('.')[1]}.py"
        ours = {n for n in imports_of(path) if top(n) == "ceremony"}
        assert ours <= {"ceremony.errors"}, (path, ours)


def test_plan_files_are_read_just_above_the_model() -> None:
    """planfile/ reads the input files into model values; every layer above may use it."""
    below = ("ceremony.model", "ceremony.planfile", *LEAVES)
    for path in modules("planfile"):
        ours = {n for n in imports_of(path) if top(n) == "ceremony"}
        assert all(n.startswith(below) for n in ours), (path, ours)
    for path in modules("model") + modules("core") + modules("paper"):
        assert not any(n.startswith("ceremony.planfile") for n in imports_of(path)), path


def test_workflows_never_print_or_prompt() -> None:
    for path in modules("workflows"):
        names = imports_of(path)
        assert not any(n.startswith(("ceremony.cli", "ceremony.ui")) for n in names), path
        assert not {top(n) for n in names} & {"typer", "rich"}, path


def test_paper_knows_nothing_of_slip39_or_the_terminal() -> None:
    for path in modules("paper"):
        names = imports_of(path)
        assert not any(
            n.startswith(("ceremony.core", "ceremony.cli", "ceremony.ui", "ceremony.workflows"))
            for n in names
        ), path
        assert not {top(n) for n in names} & {"typer", "rich", "shamir_mnemonic"}, path


def test_ui_does_not_reach_into_the_cli() -> None:
    for path in modules("ui"):
        assert not any(n.startswith("ceremony.cli") for n in imports_of(path)), path


def test_core_modules_import_each_other_without_a_circle() -> None:
    """Every import counts, also one inside a function: a circle hidden in a function is still one
    (core/slip39.py and core/words.py had one)."""
    graph = {
        path.stem: {n.split(".")[2] for n in imports_of(path) if n.startswith("ceremony.core.")}
        for path in modules("core")
    }
    for path in modules("core"):
        graph[path.stem] |= {
            alias.name
            for node in ast.walk(ast.parse(path.read_text()))
            if isinstance(node, ast.ImportFrom) and node.module == "ceremony.core"
            for alias in node.names
        }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()) - seen:
            if name == goal or reaches(name, goal, seen | {name}):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []
