"""What every audit check shares: loading the kit, reading the transcript's events, findings."""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import CeremonyError
from ceremony.model.record import Record
from ceremony.workflows.audit.report import (
    _HEX64,
    RECORD,
    TRANSCRIPT,
    AuditCheck,
    Status,
)
from ceremony.workflows.inputs import decode_text, read_bounded
from ceremony.workflows.transcript import (
    TranscriptBroken,
    TranscriptEntry,
    TranscriptSummary,
    verify_transcript,
)

# -- the pieces every check shares ----------------------------------------------------------------

_CEREMONY_ID = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}-[0-9A-F]{4}$")
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

    lenient = True

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


def _load_kit(kit: Path, *, without_transcript: bool = False) -> _Kit:
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
        # Only the auditor may say there is no transcript to check: a record that claims so
        # (plan_source "command-line", no head) is exactly what a forger who deleted it would write.
        if without_transcript:
            problem = _skip(
                "transcript.chain",
                "the auditor says this kit was made by `ceremony split --kit`, which keeps no "
                "transcript (--without-transcript)",
            )
        else:
            problem = _fail(
                "transcript.chain",
                f"{TRANSCRIPT} is missing from the kit (a kit made by `ceremony split --kit` has "
                "none: audit it with --without-transcript)",
            )
    else:
        try:
            transcript = verify_transcript(path)
        except TranscriptBroken as exc:
            problem = _fail("transcript.chain", f"first bad entry {exc.seq}: {exc.message}")
        except CeremonyError as exc:
            problem = _fail("transcript.chain", exc.message)
    return _Kit(kit, record, data, record_check, transcript, problem)
