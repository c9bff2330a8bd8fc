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

import hashlib
import json
import math
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from ceremony import __version__
from ceremony.core import slip39
from ceremony.core.vdf import Chain, Segment, verify_chain
from ceremony.errors import BadInput, CeremonyError, NotVerified
from ceremony.model.hashwords import hash_words
from ceremony.model.plan import PassphrasePolicy, Plan, RecoveryMode, parse_plan
from ceremony.model.record import Record
from ceremony.workflows.check_share import check_share
from ceremony.workflows.inputs import decode_text, read_bounded, share_lines
from ceremony.workflows.kit import holder_filename
from ceremony.workflows.notice import RecoveryNotice, decimal
from ceremony.workflows.recovery.delay import chain_sha256
from ceremony.workflows.timelock_policy import EVIDENCED_VERSION
from ceremony.workflows.transcript import (
    CLOSED,
    TranscriptBroken,
    TranscriptEntry,
    TranscriptSummary,
    verify_transcript,
)

FORMAT = "ceremony-audit/v1"
RECORD = "record.json"
TRANSCRIPT = "transcript.jsonl"
HOLDERS = "holders"
RECOVER_PY = "recover.py"
RECOVERY = "recovery"
NOTICE = "notice.json"
PROOF = "proof"

CHECKS: dict[str, str] = {
    "record.read": "record.json is present and readable as a ceremony record",
    "transcript.chain": "every transcript entry follows the one before it (first bad entry named)",
    "transcript.closed": "the transcript ends with a 'closed' entry, not an abort",
    "transcript.head": "the transcript's head hash is the record's (compare its words with paper)",
    "plan.hash": "with --plan: the plan file's SHA-256 is the record's plan hash",
    "plan.record": "with --plan: the record's name, scheme, holders, kind, time lock and roles "
    "are the plan's",
    "record.shape": "the record's own consistency: formats, check codes, groups and members",
    "record.timelock": "the time-lock work and both bounds, recomputed from the calibration",
    "record-transcript.ceremony": "ceremony id, name, plan hash, demo flag and roles as the "
    "transcript recorded them",
    "record-transcript.secret": "fingerprint, commitment, kind, strength and passphrase as the "
    "transcript recorded them",
    "record-transcript.shares": "the share commitments of the split and of each holder's re-entry",
    "record-transcript.kit-files": "each holder PDF's hash and recover.py's hash as written at the "
    "ceremony",
    "record-transcript.bags": "each tamper-evident bag serial as sealed and as closed",
    "record-transcript.timelock": "the time-lock parameters as calibrated (and sealed)",
    "record-transcript.as-written": "the whole record, without what closing adds, hashes to the "
    "record_sha256 the transcript holds",
    "files.holders/<file>": "a holder PDF still in the kit has the SHA-256 the record lists",
    "files.recover.py": "recover.py has the SHA-256 the record lists",
    "share-file.line-<n>": "a share the auditor is shown is word for word one issued at this "
    "ceremony (its commitment), without rebuilding anything",
    "session.<id>.transcript": "the session transcript's hash chain",
    "session.<id>.notice-hash": "notice.json is the notice the session transcript started from",
    "session.<id>.notice-record": "the notice is well formed and names this ceremony and record",
    "session.<id>.work-required": "the notice's required work T is the record's",
    "session.<id>.proofs": "each delay segment verifies, bound to this notice (bad segment named)",
    "session.<id>.total-work": "the chain holds at least T iterations wherever the session "
    "claims the delay done",
    "session.<id>.states": "the session's state transitions come in a legal order",
    "session.<id>.outcome": "a recovery gave the record's fingerprint and commitment",
}
"""Every check, by name, and what it proves. Placeholders in <angle brackets>."""


class Status(StrEnum):
    PASS = "pass"  # noqa: S105 - a check's status, not a password
    FAIL = "fail"
    SKIPPED = "skipped"


@dataclass(frozen=True)
class AuditCheck:
    """One named check and why it passed, failed or was skipped. Public: no secret, no share."""

    name: str
    status: Status
    detail: str

    def to_dict(self) -> dict[str, str]:
        return {"name": self.name, "status": self.status.value, "detail": self.detail}


