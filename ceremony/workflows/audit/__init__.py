"""`ceremony audit`: re-check a ceremony kit and its recovery sessions from public artefacts alone.

An auditor trusts neither the machine that ran the ceremony nor the people who kept the kit, so every
claim is re-derived here from files anyone may hold: the transcript's hash chain, the record, the
plan file, the holder PDFs that are still present, recover.py, shares an auditor is shown, and each
recovery session (notice, proof chain, session transcript). No secret is needed or reconstructed.

The result is a list of named checks, each pass, fail or skipped with one line saying why. A check
names its first failure precisely (the entry, the holder, the segment) and counts the rest. The names
are stable: the auditor runbook cites them. `CHECKS` says what each one proves.

Nothing here prints or writes: the command line shows the report, as a table, JSON or a PDF.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.workflows.audit.common import _load_kit
from ceremony.workflows.audit.kit_checks import (
    _file_checks,
    _label,
    _plan_checks,
    _record_checks,
    _record_transcript_checks,
    _share_checks,
    _transcript_checks,
)
from ceremony.workflows.audit.recoverable import _recoverable_checks
from ceremony.workflows.audit.report import CHECKS, FORMAT, AuditCheck, AuditReport, Status
from ceremony.workflows.audit.session_checks import _session_directories, _SessionAudit
from ceremony.workflows.inputs import decode_text, read_bounded

__all__ = ["CHECKS", "FORMAT", "AuditCheck", "AuditReport", "Status", "audit_kit"]


def audit_kit(
    kit: Path,
    *,
    plan_file: Path | None = None,
    sessions: Sequence[Path] = (),
    share_file: Path | None = None,
) -> AuditReport:
    """Run every check on the kit directory `kit`, and on each recovery session under
    `kit/recovery/` plus those in `sessions`. Raises BadInput only when an input named on the command
    line cannot be read at all (the kit directory, the plan, the share file, a session directory);
    anything wrong inside them is a failed check."""
    kit = Path(kit)
    if not kit.is_dir():
        raise BadInput(
            f"the kit directory {kit} does not exist"
            if not kit.exists()
            else f"{kit} is not a directory",
            "give the ceremony kit directory (the one holding record.json and transcript.jsonl)",
        )
    plan_bytes = read_bounded(plan_file, "plan") if plan_file is not None else None
    share_text = (
        decode_text(read_bounded(share_file, "shares"), "shares")
        if share_file is not None
        else None
    )
    for directory in sessions:
        if not Path(directory).is_dir():
            raise BadInput(
                f"the session directory {directory} does not exist",
                "give a recovery session directory (it holds notice.json and transcript.jsonl)",
            )
    state = _load_kit(kit)
    checks: list[AuditCheck] = [state.record_check]
    checks += _transcript_checks(state)
    checks += _plan_checks(state, plan_bytes)
    checks += _record_checks(state)
    checks += _record_transcript_checks(state)
    checks += _file_checks(state)
    checks += _recoverable_checks(state)
    if share_text is not None:
        checks += _share_checks(state, share_text)
    labels: set[str] = set()
    for directory in _session_directories(kit, sessions):
        label = _label(directory.name)
        number = 2
        while label in labels:  # two sessions with one folder name: keep the check names apart
            label, number = f"{_label(directory.name)}-{number}", number + 1
        labels.add(label)
        checks += _SessionAudit(state, directory, label).checks()
    record = state.record
    return AuditReport(
        kit=str(kit),
        ceremony_id=record.ceremony_id if record else "",
        ceremony_name=record.ceremony_name if record else "",
        plan_sha256=record.plan_sha256 if record else "",
        transcript_head=record.transcript_head if record else "",
        demo=record.demo if record else False,
        checks=tuple(checks),
    )
