"""Outputs appear whole or not at all, secret ones with mode 0600."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import pytest

from ceremony.errors import OutputFailed, Refused
from ceremony.files import staged_directory, write_atomic


def mode(path: Path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_secret_file_is_0600(tmp_path: Path) -> None:
    target = tmp_path / "secret.txt"
    write_atomic(target, b"x", secret=True)
    assert mode(target) == 0o600
    assert sorted(p.name for p in tmp_path.iterdir()) == ["secret.txt"]


def test_existing_file_is_not_replaced_without_force(tmp_path: Path) -> None:
    target = tmp_path / "a"
    target.write_bytes(b"old")
    with pytest.raises(Refused):
        write_atomic(target, b"new", secret=True)
    assert target.read_bytes() == b"old"
    write_atomic(target, b"new", secret=True, overwrite=True)
    assert target.read_bytes() == b"new"


def test_unwritable_directory_leaves_nothing(tmp_path: Path) -> None:
    with pytest.raises(OutputFailed) as info:
        write_atomic(tmp_path / "missing" / "a", b"x", secret=True)
    assert info.value.hint


@pytest.mark.skipif(os.geteuid() == 0, reason="root can write anywhere")
def test_read_only_directory(tmp_path: Path) -> None:
    tmp_path.chmod(0o500)
    try:
        with pytest.raises(OutputFailed):
            write_atomic(tmp_path / "a", b"x", secret=True)
    finally:
        tmp_path.chmod(0o700)


def test_staged_directory_vanishes_on_failure(tmp_path: Path) -> None:
    final = tmp_path / "kit"

    def interrupted() -> None:
        with staged_directory(final) as staging:
            (staging / "holder.pdf").write_bytes(b"secret")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert list(tmp_path.iterdir()) == []


def test_staged_directory_appears_on_success(tmp_path: Path) -> None:
    final = tmp_path / "kit"
    with staged_directory(final) as staging:
        (staging / "record.json").write_text("{}")
    assert (final / "record.json").exists()
    with pytest.raises(Refused):
        staged_directory(final).__enter__()
