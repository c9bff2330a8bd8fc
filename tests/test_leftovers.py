"""What no handler catches (SIGKILL, a power cut): the next `ceremony run`, `preflight` and `audit`
find the killed run's secret files, say how to destroy them, and `run` does so once confirmed."""

from __future__ import annotations

import json
import os
import signal
import subprocess
from pathlib import Path

import pexpect
import pytest

from ceremony.workflows.leftovers import KILLED, find_leftovers
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import (
    CEREMONY,
    CONFIRM,
    ENV,
    default_signals,
    needs_command,
    run_to_reentry,
    spawn,
)


def killed_at_reentry(tmp_path: Path) -> Path:
    kit = tmp_path / "kit"
    child = run_to_reentry(kit)
    os.kill(child.pid, signal.SIGKILL)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGKILL
    assert len(list((kit / "holders").glob("*.pdf"))) == 2  # nothing could clean up
    return kit


def ceremony(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CEREMONY, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=180,
        check=False,
        preexec_fn=default_signals,
    )


def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text("confirm = true\naccept_preflight_failures = true\n")
    return path


@needs_command
def test_preflight_audit_and_run_find_a_killed_runs_cards_and_run_destroys_them(
    tmp_path: Path,
) -> None:
    kit = killed_at_reentry(tmp_path)
    [found] = find_leftovers(kit)
    assert found.transcript_open
    assert {p.parent.name for p in found.files} == {"holders"}

    preflight = ceremony("preflight", "--output-dir", str(kit), "--json")
    assert preflight.returncode == 4
    check = {c["name"]: c for c in json.loads(preflight.stdout)["checks"]}["unfinished runs"]
    assert check["status"] == "fail"
    assert "2 secret file(s)" in check["detail"]
    assert "type DESTROY" in check["hint"]

    audit = ceremony("audit", str(kit), "--json")
    assert audit.returncode != 0
    leftovers = {c["name"]: c for c in json.loads(audit.stdout)["checks"]}["kit.leftovers"]
    assert leftovers["status"] == "fail"

    # a scripted rerun refuses until told
    refused = ceremony(
        "run", str(SMALL_PLAN), "--out", str(kit), "--answers", str(answers(tmp_path))
    )
    assert refused.returncode == 5, refused.stderr
    assert "unfinished ceremony left 2 secret files" in refused.stderr
    assert "hint: destroy them first" in refused.stderr
    assert len(list((kit / "holders").glob("*.pdf"))) == 2

    # at the terminal: listed, DESTROY typed, destroyed, then a new ceremony starts
    child = spawn(["run", str(SMALL_PLAN), "--out", str(kit)])
    child.expect("Type DESTROY: ")
    child.sendline("DESTROY")
    child.expect("destroyed 2 secret file")
    child.expect(CONFIRM)
    child.sendline("n")  # stop the new ceremony at once
    child.expect(pexpect.EOF)
    child.close()
    assert not [p for p in tmp_path.rglob("*.pdf") if "holders" in p.parts]
    transcripts = sorted(tmp_path.rglob("transcript.jsonl"))
    killed = [verify_transcript(t) for t in transcripts]
    assert any(s.aborted and s.abort_reason == KILLED for s in killed)
    assert all(s.aborted for s in killed)


@needs_command
def test_a_scripted_rerun_with_destroy_leftovers_completes(tmp_path: Path) -> None:
    kit = killed_at_reentry(tmp_path)
    done = ceremony(
        "run",
        str(SMALL_PLAN),
        "--out",
        str(kit),
        "--answers",
        str(answers(tmp_path)),
        "--destroy-leftovers",
    )
    assert done.returncode == 0, done.stderr
    assert "destroyed 2 secret file(s)" in done.stderr
    assert verify_transcript(kit / "transcript.jsonl").closed
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("kit.aborted-")]
    for folder in aside:
        assert not list(folder.rglob("*.pdf")) or not (folder / "holders").exists()
        assert verify_transcript(folder / "transcript.jsonl").abort_reason == KILLED


def test_a_finished_kit_is_never_a_leftover(tmp_path: Path) -> None:
    from tests.helpers.cli import run_cli

    kit = tmp_path / "kit"
    done = run_cli(["run", str(SMALL_PLAN), "--out", str(kit), "--answers", str(answers(tmp_path))])
    assert done.code == 0, done.err
    assert find_leftovers(kit) == []
    assert find_leftovers(tmp_path) == []


@pytest.mark.parametrize("where", ["kit", "parent"])
def test_a_stale_temporary_copy_is_a_leftover(tmp_path: Path, where: str) -> None:
    kit = tmp_path / "kit"
    kit.mkdir()
    folder = kit if where == "kit" else tmp_path
    name = "holder.pdf" if where == "kit" else "kit"
    stale = folder / f".{name}.999999999.0123456789ab.partial"
    stale.write_bytes(b"share words")
    [found] = find_leftovers(kit)
    assert stale in found.files
