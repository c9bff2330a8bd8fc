"""Shared test helpers: the official vectors' location, and running the CLI in-process."""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
VECTORS = ROOT.parent / "shared" / "vectors"


def load_vectors(name: str) -> Any:
    path = VECTORS / name
    if not path.exists():
        pytest.skip(f"official vectors not found at {path} (../shared/vectors beside the repo)")
    return json.loads(path.read_text())


def vector_params(name: str, make: Callable[[Any], list[Any]], arity: int) -> list[Any]:
    """Parameters built from an official vector file, or one skipped case saying why it is absent.

    For use in `@pytest.mark.parametrize`, which is evaluated at import time, where `pytest.skip`
    would skip the whole module."""
    path = VECTORS / name
    if not path.exists():
        reason = f"official vectors not found at {path} (../shared/vectors beside the repo)"
        return [pytest.param(*([None] * arity), marks=pytest.mark.skip(reason=reason))]
    return make(json.loads(path.read_text()))


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
    Real child processes, not this, test the hardening."""
    import ceremony.cli.app as entry

    main = entry.main

    data = stdin.encode() if isinstance(stdin, str) else stdin
    fake_in = io.TextIOWrapper(io.BytesIO(data), encoding="utf-8")
    out, err = io.StringIO(), io.StringIO()
    saved = sys.stdin, sys.stdout, sys.stderr
    sys.stdin, sys.stdout, sys.stderr = fake_in, out, err
    saved_harden = entry.harden
    entry.harden = _not_hardened
    try:
        main(args)
        code = 0
    except SystemExit as exc:
        code = int(exc.code or 0)
    finally:
        sys.stdin, sys.stdout, sys.stderr = saved
        entry.harden = saved_harden
    return Result(code, out.getvalue(), err.getvalue())


def _not_hardened() -> None:
    return None


@pytest.fixture
def cli() -> Any:
    return run_cli


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Mark the tests tests/helpers/slow.py names as slow (`make test` leaves them out)."""
    from tests.helpers.slow import slow_reason

    for item in items:
        if slow_reason(item.nodeid):
            item.add_marker(pytest.mark.slow)