@dataclass(frozen=True)
class AuditReport:
    kit: str
    ceremony_id: str
    ceremony_name: str
    plan_sha256: str
    transcript_head: str
    """As the record states it ("" when unknown); its words are what witnesses initialled."""
    demo: bool
    checks: tuple[AuditCheck, ...]
    tool: str = f"ceremony {__version__}"

    @property
    def passed(self) -> bool:
        return not self.failures

    @property
    def failures(self) -> tuple[AuditCheck, ...]:
        return tuple(c for c in self.checks if c.status is Status.FAIL)

    def count(self, status: Status) -> int:
        return sum(1 for c in self.checks if c.status is status)

    @property
    def head_words(self) -> str:
        if not _HEX64.match(self.transcript_head):
            return ""
        return hash_words(bytes.fromhex(self.transcript_head))

    def check(self, name: str) -> AuditCheck:
        for item in self.checks:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        return {
            "format": FORMAT,
            "kit": self.kit,
            "ceremony_id": self.ceremony_id,
            "ceremony_name": self.ceremony_name,
            "plan_sha256": self.plan_sha256,
            "transcript_head": self.transcript_head,
            "transcript_head_words": self.head_words,
            "demo": self.demo,
            "tool": self.tool,
            "passed": self.passed,
            "counts": {status.value: self.count(status) for status in Status},
            "checks": [c.to_dict() for c in self.checks],
        }


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


# -- the pieces every check shares ----------------------------------------------------------------

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_CEREMONY_ID = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")
_SEGMENT_FILE = re.compile(r"^segment-(\d{4,})\.json$")
_QUOTED = re.compile(r"\s*'[^']*'")
"""A quoted share prefix in a parser's message: the audit never repeats any part of a share."""
_NO_RECORD = "record.json could not be read"

_Compare = Callable[[str, object, object], None]
"""`same(what, planned, recorded)`: note a difference between two values."""


class _Findings:
    """The problems one check finds, in order: the first is named, the rest counted."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def add(self, problem: str) -> None:
        self.problems.append(problem)

    def expect(self, condition: bool, problem: str) -> None:
        if not condition:
            self.problems.append(problem)

    def verdict(self, name: str, passed: str) -> AuditCheck:
        if not self.problems:
            return AuditCheck(name, Status.PASS, passed)
        more = len(self.problems) - 1
        tail = f" (and {more} more problem{'s' if more > 1 else ''})" if more else ""
        return AuditCheck(name, Status.FAIL, self.problems[0] + tail)


def _skip(name: str, why: str) -> AuditCheck:
    return AuditCheck(name, Status.SKIPPED, why)


def _fail(name: str, why: str) -> AuditCheck:
    return AuditCheck(name, Status.FAIL, why)


def _show(value: object) -> str:
    """A value in a message: hashes shortened, text quoted, JSON types as JSON."""
    if isinstance(value, str) and _HEX64.match(value):
        return value[:16] + "..."
    return json.dumps(value, ensure_ascii=False)


def _canon(value: object) -> str:
    """Compare by JSON form, so that 1, true and "1" stay different."""
    return json.dumps(value, sort_keys=True, ensure_ascii=False)


def _sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


class _Events:
    """A verified transcript's entries, looked up by event."""

    def __init__(self, entries: Iterable[TranscriptEntry]) -> None:
        self.entries = tuple(entries)

    def all(self, event: str) -> list[TranscriptEntry]:
        return [e for e in self.entries if e.event == event]

    def one(self, event: str, findings: _Findings) -> TranscriptEntry | None:
        found = self.all(event)
        if len(found) == 1:
            return found[0]
        findings.add(
            f"the transcript has no '{event}' entry"
            if not found
            else f"the transcript has {len(found)} '{event}' entries (entries "
            + ", ".join(str(e.seq) for e in found)
            + ")"
        )
        return None


def _same(
    findings: _Findings, entry: TranscriptEntry, key: str, expected: object, what: str
) -> None:
    found = entry.data.get(key)
    if _canon(found) != _canon(expected):
        findings.add(
            f"{what}: the record says {_show(expected)}, transcript entry {entry.seq} "
            f"({entry.event}) says {_show(found)}"
        )


class _LenientRecord(Record):
    """A record read without refusing it when inconsistent, so that the audit can say why and go
    on with every other check; `record.shape` runs the consistency check explicitly."""

    def check_shape(self) -> None:
        return None


# -- loading the kit ---------------------------------------------------------------------------


@dataclass(frozen=True)
class _Kit:
    directory: Path
    record: Record | None
    record_bytes: bytes
    record_check: AuditCheck
    transcript: TranscriptSummary | None
    transcript_problem: AuditCheck | None
    """Why the transcript cannot be used (a failed or skipped `transcript.chain`), or None."""

    def events(self) -> _Events:
        return _Events(self.transcript.entries if self.transcript else ())


