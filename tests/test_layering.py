"""The architecture, read from the imports: layers point one way, and `random` is banned."""

from __future__ import annotations

import ast
import gc
from functools import cache
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "ceremony"


@cache
def tree(path: Path) -> ast.Module:
    """The syntax tree of a module, parsed once per test process (every test here reads them all).

    The cyclic garbage collector is paused while parsing: the trees' million nodes, all kept,
    would otherwise have it walk every object of the test process over and over (measured in a
    test process that had run other modules first: 1.4 s to parse the package, 0.75 s paused)."""
    gc.disable()
    try:
        return ast.parse(path.read_text(), str(path))
    finally:
        gc.enable()


@cache
def imports_of(path: Path) -> frozenset[str]:
    names: set[str] = set()
    for node in ast.walk(tree(path)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
    return frozenset(names)


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


def test_the_cli_imports_no_core_module() -> None:
    """Commands parse and wire: what they need of the core comes through a workflow or the UI."""
    for path in modules("cli"):
        names = imports_of(path)
        assert not any(n == "ceremony.core" or n.startswith("ceremony.core.") for n in names), path


def test_only_the_core_imports_the_number_theory_and_slip39_libraries() -> None:
    """gmpy2, chiavdf and shamir_mnemonic are the hazardous primitives: the core alone holds them."""
    hazardous = {"gmpy2", "chiavdf", "shamir_mnemonic"}
    for path in modules():
        if path.is_relative_to(PACKAGE / "core"):
            continue
        assert not {top(n) for n in imports_of(path)} & hazardous, path


def object_parameters(path: Path) -> list[str]:
    """Parameters annotated `object`, bare or in a union (`object | None`). Untrusted data may
    still be `dict[str, object]` or `list[object]`: that is what a validator reads."""
    found = []
    for node in ast.walk(tree(path)):
        if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        arguments = node.args
        every = [*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs]
        every += [a for a in (arguments.vararg, arguments.kwarg) if a is not None]
        for argument in every:
            if argument.annotation is not None and _is_object(argument.annotation):
                found.append(f"{path.name}:{node.lineno} {node.name}({argument.arg})")
    return found


def _is_object(annotation: ast.expr) -> bool:
    if isinstance(annotation, ast.Constant) and isinstance(annotation.value, str):
        annotation = ast.parse(annotation.value, mode="eval").body  # a quoted annotation
    if isinstance(annotation, ast.BinOp) and isinstance(annotation.op, ast.BitOr):
        return _is_object(annotation.left) or _is_object(annotation.right)
    if isinstance(annotation, ast.Subscript) and ast.unparse(annotation.value) in (
        "Optional",
        "Union",
        "typing.Optional",
        "typing.Union",
    ):
        inner = annotation.slice
        parts = inner.elts if isinstance(inner, ast.Tuple) else [inner]
        return any(_is_object(part) for part in parts)
    return isinstance(annotation, ast.Name) and annotation.id == "object"


def test_no_parameter_in_the_cli_or_ui_is_typed_object() -> None:
    """`object` in a signature hides a type the module would not import; name the real type
    (under TYPE_CHECKING if start-up matters)."""
    found = [
        hit for sub in ("cli", "ui") for path in modules(sub) for hit in object_parameters(path)
    ]
    assert found == []


def test_the_object_check_sees_what_it_looks_for(tmp_path: Path) -> None:
    sample = tmp_path / "sample.py"
    sample.write_text(
        "def a(x: object) -> None: ...\n"
        "def b(x: 'object | None') -> None: ...\n"
        "def c(*, x: Optional[object]) -> None: ...\n"
        "def d(x: dict[str, object]) -> object: ...\n"
        "def e(x: int, y: 'Path') -> None: ...\n"
    )
    assert [hit.split()[1] for hit in object_parameters(sample)] == ["a(x)", "b(x)", "c(x)"]


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
            for node in ast.walk(tree(path))
            if isinstance(node, ast.ImportFrom) and node.module == "ceremony.core"
            for alias in node.names
        }

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for name in graph.get(start, set()) - seen:
            if name == goal or reaches(name, goal, seen | {name}):
                return True
        return False

    assert [name for name in graph if reaches(name, name, set())] == []


def test_each_shared_type_is_defined_once() -> None:
    """One `Rng`, `Clock`, `PaperSize`, `Holder`: two definitions of one name drift apart (the
    plan's and the paper's PaperSize had different values)."""
    shared = {"Rng", "Clock", "PaperSize", "Holder", "Share"}
    defined: dict[str, list[str]] = {name: [] for name in shared}
    for path in modules():
        for node in tree(path).body:
            names = [node.name] if isinstance(node, ast.ClassDef) else []
            if isinstance(node, ast.Assign):
                names = [t.id for t in node.targets if isinstance(t, ast.Name)]
            for name in set(names) & shared:
                defined[name].append(str(path.relative_to(PACKAGE)))
    assert {name: places for name, places in defined.items() if len(places) != 1} == {}
