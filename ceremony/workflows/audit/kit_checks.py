"""Checks of the ceremony kit: transcript, plan, record, record against transcript, files, shares."""

from __future__ import annotations

import math
import re
from dataclasses import replace
from pathlib import Path
from typing import assert_never

from ceremony import __version__
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, CeremonyError, NotVerified
from ceremony.model.hashwords import hash_words
from ceremony.model.plan import PassphrasePolicy, Plan, RecoveryMode
from ceremony.model.record import Record
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.planfile.plan import parse_plan
from ceremony.workflows.audit.common import (
    _CEREMONY_ID,
    _NO_RECORD,
    _QUOTED,
    _canon,
    _Compare,
    _Events,
    _fail,
    _Findings,
    _Kit,
    _same,
    _sha256,
    _show,
    _skip,
)
from ceremony.workflows.audit.report import (
    _HEX64,
    HOLDERS,
    RECORD,
    RECOVER_PY,
    AuditCheck,
    Status,
)
from ceremony.workflows.check_share import check_share
from ceremony.workflows.inputs import share_lines
from ceremony.workflows.kit import holder_filename
from ceremony.workflows.transcript import (
    CLOSED,
    TranscriptEntry,
)

# -- the transcript ------------------------------------------------------------------------------


def _transcript_checks(kit: _Kit) -> list[AuditCheck]:
    summary = kit.transcript
    if summary is None:
        assert kit.transcript_problem is not None
        why = "the transcript chain did not verify"
        if kit.transcript_problem.status is Status.SKIPPED:
            why = "no transcript"
        return [
            kit.transcript_problem,
            _skip("transcript.closed", why),
            _skip("transcript.head", why),
        ]
    last = summary.entries[-1]
    checks = [
        AuditCheck(
            "transcript.chain",
            Status.PASS,
            f"{len(summary.entries)} entries, each follows the one before",
        )
    ]
    if summary.closed:
        checks.append(AuditCheck("transcript.closed", Status.PASS, f"closed at entry {last.seq}"))
    elif summary.aborted:
        checks.append(
            _fail(
                "transcript.closed",
                f"the ceremony was aborted at entry {last.seq}: {summary.abort_reason or '?'}",
            )
        )
    else:
        checks.append(
            _fail(
                "transcript.closed",
                f"the transcript ends at entry {last.seq} ('{last.event}') without a closing entry",
            )
        )
    record = kit.record
    if record is None:
        checks.append(_skip("transcript.head", _NO_RECORD))
    elif not record.transcript_head:
        checks.append(_fail("transcript.head", "the record holds no transcript head"))
    elif record.transcript_head != summary.head:
        checks.append(
            _fail(
                "transcript.head",
                f"the transcript's head is {summary.head[:16]}..., the record's "
                f"{record.transcript_head[:16]}...: entry {last.seq} (or the record) was changed",
            )
        )
    else:
        checks.append(
            AuditCheck(
                "transcript.head",
                Status.PASS,
                f"head {summary.head[:16]}... is the record's; compare these words with the "
                f"initialled paper: {summary.head_words}",
            )
        )
    return checks


# -- the plan ----------------------------------------------------------------------------------


def _plan_checks(kit: _Kit, plan_bytes: bytes | None) -> list[AuditCheck]:
    if plan_bytes is None:
        return [_skip("plan.hash", "no plan given"), _skip("plan.record", "no plan given")]
    record = kit.record
    if record is None:
        return [_skip("plan.hash", _NO_RECORD), _skip("plan.record", _NO_RECORD)]
    digest = _sha256(plan_bytes)
    if digest == record.plan_sha256:
        hashed = AuditCheck(
            "plan.hash",
            Status.PASS,
            f"the plan hashes to the record's plan hash: {hash_words(bytes.fromhex(digest))}",
        )
    else:
        hashed = _fail(
            "plan.hash",
            f"the plan file hashes to {digest[:16]}..., the record's plan hash is "
            f"{record.plan_sha256[:16]}...: the plan was edited, or belongs to another ceremony",
        )
    try:
        plan = parse_plan(plan_bytes, source="the plan")
    except BadInput as exc:
        return [hashed, _fail("plan.record", f"the plan does not read: {exc.message}")]
    return [hashed, _plan_against_record(plan, record)]