def _load_kit(kit: Path) -> _Kit:
    path = kit / RECORD
    record: Record | None = None
    data = b""
    if not path.is_file():
        record_check = _fail("record.read", f"{RECORD} is missing from the kit")
    else:
        try:
            data = read_bounded(path, "record")
            record = _LenientRecord.from_json(decode_text(data, "record"), RECORD)
            record_check = AuditCheck(
                "record.read",
                Status.PASS,
                f"{RECORD}: ceremony {record.ceremony_id}, {len(record.shares)} shares",
            )
        except CeremonyError as exc:
            record_check = _fail("record.read", exc.message)
    transcript: TranscriptSummary | None = None
    problem: AuditCheck | None = None
    path = kit / TRANSCRIPT
    if not path.is_file():
        if (
            record is not None
            and record.plan_source == "command-line"
            and not record.transcript_head
        ):
            problem = _skip(
                "transcript.chain",
                "this kit was made by `ceremony split --kit`, which keeps no transcript",
            )
        else:
            problem = _fail("transcript.chain", f"{TRANSCRIPT} is missing from the kit")
    else:
        try:
            transcript = verify_transcript(path)
        except TranscriptBroken as exc:
            problem = _fail("transcript.chain", f"first bad entry {exc.seq}: {exc.message}")
        except CeremonyError as exc:
            problem = _fail("transcript.chain", exc.message)
    return _Kit(kit, record, data, record_check, transcript, problem)


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
        same(f"{where}: the holder", holder.name, entry.holder)
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
    found.expect(
        lock.mode in (RecoveryMode.EVIDENCED.value, RecoveryMode.SEALED.value),
        f"the mode {_show(lock.mode)} is neither evidenced nor sealed",
    )
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
    if lock.mode == RecoveryMode.EVIDENCED.value:
        found.expect(
            lock.version in ("", EVIDENCED_VERSION),
            f"the evidenced delay's version {_show(lock.version)} is not {EVIDENCED_VERSION}",
        )
    elif lock.mode == RecoveryMode.SEALED.value:
        _sealed_parameters(record, found)
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
    if lock.mode == RecoveryMode.SEALED.value:
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
    )
    digest = _sha256(before.to_json().encode())
    if written.data.get("record_sha256") != digest:
        note = ""
        if record.tool != f"ceremony {__version__}":
            note = f" (the record was written by {record.tool}; this is ceremony {__version__})"
        return _fail(
            name,
            f"the record, without the bag serials and transcript head that closing adds, hashes "
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
        return _skip(name, "not present")
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
        share = slip39.parse_share(line)
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


# -- recovery sessions -------------------------------------------------------------------------


def _session_directories(kit: Path, extra: Sequence[Path]) -> list[Path]:
    found: list[Path] = []
    folder = kit / RECOVERY
    if folder.is_dir():  # hidden folders are a writer's staging, not sessions
        found.extend(
            sorted(p for p in folder.iterdir() if p.is_dir() and not p.name.startswith("."))
        )
    for directory in extra:
        if all(Path(directory).resolve() != p.resolve() for p in found):
            found.append(Path(directory))
    return found


_NEXT: dict[str, frozenset[str]] = {
    "opened": frozenset({"requested"}),
    "requested": frozenset({"waiting", "unlocked", "cancelled"}),
    "waiting": frozenset({"waiting", "delay_done", "unlocked", "cancelled"}),
    "delay_done": frozenset({"waiting", "unlocked", "cancelled"}),
    "unlocked": frozenset({"recovered", "cancelled"}),
    "recovered": frozenset({CLOSED}),
    "cancelled": frozenset({CLOSED}),
}
"""Legal successors of each session event, as `ceremony recover` writes them (see
notes/session-format.md). A `waiting` after `delay_done` is a wait that repaired a damaged chain."""
UNLOCKED_BY: dict[str, tuple[str, ...]] = {
    "evidenced": ("delay",),
    "sealed": ("consent", "sealed-solved"),
}
"""What may open each kind of session, as the `unlocked` entry's `by` says."""


class _SessionAudit:
    """The checks of one recovery session directory. `checks` runs them in order, and later
    checks build on what earlier ones verified: the session transcript, then the proof chain."""

    def __init__(self, kit: _Kit, directory: Path, label: str) -> None:
        self.kit = kit
        self.record = kit.record
        self.directory = directory
        self.prefix = f"session.{label}"
        self.notice_bytes: bytes | None = None
        self.notice: RecoveryNotice | None = None
        self.notice_problem = ""
        self.summary: TranscriptSummary | None = None
        self.chain: Chain | None = None
        self._load()

    def name(self, what: str) -> str:
        return f"{self.prefix}.{what}"

    def _load(self) -> None:
        path = self.directory / NOTICE
        if not path.is_file():
            self.notice_problem = f"{NOTICE} is missing from the session"
            return
        try:
            self.notice_bytes = read_bounded(path, "notice")
            self.notice = RecoveryNotice.from_bytes(self.notice_bytes)
        except CeremonyError as exc:
            self.notice_problem = exc.message

    @property
    def mode(self) -> str:
        if self.notice is not None:
            return self.notice.mode
        lock = self.record.timelock if self.record else None
        return lock.mode if lock else RecoveryMode.EVIDENCED.value

    def checks(self) -> list[AuditCheck]:
        checks = [self._transcript()]
        checks.append(self._notice_hash())
        checks.append(self._notice_record())
        checks.append(self._work_required())
        checks.append(self._proofs())
        checks.append(self._total_work())
        checks.append(self._states())
        checks.append(self._outcome())
        return checks

    # each check

    def _transcript(self) -> AuditCheck:
        name = self.name("transcript")
        path = self.directory / TRANSCRIPT
        if not path.is_file():
            return _fail(name, f"{TRANSCRIPT} is missing from the session")
        try:
            self.summary = verify_transcript(path)
        except TranscriptBroken as exc:
            return _fail(name, f"first bad entry {exc.seq}: {exc.message}")
        except CeremonyError as exc:
            return _fail(name, exc.message)
        return AuditCheck(
            name,
            Status.PASS,
            f"{len(self.summary.entries)} entries, each follows the one before; head words "
            f"{self.summary.head_words}",
        )

    def _events(self) -> _Events:
        return _Events(self.summary.entries if self.summary else ())

    def _notice_hash(self) -> AuditCheck:
        name = self.name("notice-hash")
        if self.notice_bytes is None:
            return _fail(name, self.notice_problem)
        if self.summary is None:
            return _skip(name, "the session transcript did not verify")
        digest = _sha256(self.notice_bytes)
        found = _Findings()
        events = self._events()
        for entry in (events.entries[0], events.one("requested", found)):
            if entry is None:
                continue
            recorded = entry.data.get("notice_sha256")
            found.expect(
                recorded == digest,
                f"{NOTICE} hashes to {digest[:16]}..., but session entry {entry.seq} "
                f"({entry.event}) recorded {_show(recorded)}: the notice was edited after the "
                "session started",
            )
        return found.verdict(
            name,
            f"{NOTICE} is the notice the session started from: {hash_words(bytes.fromhex(digest))}",
        )

    def _notice_record(self) -> AuditCheck:
        name = self.name("notice-record")
        notice = self.notice
        if notice is None:
            return _fail(name, self.notice_problem)
        record = self.record
        if record is None:
            return _skip(name, _NO_RECORD)
        found = _Findings()

        def same(what: str, noticed: object, recorded: object) -> None:
            if _canon(noticed) != _canon(recorded):
                found.add(f"{what}: the notice says {_show(noticed)}, the record {_show(recorded)}")

        same("the ceremony id", notice.ceremony_id, record.ceremony_id)
        same("the ceremony name", notice.ceremony_name, record.ceremony_name)
        same("the fingerprint", notice.fingerprint, record.fingerprint)
        same("the commitment", notice.commitment, record.commitment)
        digest = _sha256(self.kit.record_bytes)
        found.expect(
            notice.record_sha256 == digest,
            f"the notice was issued for a record hashing to {notice.record_sha256[:16]}...; "
            f"{RECORD} hashes to {digest[:16]}...: the record changed after the notice",
        )
        lock = record.timelock
        if lock is None:
            found.add("the record has no time lock, so no recovery session should exist")
        else:
            same("the mode", notice.mode, lock.mode)
            for key in ("rate_per_second", "attacker_speedup", "expected_seconds"):
                same(f"the {key.replace('_', ' ')}", getattr(notice, key), _decimal(lock, key))
            same("the minimum seconds", notice.minimum_seconds, _decimal(lock, "minimum_seconds"))
        events = self._events()
        if self.summary is not None:
            opened = events.entries[0]
            for key, value in (
                ("notice_id", notice.notice_id),
                ("ceremony_id", notice.ceremony_id),
            ):
                if _canon(opened.data.get(key)) != _canon(value):
                    found.add(
                        f"the {key.replace('_', ' ')}: the notice says {_show(value)}, session "
                        f"entry {opened.seq} (opened) says {_show(opened.data.get(key))}"
                    )
            requested = events.one("requested", found)
            if requested is not None:
                for key in ("requester", "reason", "mode"):
                    value = getattr(notice, key)
                    if _canon(requested.data.get(key)) != _canon(value):
                        found.add(
                            f"the {key}: the notice says {_show(value)}, session entry "
                            f"{requested.seq} (requested) says {_show(requested.data.get(key))}"
                        )
        return found.verdict(
            name,
            f"notice {notice.notice_id} by {notice.requester} names ceremony "
            f"{notice.ceremony_id} and this record",
        )

    def _work_required(self) -> AuditCheck:
        name = self.name("work-required")
        notice = self.notice
        if notice is None:
            return _skip(name, f"{NOTICE} could not be read")
        found = _Findings()
        lock = self.record.timelock if self.record else None
        if self.record is None:
            return _skip(name, _NO_RECORD)
        if lock is None:
            return _fail(name, "the record has no time lock")
        found.expect(
            notice.required_iterations == lock.iterations,
            f"the notice requires T = {notice.required_iterations} iterations; the record "
            f"requires {lock.iterations}",
        )
        requested = self._events().all("requested")
        if requested:
            said = requested[0].data.get("required_iterations")
            found.expect(
                _canon(said) == _canon(notice.required_iterations),
                f"session entry {requested[0].seq} (requested) says T = {_show(said)}; the "
                f"notice {notice.required_iterations}",
            )
        return found.verdict(name, f"T = {lock.iterations}, as the record requires")

    def _proofs(self) -> AuditCheck:
        name = self.name("proofs")
        if self.mode == RecoveryMode.SEALED.value:
            return _skip(name, "sealed mode: the delay is in the secret itself, not in proofs")
        if self.notice_bytes is None:
            return _skip(name, f"no {NOTICE} to bind the proofs to")
        folder = self.directory / PROOF
        files: list[tuple[int, Path]] = []
        if folder.is_dir():
            for path in folder.iterdir():
                match = _SEGMENT_FILE.match(path.name)
                if match:
                    files.append((int(match.group(1)), path))
        if not files:
            self.chain = Chain()
            return _skip(name, "no delay segments yet")
        files.sort()
        segments = []
        for position, (number, path) in enumerate(files, start=1):
            where = f"{PROOF}/{path.name}"
            if number != position:
                return _fail(
                    name,
                    f"segment {position} is missing: the proof folder goes from segment "
                    f"{position - 1} to {where}",
                )
            try:
                segments.append(Segment.from_json(read_bounded(path, "delay segment")))
            except CeremonyError as exc:
                return _fail(name, f"{where}: {exc.message}")
        chain = Chain(tuple(segments))
        try:
            verify_chain(chain, hashlib.sha256(self.notice_bytes).digest(), 0)
        except CeremonyError as exc:
            return _fail(name, exc.message)
        self.chain = chain
        return AuditCheck(
            name,
            Status.PASS,
            f"{len(segments)} segments verify, bound to this notice: "
            f"{chain.total_iterations} iterations of sequential work",
        )

    def _required(self) -> int | None:
        lock = self.record.timelock if self.record else None
        if lock is not None and isinstance(lock.iterations, int):
            return lock.iterations
        return self.notice.required_iterations if self.notice else None

    def _total_work(self) -> AuditCheck:
        name = self.name("total-work")
        if self.mode == RecoveryMode.SEALED.value:
            return _skip(name, "sealed mode: the squarings cannot be shown, only their result")
        events = self._events()
        claims = events.all("delay_done") + [
            e for e in events.all("unlocked") if "total_iterations" in e.data
        ]
        required = self._required()
        if required is None:
            return _skip(name, "neither the record nor the notice states the required work")
        if self.chain is None:
            if claims:
                return _fail(
                    name,
                    f"session entry {claims[0].seq} ({claims[0].event}) claims the delay done, "
                    "but the proof chain does not verify",
                )
            return _skip(name, "the proof chain did not verify")
        total = self.chain.total_iterations
        found = _Findings()
        for entry in claims:
            found.expect(
                total >= required,
                f"session entry {entry.seq} ({entry.event}) claims the delay done, but the "
                f"proof chain holds {total} of the {required} iterations required",
            )
            said = entry.data.get("total_iterations")
            found.expect(
                said is None or _canon(said) == _canon(total),
                f"session entry {entry.seq} ({entry.event}) records {_show(said)} iterations; "
                f"the proof chain holds {total}",
            )
            if entry.event == "delay_done":
                count = entry.data.get("segments")
                found.expect(
                    _canon(count) == _canon(len(self.chain.segments)),
                    f"session entry {entry.seq} (delay_done) records {_show(count)} segments; "
                    f"the proof folder holds {len(self.chain.segments)}",
                )
                digest = entry.data.get("chain_sha256")
                found.expect(
                    digest == chain_sha256(self.chain),
                    f"session entry {entry.seq} (delay_done) records the chain hash "
                    f"{_show(digest)}; the segments in the proof folder hash to "
                    f"{chain_sha256(self.chain)[:16]}...",
                )
        if claims:
            return found.verdict(
                name, f"{total} iterations proven, at least the {required} required"
            )
        return AuditCheck(
            name,
            Status.PASS,
            f"{total} of {required} iterations so far; the session does not claim the delay done",
        )

    def _states(self) -> AuditCheck:
        name = self.name("states")
        if self.summary is None:
            return _skip(name, "the session transcript did not verify")
        found = _Findings()
        evidenced = self.mode == RecoveryMode.EVIDENCED.value
        previous: TranscriptEntry | None = None
        delay_done: TranscriptEntry | None = None
        for entry in self.summary.entries:
            event = entry.event
            at = f"session entry {entry.seq}"
            if previous is None:
                found.expect(event == "opened", f"{at} is '{event}', not 'opened'")
            elif event not in _NEXT and event != CLOSED:
                found.add(f"{at}: '{event}' is not a recovery session event")
            elif event not in _NEXT.get(previous.event, frozenset()):
                found.add(
                    f"{at}: '{event}' may not follow '{previous.event}' (entry {previous.seq})"
                )
            if event in ("waiting", "delay_done"):
                found.expect(evidenced, f"{at}: '{event}' in a sealed session, which has no chain")
            if event == "delay_done":
                found.expect(
                    delay_done is None,
                    f"{at}: a second 'delay_done' (the first is entry "
                    f"{delay_done.seq if delay_done else 0})",
                )
                delay_done = delay_done or entry
            if event == "unlocked":
                found.expect(
                    not evidenced or delay_done is not None,
                    f"{at}: 'unlocked' before the delay was done (no 'delay_done' before it)",
                )
                by = entry.data.get("by")
                found.expect(
                    by in UNLOCKED_BY.get(self.mode, ()),
                    f"{at}: unlocked by {_show(by)}, which does not open a {self.mode} session",
                )
            previous = entry
        trail = " → ".join(_squeeze(e.event for e in self.summary.entries))
        return found.verdict(name, f"legal order: {trail}")

    def _outcome(self) -> AuditCheck:
        name = self.name("outcome")
        if self.summary is None:
            return _skip(name, "the session transcript did not verify")
        events = self._events()
        cancelled = events.all("cancelled")
        if cancelled:
            reason = cancelled[0].data.get("reason")
            return AuditCheck(name, Status.PASS, f"cancelled: {reason}")
        recovered = events.all("recovered")
        if not recovered:
            return _skip(name, f"no outcome yet (last entry: {events.entries[-1].event})")
        if self.record is None:
            return _skip(name, _NO_RECORD)
        found = _Findings()
        entry = recovered[0]
        _same(found, entry, "fingerprint", self.record.fingerprint, "the recovered fingerprint")
        _same(found, entry, "commitment", self.record.commitment, "the recovered commitment")
        return found.verdict(
            name,
            f"recovered, with the record's fingerprint {self.record.fingerprint}, released to "
            f"{entry.data.get('released_to', '?')}",
        )


def _decimal(lock: object, key: str) -> str:
    value = getattr(lock, key)
    return decimal(value) if _number(value) else str(value)


def _squeeze(events: Iterable[str]) -> list[str]:
    """Event names with repeats counted: waiting ×3."""
    out: list[tuple[str, int]] = []
    for event in events:
        if out and out[-1][0] == event:
            out[-1] = (event, out[-1][1] + 1)
        else:
            out.append((event, 1))
    return [name if count == 1 else f"{name} ×{count}" for name, count in out]
