"""Writing outputs safely: atomically (temporary file in the same directory, then rename), mode 0600
for anything secret, never over an existing file unless asked, nothing left behind on failure; and
reading inputs of a bounded size (`read_bounded`)."""

from __future__ import annotations

import contextlib
import fcntl
import os
import re
import secrets
import stat
import sys
from collections.abc import Iterator
from pathlib import Path

from ceremony.errors import BadInput, OutputFailed, Refused
from ceremony.faults import crash_point
from ceremony.process import deferred_interrupts

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644
PARTIAL = ".partial"
_PARTIAL_NAME = re.compile(r"\.(?P<name>.+?)(?:\.(?P<pid>\d{1,10}))?\.[0-9a-f]{12}\.partial")

MAX_INPUT_BYTES = 1_000_000
"""The largest input any command reads: a plan, a share list, a record, a delay segment."""


def read_bounded(source: str | Path, what: str) -> bytes:
    """Read a file (or standard input for "-") of at most MAX_INPUT_BYTES."""
    if str(source) == "-":
        data = sys.stdin.buffer.read(MAX_INPUT_BYTES + 1)
        name = "standard input"
    else:
        path = Path(source)
        name = str(path)
        try:
            with path.open("rb") as handle:
                data = handle.read(MAX_INPUT_BYTES + 1)
        except FileNotFoundError:
            raise BadInput(f"{what} file {name} does not exist", "check the path") from None
        except IsADirectoryError:
            raise BadInput(f"{what} file {name} is a directory", "give a file") from None
        except OSError as exc:
            raise BadInput(
                f"cannot read {what} file {name}: {exc.strerror or exc}",
                "check the path and its permissions",
            ) from None
    if len(data) > MAX_INPUT_BYTES:
        raise BadInput(
            f"{what} input from {name} is larger than {MAX_INPUT_BYTES // 1_000_000} MB",
            f"give only the {what}; a file of shares is a few kilobytes",
        )
    return data


def write_atomic(
    path: Path, data: bytes, *, secret: bool, overwrite: bool = False, batch: bool = False
) -> None:
    """Write `data` to `path` so that it either appears whole or not at all.

    The temporary file is created with its final mode from the start, so a secret is never
    readable by others, even for a moment. `batch`: `path` is in a directory this process made
    for a batch of new files (a staged kit's holders/), so there are no crash leftovers to look
    for and the caller syncs the directory once, with `sync_directory`, after the last file.
    """
    with staged_file(path, secret=secret, overwrite=overwrite, batch=batch) as pending:
        pending.write(data)


class PendingFile:
    """A temporary copy beside the target, written and flushed to disk; `staged_file` renames it
    into place when its block ends without an error."""

    def __init__(self, target: Path, temporary: Path, fd: int) -> None:
        self.target = target
        self.temporary = temporary
        self._fd = fd

    def write(self, data: bytes) -> None:
        view = memoryview(data)
        while view:
            view = view[os.write(self._fd, view) :]
        os.fsync(self._fd)
        crash_point("write.written")


@contextlib.contextmanager
def staged_file(
    path: Path, *, secret: bool, overwrite: bool = False, batch: bool = False
) -> Iterator[PendingFile]:
    """The steps of `write_atomic`, so a caller can act between "written" and "in place".

    For example the release of a recovered secret: the transcript records it while the secret is
    still a temporary file, so a crash can leave a recorded release without a file, never a secret
    file without its record. On every error and interruption the temporary copy is removed; one
    left by a crash (`.NAME.PID.HEX.partial`, its process gone) is removed by the next write to
    the same path.
    """
    path = Path(path)
    directory = _writable_target(path, overwrite, "choose another path")
    if not batch:
        remove_stale_partials(directory, path.name)
    tmp = directory / f".{path.name}.{os.getpid()}.{secrets.token_hex(6)}{PARTIAL}"
    mode = SECRET_MODE if secret else PUBLIC_MODE
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, mode)
    except OSError as exc:
        raise _failed(path, exc) from None
    try:
        try:
            os.fchmod(fd, mode)
            pending = PendingFile(path, tmp, fd)
            yield pending
        finally:
            os.close(fd)
        with deferred_interrupts():
            _check_replaceable(path, overwrite)
            os.replace(tmp, path)
            if not batch:
                sync_directory(directory)
            crash_point("write.renamed")
    except OSError as exc:
        _unlink_quietly(tmp)
        raise _failed(path, exc) from None
    except BaseException:
        _unlink_quietly(tmp)
        raise


