"""Writing outputs safely: atomically (temporary file in the same directory, then rename), mode 0600
for anything secret, never over an existing file unless asked, nothing left behind on failure."""

from __future__ import annotations

import contextlib
import os
import secrets
from collections.abc import Iterator
from pathlib import Path

from ceremony.errors import OutputFailed, Refused

SECRET_MODE = 0o600
PUBLIC_MODE = 0o644


def write_atomic(path: Path, data: bytes, *, secret: bool, overwrite: bool = False) -> None:
    """Write `data` to `path` so that it either appears whole or not at all.

    The temporary file is created with its final mode from the start, so a secret is never
    readable by others, even for a moment.
    """
    path = Path(path)
    directory = _writable_target(path, overwrite, "choose another path")
    tmp = directory / f".{path.name}.{secrets.token_hex(6)}.partial"
    mode = SECRET_MODE if secret else PUBLIC_MODE
    try:
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(data)
                handle.flush()
                os.fsync(handle.fileno())
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
        os.chmod(tmp, mode)
        os.replace(tmp, path)
    except OSError as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise OutputFailed(
            f"cannot write {path}: {exc.strerror or exc}",
            "check that the output location exists, is writable and has free space",
        ) from None


def write_text_atomic(path: Path, text: str, *, secret: bool, overwrite: bool = False) -> None:
    write_atomic(path, text.encode("utf-8"), secret=secret, overwrite=overwrite)


@contextlib.contextmanager
def staged_directory(final: Path, *, overwrite: bool = False) -> Iterator[Path]:
    """Build a directory under a temporary name and move it into place only if the block succeeds.

    On any failure (including Ctrl-C) the partial directory is removed, so no half-written kit, and
    no secret file of a failed run, is left behind.
    """
    final = Path(final)
    parent = _writable_target(final, overwrite, "choose a new directory")
    staging = parent / f".{final.name}.{secrets.token_hex(6)}.partial"
    try:
        os.mkdir(staging, 0o700)
    except OSError as exc:
        raise OutputFailed(
            f"cannot create {final}: {exc.strerror or exc}",
            "check that the location is writable and has free space",
        ) from None
    try:
        yield staging
        if final.exists():
            remove_tree(final)
        os.replace(staging, final)
    except BaseException:
        remove_tree(staging)
        raise


def _writable_target(path: Path, overwrite: bool, alternative: str) -> Path:
    """The directory `path` goes into; refuses an existing `path` unless overwriting."""
    if path.exists() and not overwrite:
        raise Refused(f"{path} already exists", f"{alternative}, or pass --force to replace it")
    parent = path.parent if str(path.parent) else Path(".")
    if not parent.is_dir():
        raise OutputFailed(
            f"cannot write {path}: the directory {parent} does not exist",
            "create the directory first, or choose another location",
        )
    return parent


def remove_tree(path: Path) -> None:
    """Remove a directory tree we created; never follows symlinks out of it."""
    path = Path(path)
    if not path.exists() and not path.is_symlink():
        return
    if path.is_symlink() or path.is_file():
        path.unlink()
        return
    for child in path.iterdir():
        remove_tree(child)
    path.rmdir()
