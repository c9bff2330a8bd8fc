"""Running `ceremony` as a real child process in tests, and a guided ceremony driven in a
pseudo-terminal up to its first re-entry prompt.

A test run started in the background (`make test &`) or under some harnesses starts with SIGINT
ignored, and a child inherits that: its Ctrl-C would be ignored. `default_signals` (a preexec_fn)
gives every child the default dispositions, so the tests that send signals test the program, not
the shell that started pytest.
"""

from __future__ import annotations

import contextlib
import os
import signal
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pexpect
import pytest

from tests.helpers.ceremony import SMALL_PLAN

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm", "COLUMNS": "120"}


def default_signals() -> None:
    for signum in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP):
        signal.signal(signum, signal.SIG_DFL)


def wait_for(condition: Callable[[], bool], timeout: float = 60.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.02)
    return condition()


def proc_field(pid: int, name: str, field: str) -> str:
    """A line of /proc/PID/NAME that starts with `field`."""
    for line in Path(f"/proc/{pid}/{name}").read_text().splitlines():
        if line.startswith(field):
            return line
    raise AssertionError(f"/proc/{pid}/{name} has no {field!r}")


def exit_status(pid: int) -> int:
    """Wait for `pid` and return its exit code, or -N when signal N ended it."""
    _, status = os.waitpid(pid, 0)
    if os.WIFSIGNALED(status):
        return -os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


@contextlib.contextmanager
def handlers_installed() -> Iterator[None]:
    """`ceremony.process` handlers in this (the test) process, SIGINT included even when the test
    run itself ignores it; the previous dispositions come back afterwards."""
    from ceremony.process import install_signal_handlers

    saved = {s: signal.getsignal(s) for s in (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)}
    signal.signal(signal.SIGINT, signal.default_int_handler)
    install_signal_handlers()
    try:
        yield
    finally:
        for signum, handler in saved.items():
            signal.signal(signum, handler)


needs_command = pytest.mark.skipif(
    not Path(CEREMONY).exists(), reason="the ceremony command is not installed"
)
CONFIRM = r"\[y = yes, n = stop the ceremony\]"
ACCEPT = r"Type ACCEPT"
WORD = r"word (\d+) of (\d+): "


def spawn(args: list[str], cwd: Path | None = None) -> pexpect.spawn:
    return pexpect.spawn(
        CEREMONY,
        args,
        encoding="utf-8",
        timeout=90,
        dimensions=(50, 120),
        env=ENV,
        cwd=str(cwd) if cwd else None,
        preexec_fn=default_signals,
    )


def run_to_reentry(kit: Path) -> pexpect.spawn:
    """A guided ceremony, answered up to the first holder's re-entry prompt (act 6): by then every
    holder's PDF is on the kit media."""
    child = spawn(["run", str(SMALL_PLAN), "--out", str(kit)])
    while True:
        index = child.expect([CONFIRM, ACCEPT, WORD])
        if index == 0:
            child.sendline("y")
        elif index == 1:
            child.sendline("ACCEPT")
        else:
            return child