def _failed(path: Path, exc: OSError) -> OutputFailed:
    return OutputFailed(
        f"cannot write {path}: {exc.strerror or exc}",
        "check that the output location exists, is writable and has free space",
    )


def _unlink_quietly(path: Path) -> None:
    with contextlib.suppress(OSError):
        os.unlink(path)


def sync_directory(directory: Path) -> None:
    """Flush a directory's entries (new names, renames) to disk, where the system allows it."""
    with contextlib.suppress(OSError):
        fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def stale_partials(directory: Path, name: str | None = None) -> list[Path]:
    """Temporary copies in `directory` (of `name`, or of any file) whose writer is gone: what a
    crash (kill -9, a power cut) in the middle of a write leaves. They may hold a secret."""
    found = []
    try:
        children = list(Path(directory).iterdir())
    except OSError:
        return []
    for child in children:
        match = _PARTIAL_NAME.fullmatch(child.name)
        if match is None or (name is not None and match.group("name") != name):
            continue
        pid = match.group("pid")
        if pid is None or not _pid_alive(int(pid)):
            found.append(child)
    return found


def remove_stale_partials(directory: Path, name: str | None = None) -> list[Path]:
    """Remove what `stale_partials` finds (files and staged directories); return what went."""
    removed = []
    for path in stale_partials(directory, name):
        with contextlib.suppress(OSError):
            remove_tree(path)
            removed.append(path)
    return removed


def write_text_atomic(path: Path, text: str, *, secret: bool, overwrite: bool = False) -> None:
    write_atomic(path, text.encode("utf-8"), secret=secret, overwrite=overwrite)


