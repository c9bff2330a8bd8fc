"""A finished kit is never destroyed: after `closed` no answer, signal or failure removes anything;
before it, removal is crash-safe (the kit is renamed aside first); the screen says what the
transcript holds; the kit is read back and recovered, and the transcript and record say so."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ceremony import files
from ceremony.errors import CeremonyError, Interrupted, NotRecoverable
from ceremony.model.record import Record
from ceremony.model.steps import Step
from ceremony.planfile.plan import load_plan
from ceremony.workflows import script_run as ceremony_module
from ceremony.workflows.audit import audit_kit
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN, Spy


class Asker(Spy):
    """Keeps every confirmation asked, and can answer 'no' (stop) at one step."""

    def __init__(self, refuse_at: str | None = None, stop_at: str | None = None) -> None:
        super().__init__(stop_at)
        self.refuse_at = refuse_at
        self.asked: list[str] = []
        self.facts: list[tuple[str, list[tuple[str, str]]]] = []

    def confirm(self, step: Step, question: str) -> None:
        self.asked.append(step.id)
        if step.id == self.refuse_at:
            raise Interrupted(f"the ceremony was stopped at step {step.id}", "as asked")

    def show_facts(self, title: str, facts: object) -> None:
        self.facts.append((title, list(facts)))  # type: ignore[call-overload]


def kit_files(kit: Path) -> list[str]:
    return sorted(p.relative_to(kit).as_posix() for p in kit.rglob("*") if p.is_file())


def last_event(kit: Path) -> str:
    return str(json.loads((kit / "transcript.jsonl").read_text().splitlines()[-1])["event"])


def test_the_last_step_is_a_reminder_that_asks_nothing(tmp_path: Path) -> None:
    operator = Asker()
    kit = tmp_path / "kit"
    Ceremony(load_plan(SMALL_PLAN), operator, kit).run()
    assert "8.3" not in operator.asked  # power off: a reminder, after everything is final
    titles = [title for title, _ in operator.facts]
    assert titles[-1] == "Reminder"
    assert "is final" in operator.facts[-1][1][0][1]
    # the read-back proof ran after writing, after sealing and after closing, and says which paths
    proofs = [facts for title, facts in operator.facts if title == "Read back"]
    assert [facts[0][0] for facts in proofs] == ["kit written", "cards sealed"]
    closed = dict(next(facts for title, facts in operator.facts if title == "Transcript closed"))
    assert "by ceremony" in closed["read back"]
    assert "recover.py (python3 -I" in closed["read back"]
    entries = [json.loads(line) for line in (kit / "transcript.jsonl").read_text().splitlines()]
    read_backs = [e for e in entries if e["event"] == "kit_read_back"]
    assert [e["data"]["when"] for e in read_backs] == ["kit written", "cards sealed"]
    record = Record.from_json((kit / "record.json").read_text())
    assert record.read_back == read_backs[-1]["data"]
    assert record.read_back["fingerprint"] == record.fingerprint


@pytest.mark.parametrize("how", ["refused", "ctrl-c"])
def test_stopping_after_closed_removes_nothing(tmp_path: Path, how: str) -> None:
    """'n' (or Ctrl-C) at the last question, after the transcript is closed, keeps the whole kit."""
    whole = tmp_path / "whole"
    Ceremony(load_plan(SMALL_PLAN), Spy(), whole).run()
    operator = Asker(refuse_at="8.1") if how == "refused" else Asker(stop_at="8.2")
    kit = tmp_path / "kit"
    with pytest.raises(Interrupted) as info:
        Ceremony(load_plan(SMALL_PLAN), operator, kit).run()
    assert "after the transcript was closed" in info.value.message
    assert "nothing was removed" in info.value.hint
    assert "abort" not in info.value.hint
    assert kit_files(kit) == kit_files(whole)
    assert last_event(kit) == "closed"  # what the screen said is what the transcript holds
    record = Record.from_json((kit / "record.json").read_text())
    assert verify_transcript(kit / "transcript.jsonl", expected_head=record.transcript_head).closed
    assert not list(tmp_path.glob("kit.aborted-*"))
    report = audit_kit(kit, plan_file=SMALL_PLAN)
    assert not [c for c in report.checks if c.status.value == "fail"]


def test_a_failure_after_closed_removes_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Ceremony, *args: object) -> object:
        raise NotRecoverable("the kit read back gives fingerprint 00000000", "the kit is not final")

    monkeypatch.setattr(Ceremony, "prove_final", broken)
    kit = tmp_path / "kit"
    with pytest.raises(NotRecoverable) as info:
        Ceremony(load_plan(SMALL_PLAN), Spy(), kit).run()
    assert "nothing in" in info.value.hint
    assert "was removed" in info.value.hint
    assert (kit / "record.json").exists()
    assert len(list((kit / "holders").iterdir())) == 2
    assert last_event(kit) == "closed"


def test_a_failed_read_back_before_closing_aborts_and_removes_the_secrets(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceremony.workflows import readback

    def wrong(*args: object, **kwargs: object) -> dict[str, str]:
        return {"fingerprint": "00000000", "commitment": "0" * 64}

    monkeypatch.setattr(readback, "run_recover_py", wrong)
    kit = tmp_path / "kit"
    with pytest.raises(NotRecoverable) as info:
        Ceremony(load_plan(SMALL_PLAN), Spy(), kit).run()
    assert info.value.exit_code == 8
    aside = tmp_path / "kit.aborted-1"
    assert not kit.exists()
    assert kit_files(aside) == ["transcript.jsonl"]
    assert last_event(aside) == "aborted"
    assert f"the transcript {aside / 'transcript.jsonl'} ends with an abort entry" in (
        info.value.hint
    )


def test_a_crash_during_removal_never_leaves_something_that_looks_like_a_kit(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The kit is renamed aside before the first file goes, so a removal cut short (a closed
    terminal, a power cut) leaves `kit.aborted-1`, never a half-removed `kit`."""
    removed: list[Path] = []
    real = files.remove_tree

    def dies_after_one(path: Path) -> None:
        if removed:
            raise SystemExit("terminal closed")
        removed.append(path)
        real(path)

    monkeypatch.setattr(ceremony_module, "remove_tree", dies_after_one)
    kit = tmp_path / "kit"
    with pytest.raises(SystemExit):
        Ceremony(load_plan(SMALL_PLAN), Spy(stop_at="7.1"), kit).run()
    assert not kit.exists()
    aside = tmp_path / "kit.aborted-1"
    assert last_event(aside) == "aborted"
    left = kit_files(aside)
    assert "transcript.jsonl" in left
    assert len(left) > 1
    report = audit_kit(aside)
    failed = {c.name for c in report.checks if c.status.value == "fail"}
    assert "transcript.closed" in failed


def test_errors_before_the_kit_say_where_the_transcript_is(tmp_path: Path) -> None:
    operator = Asker(refuse_at="1.2")
    with pytest.raises(CeremonyError) as info:
        Ceremony(load_plan(SMALL_PLAN), operator, tmp_path / "kit").run()
    transcript = tmp_path / "kit.aborted-1" / "transcript.jsonl"
    assert f"the transcript {transcript} ends with an abort entry" in info.value.hint
    assert last_event(transcript.parent) == "aborted"
