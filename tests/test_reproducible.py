"""Same plan, answers, clock and randomness: the same kit, byte for byte, whatever fonts the system has."""

from __future__ import annotations

import hashlib
import json
import os
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ceremony.planfile.plan import load_plan
from ceremony.workflows.ceremony import Ceremony
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.kits import RATE, Keeper, fixed_clock, seeded
from tests.helpers.paths import ROOT


def kit_files(kit: Path) -> dict[str, str]:
    return {
        str(path.relative_to(kit)): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(kit.rglob("*"))
        if path.is_file()
    }


def make(directory: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr("ceremony.workflows.timelock_policy.measure_vdf_rate", lambda **_: RATE)
    plan = load_plan(SMALL_PLAN)
    Ceremony(
        plan, Keeper(), directory, rng=seeded(b"same"), clock=fixed_clock, preflight=lambda _: ()
    ).run()
    return kit_files(directory)


def test_two_kits_from_the_same_inputs_are_byte_identical(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = make(tmp_path / "one", monkeypatch)
    second = make(tmp_path / "two", monkeypatch)
    assert any(name.endswith("record.pdf") for name in first)
    assert any(name.startswith("holders/") for name in first)
    assert first == second


HIDDEN = r"""
set -e
mount -t tmpfs none /usr/share/fonts
mkdir -p "$HOME/.local/share/fonts"
test -z "$(ls -A /usr/share/fonts)"
"$PYTHON" -m ceremony demo --out "$OUT"
"""


@pytest.mark.slow
def test_the_demo_prints_with_every_system_font_hidden(tmp_path: Path) -> None:
    """In a mount namespace where /usr/share/fonts is empty, the demo still prints, and its public
    PDFs are the bytes the audit re-renders (so no system font slipped in)."""
    if shutil.which("unshare") is None or not Path("/usr/share/fonts").is_dir():
        pytest.skip("needs unshare(1) and a /usr/share/fonts to hide")
    probe = subprocess.run(["unshare", "-m", "true"], capture_output=True)
    if probe.returncode != 0:
        pytest.skip("this machine does not allow a private mount namespace (unshare -m)")
    env = {
        **os.environ,
        "PYTHON": sys.executable,
        "OUT": str(tmp_path),
        "HOME": str(tmp_path),
    }
    env.pop("CEREMONY_FONT_DIR", None)
    done = subprocess.run(
        ["unshare", "-m", "sh", "-c", HIDDEN], cwd=ROOT, env=env, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert (tmp_path / "demo-kit" / "record.pdf").is_file()
    # Run what it prints: the audit command, as printed, on the kit made without system fonts.
    printed = done.stderr.splitlines()[-1].strip()
    assert printed.startswith(f"{sys.executable} -m ceremony audit {tmp_path / 'demo-kit'} ")
    audit = subprocess.run(
        [*shlex.split(printed), "--json"], cwd=ROOT, env=env, capture_output=True, text=True
    )
    checks = {c["name"]: c["status"] for c in json.loads(audit.stdout)["checks"]}
    assert checks["files.record.pdf"] == "pass"
    assert [s for n, s in checks.items() if n.endswith(".notice-pdf")] == ["pass"]
