"""The tests' own layering: shared helpers live in tests/helpers/, one module per topic; a test
module imports from those, never from another test module or from conftest.py, which holds only
fixtures and hooks. Read from the source with `ast`, like tests/test_layering.py."""

from __future__ import annotations

import ast
from pathlib import Path

TESTS = Path(__file__).resolve().parent
SOURCES = sorted(TESTS.rglob("*.py"))


def _forbidden(module: str) -> bool:
    """A test module or conftest, by dotted name."""
    last = module.rsplit(".", 1)[-1]
    return module.startswith("tests.") and (last.startswith("test_") or last == "conftest")


def imported_modules(tree: ast.AST) -> list[str]:
    """Every module an import names, `from tests import test_x` counted as `tests.test_x`."""
    found: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            found.append(node.module)
            found += [f"{node.module}.{alias.name}" for alias in node.names]
    return found


def test_no_module_imports_a_test_module_or_conftest() -> None:
    bad = {}
    for path in SOURCES:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        found = sorted({m for m in imported_modules(tree) if _forbidden(m)})
        if found:
            bad[path.relative_to(TESTS).as_posix()] = found
    assert not bad, f"move the shared helpers to tests/helpers/: {bad}"


def test_helpers_live_in_tests_helpers() -> None:
    loose = [
        p.name
        for p in TESTS.glob("*.py")
        if not p.name.startswith("test_") and p.name not in {"conftest.py", "__init__.py"}
    ]
    assert not loose, f"helper modules outside tests/helpers/: {loose}"
    tests_in_helpers = [p.name for p in (TESTS / "helpers").glob("test_*.py")]
    assert not tests_in_helpers, f"test modules in tests/helpers/: {tests_in_helpers}"


def test_conftest_holds_only_fixtures_and_hooks() -> None:
    tree = ast.parse((TESTS / "conftest.py").read_text(encoding="utf-8"))
    others = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef):
            fixture = any("fixture" in ast.unparse(d) for d in node.decorator_list)
            if not (fixture or node.name.startswith("pytest_")):
                others.append(node.name)
        elif isinstance(node, ast.ClassDef | ast.Assign | ast.AnnAssign):
            others.append(ast.unparse(node).splitlines()[0])
    assert not others, f"conftest.py defines more than fixtures and hooks: {others}"


def test_the_check_sees_each_forbidden_form() -> None:
    source = (
        "from tests.test_audit import make_kit\n"
        "from tests import test_recovery as kits\n"
        "import tests.conftest\n"
        "from tests.helpers.kits import make_kit\n"
    )
    found = sorted({m for m in imported_modules(ast.parse(source)) if _forbidden(m)})
    assert found == ["tests.conftest", "tests.test_audit", "tests.test_recovery"]
