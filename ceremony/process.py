"""The process itself: no core dumps, and SIGTERM and SIGHUP handled exactly like Ctrl-C.

Every command runs `harden()` first (from `ceremony.cli.app.main`), before it reads or makes a
secret:

- **Core dumps off.** `RLIMIT_CORE` soft and hard limits are set to 0, so a crash writes no memory
  (share words, the master secret) to `./core`. On Linux the process is also marked not dumpable
  (`prctl(PR_SET_DUMPABLE, 0)`, through ctypes), which also stops crash handlers that ignore the
  size limit (a `|program` core pattern) and other processes of the same user from attaching a
  debugger or reading `/proc/<pid>/mem`. Elsewhere (macOS, the BSDs) only the size limit applies;
  `Hardening.dumpable` says which.
- **Signals.** SIGTERM (a polite kill) and SIGHUP (the terminal was closed) raise `Interruption`, a
  KeyboardInterrupt, so they take the very path Ctrl-C takes: the abort entry in the transcript,
  every secret file of the run removed, exit status 130. A signal that was ignored when the process
  started (`nohup`, a background job's SIGINT) stays ignored.
- **Critical sections.** `deferred_interrupts()` holds such a signal back until a short piece of
  work that must be whole (a transcript append, a rename into place) is done, then raises it.

What no handler can catch (SIGKILL, a power cut) is found by the next run instead: see
`ceremony.workflows.leftovers`.
"""

from __future__ import annotations

import contextlib
import ctypes
import os
import resource
import signal
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from types import FrameType

PR_SET_DUMPABLE = 4
PR_GET_DUMPABLE = 3
HANDLED = (signal.SIGINT, signal.SIGTERM, signal.SIGHUP)
_NAMES: dict[int, str] = {
    int(signal.SIGINT): "Ctrl-C",
    int(signal.SIGTERM): "SIGTERM",
    int(signal.SIGHUP): "SIGHUP",
}


class Interruption(KeyboardInterrupt):
    """Ctrl-C, SIGTERM or SIGHUP: whatever was under way stops and cleans up as after Ctrl-C."""

    def __init__(self, signum: int) -> None:
        super().__init__(_NAMES.get(signum, f"signal {signum}"))
        self.signum = signum

    @property
    def name(self) -> str:
        return _NAMES.get(self.signum, f"signal {self.signum}")


def interruption_name(exc: BaseException) -> str:
    """How an interruption came: "Ctrl-C", "SIGTERM" or "SIGHUP"."""
    return exc.name if isinstance(exc, Interruption) else "Ctrl-C"


@dataclass(frozen=True)
class Hardening:
    """What `harden` did, for preflight and tests."""

    core_limit: tuple[int, int]
    dumpable: bool | None
    """False once prctl made the process not dumpable; None where prctl does not exist."""
    signals: tuple[str, ...]


_state: dict[str, int] = {"depth": 0}
_pending: list[int] = []


def _handler(signum: int, frame: FrameType | None) -> None:
    if _state["depth"] > 0:
        if signum not in _pending:
            _pending.append(signum)
        return
    raise Interruption(signum)


def disable_core_dumps() -> tuple[tuple[int, int], bool | None]:
    """RLIMIT_CORE to 0 (soft and hard) and, on Linux, PR_SET_DUMPABLE to 0."""
    with contextlib.suppress(OSError, ValueError):
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    return resource.getrlimit(resource.RLIMIT_CORE), _set_not_dumpable()


def _prctl() -> Callable[..., int] | None:
    """Linux's prctl(2), or None (another system, or no libc symbol)."""
    if not sys.platform.startswith("linux"):
        return None
    try:
        # dlopen(NULL): the symbols already loaded, libc's among them. ctypes.util.find_library
        # would run ldconfig in a child process on every start (about 7 ms) to find the same libc.
        prctl = ctypes.CDLL(None, use_errno=True).prctl
    except (OSError, AttributeError):
        return None
    prctl.argtypes = [ctypes.c_int, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong, ctypes.c_ulong]
    prctl.restype = ctypes.c_int
    return prctl


def _set_not_dumpable() -> bool | None:
    prctl = _prctl()
    if prctl is None:
        return None
    prctl(PR_SET_DUMPABLE, 0, 0, 0, 0)
    return bool(prctl(PR_GET_DUMPABLE, 0, 0, 0, 0))


PR_SET_PDEATHSIG = 1


def die_with_parent() -> bool:
    """In a forked worker: the kernel kills this process (SIGKILL) when its parent ends, however
    it ends (Linux; False elsewhere, where the worker must watch `os.getppid()` itself)."""
    prctl = _prctl()
    return prctl is not None and prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0


def install_signal_handlers() -> tuple[str, ...]:
    """SIGINT, SIGTERM and SIGHUP raise `Interruption` (main thread only; ignored ones stay so)."""
    if threading.current_thread() is not threading.main_thread():
        return ()
    installed = []
    for signum in HANDLED:
        current = signal.getsignal(signum)
        if current is signal.SIG_IGN:
            continue
        if signum == signal.SIGINT and current not in (signal.default_int_handler, _handler):
            continue  # someone else's handler (a test harness): leave it
        signal.signal(signum, _handler)
        installed.append(_NAMES[int(signum)])
    return tuple(installed)


def harden() -> Hardening:
    """Everything above, once, before any command reads or makes a secret."""
    limit, dumpable = disable_core_dumps()
    return Hardening(limit, dumpable, install_signal_handlers())


@contextlib.contextmanager
def deferred_interrupts() -> Iterator[None]:
    """Hold Ctrl-C, SIGTERM and SIGHUP back while the block runs, then raise the first one.

    For short work that must be whole: an entry appended and its state updated, a file renamed
    into place and recorded. Only signals that reach `_handler` (see `install_signal_handlers`)
    can be held back.
    """
    _state["depth"] += 1
    try:
        yield
    finally:
        _state["depth"] -= 1
        if _state["depth"] == 0 and _pending:
            signum = _pending[0]
            _pending.clear()
            raise Interruption(signum)


def quiet_streams() -> None:
    """After the terminal went away (SIGHUP), point stdout and stderr at /dev/null so that the
    last messages and the interpreter's final flush cannot fail."""
    with contextlib.suppress(OSError):
        null = os.open(os.devnull, os.O_WRONLY)
        for fd in (1, 2):
            with contextlib.suppress(OSError):
                os.dup2(null, fd)
        os.close(null)
