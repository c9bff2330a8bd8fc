"""How the ceremony and each recovery were conducted, as the transcripts say: what an auditor must be
told even when every hash matches.

A hash chain proves that nothing changed after the fact; it does not prove that the right things
happened. These checks say, by name, what the transcripts show: whether each share was typed back
by its holder or replayed from a script, whether failed preflight checks were accepted, where the
entropy came from, and, for each recovery, whether the lock was opened by the consent card or by
the sequential work, with whose shares, and what was refused or interrupted on the way.

For a DEMO kit, scripted answers and accepted preflight failures are what the demo does: they pass,
saying so. For any other kit they fail: the record then does not show a witnessed ceremony.
"""

from __future__ import annotations

from collections.abc import Sequence

from ceremony.model.record import serial_key
from ceremony.workflows.audit.common import _Events, _fail, _Kit, _skip
from ceremony.workflows.audit.report import AuditCheck, Status

BAGS = "ceremony.bag-serials"
REENTRY = "ceremony.re-entry"
PREFLIGHT = "ceremony.preflight"
ENTROPY = "ceremony.entropy"

CONDUCT_CHECKS: dict[str, str] = {
    BAGS: "every card (and the consent card) has a bag serial, and no two share one",
    REENTRY: "every share was typed back from its printed card by its holder; a scripted re-entry "
    "(replayed from the issued share) is named: 're-entry scripted, not witnessed'",
    PREFLIGHT: "the preflight checks passed; failures the administrator accepted are named: "
    "'preflight failures accepted: ...'",
    ENTROPY: "the entropy source the transcript recorded (dice or not) is the record's",
    "session.<id>.opened-by": "what opened the lock: 'recovery opened by consent card' or 'by "
    "sequential work' (the delay chain, or the solved sealed lock)",
    "session.<id>.participants": "the check codes of the shares used, the shares refused and the "
    "interrupted unlock attempts, as the session transcript recorded them",
}
"""Names and meanings of the checks in this module (merged into `CHECKS`)."""


def conduct_checks(kit: _Kit) -> list[AuditCheck]:
    """Re-entry, preflight and entropy, read from the ceremony transcript."""
    bags = _bags(kit)
    if kit.transcript is None:
        why = "no readable transcript"
        return [bags, *(_skip(name, why) for name in (REENTRY, PREFLIGHT, ENTROPY))]
    demo = kit.record.demo if kit.record is not None else False
    events = kit.events()
    return [bags, _reentry(events, demo), _preflight(events, demo), _entropy(kit, events)]


def _bags(kit: _Kit) -> AuditCheck:
    record = kit.record
    if record is None:
        return _skip(BAGS, "record.json could not be read")
    if not record.transcript_head:
        return _skip(BAGS, "no ceremony was closed for this kit: no bags were sealed")
    cards = [(f"{e.holder}'s card", e.bag_serial) for e in record.shares]
    if record.consent_card_sha256:
        cards.append(("the consent card", record.consent_bag_serial))
    missing = [what for what, serial in cards if not serial.strip()]
    if missing:
        return _fail(BAGS, f"no bag serial is recorded for {missing[0]} ({len(missing)} in all)")
    seen: dict[str, str] = {}
    for what, serial in cards:
        key = serial_key(serial)
        if key in seen:
            return _fail(BAGS, f"bag serial {serial} is recorded for both {seen[key]} and {what}")
        seen[key] = what
    return AuditCheck(BAGS, Status.PASS, f"{len(cards)} bags, each with its own serial")


def _reentry(events: _Events, demo: bool) -> AuditCheck:
    confirmed = events.all("share_confirmed")
    if not confirmed:
        return _fail(REENTRY, "the transcript records no re-entry of any share")
    scripted = [e for e in confirmed if e.data.get("method") != "typed"]
    if not scripted:
        return AuditCheck(
            REENTRY,
            Status.PASS,
            f"all {len(confirmed)} shares were typed back from their printed cards",
        )
    names = ", ".join(str(e.data.get("holder", "?")) for e in scripted[:3])
    more = f" and {len(scripted) - 3} more" if len(scripted) > 3 else ""
    detail = (
        f"re-entry scripted, not witnessed: {len(scripted)} of {len(confirmed)} shares "
        f"({names}{more})"
    )
    if demo:
        return AuditCheck(REENTRY, Status.PASS, f"DEMO kit: {detail}")
    return _fail(REENTRY, detail)


