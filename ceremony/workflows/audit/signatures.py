"""`anchor.signature.<file>`: witness signatures over the kit's closing message.

Each signature in `attest/signatures/` is checked over the message rebuilt from this kit's record
and head (never the message file, which a forger could rewrite too), against the keys the plan
pins. Without --plan there is nothing to pin the keys: the signatures are reported, not counted.
"""

from __future__ import annotations

from pathlib import Path

from ceremony.errors import BadInput, CeremonyError, NotVerified
from ceremony.model.plan import Plan
from ceremony.planfile.plan import parse_plan
from ceremony.workflows.attest import (
    ATTEST_DIR,
    MAX_SIGNATURE,
    SIGNATURES_DIR,
    closing_message,
    signature_label,
    verify_signature,
)
from ceremony.workflows.audit.common import _fail, _Kit, _skip
from ceremony.workflows.audit.report import AuditCheck, Status
from ceremony.workflows.session_attest import (
    SessionEvent,
    session_messages,
    verify_session_signature,
)
from ceremony.workflows.transcript import TranscriptSummary

PREFIX = "anchor.signature."


def signature_checks(kit: _Kit, plan_bytes: bytes | None) -> list[AuditCheck]:
    """Check each signature in the kit against the record; a plan that lists signers but no
    signature found is reported, not ignored."""
    folder = kit.directory / ATTEST_DIR / SIGNATURES_DIR
    files = sorted(folder.glob("*.sig")) if folder.is_dir() else []
    plan = _plan(plan_bytes)
    record = kit.record
    if not files:
        if plan is not None and plan.roles.signers:
            names = ", ".join(s.name for s in plan.roles.signers)
            return [
                _skip(
                    "anchor.signatures",
                    f"no signature in {ATTEST_DIR}/{SIGNATURES_DIR}/, though the plan lists "
                    f"{len(plan.roles.signers)} signers ({names}): were they removed, or never "
                    "added with `ceremony attest`?",
                )
            ]
        return []
    if record is None:
        return [_skip(PREFIX + _stem(p.name), "record.json could not be read") for p in files]
    message = closing_message(record, kit.record_bytes)
    checks = []
    for path in files:
        name = PREFIX + _stem(path.name)
        armored = path.read_bytes()[: MAX_SIGNATURE + 1]
        if plan is None:
            checks.append(
                _skip(
                    name,
                    "give --plan: the keys that may sign are pinned in the plan, so without it a "
                    "signature proves nothing",
                )
            )
            continue
        if plan.sha256 != record.plan_sha256:
            checks.append(_fail(name, "the plan given is not this ceremony's: no key is pinned"))
            continue
        try:
            signed = verify_signature(message, armored, plan.roles.signers)
        except NotVerified as exc:
            checks.append(_fail(name, exc.message))
            continue
        checks.append(
            AuditCheck(
                name,
                Status.PASS,
                f"signed by {signed.signer.name} ({signed.fingerprint}), a key the plan pins, "
                "over this kit's ceremony id, transcript head and record hash",
            )
        )
    return checks


def unsigned(kit: _Kit, plan_bytes: bytes | None) -> list[str]:
    """Signers the plan lists whose signature is not in the kit, for the "not found" list."""
    plan = _plan(plan_bytes)
    if plan is None:
        return []
    folder = kit.directory / ATTEST_DIR / SIGNATURES_DIR
    return [
        f"{ATTEST_DIR}/{SIGNATURES_DIR}/{signature_label(s.name)}.sig (the plan lists {s.name} "
        "as a signer)"
        for s in plan.roles.signers
        if not (folder / f"{signature_label(s.name)}.sig").is_file()
    ]


def _plan(plan_bytes: bytes | None) -> Plan | None:
    if plan_bytes is None:
        return None
    try:
        return parse_plan(plan_bytes, source="the plan")
    except BadInput:
        return None  # plan.record reports why


def _stem(filename: str) -> str:
    from ceremony.workflows.audit.kit_checks import _label

    return _label(filename.removesuffix(".sig"))


def session_signature_checks(
    kit: _Kit,
    directory: Path,
    prefix: str,
    notice_bytes: bytes | None,
    summary: TranscriptSummary | None,
    plan_bytes: bytes | None,
) -> tuple[list[AuditCheck], set[SessionEvent]]:
    """`session.<id>.signature.<file>`: a signature over this session's notice (a stakeholder
    received it) or its close, by a key the plan pins; and which of the two are signed."""
    folder = directory / ATTEST_DIR / SIGNATURES_DIR
    files = sorted(folder.glob("*.sig")) if folder.is_dir() else []
    signed: set[SessionEvent] = set()
    if not files:
        return [], signed
    plan = _plan(plan_bytes)
    checks = []
    messages = None
    if notice_bytes is not None and summary is not None:
        try:
            messages = session_messages(notice_bytes, summary.head, summary.closed)
        except CeremonyError:
            messages = None
    for path in files:
        name = f"{prefix}.signature.{_stem(path.name)}"
        if messages is None:
            checks.append(_skip(name, "the session's notice or transcript did not verify"))
            continue
        if plan is None:
            checks.append(_skip(name, "give --plan: the keys that may sign are pinned in the plan"))
            continue
        if kit.record is None or plan.sha256 != kit.record.plan_sha256:
            checks.append(_fail(name, "the plan given is not this ceremony's: no key is pinned"))
            continue
        armored = path.read_bytes()[: MAX_SIGNATURE + 1]
        try:
            result = verify_session_signature(messages, armored, plan.roles.signers)
        except NotVerified as exc:
            checks.append(_fail(name, exc.message))
            continue
        signed.add(result.event)
        what = (
            "that they received this notice"
            if result.event is SessionEvent.NOTICE
            else "this session's close, at its present head"
        )
        who = result.signed
        checks.append(
            AuditCheck(
                name,
                Status.PASS,
                f"{who.signer.name} ({who.fingerprint}), a key the plan pins, signed {what}",
            )
        )
    return checks, signed
