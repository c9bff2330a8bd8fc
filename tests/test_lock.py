"""The hashed locks agree with pyproject.toml: CI fails when a dependency changed without `make lock`."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from tests.helpers.paths import ROOT

PIN = re.compile(r"^([A-Za-z0-9][A-Za-z0-9._-]*)==([^\s;\\]+)")


def pins(name: str) -> dict[str, str]:
    text = (ROOT / "locks" / f"{name}.txt").read_text(encoding="utf-8")
    found = {}
    for line in text.splitlines():
        match = PIN.match(line)
        if match:
            found[canonicalize_name(match[1])] = match[2]
    return found


def project() -> dict[str, object]:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def test_the_stamps_match_pyproject() -> None:
    done = subprocess.run(
        [sys.executable, str(ROOT / "tools" / "lock_inputs.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 0, done.stderr


@pytest.mark.parametrize(("lock", "extra"), [("run", None), ("test", None), ("test", "test")])
def test_every_declared_requirement_is_pinned_within_its_range(
    lock: str, extra: str | None
) -> None:
    declared = project()
    wanted = declared["dependencies"] if extra is None else declared["optional-dependencies"][extra]  # type: ignore[index]
    locked = pins(lock)
    for text in wanted:  # type: ignore[attr-defined]
        requirement = Requirement(text)
        name = canonicalize_name(requirement.name)
        assert name in locked, (
            f"{requirement.name} is declared but not in locks/{lock}.txt: run make lock"
        )
        assert requirement.specifier.contains(locked[name], prereleases=True), (
            f"locks/{lock}.txt pins {name}=={locked[name]}, outside {requirement.specifier}: run make lock"
        )


def test_every_lock_line_has_hashes() -> None:
    for name in ("run", "build", "test", "tools"):
        text = (ROOT / "locks" / f"{name}.txt").read_text(encoding="utf-8")
        blocks = re.split(r"\n(?=[A-Za-z0-9])", text)
        for block in blocks:
            if PIN.match(block):
                assert "--hash=sha256:" in block, (
                    f"{block.splitlines()[0]} has no hash in {name}.txt"
                )


def test_shared_packages_have_one_version_across_locks() -> None:
    run = pins("run")
    for name in ("build", "test"):
        other = pins(name)
        for package, version in run.items():
            if package in other:
                assert other[package] == version, (
                    f"{package}: run.txt {version}, {name}.txt {other[package]}"
                )


def test_a_changed_pyproject_is_refused_before_anything_is_installed(tmp_path: Path) -> None:
    (tmp_path / "locks").mkdir()
    for name in ("run", "build", "test", "tools"):
        (tmp_path / "locks" / f"{name}.txt").write_bytes(
            (ROOT / "locks" / f"{name}.txt").read_bytes()
        )
    for name in ("build.in", "tools.in"):
        (tmp_path / "locks" / name).write_bytes((ROOT / "locks" / name).read_bytes())
    (tmp_path / "tools").mkdir()
    (tmp_path / "tools" / "lock_inputs.py").write_bytes(
        (ROOT / "tools" / "lock_inputs.py").read_bytes()
    )
    text = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    (tmp_path / "pyproject.toml").write_text(
        text.replace('"segno>=1.6",', '"segno>=1.6",\n    "zxcvbn>=4.4",'), encoding="utf-8"
    )
    done = subprocess.run(
        [sys.executable, str(tmp_path / "tools" / "lock_inputs.py"), "check"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    lines = done.stderr.splitlines()
    assert lines[0].startswith(
        "error: locks/run.txt does not match the dependencies in pyproject.toml"
    )
    assert (
        lines[1]
        == "hint: run `make lock` (it needs the package index) and commit the files in locks/"
    )
