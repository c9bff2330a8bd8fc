"""Running `ceremony ARGS` in-process through the real entry point, for CLI tests."""

from __future__ import annotations

import io
import sys
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import typer


@dataclass
class Result:
    code: int
    out: str
    err: str


def run_cli(
    args: list[str], stdin: str | bytes = b"", monkeypatch: pytest.MonkeyPatch | None = None
) -> Result:
    """Run `ceremony ARGS` in-process through the real entry point (error mapping included).

    Without `ceremony.process.harden`: in-process, it would lower the test runner's own core-size
    hard limit for good (then no child could start with core dumps allowed, which
    tests/test_signals.py needs to prove each command turns them off) and take over its signals.
    Real child processes, not this, test the hardening.

    The click command tree is built once for each set of imported command modules, as a real
    process builds it once (see `_tree_once`), not again for every run."""
    import ceremony.cli.app as entry

    main = entry.main

    data = stdin.encode() if isinstance(stdin, str) else stdin
    fake_in = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = fake_in, out, err
    saved_harden, saved_tree = entry.harden, typer.main.get_command
    entry.harden = _not_hardened
    typer.main.get_command = _tree_once(saved_tree)
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        entry.harden = saved_harden
        typer.main.get_command = saved_tree
    return Result(code, out.getvalue(), err.getvalue())


def _not_hardened() -> None:
    return None


_TREES: dict[tuple[int, tuple[object, ...]], typer.core.TyperGroup] = {}


def _tree_once(build: Callable[[typer.Typer], object]) -> Callable[[typer.Typer], object]:
    """`typer.main.get_command`, remembered for the app as long as no command module is imported
    that registers more commands. In one test process every command module is soon imported, and
    typer then converts the whole tree (some 14 ms) on every run; a real process converts it once.
    The tree is the same click objects either way: each run parses its own arguments."""

    def tree(app: typer.Typer) -> object:
        key = (id(app), _registered(app))
        if key not in _TREES:
            group = build(app)
            assert isinstance(group, typer.core.TyperGroup)
            _TREES[key] = group
        return _TREES[key]

    return tree


def _registered(app: typer.Typer) -> tuple[object, ...]:
    """What is registered on `app` and its sub-apps: any new command changes it."""
    groups = tuple(
        _registered(info.typer_instance)
        for info in app.registered_groups
        if info.typer_instance is not None
    )
    return (len(app.registered_commands), app.registered_callback is not None, groups)
