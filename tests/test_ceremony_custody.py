"""What the guided ceremony records beyond the shares: bag serials checked as typed and never used
twice, the consent card's custody, the final paper after closing, and a record that says how the
ceremony was run (entropy, tool, recover.py, preflight); the audit names what it saw."""

from __future__ import annotations

import dataclasses
import hashlib
from pathlib import Path

import pytest

from ceremony.errors import BadInput
from ceremony.model.record import Record
from ceremony.planfile.plan import load_plan
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.audit import Status, audit_kit
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.preflight import Check
from ceremony.workflows.preflight import Status as CheckStatus
from ceremony.workflows.runbooks import check_runbooks
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN, pdf_text
from tests.helpers.paths import ROOT

SEALED_PLAN = ROOT / "tests" / "data" / "sealed-plan.toml"


class Sealer(ScriptedOperator):
    """Scripted answers, but serials come from a list typed by a witness who errs: each answer
    is (serial, confirmed?)."""

    def __init__(self, serials: list[tuple[str, bool]]) -> None:
        super().__init__(accept_preflight_failures=True, quiet=True)
        self.typed = list(serials)
        self.refusals: list[str] = []

    def read_bag_serial(self, holder: str) -> str:
        return self.typed[0][0]

    def confirm_bag_serial(self, holder: str, serial: str) -> bool:
        _, ok = self.typed.pop(0)
        return ok

    def refuse_bag_serial(self, holder: str, problem: str) -> None:
        self.refusals.append(problem)
        self.typed.pop(0)


def run(tmp_path: Path, operator: ScriptedOperator, plan: Path = SMALL_PLAN) -> Path:
    directory = tmp_path / "kit"
    Ceremony(load_plan(plan), operator, directory).run()
    return directory


def record_of(kit: Path) -> Record:
    return Record.from_json((kit / "record.json").read_text())


def test_a_duplicate_serial_is_refused_and_a_mistyped_one_retyped(tmp_path: Path) -> None:
    operator = Sealer([("TE-1", True), ("te 1", True), ("TE-2X", False), ("TE-2", True)])
    kit = run(tmp_path, operator)
    assert [e.bag_serial for e in record_of(kit).shares] == ["TE-1", "TE-2"]
    assert operator.refusals == ["bag serial te 1 is already recorded for Zoë's card"]
    sealed = [
        e for e in verify_transcript(kit / "transcript.jsonl").entries if e.event == "bag_sealed"
    ]
    assert [e.data["bag_serial"] for e in sealed] == ["TE-1", "TE-2"], "only confirmed serials"


def test_scripted_answers_with_a_duplicate_serial_stop_the_ceremony(tmp_path: Path) -> None:
    operator = ScriptedOperator(accept_preflight_failures=True, quiet=True)
    operator.bag_serials = ["SAME", "SAME"]
    with pytest.raises(BadInput, match="already recorded for Zoë's card"):
        run(tmp_path, operator)
    assert sorted(p.name for p in (tmp_path / "kit.aborted-1").iterdir()) == ["transcript.jsonl"]


def test_the_record_says_how_the_ceremony_was_run(tmp_path: Path) -> None:
    kit = run(tmp_path, ScriptedOperator(accept_preflight_failures=True, quiet=True))
    record = record_of(kit)
    assert record.entropy_source == "csprng"
    assert record.tool.startswith("ceremony ")
    program = (kit / "recover.py").read_bytes()
    assert record.recover_py_sha256 == hashlib.sha256(program).hexdigest()
    assert record.preflight.startswith(("passed", "failures accepted: "))
    assert record.consent_card_sha256 == ""


def test_the_kit_holds_the_final_runbooks_only(tmp_path: Path) -> None:
    kit = run(tmp_path, ScriptedOperator(accept_preflight_failures=True, quiet=True))
    record = record_of(kit)
    assert {r.status for r in check_runbooks(record, kit / "runbooks")} == {"match"}
    script = pdf_text(kit / "runbooks" / "ceremony-script.pdf")
    assert "BAG-001" in script
    words = verify_transcript(kit / "transcript.jsonl").head_words
    first, *_ = words.split()
    assert first in script
    assert "Print the final record and runbooks" in script


def test_the_consent_card_is_printed_sealed_and_recorded(tmp_path: Path) -> None:
    kit = run(tmp_path, ScriptedOperator(accept_preflight_failures=True, quiet=True), SEALED_PLAN)
    record = record_of(kit)
    card = kit / "consent" / "consent-card.pdf"
    assert record.consent_card_sha256 == hashlib.sha256(card.read_bytes()).hexdigest()
    assert record.consent_bag_serial == "BAG-003"
    entries = verify_transcript(kit / "transcript.jsonl").entries
    events = [e.event for e in entries]
    assert "consent_printed" in events
    sealed = next(e for e in entries if e.event == "consent_sealed")
    assert sealed.data["bag_serial"] == "BAG-003"
    assert sealed.step == "7.2"
    report = audit_kit(kit)
    assert report.check("ceremony.bag-serials").detail == "3 bags, each with its own serial"
    assert report.check("record-transcript.as-written").status is Status.PASS


def _real(kit: Path) -> None:
    """The kit as if it were not a DEMO: the plan's flag and the record's, consistently."""
    record = record_of(kit)
    (kit / "record.json").write_text(dataclasses.replace(record, demo=False).to_json())


def test_the_audit_names_scripted_reentry_and_accepted_preflight_failures(tmp_path: Path) -> None:
    failing = [Check("network", CheckStatus.FAIL, "eth0 is up", "unplug it")]
    directory = tmp_path / "kit"
    Ceremony(
        load_plan(SMALL_PLAN),
        ScriptedOperator(accept_preflight_failures=True, quiet=True),
        directory,
        preflight=lambda out: failing,
    ).run()
    assert record_of(directory).preflight == "failures accepted: network"
    report = audit_kit(directory)
    reentry = report.check("ceremony.re-entry")
    assert reentry.status is Status.PASS
    assert reentry.detail.startswith("DEMO kit: re-entry scripted, not witnessed: 2 of 2 shares")
    preflight = report.check("ceremony.preflight")
    assert preflight.detail.startswith("DEMO kit: preflight failures accepted: network")
    assert report.check("ceremony.entropy").detail.startswith("entropy: csprng")
    _real(directory)
    report = audit_kit(directory)
    assert report.check("ceremony.re-entry").status is Status.FAIL
    assert report.check("ceremony.re-entry").detail.startswith("re-entry scripted, not witnessed")
    assert report.check("ceremony.preflight").status is Status.FAIL
    assert report.check("ceremony.preflight").detail.startswith(
        "preflight failures accepted: network"
    )
    assert not report.passed


def test_the_audit_refuses_a_serial_used_twice(tmp_path: Path) -> None:
    kit = run(tmp_path, ScriptedOperator(accept_preflight_failures=True, quiet=True))
    record = record_of(kit)
    shares = tuple(dataclasses.replace(e, bag_serial="TE-9") for e in record.shares)
    (kit / "record.json").write_text(dataclasses.replace(record, shares=shares).to_json())
    check = audit_kit(kit).check("ceremony.bag-serials")
    assert check.status is Status.FAIL
    assert check.detail == "bag serial TE-9 is recorded for both Zoë's card and Łukasz's card"
