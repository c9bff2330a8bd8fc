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

from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, replace
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.workflows.audit.anchors import (
    HEAD,
    NO_ANCHORS,
    Anchors,
    SessionFacts,
    head_anchor,
    session_anchors,
)
from ceremony.workflows.audit.common import _Kit, _load_kit
from ceremony.workflows.audit.conduct_checks import CONDUCT_CHECKS, conduct_checks, session_conduct
from ceremony.workflows.audit.kit_checks import (
    _closing_binding,
    _file_checks,
    _label,
    _plan_checks,
    _record_checks,
    _record_transcript_checks,
    _share_checks,
    _transcript_checks,
)
from ceremony.workflows.audit.pdf_checks import notice_pdf_check, record_pdf_check
from ceremony.workflows.audit.recoverable import _recoverable_checks
from ceremony.workflows.audit.report import (
    CHECKS,
    FORMAT,
    AuditCheck,
    AuditReport,
    Status,
    Verdict,
)
from ceremony.workflows.audit.session_checks import _SessionAudit, not_a_session
from ceremony.workflows.audit.signatures import PREFIX as SIGNATURE
from ceremony.workflows.audit.signatures import (
    session_signature_checks,
    signature_checks,
    unsigned,
)
from ceremony.workflows.inputs import decode_text, read_bounded
from ceremony.workflows.proof_prefetch import ChainPrefetch, session_directories
from ceremony.workflows.session_attest import SessionEvent

CHECKS.update(CONDUCT_CHECKS)

__all__ = [
    "CHECKS",
    "FORMAT",
    "Anchors",
    "AuditCheck",
    "AuditContext",
    "AuditReport",
    "Status",
    "Verdict",
    "audit_kit",
]


@dataclass(frozen=True)
class AuditContext:
    """Everything a kit check may look at: the loaded kit and what the auditor gave."""

    kit: _Kit
    plan_bytes: bytes | None = None
    share_text: str | None = None
    anchors: Anchors = NO_ANCHORS
    without_transcript: bool = False
    """The auditor says the kit was made by `ceremony split --kit` (no transcript); the record
    alone never decides that."""


KitCheck = Callable[[AuditContext], list[AuditCheck]]
"""One named check (or a few) of the ceremony kit. To add a check: write such a function, add it
to KIT_CHECKS in the order it should be reported, and document its name in CHECKS."""

KIT_CHECKS: tuple[KitCheck, ...] = (
    lambda c: [c.kit.record_check],
    lambda c: _transcript_checks(c.kit),
    lambda c: [head_anchor(c.kit, c.anchors)],
    lambda c: signature_checks(c.kit, c.plan_bytes),
    lambda c: _plan_checks(c.kit, c.plan_bytes),
    lambda c: _record_checks(c.kit),
    lambda c: _record_against_transcript(c.kit),
    lambda c: [_closing_binding(c.kit)],
    lambda c: _file_checks(c.kit),
    lambda c: _conduct(c.kit),
    lambda c: [record_pdf_check(c.kit)],
    lambda c: _recoverable_checks(c.kit),
    lambda c: _share_checks(c.kit, c.share_text) if c.share_text is not None else [],
    lambda c: _leftover_checks(c.kit.directory),
)


def _leftover_checks(kit: Path) -> list[AuditCheck]:
    """`kit.leftovers`, only when a killed run left secret files in or beside the kit."""
    from ceremony.workflows.leftovers import check_text, find_leftovers, with_secrets

    found = with_secrets(find_leftovers(kit))
    if not found:
        return []
    detail, hint = check_text(found)
    return [AuditCheck("kit.leftovers", Status.FAIL, f"{detail}; {hint}")]


