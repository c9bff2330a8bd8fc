"""The guided ceremony in scriptable mode: the kit it leaves, the transcript, interruptions at
several steps, and a scan of every public output for secrets."""

from __future__ import annotations

import json
import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import shamir_mnemonic
from mnemonic import Mnemonic

from ceremony.errors import Interrupted
from ceremony.model.record import Record
from ceremony.planfile.plan import load_plan
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN, Spy, assert_no_secret, card_words, pdf_text
from tests.helpers.cli import run_cli
from tests.helpers.paths import ROOT


def run_small(tmp_path: Path, stop_at: str | None = None) -> tuple[Spy, Path]:
    spy = Spy(stop_at)
    directory = tmp_path / "kit"
    Ceremony(load_plan(SMALL_PLAN), spy, directory).run()
    return spy, directory


def test_scripted_ceremony_leaves_a_complete_kit(tmp_path: Path) -> None:
    spy, kit = run_small(tmp_path)
    names = sorted(p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file())
    assert [n for n in names if not n.startswith("runbooks/")] == [
        "attest/ceremony-message.txt",
        "attest/how-to-sign.txt",
        "holders/01-01-zoe.pdf",
        "holders/01-02-lukasz.pdf",
        "record.json",
        "record.pdf",
        "recover.py",
        "transcript.jsonl",
    ]
    for pdf in (kit / "holders").iterdir():
        assert stat.S_IMODE(os.stat(pdf).st_mode) == 0o600
    record = Record.from_json((kit / "record.json").read_text())
    summary = verify_transcript(kit / "transcript.jsonl", expected_head=record.transcript_head)
    assert summary.closed
    assert [e.bag_serial for e in record.shares] == ["BAG-001", "BAG-002"]
    # the printed cards carry exactly the issued shares, in order
    for entry, share in zip(record.shares, spy.shares, strict=True):
        assert entry.commitment == share.commitment()
    cards = sorted((kit / "holders").iterdir())
    assert [card_words(c) for c in cards] == [list(s.words) for s in spy.shares]


def test_public_outputs_hold_no_secret(tmp_path: Path) -> None:
    spy, kit = run_small(tmp_path)
    shares = [list(s.words) for s in spy.shares]
    public = [
        (kit / "transcript.jsonl").read_text(),
        (kit / "record.json").read_text(),
        pdf_text(kit / "record.pdf"),
        (kit / "recover.py").read_text()[:2000],
    ]
    public += [pdf_text(p) for p in (kit / "runbooks").glob("*.pdf")]
    secret = shamir_mnemonic.combine_mnemonics([s.mnemonic() for s in spy.shares])
    as_words = Mnemonic("english").to_mnemonic(secret).split()
    for text in public:
        assert_no_secret(text, shares, [secret.hex()])
        assert_no_secret(text, [as_words])
    # each card shows its own words and no other holder's
    cards = sorted((kit / "holders").iterdir())
    assert_no_secret(pdf_text(cards[0]), [shares[1]])
    assert_no_secret(pdf_text(cards[1]), [shares[0]])


@pytest.mark.parametrize("step", ["2.2", "5.2", "7.1"])
def test_ctrl_c_leaves_only_an_aborted_transcript(tmp_path: Path, step: str) -> None:
    with pytest.raises(Interrupted) as info:
        run_small(tmp_path, stop_at=step)
    assert step in info.value.message
    # the kit was moved aside in one rename before anything was removed: no directory named
    # like a kit is ever half-removed
    assert not (tmp_path / "kit").exists()
    aside = tmp_path / "kit.aborted-1"
    assert sorted(p.name for p in aside.iterdir()) == ["transcript.jsonl"]
    summary = verify_transcript(aside / "transcript.jsonl")
    assert summary.aborted
    last = json.loads((aside / "transcript.jsonl").read_text().splitlines()[-1])
    assert last["step"] == step
    # what the screen says about the transcript is what the transcript holds
    assert f"the transcript {aside / 'transcript.jsonl'} ends with an abort entry" in (
        info.value.hint
    )
    # running again starts afresh; the aborted run is kept aside as evidence
    _spy, again = run_small(tmp_path)
    assert (again / "record.json").exists()
    assert (tmp_path / "kit.aborted-1" / "transcript.jsonl").exists()


def test_cli_run_with_answers(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text("confirm = true\naccept_preflight_failures = true\n")
    result = run_cli(
        ["run", str(SMALL_PLAN), "--answers", str(answers), "--out", str(tmp_path / "kit")]
    )
    assert result.code == 0, result.err
    assert "Step 6.1" in result.err
    assert "head words:" in result.err
    assert result.out == ""


def test_refused_preflight_stops_before_any_secret(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text("confirm = true\naccept_preflight_failures = false\n")
    result = run_cli(
        ["run", str(SMALL_PLAN), "--answers", str(answers), "--out", str(tmp_path / "kit")]
    )
    if result.code == 0:
        pytest.skip("this machine passes every preflight check (it is air-gapped)")
    assert result.code == 4
    assert "preflight failed" in result.err
    assert sorted(p.name for p in (tmp_path / "kit.aborted-1").iterdir()) == ["transcript.jsonl"]


def test_answers_file_errors(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text("confrim = true\n")
    result = run_cli(["run", str(SMALL_PLAN), "--answers", str(answers)])
    assert result.code == 3
    assert "unknown key" in result.err


def test_run_without_terminal_or_answers_is_refused() -> None:
    result = run_cli(["run", str(SMALL_PLAN)])
    assert result.code == 5
    assert "terminal" in result.err


def test_example_plan_is_the_one_shipped() -> None:
    assert (ROOT / "templates" / "plan-example.toml").exists()


def test_the_kits_recover_py_recovers_the_recorded_secret(tmp_path: Path) -> None:
    spy, kit = run_small(tmp_path)
    record = Record.from_json((kit / "record.json").read_text())
    shares = tmp_path / "shares.txt"
    shares.write_text("\n".join(s.mnemonic() for s in spy.shares) + "\n")
    run = subprocess.run(
        [
            sys.executable,
            "-I",
            str(kit / "recover.py"),
            "--passphrase-file",
            "/dev/null",
            str(shares),
        ],
        capture_output=True,
        text=True,
        env={},
        timeout=120,
        cwd=tmp_path,
    )
    assert run.returncode == 0, run.stderr
    assert f"fingerprint: {record.fingerprint}" in run.stdout
    assert f"commitment: {record.commitment}" in run.stdout


@pytest.mark.parametrize("command", ["run", "demo"])
def test_missing_output_parent_is_a_clear_error(tmp_path: Path, command: str) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text("confirm = true\naccept_preflight_failures = true\n")
    missing = tmp_path / "missing"
    args = (
        ["run", str(SMALL_PLAN), "--answers", str(answers), "--out", str(missing / "kit")]
        if command == "run"
        else ["demo", "--out", str(missing)]
    )
    result = run_cli(args)
    assert result.code == 6, result.err
    assert "error: cannot create the kit directory" in result.err
    assert "hint:" in result.err
    assert "Traceback" not in result.err
    assert not missing.exists()