def _plan_against_record(plan: Plan, record: Record) -> AuditCheck:
    found = _Findings()

    def same(what: str, planned: object, recorded: object) -> None:
        if _canon(planned) != _canon(recorded):
            found.add(f"{what}: the plan says {_show(planned)}, the record {_show(recorded)}")

    same("the ceremony name", plan.name, record.ceremony_name)
    same("the demo flag", plan.demo, record.demo)
    same("the secret kind", plan.secret.kind.value, record.kind.value)
    same("the strength", plan.secret.strength_bits, record.strength_bits)
    same("the group threshold", plan.secret.group_threshold, record.group_threshold)
    same("the iteration exponent", plan.secret.iteration_exponent, record.iteration_exponent)
    same("the extendable flag", plan.secret.extendable, record.extendable)
    same(
        "the passphrase",
        plan.secret.passphrase is PassphrasePolicy.PROMPT,
        record.passphrase,
    )
    same("the number of groups", len(plan.groups), len(record.groups))
    for index, (group, spec) in enumerate(zip(plan.groups, record.groups, strict=False), 1):
        planned = [group.name, group.threshold, group.count]
        recorded = [spec.name, spec.threshold, spec.count]
        same(f"group {index} (name, threshold, members)", planned, recorded)
    holders = plan.holders
    same("the number of holders", len(holders), len(record.shares))
    for (group, holder), entry in zip(holders, record.shares, strict=False):
        where = f"share {entry.group_number}.{entry.member_number}"
        same(f"{where}: the holder", holder.printed_name, entry.holder)
        same(f"{where} ({holder.name}): the group", group.name, entry.group)
        same(f"{where} ({holder.name}): the contact", holder.contact, entry.contact)
    _plan_timelock(plan, record, same, found)
    roles = plan.roles
    if record.roles:
        same("the administrator", roles.administrator, record.roles.get("administrator"))
        same("the witnesses", list(roles.witnesses), record.roles.get("witnesses"))
        same("the auditor", roles.auditor or "", record.roles.get("auditor"))
    return found.verdict(
        "plan.record",
        f"name, scheme, {len(holders)} holders, kind {record.kind.value}, time lock and roles "
        "are the plan's",
    )


def _plan_timelock(plan: Plan, record: Record, same: _Compare, found: _Findings) -> None:
    lock = record.timelock
    policy = plan.recovery
    if policy.mode is RecoveryMode.NONE or lock is None:
        same(
            "the recovery mode",
            policy.mode.value,
            lock.mode if lock is not None else RecoveryMode.NONE.value,
        )
        return
    same("the recovery mode", policy.mode.value, lock.mode)
    same("the attacker speed-up", float(policy.attacker_speedup), lock.attacker_speedup)
    if policy.mode is RecoveryMode.SEALED:
        same("the consent card", policy.consent_card, lock.consent_card)
    if _number(lock.rate_per_second) and isinstance(lock.iterations, int):
        rate = float(lock.rate_per_second)
        seconds = lock.iterations / rate
        slack = 1 / rate + _rate_slack(lock.iterations, rate) + 1e-6
        found.expect(
            abs(seconds - policy.delay_seconds) <= slack,
            f"the time lock: the plan asks for a {policy.delay} delay ({policy.delay_seconds} s), "
            f"but the record's {lock.iterations} iterations at {rate:.3f}/s take "
            f"{seconds:.3f} s",
        )


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and value > 0


def _rate_slack(work: int, rate: float) -> float:
    """How far T/rate may move because the record keeps the rate to three decimals."""
    return work * 0.0005 / (rate * max(rate - 0.0005, 1e-9))


# -- the record on its own ------------------------------------------------------------------------


def _record_checks(kit: _Kit) -> list[AuditCheck]:
    record = kit.record
    if record is None:
        return [_skip("record.shape", _NO_RECORD), _skip("record.timelock", _NO_RECORD)]
    return [_record_shape(record, kit.record_bytes), _record_timelock(record)]