def audit_kit(
    kit: Path,
    *,
    plan_file: Path | None = None,
    sessions: Sequence[Path] = (),
    share_file: Path | None = None,
    anchors: Anchors = NO_ANCHORS,
    without_transcript: bool = False,
    prefetch: ChainPrefetch | None = None,
) -> AuditReport:
    """Run every check on the kit directory `kit`, and on each recovery session under
    `kit/recovery/` plus those in `sessions`. Raises BadInput only when an input named on the command
    line cannot be read at all (the kit directory, the plan, the share file, a session directory);
    anything wrong inside them is a failed check. `prefetch`: the sessions' proofs, already under
    way (`run_audit` starts them before this module is imported); without it they start here."""
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
    # the sessions' proofs, on every core while the kit is checked
    with ChainPrefetch() if prefetch is None else nullcontext(prefetch) as proofs:
        for directory in session_directories(kit, sessions):
            proofs.start(directory)
        state = _load_kit(kit, without_transcript=without_transcript)
        context = AuditContext(state, plan_bytes, share_text, anchors, without_transcript)
        checks: list[AuditCheck] = []
        for check in KIT_CHECKS:
            checks += check(context)
        session_checks, facts = _audit_sessions(state, kit, sessions, plan_bytes, proofs)
    anchored = _passed(checks, "anchor.head-words") or any(
        c.name.startswith(SIGNATURE) and c.status is Status.PASS for c in checks
    )
    unanchored = [] if anchored else [HEAD]
    checks += session_checks
    anchor_checks, open_sessions = session_anchors(facts, anchors)
    checks += anchor_checks
    unanchored += open_sessions
    record = state.record
    return AuditReport(
        kit=str(kit),
        ceremony_id=record.ceremony_id if record else "",
        ceremony_name=record.ceremony_name if record else "",
        plan_sha256=record.plan_sha256 if record else "",
        transcript_head=record.transcript_head if record else "",
        demo=record.demo if record else False,
        checks=tuple(checks),
        unanchored=tuple(unanchored),
        not_found=tuple(_not_found(state, facts) + unsigned(state, plan_bytes)),
    )


def _record_against_transcript(kit: _Kit) -> list[AuditCheck]:
    """The key ceremony's record against its transcript, or a lifecycle ceremony's (extend,
    replace, reshare) against its own."""
    if kit.record is not None and kit.record.lineage is not None:
        from ceremony.workflows.audit.chain import lifecycle_kit_checks

        return lifecycle_kit_checks(kit)
    return _record_transcript_checks(kit)


def _conduct(kit: _Kit) -> list[AuditCheck]:
    """How the ceremony was conducted; a lifecycle ceremony makes no new secret, so it has no
    entropy step to check."""
    checks = conduct_checks(kit)
    if kit.record is None or kit.record.lineage is None:
        return checks
    from ceremony.workflows.audit.conduct_checks import ENTROPY

    why = f"a {kit.record.lineage.kind} ceremony makes no new secret"
    return [AuditCheck(c.name, Status.SKIPPED, why) if c.name == ENTROPY else c for c in checks]


def _passed(checks: Sequence[AuditCheck], name: str) -> bool:
    return any(c.name == name and c.status is Status.PASS for c in checks)


def _audit_sessions(
    state: _Kit,
    kit: Path,
    extra: Sequence[Path],
    plan_bytes: bytes | None,
    prefetch: ChainPrefetch,
) -> tuple[list[AuditCheck], list[SessionFacts]]:
    checks: list[AuditCheck] = []
    facts = []
    labels: set[str] = set()
    for directory in session_directories(kit, extra):
        label = _label(directory.name)
        number = 2
        while label in labels:  # two sessions with one folder name: keep the check names apart
            label, number = f"{_label(directory.name)}-{number}", number + 1
        labels.add(label)
        problem = not_a_session(directory, label)
        if problem is not None:
            checks.append(problem)
            continue
        audit = _SessionAudit(state, directory, label, prefetch)
        checks += audit.checks()
        checks += session_conduct(label, audit._events())
        checks.append(notice_pdf_check(state, directory, label))
        signed_checks, signed = session_signature_checks(
            state, directory, audit.prefix, audit.notice_bytes, audit.summary, plan_bytes
        )
        checks += signed_checks
        facts.append(
            replace(
                audit.facts(),
                signed_notice=SessionEvent.NOTICE in signed,
                signed_close=SessionEvent.CLOSE in signed,
            )
        )
    return checks, facts


def _not_found(state: _Kit, sessions: Sequence[SessionFacts]) -> list[str]:
    """What an auditor should know is absent: nothing absent is ever silently passed over."""
    from ceremony.workflows.audit.report import HOLDERS, RECORD, RECOVER_PY, RECOVERY, TRANSCRIPT
    from ceremony.workflows.kit import holder_filename

    missing = [
        name for name in (RECORD, TRANSCRIPT, RECOVER_PY) if not (state.directory / name).is_file()
    ]
    if state.record is not None:
        missing += [
            f"{HOLDERS}/{holder_filename(entry)} (normal once {entry.holder} took their kit)"
            for entry in state.record.shares
            if not (state.directory / HOLDERS / holder_filename(entry)).is_file()
        ]
    if not sessions:
        missing.append(
            f"any recovery session in {RECOVERY}/ (a deleted session is seen only with its "
            "notice words)"
        )
    return missing