def _preflight(events: _Events, demo: bool) -> AuditCheck:
    found = events.all("preflight")
    if not found:
        return _fail(PREFLIGHT, "the transcript records no preflight")
    entry = found[-1]
    checks = entry.data.get("checks")
    rows = checks if isinstance(checks, list) else []
    failed = [str(c.get("name")) for c in rows if isinstance(c, dict) and c.get("status") == "fail"]
    warned = [str(c.get("name")) for c in rows if isinstance(c, dict) and c.get("status") == "warn"]
    if not failed:
        warnings = f"; warnings: {', '.join(warned)}" if warned else ""
        return AuditCheck(PREFLIGHT, Status.PASS, f"preflight passed: {len(rows)} checks{warnings}")
    detail = f"preflight failures accepted: {', '.join(failed)} (entry {entry.seq})"
    if entry.data.get("failures_accepted") is not True:
        return _fail(PREFLIGHT, f"preflight failed ({', '.join(failed)}) and the run went on")
    if demo:
        return AuditCheck(PREFLIGHT, Status.PASS, f"DEMO kit: {detail}")
    return _fail(PREFLIGHT, detail)


def _entropy(kit: _Kit, events: _Events) -> AuditCheck:
    found = events.all("entropy")
    if len(found) != 1:
        return _fail(ENTROPY, f"the transcript has {len(found)} 'entropy' entries, not one")
    data = found[0].data
    source = str(data.get("source", ""))
    dice = data.get("dice")
    said = source
    if isinstance(dice, dict):
        said += f", {dice.get('rolls')} rolls of a d{dice.get('sides')}"
    record = kit.record
    if record is not None:
        recorded = record.entropy_source or str(record.roles.get("entropy", ""))
        if recorded and recorded != source:
            return _fail(
                ENTROPY,
                f"the record says entropy {recorded!r}, transcript entry {found[0].seq} says "
                f"{source!r}",
            )
    return AuditCheck(ENTROPY, Status.PASS, f"entropy: {said} (entry {found[0].seq})")


# -- a recovery session --------------------------------------------------------------------------


def opened_by(name: str, events: _Events) -> AuditCheck:
    """What opened the lock of one session, from its `unlocked` entry."""
    unlocked = events.all("unlocked")
    if not unlocked:
        return _skip(name, "the session was not unlocked")
    by = unlocked[-1].data.get("by")
    if by == "consent":
        return AuditCheck(name, Status.PASS, "recovery opened by consent card (no work done)")
    if by == "delay":
        work = unlocked[-1].data.get("total_iterations")
        return AuditCheck(
            name, Status.PASS, f"recovery opened by sequential work ({_count(work)} iterations)"
        )
    if by == "sealed-solved":
        return AuditCheck(
            name, Status.PASS, "recovery opened by sequential work (the sealed lock was solved)"
        )
    return _fail(name, f"the 'unlocked' entry says it was opened by {by!r}")


def participants(name: str, events: _Events) -> AuditCheck:
    """Whose shares opened the session, what was refused, and how many attempts stopped."""
    unlocked = events.all("unlocked")
    attempts = events.all("unlock_started")
    interrupted = max(0, len(attempts) - len(unlocked))
    refused = sum(_number(e.data.get("refused_shares")) for e in attempts + unlocked)
    tail = _tail(refused, interrupted)
    if not unlocked:
        if not attempts:
            return _skip(name, "the session was not unlocked")
        return AuditCheck(name, Status.PASS, f"not unlocked{tail}")
    codes = unlocked[-1].data.get("participants")
    if not isinstance(codes, list) or not codes:
        return _skip(
            name,
            "the 'unlocked' entry does not record whose shares were used (a session written "
            "before ceremony recorded participants)" + tail,
        )
    shown = ", ".join(str(code) for code in codes)
    return AuditCheck(name, Status.PASS, f"shares used (check codes): {shown}{tail}")


def _tail(refused: int, interrupted: int) -> str:
    parts: list[str] = []
    parts.append(f"{refused} share{'s' if refused != 1 else ''} refused")
    parts.append(f"{interrupted} interrupted attempt{'s' if interrupted != 1 else ''}")
    return "; " + ", ".join(parts)


def _number(value: object) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and value > 0 else 0


def _count(value: object) -> str:
    return f"{value:,}" if isinstance(value, int) else str(value)


def session_conduct(label: str, events: _Events) -> Sequence[AuditCheck]:
    """Who opened a recovery session and who took part, checked the same way for every session in
    the kit."""
    return [
        opened_by(f"session.{label}.opened-by", events),
        participants(f"session.{label}.participants", events),
    ]
