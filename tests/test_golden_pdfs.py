"""The PDFs of the DEMO kit and of the stress plan, byte for byte, against hashes kept in
tests/data/golden-pdfs.json. A refactor must leave them equal. A change that means to change what is
printed regenerates the file (`CEREMONY_UPDATE_GOLDEN=1 pytest tests/test_golden_pdfs.py`) and says
in its commit message which pages changed and why."""

from __future__ import annotations

import hashlib
import json
import os
from pathlib import Path

import pytest

from ceremony.paper.content import PaperSize
from ceremony.planfile.plan import parse_plan
from ceremony.templates import template_path
from ceremony.workflows.ceremony import Ceremony
from tests.helpers.kits import RATE, Keeper, fixed_clock, seeded
from tests.helpers.stress import documents

GOLDEN = Path(__file__).parent / "data" / "golden-pdfs.json"


def demo_kit_pdfs(directory: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    monkeypatch.setattr("ceremony.workflows.timelock_policy.measure_vdf_rate", lambda **_: RATE)
    # The record prints the dependency lock's hash and the Python version: pinned here, so that a
    # refreshed lock or another Python does not count as a change of the printed pages.
    monkeypatch.setattr("ceremony.workflows.kit.lock_sha256", lambda: "0" * 64)
    monkeypatch.setattr("ceremony.workflows.kit.python_version", lambda: "CPython 3.x")
    monkeypatch.setattr("ceremony.workflows.transcript.lock_sha256", lambda: "0" * 64)
    monkeypatch.setattr("ceremony.workflows.transcript.python_version", lambda: "CPython 3.x")
    path = template_path("demo-plan.toml")
    plan = parse_plan(path.read_bytes(), source="demo-plan.toml")
    Ceremony(
        plan, Keeper(), directory, rng=seeded(b"golden"), clock=fixed_clock, preflight=lambda _: ()
    ).run()
    return {
        f"demo/{path.relative_to(directory)}": hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(directory.rglob("*.pdf"))
    }


def stress_pdfs() -> dict[str, str]:
    hashes: dict[str, str] = {}
    for size in PaperSize:
        for number, (name, data, _) in enumerate(documents(size)):
            key = f"stress/{size.name}/{number:02d} {name}"
            hashes[key] = hashlib.sha256(data).hexdigest()
    return hashes


def test_printed_pages_are_the_golden_bytes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    hashes = {**demo_kit_pdfs(tmp_path / "kit", monkeypatch), **stress_pdfs()}
    if os.environ.get("CEREMONY_UPDATE_GOLDEN") == "1":
        GOLDEN.write_text(json.dumps(hashes, indent=1, sort_keys=True) + "\n")
    golden = json.loads(GOLDEN.read_text())
    changed = sorted(k for k in hashes.keys() | golden.keys() if hashes.get(k) != golden.get(k))
    assert not changed, f"{len(changed)} PDFs differ from the golden bytes: {changed[:12]}"