def _record_shape(record: Record, data: bytes) -> AuditCheck:
    found = _Findings()
    try:
        Record.check_shape(record)
    except CeremonyError as exc:
        found.add(exc.message)
    if record.to_json().encode() != data:
        found.add(
            f"{RECORD} is not in the exact form the tool writes: a field was added, removed or "
            "reformatted by hand"
        )
    found.expect(
        bool(_CEREMONY_ID.match(record.ceremony_id)),
        f"the ceremony id {_show(record.ceremony_id)} is not of the form XXXX-XXXX-XXXX",
    )
    for name, value in (
        ("recover.py hash", record.recover_py_sha256),
        ("transcript head", record.transcript_head),
    ):
        found.expect(value == "" or bool(_HEX64.match(value)), f"the {name} is not 64 hex digits")
    seen: set[tuple[int, int]] = set()
    for entry in record.shares:
        who = f"{entry.holder}'s share"
        found.expect(
            entry.holder_pdf_sha256 == "" or bool(_HEX64.match(entry.holder_pdf_sha256)),
            f"the kit hash of {who} is not 64 hex digits",
        )
        if not 1 <= entry.group_number <= len(record.groups):
            found.add(f"{who} is in group number {entry.group_number}, which does not exist")
            continue
        group = record.groups[entry.group_number - 1]
        found.expect(
            group.name == entry.group,
            f"{who} names group {entry.group} but has the number of group {group.name}",
        )
        found.expect(
            1 <= entry.member_number <= group.count,
            f"{who} is member {entry.member_number} of group {group.name}, which has {group.count}",
        )
        key = (entry.group_number, entry.member_number)
        found.expect(
            key not in seen,
            f"{who} repeats member {entry.member_number} of group {group.name}",
        )
        seen.add(key)
    return found.verdict(
        "record.shape",
        f"{len(record.shares)} shares in {len(record.groups)} groups; identifiers, commitments "
        "and check codes well formed",
    )


def _record_timelock(record: Record) -> AuditCheck:
    lock = record.timelock
    name = "record.timelock"
    if lock is None:
        return _skip(name, "the record has no time lock")
    found = _Findings()
    work, rate, speedup = lock.iterations, lock.rate_per_second, lock.attacker_speedup
    if not (isinstance(work, int) and not isinstance(work, bool) and work >= 1):
        found.add(f"the required work T = {_show(work)} is not a positive whole number")
    elif not (_number(rate) and _number(speedup) and float(speedup) >= 1):
        found.add(
            f"the rate {_show(rate)} or the attacker speed-up {_show(speedup)} is not a "
            "positive number (k at least 1)"
        )
    else:
        rate, speedup = float(rate), float(speedup)
        expected = work / rate
        minimum = work / (speedup * rate)
        slack = 0.0005 + _rate_slack(work, rate) + 1e-9 * expected
        found.expect(
            _number(lock.expected_seconds) and abs(lock.expected_seconds - expected) <= slack,
            f"the expected time {_show(lock.expected_seconds)} s is not T/rate = "
            f"{work}/{rate:.3f} = {expected:.3f} s",
        )
        found.expect(
            _number(lock.minimum_seconds)
            and abs(lock.minimum_seconds - minimum) <= slack / speedup + 0.0005,
            f"the guaranteed minimum {_show(lock.minimum_seconds)} s is not T/(k·rate) = "
            f"{work}/({speedup:g}·{rate:.3f}) = {minimum:.3f} s",
        )
        found.expect(
            re.search(rf"(?<!\d){work}(?!\d)", lock.description.replace(",", "")) is not None,
            f"the printed description does not state the required work T = {work}",
        )
    match lock.mode:  # reading the record refused any other mode
        case TimeLockMode.EVIDENCED:
            from ceremony.workflows.timelock_policy import EVIDENCED_VERSION  # loads calibration

            found.expect(
                lock.version in ("", EVIDENCED_VERSION),
                f"the evidenced delay's version {_show(lock.version)} is not {EVIDENCED_VERSION}",
            )
        case TimeLockMode.SEALED:
            _sealed_parameters(record, found)
        case unreachable:
            assert_never(unreachable)
    if found.problems:
        return found.verdict(name, "")
    return AuditCheck(
        name,
        Status.PASS,
        f"{lock.mode}: T = {work} at {float(rate):.3f}/s; expected {work / float(rate):.3f} s "
        f"and minimum {work / (float(rate) * float(speedup)):.3f} s against {float(speedup):g}x "
        "faster hardware, both recomputed",
    )


