"""Know what you run: `ceremony --version`, the lock's hash in transcript and record, completion."""

from __future__ import annotations

import hashlib
import os
import platform
import re
import subprocess
import sys
from pathlib import Path

import pytest

from ceremony import __version__
from ceremony.build_info import Pin, installed_lock, lock_sha256, parse_lock, version_line
from tests.helpers.paths import ROOT

CEREMONY = Path(sys.executable).parent / "ceremony"

LOCK_SHA = hashlib.sha256((ROOT / "locks" / "run.txt").read_bytes()).hexdigest()


def run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(CEREMONY), *args], capture_output=True, text=True, env=env, timeout=120
    )


def test_version_names_the_tool_the_lock_and_python() -> None:
    done = run("--version")
    assert done.returncode == 0
    assert done.stdout == (
        f"ceremony {__version__} (lock sha256 {LOCK_SHA}; "
        f"{platform.python_implementation()} {platform.python_version()})\n"
    )
    assert version_line() + "\n" == done.stdout
    assert lock_sha256() == LOCK_SHA


def test_the_lock_parser_keeps_the_pins_for_this_platform() -> None:
    text = (
        "# comment\n"
        "colorama==0.4.6 ; sys_platform == 'win32' \\\n"
        "    --hash=sha256:00\n"
        "    # via rich\n"
        "rich==15.0.0 \\\n"
        "    --hash=sha256:11\n"
        "Typing_Extensions==4.16.0 ; python_full_version >= '3.11' \\\n"
    )
    assert parse_lock(text) == (Pin("rich", "15.0.0"), Pin("typing-extensions", "4.16.0"))


def test_the_installed_lock_is_the_repository_lock() -> None:
    lock = installed_lock()
    assert lock is not None
    assert lock.sha256 == LOCK_SHA
    names = {pin.name for pin in lock.pins}
    assert {"reportlab", "shamir-mnemonic", "typer", "packaging"} <= names
    assert "colorama" not in names  # win32 only


def test_the_record_and_transcript_carry_version_and_lock(tmp_path: Path) -> None:
    from tests.helpers.kits import make_kit

    make_kit(tmp_path / "kit")
    record = (tmp_path / "kit" / "record.json").read_text()
    assert f'"lock_sha256": "{LOCK_SHA}"' in record
    assert f'"tool": "ceremony {__version__}"' in record
    assert f'"python": "{platform.python_implementation()} {platform.python_version()}"' in record
    opened = (tmp_path / "kit" / "transcript.jsonl").read_text().splitlines()[0]
    assert f'"lock_sha256":"{LOCK_SHA}"' in opened
    assert f'"tool":"ceremony {__version__}"' in opened


def test_shell_completion_as_the_readme_says(tmp_path: Path) -> None:
    """README: `ceremony --install-completion` (bash here), then tab completion works."""
    env = {**os.environ, "HOME": str(tmp_path), "SHELL": "/bin/bash"}
    done = subprocess.run(
        # `; exit $?` keeps bash as the parent (it would exec a lone command): typer detects the
        # shell from the parent processes, as it does for a person typing this at a bash prompt.
        ["bash", "-c", f"{CEREMONY} --install-completion; exit $?"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "bash completion installed" in done.stdout
    script = tmp_path / ".bash_completions" / "ceremony.sh"
    assert "_ceremony_completion" in script.read_text()
    assert f"source '{script}'" in (tmp_path / ".bashrc").read_text()
    env.update({"COMP_WORDS": "ceremony recover ", "COMP_CWORD": "2"})
    env["_CEREMONY_COMPLETE"] = "complete_bash"
    done = run(env=env)
    assert done.stdout.split() == ["start", "status", "wait", "unlock", "cancel"]


def test_show_completion_prints_a_script() -> None:
    done = subprocess.run(
        ["bash", "-c", f"{CEREMONY} --show-completion; exit $?"], capture_output=True, text=True
    )
    assert done.returncode == 0
    assert re.search(r"complete .*ceremony", done.stdout)


def test_the_demo_prints_an_audit_command_that_runs(monkeypatch: pytest.MonkeyPatch) -> None:
    """After `make demo`, `.venv/bin/ceremony` is not on PATH: the demo prints the path it was run by."""
    from ceremony.cli.demo import how_to_run

    monkeypatch.setattr(sys, "argv", [str(CEREMONY), "demo"])
    monkeypatch.setenv("PATH", "/usr/bin:/bin")
    assert how_to_run() == str(CEREMONY)
    monkeypatch.setenv("PATH", f"{CEREMONY.parent}:/usr/bin:/bin")
    assert how_to_run() == "ceremony"
    monkeypatch.setattr(sys, "argv", [str(ROOT / "ceremony" / "__main__.py")])
    assert how_to_run() == f"{sys.executable} -m ceremony"


def test_the_readme_ways_of_running_ceremony_after_make_demo() -> None:
    venv = CEREMONY.parent.parent
    for script in (f"{CEREMONY} --version", f". {venv}/bin/activate && ceremony --version"):
        done = subprocess.run(
            ["bash", "-c", script],
            capture_output=True,
            text=True,
            env={"PATH": "/usr/bin:/bin", "HOME": "/nonexistent"},
        )
        assert done.returncode == 0, done.stderr
        assert done.stdout == version_line() + "\n"
