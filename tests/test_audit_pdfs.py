"""The audit re-renders record.pdf and each notice.pdf from public JSON and compares bytes."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from ceremony.model.record import Record
from ceremony.workflows.audit import Status, audit_kit
from ceremony.workflows.kit import record_pdf
from tests.helpers.audit import session_of
from tests.helpers.kits import DEMO_PLAN, make_kit, write_session


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kit = tmp_path_factory.mktemp("pdfs") / "kit"
    make_kit(kit, DEMO_PLAN, seed=b"pdfs")
    write_session(kit)
    return kit


@pytest.fixture
def kit(made: Path, tmp_path: Path) -> Path:
    copy = tmp_path / "kit"
    shutil.copytree(made, copy)
    return copy


def check(kit: Path, prefix: str) -> tuple[Status, str]:
    (found,) = [c for c in audit_kit(kit).checks if c.name.startswith(prefix)]
    return found.status, found.detail


def test_an_untouched_kit_re_renders_byte_for_byte(kit: Path) -> None:
    status, detail = check(kit, "files.record.pdf")
    assert status is Status.PASS, detail
    assert detail.startswith("record.pdf re-rendered from record.json, byte for byte")
    record = Record.from_json((kit / "record.json").read_text())
    assert record.record_pdf_sha256
    assert record.paper_size == "a4"
    assert record_pdf(record) == (kit / "record.pdf").read_bytes()


def test_an_untouched_notice_re_renders_byte_for_byte(kit: Path) -> None:
    label = session_of(kit).name
    status, detail = check(kit, f"session.{label}.notice-pdf")
    assert status is Status.PASS, detail
    assert detail.startswith("notice.pdf re-rendered from notice.json, byte for byte")


def test_a_changed_record_pdf_fails_naming_the_byte(kit: Path) -> None:
    pdf = bytearray((kit / "record.pdf").read_bytes())
    at = pdf.index(b"/Producer")
    pdf[at + 1] = ord("Q")
    (kit / "record.pdf").write_bytes(bytes(pdf))
    status, detail = check(kit, "files.record.pdf")
    assert status is Status.FAIL
    assert detail == (
        f"record.pdf differs from the one re-rendered from record.json (first at byte {at + 1}): "
        "the PDF was altered or replaced"
    )


def test_a_record_edited_after_printing_fails(kit: Path) -> None:
    data = json.loads((kit / "record.json").read_text())
    data["roles"]["auditor"] = "Mallory"
    (kit / "record.json").write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    status, detail = check(kit, "files.record.pdf")
    assert status is Status.FAIL
    assert detail.startswith("record.json re-rendered hashes to ")
    assert "the record lists" in detail


def test_a_changed_notice_pdf_fails(kit: Path) -> None:
    session = session_of(kit)
    pdf = (session / "notice.pdf").read_bytes()
    (session / "notice.pdf").write_bytes(pdf.replace(b"/Producer", b"/Producer ", 1)[: len(pdf)])
    status, detail = check(kit, f"session.{session.name}.notice-pdf")
    assert status is Status.FAIL
    assert "notice.pdf differs from the one re-rendered from notice.json" in detail


def test_a_missing_record_pdf_is_skipped_after_checking_the_hash(kit: Path) -> None:
    (kit / "record.pdf").unlink()
    status, detail = check(kit, "files.record.pdf")
    assert status is Status.SKIPPED
    assert detail == "record.pdf not present; re-rendered, it has the hash the record lists"


def test_the_record_as_written_is_checked_against_the_logged_pdf_hash(
    kit: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """kit_written logs record.pdf's hash as printed before closing, so the as-written check
    needs no second rendering; a kit whose entry lacks it (older kits) renders it again."""
    import ceremony.workflows.audit.pdf_checks as pdf_checks
    import ceremony.workflows.kit as kits

    entries = [json.loads(line) for line in (kit / "transcript.jsonl").read_text().splitlines()]
    (written,) = [e for e in entries if e["event"] == "kit_written"]
    assert len(written["data"]["record_pdf_sha256"]) == 64
    renders: list[Record] = []
    real = kits.record_pdf
    counting = lambda r: renders.append(r) or real(r)  # noqa: E731
    monkeypatch.setattr(kits, "record_pdf", counting)
    monkeypatch.setattr(pdf_checks, "record_pdf", counting)
    checks = {c.name: c for c in audit_kit(kit).checks}
    assert checks["record-transcript.as-written"].status is Status.PASS
    assert [r.transcript_head for r in renders] == [
        Record.from_json((kit / "record.json").read_text()).transcript_head
    ]  # only files.record.pdf rendered, the record as closed


def test_a_kit_written_entry_without_the_pdf_hash_renders_the_record_as_then(kit: Path) -> None:
    from dataclasses import replace

    from ceremony.workflows.audit.kit_checks import _pdf_as_written
    from ceremony.workflows.transcript import TranscriptEntry

    record = Record.from_json((kit / "record.json").read_text())
    before = replace(record, transcript_head="")
    old = TranscriptEntry(10, "", "kit_written", None, "5.1", {}, "", "ceremony 0.9")
    assert _pdf_as_written(before, old) == hashlib.sha256(record_pdf(before)).hexdigest()
    logged = replace(old, data={"record_pdf_sha256": "ab" * 32})
    assert _pdf_as_written(before, logged) == "ab" * 32
