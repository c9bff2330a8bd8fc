"""Outputs appear whole or not at all, secret ones with mode 0600."""

from __future__ import annotations

import os
import stat
import sys
from pathlib import Path

import pytest

from ceremony import files
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


@pytest.mark.parametrize("count", [3, files.PARALLEL_UNLINKS + 5])
def test_remove_tree_removes_everything_and_follows_no_symlink(tmp_path: Path, count: int) -> None:
    """A tree of nested folders (one by one, or from several threads for many files), with
    symlinks to a file and a folder outside it: the tree goes, what the links point to stays."""
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "keep.txt").write_text("kept")
    tree = tmp_path / "tree"
    (tree / "a" / "b").mkdir(parents=True)
    for index in range(count):
        (tree / ("a" if index % 2 else "a/b") / f"file-{index}").write_bytes(b"x")
    (tree / "link-to-folder").symlink_to(outside, target_is_directory=True)
    (tree / "a" / "link-to-file").symlink_to(outside / "keep.txt")
    files.remove_tree(tree)
    assert not tree.exists()
    assert (outside / "keep.txt").read_text() == "kept"


def test_remove_tree_raises_the_first_failure_and_removes_the_rest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    tree = tmp_path / "tree"
    tree.mkdir()
    names = [tree / f"f{index}" for index in range(files.PARALLEL_UNLINKS)]
    for name in names:
        name.write_bytes(b"x")
    real = os.unlink

    def unlink(path: str) -> None:
        if path.endswith("/f3"):
            raise PermissionError(13, "Permission denied", path)
        real(path)

    monkeypatch.setattr(files.os, "unlink", unlink)
    with pytest.raises(PermissionError):
        files.remove_tree(tree)
    assert [p.name for p in tree.iterdir()] == ["f3"]


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="renameat2 is Linux's")
def test_a_replaced_directory_is_in_place_before_the_old_one_is_removed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`staged_directory(..., overwrite=True)` over an old kit: when the old one is removed, the
    new one is already at its final path (swapped in one step), so a crash then leaves a kit."""
    final = tmp_path / "kit"
    final.mkdir()
    (final / "old.txt").write_text("old")
    seen: list[list[str]] = []
    real = files.remove_tree

    def remove_tree(path: Path) -> None:
        seen.append(sorted(p.name for p in final.iterdir()))
        real(path)

    monkeypatch.setattr(files, "remove_tree", remove_tree)
    with staged_directory(final, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert seen == [["new.txt"]]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kit"]
    assert (final / "new.txt").read_text() == "new"


def test_without_an_atomic_swap_the_old_directory_is_replaced_as_before(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(files, "_exchange", lambda first, second: False)
    final = tmp_path / "kit"
    final.mkdir()
    (final / "old.txt").write_text("old")
    with staged_directory(final, overwrite=True) as staging:
        (staging / "new.txt").write_text("new")
    assert sorted(p.name for p in final.iterdir()) == ["new.txt"]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kit"]
