"""Holder kits drawn in worker processes, so that a kit of many holders uses every core.

Drawing a holder kit is Python (the layout, reportlab's document): one core draws about a hundred
kits a second. `drawing` draws the first kit in this process (which registers the fonts and makes
their subsets, and measures the text every kit repeats), then, for a kit of `MIN_KITS` holders or
more on a machine with two cores or more, forks workers that draw the others (kit i in worker
i mod W) while this process writes each PDF as it arrives and reads it back. The PDFs are byte for
byte those drawn in one process (`tests/test_kit_drawing.py`).

SECRET HANDLING. A worker is a fork: it holds the split's shares from this process's memory, so no
share word is ever sent to it; each PDF it draws comes back through a pipe of its own (never a file,
never argv). A worker never writes a file, never prints and never runs this process's clean-up:
it ends with `os._exit`. Core dumps stay off in it (the limit and the not-dumpable flag are
inherited by fork, and set again). It dies with this process: the kernel kills it when its parent
ends (`die_with_parent`, Linux), and it checks its parent before every kit. Ctrl-C, SIGTERM and
SIGHUP are ignored in a worker: they reach this process, whose clean-up kills every worker
(SIGKILL) and waits for it, however the block ends (a signal, a full disk, a worker that failed or
was killed), before the staged kit around it is removed. Only this process writes, atomically.
"""

from __future__ import annotations

import contextlib
import os
import selectors
import signal
import struct
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import NoReturn

from ceremony import errors
from ceremony.errors import CeremonyError, OutputFailed
from ceremony.process import HANDLED, deferred_interrupts, die_with_parent, disable_core_dumps

Draw = Callable[[int], bytes]
"""Draws kit number i (0-based) and returns its PDF. SECRET."""

MIN_KITS = 8
"""Fewer kits than this are drawn in this process: forking would cost more than it saves."""
MAX_WORKERS = 4
FRAME = struct.Struct(">BII")
"""A message from a worker: kind, kit number, length of what follows."""
PDF, FAILED = 1, 2
PIPE_SIZE = 1 << 20
"""Asked of Linux for each pipe (F_SETPIPE_SZ), so that a worker can run a few kits ahead."""
F_SETPIPE_SZ = 1031
STOPPED_HINT = "nothing was written; run the command again"


