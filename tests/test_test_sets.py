"""The fast set and the slow set together are every test: `make test` selects `-m "not slow"`,
`make test-slow` selects `-m slow`, CI runs both, and every entry of tests/helpers/slow.py names a
test file, or a test in it, that exists (a stale entry would leave its test in the fast set while
the table says otherwise). Read from the Makefile, the CI script and the sources with `ast`."""

from __future__ import annotations

import ast
import functools
import re
import shlex
from pathlib import Path

import pytest

from tests.helpers.paths import ROOT
from tests.helpers.slow import COLLECTED, SLOW, slow_reason


def make_rule(target: str) -> tuple[list[str], str]:
    """A Makefile target's prerequisites and its recipe lines, joined."""
    lines = (ROOT / "Makefile").read_text(encoding="utf-8").splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith(f"{target}:"))
    recipe = []
    for line in lines[start + 1 :]:
        if not line.startswith("\t"):
            break
        recipe.append(line.strip())
    return lines[start].split(":", 1)[1].split(), " ".join(recipe)


def make_recipe(target: str) -> str:
    return make_rule(target)[1]


def marker_expression(target: str) -> str:
    words = shlex.split(make_recipe(target))
    assert words.count("-m") == 1, f"make {target}: one -m expression"
    return words[words.index("-m") + 1]


def test_the_two_make_targets_select_complementary_sets() -> None:
    assert marker_expression("pytest") == "not slow"
    assert marker_expression("pytest-slow") == "slow"
    assert "-m" not in shlex.split(make_recipe("pytest-all"))
    assert "pytest" in make_rule("test")[0]
    assert "pytest-slow" in make_rule("test-slow")[0]


def test_ci_runs_both_sets() -> None:
    commands = [
        line.split("#")[0].strip()
        for line in (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    ]
    assert "make test" in commands
    assert "make test-slow" in commands


def test_no_test_is_kept_out_of_both_sets() -> None:
    """Only `slow` decides a set: no test file deselects itself by another marker or option."""
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    addopts = re.search(r'^addopts = "(.*)"$', pyproject, re.MULTILINE)
    assert addopts is not None
    assert "-m" not in shlex.split(addopts.group(1))
    assert "--deselect" not in addopts.group(1)
    assert "--ignore" not in addopts.group(1)


@functools.cache
def defined_tests(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.name
        for node in tree.body
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
        and node.name.startswith("test_")
    }


def test_every_slow_entry_names_an_existing_test() -> None:
    missing = []
    for key in SLOW:
        path, _, name = key.partition("::")
        file = ROOT / path
        if not file.is_file() or (name and name.split("[")[0] not in defined_tests(file)):
            missing.append(key)
    assert not missing, f"tests/helpers/slow.py names tests that do not exist: {missing}"


def test_every_slow_case_is_a_collected_case(request: pytest.FixtureRequest) -> None:
    """A key `test_x[id]` names a case pytest collects (checked for the files this run collected,
    which in `make test` and `make test-slow` is every file)."""
    collected = request.config.stash[COLLECTED]
    files = {nodeid.partition("::")[0] for nodeid in collected}
    cases = [key for key in SLOW if "[" in key and key.partition("::")[0] in files]
    missing = [key for key in cases if key not in collected]
    assert not missing, f"tests/helpers/slow.py names cases pytest does not collect: {missing}"


def test_a_slow_entry_matches_its_file_or_its_test_with_any_parameters() -> None:
    assert slow_reason("tests/test_demo.py::test_anything[x]") is not None
    test = next(key for key in SLOW if "::" in key)
    assert slow_reason(f"{test}[some-parameter]") == SLOW[test]
    assert slow_reason(f"{test}_and_more") is None or f"{test}_and_more" in SLOW
    assert slow_reason("tests/test_no_such_file.py::test_x") is None
