"""Lifecycle kits are read back like first kits (issue 19): the words from the new holder PDFs, the
record, and the kit's recover.py run as `python3 -I -S`, against the recorded fingerprint; for an
extension, from a quorum that mixes old and new cards. The audit's kit.read-back check follows, the
lifecycle runbook is printed into the kit, and a lost card stays listed whatever group a later
amendment changes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ceremony.errors import Interrupted, NotRecoverable
from ceremony.model.record import LostCard
from ceremony.planfile.amendment import load_amendment
from ceremony.workflows import readback
from ceremony.workflows.audit import audit_kit
from ceremony.workflows.audit.chain import audit_chain
from ceremony.workflows.lifecycle import base as lifecycle_base
from ceremony.workflows.lifecycle import lifecycle_ceremony
from ceremony.workflows.runbooks import check_runbooks
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.lifecycle import LifecycleSpy, card, original_kit, record_of, tree_bytes
from tests.helpers.lifecycle import write_amendment as amendment_file


@pytest.fixture(scope="module")
def first_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return original_kit(tmp_path_factory.mktemp("first"))


def _copy(kit: Path, target: Path) -> Path:
    shutil.copytree(kit, target)
    return target


def _run(folder: Path, kit: Path, shares: list[str], output: str, **amend: str) -> Path:
    path = amendment_file(folder, kit, output=output, name=f"{output}.toml", **amend)
    out = folder / output
    lifecycle_ceremony(load_amendment(path), LifecycleSpy(shares), out).run()
    return out


def _events(kit: Path, event: str) -> list[dict[str, object]]:
    entries = verify_transcript(kit / "transcript.jsonl").entries
    return [dict(e.data) | {"step": e.step} for e in entries if e.event == event]


def _check(kit: Path, name: str) -> tuple[str, str]:
    [found] = [c for c in audit_kit(kit).checks if c.name == name]
    return found.status.value, found.detail


def test_an_extension_is_read_back_from_a_quorum_of_old_and_new_cards(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path / "kit")
    out = _run(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)], "kit-2")
    record = record_of(out)
    proof = record.read_back
    assert proof["fingerprint"] == record.fingerprint
    assert [p.split(" (")[0] for p in proof["paths"]] == ["ceremony", "recover.py"]
    assert "python3 -I -S" in proof["paths"][1]
    assert "Fay" in proof["quorum"]  # the new card ...
    assert proof["old_cards"] >= 1  # ... with old ones of its group
    assert proof["limited"] == ""
    logged = _events(out, "kit_read_back")
    assert [(e["step"], e["when"]) for e in logged] == [
        ("4.1", "kit written"),
        ("6.1", "cards sealed"),
    ]
    assert {k: v for k, v in logged[-1].items() if k != "step"} == proof
    assert _check(out, "kit.read-back")[0] == "pass"


def test_a_reshare_is_read_back_from_its_new_cards(tmp_path: Path, first_kit: Path) -> None:
    from tests.helpers.lifecycle import NEW_PLAN

    kit = _copy(first_kit, tmp_path / "kit")
    (tmp_path / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"), encoding="utf-8")
    typed = [card(kit, 1, 1), card(kit, 1, 2), card(kit, 2, 1), card(kit, 2, 2)]
    out = _run(tmp_path, kit, typed, "kit-3", kind="reshare", plan="new-plan.toml")
    record = record_of(out)
    proof = record.read_back
    assert proof["fingerprint"] == record.fingerprint
    assert proof["old_cards"] == 0
    assert set(proof["quorum"]) <= {"Gus", "Hal", "Ivy", "Jo", "Kim", "Lou"}
    assert _check(out, "kit.read-back")[0] == "pass"


def test_without_the_old_cards_the_proof_says_what_it_did_not_compare(
    tmp_path: Path, first_kit: Path
) -> None:
    """The predecessor's holder PDFs are gone (the kit media were destroyed, as the runbook
    says): the new cards are still read back, and the proof and the audit say what was left out."""
    kit = _copy(first_kit, tmp_path / "keep" / "kit")
    shares = [card(kit, 1, 1), card(kit, 1, 3)]
    shutil.rmtree(kit / "holders")
    out = _run(tmp_path / "keep", kit, shares, "kit-2")
    proof = record_of(out).read_back
    assert proof["paths"] == []
    assert proof["fingerprint"] == ""
    assert "no quorum of written cards" in proof["limited"]
    status, detail = _check(out, "kit.read-back")
    assert status == "skipped"
    assert "no quorum of written cards" in detail


def test_a_new_card_that_does_not_read_back_leaves_no_kit(
    tmp_path: Path, first_kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = _copy(first_kit, tmp_path / "kit")
    before = tree_bytes(kit)
    real = readback.words_from_pdf

    def smudged(data: bytes, holder: str) -> tuple[str, ...]:
        words = real(data, holder)
        return (*words[:-1], "academic" if words[-1] != "academic" else "acid")

    monkeypatch.setattr(readback, "words_from_pdf", smudged)
    with pytest.raises(NotRecoverable) as info:
        _run(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)], "kit-2")
    assert "Fay" in info.value.message
    assert "predecessor kit was not touched" in info.value.hint
    assert not (tmp_path / "kit-2").exists()
    aside = tmp_path / "kit-2.aborted-1"
    assert [p.name for p in aside.iterdir()] == ["transcript.jsonl"]
    assert verify_transcript(aside / "transcript.jsonl").aborted
    assert tree_bytes(kit) == before


def test_ctrl_c_during_the_read_back_keeps_nothing_secret(
    tmp_path: Path, first_kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit = _copy(first_kit, tmp_path / "kit")
    before = tree_bytes(kit)

    def interrupted(*_: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(lifecycle_base, "prove_lifecycle_kit", interrupted)
    with pytest.raises(Interrupted) as info:
        _run(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)], "kit-2")
    assert "interrupted at step 4.1" in info.value.message
    aside = tmp_path / "kit-2.aborted-1"
    assert [p.name for p in aside.iterdir()] == ["transcript.jsonl"]
    assert verify_transcript(aside / "transcript.jsonl").aborted
    assert tree_bytes(kit) == before


def test_a_tampered_record_fails_the_audit_read_back(tmp_path: Path, first_kit: Path) -> None:
    kit = _copy(first_kit, tmp_path / "kit")
    out = _run(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)], "kit-2")
    data = json.loads((out / "record.json").read_text(encoding="utf-8"))
    data["read_back"]["fingerprint"] = "00000000"
    (out / "record.json").write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    status, detail = _check(out, "kit.read-back")
    assert status == "fail"
    assert "00000000" in detail


def test_the_lifecycle_runbook_is_printed_into_lifecycle_kits_only(
    tmp_path: Path, first_kit: Path
) -> None:
    assert not (first_kit / "runbooks" / "lifecycle.pdf").exists()
    kit = _copy(first_kit, tmp_path / "kit")
    out = _run(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)], "kit-2")
    pdf = out / "runbooks" / "lifecycle.pdf"
    assert pdf.is_file()
    from pypdf import PdfReader

    text = " ".join(page.extract_text() for page in PdfReader(pdf).pages)
    record = record_of(out)
    assert record.ceremony_id in text
    assert "Destroy a card" in text
    # the final runbooks carry the bag serials and head words, as a first kit's do
    checks = {c.file: c.status for c in check_runbooks(record, out / "runbooks")}
    assert checks["lifecycle.pdf"] == "match"
    assert set(checks.values()) == {"match"}


def test_a_lost_card_stays_listed_when_a_later_amendment_changes_another_group(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path / "kit")
    replaced = _run(
        tmp_path,
        kit,
        [card(kit, 1, 1), card(kit, 1, 3)],
        "kit-2",
        kind="replace",
        lost="[2]",
        holders='[ { name = "Ben again" } ]',
    )
    lineage = record_of(replaced).lineage
    assert lineage is not None
    assert lineage.reported_lost == (LostCard("family", 2),)
    extended = _run(
        tmp_path,
        replaced,
        [card(kit, 2, 1), card(kit, 2, 2)],
        "kit-3",
        group="board",
        holders='[ { name = "Gil" } ]',
    )
    later = record_of(extended).lineage
    assert later is not None
    assert later.group == "board"
    assert later.lost == ()
    assert later.reported_lost == (LostCard("family", 2),)
    assert later.lost_cards() == (LostCard("family", 2),)
    # the chain audit follows it; an amended record that drops it fails the change check
    audit = audit_chain(extended, [kit, replaced])
    changes = [c for c in audit.checks if c.name.endswith(".change")]
    assert len(changes) == 2
    assert all(c.status.value == "pass" for c in changes), changes


def test_an_amended_record_that_drops_a_lost_card_fails_the_chain_audit(
    tmp_path: Path, first_kit: Path
) -> None:
    from dataclasses import replace

    from ceremony.workflows.audit.chain import _change

    kit = _copy(first_kit, tmp_path / "kit")
    replaced = _run(
        tmp_path,
        kit,
        [card(kit, 1, 1), card(kit, 1, 3)],
        "kit-2",
        kind="replace",
        lost="[2]",
        holders='[ { name = "Ben again" } ]',
    )
    extended = _run(
        tmp_path,
        replaced,
        [card(kit, 2, 1), card(kit, 2, 2)],
        "kit-3",
        group="board",
        holders='[ { name = "Gil" } ]',
    )
    after = record_of(extended)
    assert after.lineage is not None
    dropped = replace(after, lineage=replace(after.lineage, reported_lost=()))
    check = _change("2", record_of(replaced), dropped)
    assert check.status.value == "fail"
    assert "reported lost earlier" in check.detail
