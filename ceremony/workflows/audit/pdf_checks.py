"""Public PDFs re-rendered: record.pdf and each notice.pdf, byte for byte, from their public JSON.

The fonts ship inside the package and every PDF is written deterministically, so a public PDF is a
function of its JSON alone. Re-rendering it and comparing bytes proves that what was printed and
handed out says exactly what the JSON says; a PDF edited by hand, or a JSON edited after printing,
fails. Bytes can only match when this installation has the same dependencies (the lock's hash in the
record names them): the detail says so when they differ.
"""

from __future__ import annotations

from pathlib import Path

from ceremony.build_info import lock_sha256
from ceremony.errors import CeremonyError
from ceremony.model.record import Record
from ceremony.paper.content import PaperSize
from ceremony.workflows.audit.common import _NO_RECORD, _fail, _Kit, _sha256, _show, _skip
from ceremony.workflows.audit.report import AuditCheck, Status
from ceremony.workflows.kit import record_pdf
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.transcript import TranscriptSummary, verify_transcript

RECORD_PDF = "record.pdf"
NOTICE = "notice.json"
NOTICE_PDF = "notice.pdf"
SESSION_TRANSCRIPT = "transcript.jsonl"


def _first_difference(left: bytes, right: bytes) -> int:
    for index, (a, b) in enumerate(zip(left, right, strict=False)):
        if a != b:
            return index
    return min(len(left), len(right))


def _other_lock(record: Record) -> str:
    if record.lock_sha256 and record.lock_sha256 != lock_sha256():
        return (
            f" (the record was written with dependency lock {record.lock_sha256[:16]}..., this "
            f"installation has {lock_sha256()[:16]}...: audit with the bundle the ceremony used)"
        )
    return ""


def _compare(
    name: str, what: str, path: Path, rendered: bytes, listed: str, where: str
) -> AuditCheck:
    digest = _sha256(rendered)
    if digest != listed:
        return _fail(
            name,
            f"{what} re-rendered hashes to {digest[:16]}...; {where} lists {_show(listed)}",
        )
    if not path.is_file():
        return _skip(name, f"{path.name} not present; re-rendered, it has the hash {where} lists")
    data = path.read_bytes()
    if data != rendered:
        return _fail(
            name,
            f"{path.name} differs from the one re-rendered from {what} (first at byte "
            f"{_first_difference(data, rendered)}): the PDF was altered or replaced",
        )
    return AuditCheck(
        name,
        Status.PASS,
        f"{path.name} re-rendered from {what}, byte for byte (SHA-256 {digest[:16]}...)",
    )


def record_pdf_check(kit: _Kit) -> AuditCheck:
    """`files.record.pdf`: record.pdf is the one rendered from record.json, and the record's hash."""
    name = f"files.{RECORD_PDF}"
    record = kit.record
    if record is None:
        return _skip(name, _NO_RECORD)
    if not record.record_pdf_sha256:
        return _fail(name, "the record holds no hash of record.pdf")
    try:
        rendered = record_pdf(record)
    except CeremonyError as exc:
        return _fail(name, f"cannot re-render record.pdf: {exc.message}")
    check = _compare(
        name,
        "record.json",
        kit.directory / RECORD_PDF,
        rendered,
        record.record_pdf_sha256,
        "the record",
    )
    if check.status is Status.FAIL:
        return _fail(name, check.detail + _other_lock(record))
    return check


def notice_pdf_check(kit: _Kit, directory: Path, label: str) -> AuditCheck:
    """`session.<id>.notice-pdf`: notice.pdf is the one rendered from notice.json and the record, on
    the paper the session transcript names, with the hash it names."""
    from ceremony.paper.notice import render_notice
    from ceremony.workflows.recovery.session import notice_sheet

    name = f"session.{label}.notice-pdf"
    record = kit.record
    if record is None:
        return _skip(name, _NO_RECORD)
    try:
        notice = RecoveryNotice.from_bytes((directory / NOTICE).read_bytes())
        summary: TranscriptSummary = verify_transcript(directory / SESSION_TRANSCRIPT)
    except (OSError, CeremonyError):
        return _skip(name, "the notice or the session transcript cannot be read (see above)")
    requested = [entry for entry in summary.entries if entry.event == "requested"]
    if not requested:
        return _skip(name, "the session transcript has no 'requested' entry")
    listed = requested[0].data.get("notice_pdf_sha256")
    paper = requested[0].data.get("paper")
    if listed is None:
        return _skip(name, f"session entry {requested[0].seq} (requested) names no notice.pdf hash")
    if not isinstance(listed, str) or not isinstance(paper, str):
        return _fail(name, f"session entry {requested[0].seq} (requested) is malformed")
    try:
        rendered = render_notice(notice_sheet(notice, record), PaperSize.from_text(paper))
    except CeremonyError as exc:
        return _fail(name, f"cannot re-render notice.pdf: {exc.message}")
    where = f"session entry {requested[0].seq} (requested)"
    check = _compare(name, "notice.json", directory / NOTICE_PDF, rendered, listed, where)
    if check.status is Status.FAIL:
        return _fail(name, check.detail + _other_lock(record))
    return check
