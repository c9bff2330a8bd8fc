"""Checks of recovery sessions: notice, proof chain, total work, state order, transcript."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

from ceremony.core.vdf import Chain
from ceremony.errors import CeremonyError
from ceremony.model.hashwords import hash_words
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.workflows.audit.anchors import SessionFacts
from ceremony.workflows.audit.common import (
    _NO_RECORD,
    _canon,
    _Events,
    _fail,
    _Findings,
    _Kit,
    _same,
    _sha256,
    _show,
    _skip,
)
from ceremony.workflows.audit.kit_checks import (
    _number,
)
from ceremony.workflows.audit.report import (
    NOTICE,
    RECORD,
    TRANSCRIPT,
    AuditCheck,
    Status,
)
from ceremony.workflows.inputs import read_bounded
from ceremony.workflows.notice import RecoveryNotice, decimal
from ceremony.workflows.proof_prefetch import ChainPrefetch
from ceremony.workflows.recovery.delay import chain_sha256
from ceremony.workflows.recovery.session import NOTES
from ceremony.workflows.transcript import (
    CLOSED,
    TranscriptBroken,
    TranscriptEntry,
    TranscriptSummary,
    verify_transcript,
)

# -- recovery sessions -------------------------------------------------------------------------


def not_a_session(directory: Path, label: str) -> AuditCheck | None:
    """A folder under recovery/ holding neither a notice nor a transcript is reported, not skipped
    (a staging folder left by a crash, or something put there by hand)."""
    if (directory / NOTICE).exists() or (directory / TRANSCRIPT).exists():
        return None
    names = sorted(p.name for p in directory.iterdir())[:5]
    return _fail(
        f"recovery.{label}",
        f"{directory.name}/ is not a recovery session (no {NOTICE}, no {TRANSCRIPT}; it holds "
        f"{', '.join(names) if names else 'nothing'}): find out who put it there",
    )


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
UNLOCKED_BY: dict[TimeLockMode, tuple[str, ...]] = {
    TimeLockMode.EVIDENCED: ("delay",),
    TimeLockMode.SEALED: ("consent", "sealed-solved"),
}
"""What may open each kind of session, as the `unlocked` entry's `by` says."""


class _SessionAudit:
    """The checks of one recovery session directory. `checks` runs them in order, and later
    checks build on what earlier ones verified: the session transcript, then the proof chain."""

    def __init__(
        self, kit: _Kit, directory: Path, label: str, prefetch: ChainPrefetch | None = None
    ) -> None:
        self.kit = kit
        self.prefetch = prefetch or ChainPrefetch()
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
    def mode(self) -> TimeLockMode:
        if self.notice is not None:
            return self.notice.mode
        lock = self.record.timelock if self.record else None
        return lock.mode if lock else TimeLockMode.EVIDENCED

    def facts(self) -> SessionFacts:
        """What the anchors compare, once `checks` ran."""
        return SessionFacts(
            label=self.prefix.removeprefix("session."),
            notice_sha256=_sha256(self.notice_bytes) if self.notice_bytes is not None else "",
            head=self.summary.head if self.summary else "",
            closed=bool(self.summary and self.summary.closed),
        )

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
        if self.mode is TimeLockMode.SEALED:
            return _skip(name, "sealed mode: the delay is in the secret itself, not in proofs")
        if self.notice_bytes is None:
            return _skip(name, f"no {NOTICE} to bind the proofs to")
        chain = self.prefetch.segments(self.directory)
        if isinstance(chain, str):
            return _fail(name, chain)
        if not chain.segments:
            self.chain = chain
            return _skip(name, "no delay segments yet")
        try:
            self.prefetch.verify(self.directory, chain, hashlib.sha256(self.notice_bytes).digest())
        except CeremonyError as exc:
            return _fail(name, exc.message)
        self.chain = chain
        return AuditCheck(
            name,
            Status.PASS,
            f"{len(chain.segments)} segments verify, bound to this notice: "
            f"{chain.total_iterations} iterations of sequential work",
        )

    def _required(self) -> int | None:
        lock = self.record.timelock if self.record else None
        if lock is not None and isinstance(lock.iterations, int):
            return lock.iterations
        return self.notice.required_iterations if self.notice else None

    def _total_work(self) -> AuditCheck:
        name = self.name("total-work")
        if self.mode is TimeLockMode.SEALED:
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
        evidenced = self.mode is TimeLockMode.EVIDENCED
        previous: TranscriptEntry | None = None
        delay_done: TranscriptEntry | None = None
        for entry in self.summary.entries:
            event = entry.event
            at = f"session entry {entry.seq}"
            if event in NOTES and previous is not None:
                continue  # an attempt noted, not a change of state (see session-conduct checks)
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
        trail = " → ".join(_squeeze(e.event for e in self.summary.entries if e.event not in NOTES))
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
