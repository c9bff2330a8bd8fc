"""Running `ceremony ARGS` in-process through the real entry point, for CLI tests."""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass

import pytest


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
