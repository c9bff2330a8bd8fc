"""`ceremony audit KIT` as one workflow: the audit (with the chain of a lifecycle kit), the report
as a PDF to sign when asked, and the verdict raised as a project error once it has been shown."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ceremony.paper.audit_report import AuditSheet
    from ceremony.workflows.audit import AuditReport
    from ceremony.workflows.audit.chain import ChainAudit


@dataclass(frozen=True)
class AuditRequest:
    """What the audit reads besides the kit: the plan, sessions kept elsewhere, shares shown to
    the auditor, predecessor kits, and the words kept outside the kit, as typed (`head_words`,
    `notice_words`, `session_words`: see `Anchors.from_text`)."""

    kit: Path
    head_words: str | None = None
    notice_words: Sequence[str] = ()
    session_words: Sequence[str] = ()
    plan: Path | None = None
    sessions: Sequence[Path] = ()
    share_file: Path | None = None
    chain: Sequence[Path] = ()
    without_transcript: bool = False


@dataclass(frozen=True)
class AuditPdf:
    """Where to write the report as a PDF to sign (`path` None: no PDF), on which paper (a4 or
    letter; empty for the kit's own, from its record), and whether to replace a file."""

    path: Path | None = None
    paper: str = ""
    force: bool = False


@dataclass(frozen=True)
class AuditRun:
    report: AuditReport
    history: ChainAudit | None
    """The secret's history back to the first ceremony, for a lifecycle kit given --chain."""

    def to_dict(self) -> dict[str, object]:
        """The report's JSON, with the chain history added only when it was walked."""
        data = self.report.to_dict()
        if self.history is not None:
            data["chain"] = self.history.to_dict()
        return data


def run_audit(request: AuditRequest, pdf: AuditPdf = AuditPdf()) -> AuditRun:
    """Every check; then the PDF, when asked (the paper size is checked before anything runs).

    The sessions' proofs are started first, on every core, so that the audit's own modules load
    and the kit is checked while they are verified (`proof_prefetch`)."""
    from ceremony.workflows.proof_prefetch import ChainPrefetch, session_directories

    kit = request.kit.absolute()
    with ChainPrefetch.started(session_directories(kit, request.sessions)) as prefetch:
        from ceremony.paper.content import PaperSize
        from ceremony.workflows.audit import Anchors
        from ceremony.workflows.audit.chain import audit_with_chain

        anchors = Anchors.from_text(request.head_words, request.notice_words, request.session_words)
        size = PaperSize.from_text(pdf.paper or kit_paper(kit))
        report, history = audit_with_chain(
            kit,
            request.chain,
            plan_file=request.plan,
            sessions=request.sessions,
            share_file=request.share_file,
            anchors=anchors,
            without_transcript=request.without_transcript,
            prefetch=prefetch,
        )
    if pdf.path is not None:
        from ceremony.files import write_atomic
        from ceremony.paper.audit_report import render_audit_report

        data = render_audit_report(audit_sheet(report), size)
        write_atomic(pdf.path, data, secret=False, overwrite=pdf.force)
    return AuditRun(report, history)


def require_passed(report: AuditReport) -> None:
    """Raise NotVerified (exit 4) when any check failed, naming how many and the first."""
    from ceremony.errors import NotVerified

    if report.passed:
        return
    first = report.failures[0]
    raise NotVerified(
        f"{len(report.failures)} of {len(report.checks)} audit checks failed, the first "
        f"{first.name}",
        "read each failed check: its line names what differs and where; audit the original "
        "copies of the files before drawing conclusions",
    )


def kit_paper(kit: Path) -> str:
    """The paper size the kit was printed on, as its record says (a4 when it cannot say)."""
    from ceremony.errors import CeremonyError
    from ceremony.model.record import Record

    try:
        text = (kit / "record.json").read_text(encoding="utf-8")
        return Record.from_json(text).paper_size or "a4"
    except (OSError, UnicodeDecodeError, CeremonyError):
        return "a4"


def audit_sheet(report: AuditReport) -> AuditSheet:
    """The report as the paper module's plain values."""
    from ceremony.model.hashwords import hash_words
    from ceremony.paper.audit_report import AuditRow, AuditSheet

    plan_words = ""
    if re.fullmatch(r"[0-9a-f]{64}", report.plan_sha256):
        plan_words = hash_words(bytes.fromhex(report.plan_sha256))
    return AuditSheet(
        kit=report.kit,
        ceremony_name=report.ceremony_name,
        ceremony_id=report.ceremony_id,
        plan_hash_hex=report.plan_sha256 if plan_words else "",
        plan_hash_words=plan_words,
        transcript_head_words=report.head_words,
        tool=report.tool,
        rows=tuple(AuditRow(c.name, c.status.value, c.detail) for c in report.checks),
        demo=report.demo,
        unanchored=report.unanchored,
    )