def _sealed_parameters(record: Record, found: _Findings) -> None:
    from ceremony.core.sealed import SealedLock

    lock = record.timelock
    assert lock is not None
    try:
        modulus = int(lock.modulus_hex, 16)
    except (TypeError, ValueError):
        found.add("the sealed lock's modulus is not hex")
        return
    try:
        SealedLock(modulus=modulus, squarings=lock.iterations, version=lock.version)
    except CeremonyError as exc:
        found.add(f"the sealed lock: {exc.message}")


# -- the record against the transcript ----------------------------------------------------------


_SECTIONS = (
    "record-transcript.ceremony",
    "record-transcript.secret",
    "record-transcript.shares",
    "record-transcript.kit-files",
    "record-transcript.bags",
    "record-transcript.timelock",
    "record-transcript.as-written",
)


def _record_transcript_checks(kit: _Kit) -> list[AuditCheck]:
    record = kit.record
    if record is None:
        return [_skip(name, _NO_RECORD) for name in _SECTIONS]
    if kit.transcript is None:
        why = (
            "no transcript"
            if kit.transcript_problem and kit.transcript_problem.status is Status.SKIPPED
            else "the transcript chain did not verify, so its entries cannot be trusted"
        )
        return [_skip(name, why) for name in _SECTIONS]
    events = kit.events()
    return [
        _ceremony_facts(record, events),
        _secret_facts(record, events),
        _share_facts(record, events),
        _kit_file_facts(record, events),
        _bag_facts(record, events),
        _timelock_facts(record, events),
        _as_written(record, events),
    ]