def worker_count(kits: int) -> int:
    """How many worker processes draw a kit of `kits` holders here: one per core (at most
    `MAX_WORKERS`), none for a small kit, a single core, or a system without fork."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cores = os.cpu_count() or 1
    if cores < 2 or kits < MIN_KITS or not hasattr(os, "fork"):
        return 0
    return min(cores, MAX_WORKERS, kits - 1)


@dataclass
class Worker:
    """One forked worker, seen from this process: its pid, the pipe it answers on, what it owes."""

    pid: int
    fd: int
    owed: set[int]
    buffer: bytearray = field(default_factory=bytearray)
    reaped: bool = False

    def frames(self) -> Iterator[tuple[int, int, bytes]]:
        """Whole messages received so far (kind, kit number, payload), removed from the buffer."""
        while len(self.buffer) >= FRAME.size:
            kind, index, length = FRAME.unpack_from(self.buffer)
            end = FRAME.size + length
            if len(self.buffer) < end:
                return
            payload = bytes(self.buffer[FRAME.size : end])
            del self.buffer[:end]
            yield kind, index, payload

    def stop(self) -> None:
        """Close its pipe, kill it (it may be done already) and wait for it: no orphan, no
        zombie."""
        if self.fd >= 0:
            with contextlib.suppress(OSError):
                os.close(self.fd)
            self.fd = -1
        if self.reaped:
            return
        with contextlib.suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        with contextlib.suppress(ChildProcessError):
            os.waitpid(self.pid, 0)
        self.reaped = True


@contextlib.contextmanager
def drawing(count: int, draw: Draw, workers: int) -> Iterator[Iterator[tuple[int, bytes]]]:
    """Kits 0 to count-1 as (number, PDF) pairs, in the order they are done: the first drawn here,
    the others by `workers` forked processes (none: all here, in order). Every worker is killed
    and waited for when the block ends, however it ends."""
    if count == 0:
        yield iter(())
        return
    first = draw(0)
    pool: list[Worker] = []
    if workers and count > 1:
        with contextlib.suppress(OSError):  # no process to spare (a limit, no memory): draw here
            pool = _fork(count, draw, workers)
    try:
        yield _results(count, draw, first, pool)
    finally:
        with deferred_interrupts():  # a second Ctrl-C cannot leave a worker running
            for worker in pool:
                worker.stop()


def _results(
    count: int, draw: Draw, first: bytes, pool: Sequence[Worker]
) -> Iterator[tuple[int, bytes]]:
    yield 0, first
    if not pool:
        for index in range(1, count):
            yield index, draw(index)
        return
    selector = selectors.DefaultSelector()
    try:
        for worker in pool:
            selector.register(worker.fd, selectors.EVENT_READ, worker)
        open_pipes = len(pool)
        while open_pipes:
            for key, _ in selector.select():
                worker = key.data
                chunk = os.read(worker.fd, PIPE_SIZE)
                if not chunk:
                    selector.unregister(worker.fd)
                    open_pipes -= 1
                    if worker.owed:
                        raise _stopped(worker)
                    worker.stop()
                    continue
                worker.buffer += chunk
                for kind, index, payload in worker.frames():
                    if kind != PDF or index not in worker.owed:
                        raise _failed(payload if kind == FAILED else b"")
                    worker.owed.discard(index)
                    yield index, payload
    finally:
        selector.close()


def _fork(count: int, draw: Draw, workers: int) -> list[Worker]:
    pool: list[Worker] = []
    parent = os.getpid()
    try:
        for number in range(workers):
            kits = [index for index in range(1, count) if (index - 1) % workers == number]
            read_end, write_end = os.pipe()
            with contextlib.suppress(OSError, AttributeError):
                import fcntl

                fcntl.fcntl(write_end, F_SETPIPE_SZ, PIPE_SIZE)
            # terminal signals held back across the fork: none can reach the worker before it
            # ignores them (and raise in it into this process's own code); here they come after
            held = signal.pthread_sigmask(signal.SIG_BLOCK, HANDLED)
            try:
                pid = os.fork()
                if pid == 0:  # the worker: never returns
                    _work(write_end, parent, kits, draw, [read_end, *(w.fd for w in pool)], held)
            finally:
                signal.pthread_sigmask(signal.SIG_SETMASK, held)
            os.close(write_end)
            pool.append(Worker(pid, read_end, set(kits)))
    except BaseException:
        for worker in pool:
            worker.stop()
        raise
    return pool


def _work(
    fd: int,
    parent: int,
    kits: Sequence[int],
    draw: Draw,
    others: Sequence[int],
    mask: Iterable[int],
) -> NoReturn:
    """A worker's whole life: draw its kits, send each through the pipe, exit without clean-up.
    `others`: this process's descriptors it does not need; `mask`: the signal mask to restore
    once Ctrl-C, SIGTERM and SIGHUP are ignored."""
    code = 1
    try:
        for signum in HANDLED:
            signal.signal(signum, signal.SIG_IGN)
        signal.pthread_sigmask(signal.SIG_SETMASK, mask)
        disable_core_dumps()
        die_with_parent()
        for other in others:
            os.close(other)
        for index in kits:
            if os.getppid() != parent:
                break
            _send(fd, PDF, index, draw(index))
        code = 0
    except CeremonyError as exc:
        _report(fd, f"{type(exc).__name__}\n{exc.message}\n{exc.hint}")
    except BaseException as exc:  # reported by its type alone: its text may hold a secret
        _report(fd, f"\n{type(exc).__name__}\n")
    finally:
        os._exit(code)


def _send(fd: int, kind: int, index: int, payload: bytes) -> None:
    view = memoryview(FRAME.pack(kind, index, len(payload)) + payload)
    while view:
        view = view[os.write(fd, view) :]


def _report(fd: int, text: str) -> None:
    with contextlib.suppress(OSError):
        _send(fd, FAILED, 0, text.encode("utf-8", "replace"))


def _failed(payload: bytes) -> CeremonyError:
    """The error a worker reported: a project error as it was raised there (its message and hint
    name no secret), anything else by its type alone."""
    kind, _, rest = payload.decode("utf-8", "replace").partition("\n")
    message, _, hint = rest.partition("\n")
    error = getattr(errors, kind, None) if kind else None
    if isinstance(error, type) and issubclass(error, CeremonyError) and message:
        return error(message, hint or STOPPED_HINT)
    return CeremonyError(
        f"drawing a holder kit failed in a worker process ({message or 'no reason given'})",
        f"this is a bug; {STOPPED_HINT}",
    )


def _stopped(worker: Worker) -> OutputFailed:
    _, status = os.waitpid(worker.pid, 0)
    worker.reaped = True
    how = (
        f"killed by signal {os.WTERMSIG(status)}"
        if os.WIFSIGNALED(status)
        else f"exit status {os.waitstatus_to_exitcode(status)}"
    )
    return OutputFailed(
        f"a process drawing the holder kits stopped before it was done ({how})",
        f"{STOPPED_HINT} (check the machine's free memory)",
    )