@contextlib.contextmanager
def staged_directory(final: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory under a temporary name and move it into place only if the block succeeds.

    On any failure (including Ctrl-C) the partial directory is removed, so no half-written kit, and
    no secret file of a failed run, is left behind.
    """
    final = Path(final)
    parent = _writable_target(final, overwrite, "choose a new directory", folder=True)
    remove_stale_partials(parent, final.name)
    staging = parent / f".{final.name}.{os.getpid()}.{secrets.token_hex(6)}{PARTIAL}"
    try:
        os.mkdir(staging, 0o700)
    except OSError as exc:
        raise OutputFailed(
            f"cannot create {final}: {exc.strerror or exc}",
            "check that the location is writable and has free space",
        ) from None
    try:
        yield staging
        with deferred_interrupts():
            _move_into_place(staging, final)
            sync_directory(parent)
    except BaseException:
        remove_tree(staging)
        raise


def _move_into_place(staging: Path, final: Path) -> None:
    """Put the staged directory at `final`. An old one is swapped with it in one step where the
    system can (Linux's renameat2 RENAME_EXCHANGE), then removed from the staging name: a crash
    at any moment leaves one whole kit at `final`, never none (removing the old one first would
    leave only the staged copy, which the next run removes as a crash's leftover)."""
    if final.exists():
        if _exchange(staging, final):
            remove_tree(staging)  # now the old kit
            return
        remove_tree(final)
    os.replace(staging, final)


RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths atomically; False where the system or the file system cannot."""
    if not sys.platform.startswith("linux"):
        return False
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):  # a libc without it (glibc before 2.28)
        return False
    path, number = ctypes.c_char_p, ctypes.c_int
    renameat2.argtypes = [number, path, number, path, ctypes.c_uint]
    renameat2.restype = number
    done: int = renameat2(
        AT_FDCWD, os.fsencode(first), AT_FDCWD, os.fsencode(second), RENAME_EXCHANGE
    )
    return done == 0


def _writable_target(
    path: Path, overwrite: bool, alternative: str, *, folder: bool = False
) -> Path:
    """The directory `path` goes into; refuses an existing `path` unless overwriting, and never
    replaces what is not a regular file (or, for a directory output, a real directory)."""
    _check_replaceable(path, overwrite, alternative, folder=folder)
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputFailed(
            f"cannot write {path}: the directory {parent} does not exist",
            "create the directory first, or choose another location",
        )
    return parent


def check_output_target(path: Path, overwrite: bool) -> None:
    """Refuse, before any work, an output path that exists (without --force) or that is not a
    regular file (ever): a device such as /dev/null, a directory, a symlink, a FIFO."""
    _writable_target(Path(path), overwrite, "choose another path")


def _check_replaceable(
    path: Path, overwrite: bool, alternative: str = "choose another path", *, folder: bool = False
) -> None:
    """An output goes to a new path, or replaces (with --force) a regular file or, for a directory
    output, a directory: never a symlink, a device node (/dev/null), a FIFO or a socket."""
    try:
        found = os.lstat(path)
    except FileNotFoundError:
        return
    except OSError as exc:
        raise _failed(path, exc) from None
    kind = found.st_mode
    fits = stat.S_ISDIR(kind) if folder else stat.S_ISREG(kind)
    if not fits:
        what = _kind_name(kind)
        raise Refused(
            f"{path} is {what}: an output replaces only a "
            + ("directory" if folder else "regular file"),
            f"{alternative}; --force never replaces {what}",
        )
    if not overwrite:
        raise Refused(f"{path} already exists", f"{alternative}, or pass --force to replace it")


def _kind_name(mode: int) -> str:
    if stat.S_ISLNK(mode):
        return "a symbolic link"
    if stat.S_ISDIR(mode):
        return "a directory"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    if stat.S_ISFIFO(mode):
        return "a named pipe"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a regular file"


PARALLEL_UNLINKS = 32
"""From this many files on, `remove_tree` unlinks them from several threads at once: on a disk
mounted with online discard each unlink of a synced file waits about a millisecond (a 256-holder
kit replaced with --force: 0.3-0.4 s one by one, under 0.1 s from 8 threads, measured)."""


def remove_tree(path: Path) -> None:
    """Remove a directory tree we created; never follows symlinks out of it."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    found: list[str] = []
    folders = [str(path)]
    for folder in folders:  # grows as it goes: every folder below `path`, parents first
        with os.scandir(folder) as entries:
            for entry in entries:
                is_folder = entry.is_dir(follow_symlinks=False)
                (folders if is_folder else found).append(entry.path)
    _unlink_all(found)
    for folder in reversed(folders):
        os.rmdir(folder)


def _unlink_all(paths: list[str]) -> None:
    """Unlink every file, even past a failure (the more of a secret kit goes, the better); then
    raise the first failure."""
    if len(paths) < PARALLEL_UNLINKS:
        failures = [failure for failure in map(_unlink, paths) if failure is not None]
    else:
        from concurrent.futures import ThreadPoolExecutor

        with ThreadPoolExecutor(8, thread_name_prefix="ceremony-remove") as pool:
            failures = [failure for failure in pool.map(_unlink, paths) if failure is not None]
    if failures:
        raise failures[0]


def _unlink(name: str) -> OSError | None:
    try:
        os.unlink(name)  # releases the GIL: threads unlink side by side
    except OSError as exc:
        return exc
    return None


_held: dict[tuple[int, int], int] = {}
"""Directories this process has locked, by (device, inode), with how deeply: the lock is re-entrant
within one process (a command that locks a session may call a workflow that locks it too)."""


@contextlib.contextmanager
def exclusive_directory(directory: Path, what: str, busy: Refused | None = None) -> Iterator[None]:
    """Hold an exclusive advisory lock (`fcntl.flock`) on `directory` itself while the block runs.

    One command at a time changes a kit or a recovery session: a second one is refused at once,
    with a hint, instead of racing the first (two unlocks writing the secret twice, two waits
    corrupting a session). The lock is on the directory's own inode, so no lock file is added to
    the kit, none is left behind by a crash, and the kernel releases it however the process ends.
    `busy` is the error to raise when another process holds it.
    """
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError as exc:
        raise OutputFailed(
            f"cannot open {what} {directory}: {exc.strerror or exc}",
            "check the path and that the directory is readable",
        ) from None
    key = _inode(fd)
    try:
        if key not in _held:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                raise busy or Refused(
                    f"another ceremony command is working on {what} {directory}",
                    "let it finish (or stop it with Ctrl-C), then run this command again",
                ) from None
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
    finally:
        os.close(fd)


def is_locked(directory: Path) -> bool:
    """Whether another process holds `exclusive_directory` on `directory` (a live run)."""
    try:
        fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return False
    try:
        if _inode(fd) in _held:
            return True
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def _inode(fd: int) -> tuple[int, int]:
    found = os.fstat(fd)
    return found.st_dev, found.st_ino