def _ceremony_facts(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    opened = events.entries[0]
    _same(found, opened, "ceremony_id", record.ceremony_id, "the ceremony id")
    _same(found, opened, "ceremony_name", record.ceremony_name, "the ceremony name")
    _same(found, opened, "plan_sha256", record.plan_sha256, "the plan hash")
    _same(found, opened, "demo", record.demo, "the demo flag")
    confirmed = events.one("plan_confirmed", found)
    if confirmed is not None:
        _same(found, confirmed, "plan_sha256", record.plan_sha256, "the confirmed plan hash")
    if record.roles:
        roles = events.one("roles_recorded", found)
        if roles is not None:
            for key in ("administrator", "witnesses", "auditor"):
                _same(found, roles, key, record.roles.get(key), f"the {key}")
    return found.verdict(
        "record-transcript.ceremony",
        f"ceremony {record.ceremony_id}, its name, plan hash and roles as recorded at the time",
    )


def _secret_facts(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    generated = events.one("secret_generated", found)
    if generated is not None:
        _same(found, generated, "fingerprint", record.fingerprint, "the fingerprint")
        _same(found, generated, "commitment", record.commitment, "the secret commitment")
        _same(found, generated, "kind", record.kind.value, "the secret kind")
        _same(found, generated, "strength", record.strength_bits, "the strength")
        _same(found, generated, "passphrase", record.passphrase, "the passphrase flag")
    closed = events.one(CLOSED, found)
    if closed is not None:
        _same(found, closed, "fingerprint", record.fingerprint, "the fingerprint")
        _same(found, closed, "commitment", record.commitment, "the secret commitment")
    return found.verdict(
        "record-transcript.secret",
        f"fingerprint {record.fingerprint} and the secret commitment as generated and as closed",
    )


def _per_share(
    found: _Findings, record: Record, entries: list[TranscriptEntry], event: str
) -> list[tuple[TranscriptEntry, int]]:
    """Pair each share of the record with its entry of `event`, in order."""
    if len(entries) != len(record.shares):
        found.add(
            f"the transcript has {len(entries)} '{event}' entries for the record's "
            f"{len(record.shares)} shares"
        )
    return [(entry, index) for index, entry in enumerate(entries[: len(record.shares)])]


def _share_facts(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    split = events.one("split", found)
    if split is not None:
        _same(found, split, "identifier", record.identifier, "the SLIP-39 identifier")
        try:
            summary: object = record.scheme().summary()
        except CeremonyError:
            summary = None
        _same(found, split, "scheme", summary, "the scheme")
        issued = split.data.get("share_commitments")
        listed = [entry.commitment for entry in record.shares]
        if not isinstance(issued, list) or len(issued) != len(listed):
            found.add(
                f"transcript entry {split.seq} (split) commits to "
                f"{len(issued) if isinstance(issued, list) else 'no'} shares; the record lists "
                f"{len(listed)}"
            )
        else:
            for position, (made, issued_to) in enumerate(
                zip(issued, record.shares, strict=True), 1
            ):
                if made != issued_to.commitment:
                    found.add(
                        f"share {position} ({issued_to.holder}): the record's commitment "
                        f"{_show(issued_to.commitment)} is not the one issued at entry {split.seq} "
                        f"(split), {_show(made)}"
                    )
    proved = events.one("proof_passed", found)
    if proved is not None:
        _same(found, proved, "shares", len(record.shares), "the number of shares proven")
    for entry, index in _per_share(found, record, events.all("share_confirmed"), "share_confirmed"):
        share = record.shares[index]
        what = f"share {index + 1} re-entered"
        _same(found, entry, "holder", share.holder, f"{what}: the holder")
        _same(found, entry, "group", share.group, f"{what} ({share.holder}): the group")
        _same(found, entry, "member", share.member_number, f"{what} ({share.holder}): the member")
        _same(
            found, entry, "commitment", share.commitment, f"{what} ({share.holder}): the commitment"
        )
    return found.verdict(
        "record-transcript.shares",
        f"the {len(record.shares)} share commitments as issued at the split and as each holder "
        "re-entered their share",
    )


def _kit_file_facts(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    written = events.one("kit_written", found)
    if written is not None:
        _same(found, written, "recover_py_sha256", record.recover_py_sha256, "the recover.py hash")
        pdfs = written.data.get("holder_pdfs")
        if not isinstance(pdfs, list) or len(pdfs) != len(record.shares):
            found.add(
                f"transcript entry {written.seq} (kit_written) lists "
                f"{len(pdfs) if isinstance(pdfs, list) else 'no'} holder PDFs; the record "
                f"{len(record.shares)} shares"
            )
        else:
            for item, share in zip(pdfs, record.shares, strict=True):
                expected = {"holder": share.holder, "sha256": share.holder_pdf_sha256}
                if _canon(item) != _canon(expected):
                    found.add(
                        f"the kit of {share.holder}: the record gives "
                        f"{_show(share.holder)} with PDF hash {_show(share.holder_pdf_sha256)}, "
                        f"transcript entry {written.seq} (kit_written) " + _pdf_item(item)
                    )
    printed = events.one("printed", found)
    if printed is not None:
        _same(found, printed, "holder_kits", len(record.shares), "the number of kits printed")
    return found.verdict(
        "record-transcript.kit-files",
        f"{len(record.shares)} holder PDF hashes and the recover.py hash as written at the "
        "ceremony",
    )


def _pdf_item(item: object) -> str:
    if isinstance(item, dict):
        return f"{_show(item.get('holder'))} with {_show(item.get('sha256'))}"
    return _show(item)


def _bag_facts(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    for entry, index in _per_share(found, record, events.all("bag_sealed"), "bag_sealed"):
        share = record.shares[index]
        what = f"bag {index + 1}"
        _same(found, entry, "holder", share.holder, f"{what}: the holder")
        _same(found, entry, "commitment", share.commitment, f"{what} ({share.holder}): the share")
        _same(found, entry, "bag_serial", share.bag_serial, f"{what} ({share.holder}): the serial")
    closed = events.one(CLOSED, found)
    if closed is not None:
        _same(
            found,
            closed,
            "bag_serials",
            [share.bag_serial for share in record.shares],
            "the bag serials",
        )
    return found.verdict(
        "record-transcript.bags",
        f"{len(record.shares)} bag serials as sealed and as the transcript closed them",
    )


def _timelock_facts(record: Record, events: _Events) -> AuditCheck:
    name = "record-transcript.timelock"
    found = _Findings()
    lock = record.timelock
    calibrated = events.all("timelock_calibrated")
    if lock is None:
        if calibrated:
            return _fail(
                name,
                f"the record has no time lock, but transcript entry {calibrated[0].seq} "
                "calibrated one",
            )
        return AuditCheck(name, Status.PASS, "no time lock, in the record or the transcript")
    entry = events.one("timelock_calibrated", found)
    if entry is not None:
        _same(found, entry, "mode", lock.mode, "the time-lock mode")
        _same(found, entry, "iterations", lock.iterations, "the required work T")
        for key, value in (
            ("rate_per_second", lock.rate_per_second),
            ("attacker_speedup", lock.attacker_speedup),
            ("expected_seconds", lock.expected_seconds),
            ("minimum_seconds", lock.minimum_seconds),
        ):
            said = entry.data.get(key)
            if not (
                isinstance(said, str)
                and _parses(said)
                and _number(value)
                and abs(float(said) - float(value)) <= 0.0006
            ):
                found.add(
                    f"the {key.replace('_', ' ')}: the record says {_show(value)}, transcript "
                    f"entry {entry.seq} (timelock_calibrated) says {_show(said)}"
                )
    if lock.mode is TimeLockMode.SEALED:
        sealed = events.one("timelock_sealed", found)
        if sealed is not None:
            _same(
                found,
                sealed,
                "modulus_sha256",
                _sha256(lock.modulus_hex.encode()),
                "the sealed modulus",
            )
            _same(found, sealed, "squarings", lock.iterations, "the squarings")
            _same(found, sealed, "version", lock.version, "the sealed version")
            _same(found, sealed, "consent_card", lock.consent_card, "the consent card")
    return found.verdict(name, f"{lock.mode}, T = {lock.iterations} and both bounds as calibrated")


def _parses(text: str) -> bool:
    try:
        return math.isfinite(float(text))
    except ValueError:
        return False


def _as_written(record: Record, events: _Events) -> AuditCheck:
    name = "record-transcript.as-written"
    found = _Findings()
    written = events.one("kit_written", found)
    if written is None:
        return found.verdict(name, "")
    before = replace(
        record,
        shares=tuple(replace(share, bag_serial="") for share in record.shares),
        transcript_head="",
        consent_bag_serial="",
        read_back={},
    )
    before = replace(before, record_pdf_sha256=_pdf_as_written(before, written))
    digest = _sha256(before.to_json().encode())
    if written.data.get("record_sha256") != digest:
        note = ""
        if record.tool != f"ceremony {__version__}":
            note = f" (the record was written by {record.tool}; this is ceremony {__version__})"
        return _fail(
            name,
            f"the record, without the bag serials, read-back proof and transcript head added later, hashes "
            f"to {digest[:16]}...; transcript entry {written.seq} (kit_written) holds "
            f"{_show(written.data.get('record_sha256'))}: a field of record.json was changed"
            + note,
        )
    return AuditCheck(
        name,
        Status.PASS,
        f"every field of the record is as written at entry {written.seq} (kit_written), plus "
        "the bag serials and transcript head added at closing",
    )


def _pdf_as_written(before: Record, written: TranscriptEntry) -> str:
    """The hash record.pdf had when the kit was written (before closing re-printed it with the bag
    serials and head words): as the kit_written entry logged it, or, for kits from before it was
    logged, the hash of record.pdf rendered again from the record as it was then."""
    logged = written.data.get("record_pdf_sha256")
    if isinstance(logged, str):
        return logged
    if not before.record_pdf_sha256:
        return ""
    from ceremony.workflows.kit import record_pdf

    return _sha256(record_pdf(before))


def _closing_binding(kit: _Kit) -> AuditCheck:
    """Record and transcript bound both ways: the closing entry holds the record's hash (without
    the head, which cannot hash itself), and the record holds the transcript's head. An edit to
    one alone breaks exactly one side, so the check can say which file changed."""
    name = "record-transcript.closing"
    record, summary = kit.record, kit.transcript
    if record is None:
        return _skip(name, _NO_RECORD)
    if summary is None:
        return _skip(name, "no verified transcript")
    if not summary.closed:
        return _skip(name, "the transcript has no closing entry")
    closing = summary.entries[-1]
    recorded = closing.data.get("record_sha256")
    if recorded is None:
        return _fail(
            name,
            f"the closing entry {closing.seq} holds no record hash: the record is not bound to "
            f"the transcript (written by {closing.tool})",
        )
    digest = closing_record_sha256(record)
    same_record = recorded == digest
    same_head = record.transcript_head == summary.head
    if same_record and same_head:
        return AuditCheck(
            name,
            Status.PASS,
            f"the record hashes to the record hash of closing entry {closing.seq}, and holds the "
            "transcript's head: neither was edited alone",
        )
    if same_record:
        return _fail(
            name,
            f"the TRANSCRIPT was changed: the record is the one closing entry {closing.seq} "
            f"hashed, but its head {_show(record.transcript_head)} is not the transcript's "
            f"{summary.head[:16]}...",
        )
    if same_head:
        return _fail(
            name,
            f"the RECORD was changed after closing: it hashes to {digest[:16]}... without its "
            f"head, closing entry {closing.seq} holds {_show(recorded)}, and the transcript's "
            "head is still the record's",
        )
    return _fail(
        name,
        f"BOTH were changed, or they come from different ceremonies: the record hashes to "
        f"{digest[:16]}... (closing entry {closing.seq} holds {_show(recorded)}) and its head is "
        "not the transcript's",
    )


def closing_record_sha256(record: Record) -> str:
    """The hash the closing entry holds: the record as written at closing, head left empty."""
    # record.pdf's hash is left out too: closing re-prints record.pdf with the head words, and
    # files.record.pdf proves that hash is the one of the PDF rendered from every other field.
    return _sha256(replace(record, transcript_head="", record_pdf_sha256="").to_json().encode())


# -- files in the kit ---------------------------------------------------------------------------


def _file_checks(kit: _Kit) -> list[AuditCheck]:
    record = kit.record
    if record is None:
        return [_skip(f"files.{RECOVER_PY}", _NO_RECORD)]
    checks = []
    folder = kit.directory / HOLDERS
    expected: set[str] = set()
    for entry in record.shares:
        filename = holder_filename(entry)
        expected.add(filename)
        name = f"files.{HOLDERS}/{filename}"
        path = folder / filename
        if not path.is_file():
            checks.append(_skip(name, f"not present (normal once {entry.holder} took their kit)"))
            continue
        digest = _sha256(path.read_bytes())
        if digest == entry.holder_pdf_sha256:
            checks.append(
                AuditCheck(
                    name,
                    Status.PASS,
                    f"the kit of {entry.holder} ({entry.group}, share {entry.member_number}) "
                    "has the SHA-256 the record lists",
                )
            )
        else:
            checks.append(
                _fail(
                    name,
                    f"hashes to {digest[:16]}...; the record lists "
                    f"{_show(entry.holder_pdf_sha256)} for the kit of {entry.holder}: the PDF "
                    "was replaced or altered",
                )
            )
    if folder.is_dir():
        for path in sorted(folder.iterdir()):
            if path.name not in expected:
                checks.append(
                    _fail(
                        f"files.{HOLDERS}/{_label(path.name)}",
                        "this file is not the kit of any holder in the record",
                    )
                )
    checks.append(_recover_py(kit.directory / RECOVER_PY, record))
    return checks


def _recover_py(path: Path, record: Record) -> AuditCheck:
    name = f"files.{RECOVER_PY}"
    if not path.is_file():
        return _fail(
            name,
            f"{RECOVER_PY} is missing: the record lists it (hash "
            f"{_show(record.recover_py_sha256)}); every kit holds one, so audit a complete copy",
        )
    digest = _sha256(path.read_bytes())
    if digest != record.recover_py_sha256:
        return _fail(
            name,
            f"hashes to {digest[:16]}...; the record lists {_show(record.recover_py_sha256)}: "
            "the program was changed; do not run it",
        )
    return AuditCheck(name, Status.PASS, "has the SHA-256 the record lists")


def _label(text: str) -> str:
    """A file or directory name made safe for a check name."""
    return re.sub(r"[^A-Za-z0-9._-]", "_", text)[:60] or "_"


# -- shares an auditor is shown ------------------------------------------------------------------


def _share_checks(kit: _Kit, text: str) -> list[AuditCheck]:
    lines = share_lines(text)
    if not lines:
        return [_fail("share-file", "the share file holds no share")]
    record = kit.record
    if record is None:
        return [_skip(f"share-file.line-{number}", _NO_RECORD) for number, _ in lines]
    return [_one_share(record, number, line) for number, line in lines]


def _one_share(record: Record, number: int, line: str) -> AuditCheck:
    """Check one share against the record's commitments. Messages never quote the share."""
    name = f"share-file.line-{number}"
    try:
        share = parse_share(line)
    except BadInput as exc:
        return _fail(name, f"not a valid SLIP-39 share: {_QUOTED.sub('', exc.message)}")
    try:
        match = check_share(record, share)
    except NotVerified as exc:
        return _fail(name, exc.message)
    return AuditCheck(
        name,
        Status.PASS,
        f"the share issued to {match.holder} ({match.group}, share {match.member} of "
        f"{match.members}, check code {match.check_code}): its commitment is the record's",
    )
