"""The audit's result: named checks, each pass, fail or skipped, and the report that holds them."""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

from ceremony import __version__
from ceremony.model.hashwords import hash_words
from ceremony.workflows.proof_prefetch import NOTICE as NOTICE
from ceremony.workflows.proof_prefetch import PROOF as PROOF
from ceremony.workflows.proof_prefetch import RECOVERY as RECOVERY

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
FORMAT = "ceremony-audit/v1"
RECORD = "record.json"
TRANSCRIPT = "transcript.jsonl"
HOLDERS = "holders"
RECOVER_PY = "recover.py"

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
    "files.record.pdf": "record.pdf, re-rendered from record.json, is byte for byte the file and "
    "has the SHA-256 the record lists",
    "kit.leftovers": "shown only when it fails: secret files of an unfinished (killed) run are "
    "in or beside the kit, with how to destroy them",
    "kit.complete": "the kit is not what an aborted (or half-removed) run left behind",
    "kit.sealed-lock": "a sealed secret's record carries its lock (N, T, version): without them "
    "no quorum can ever recover it",
    "kit.read-back": "the record says the kit was recovered from its written files by ceremony "
    "and by recover.py, as the transcript logged it",
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
    "session.<id>.notice-pdf": "notice.pdf, re-rendered from notice.json, is byte for byte the file "
    "and has the SHA-256 the session transcript lists",
    "record-transcript.closing": "the record hashes to the closing entry's record hash and holds "
    "the transcript's head: neither was edited alone (says which one changed)",
    "recovery.<name>": "a folder under recovery/ that is not a session (nothing is skipped for "
    "its name)",
    "anchor.head-words": "with --head-words: the transcript ends at the head the witnesses "
    "initialled on paper",
    "anchor.signature.<file>": "with --plan: a signature in attest/signatures/ verifies over "
    "this kit's ceremony id, head and record hash, by a key the plan pins (names who signed)",
    "session.<id>.signature.<file>": "with --plan: a signature over the session's notice (a "
    "stakeholder received it) or its close, by a key the plan pins",
    "anchor.signatures": "with --plan listing signers: says when the kit holds no signature",
    "anchor.notice-<n>": "with --notice-words: a session in the kit has the notice whose hash "
    "words stakeholders received",
    "anchor.session-<n>": "with --session-words: a session in the kit ends at the head words "
    "shown when it closed",
}
"""Every check, by name, and what it proves. Placeholders in <angle brackets>."""


class Verdict(StrEnum):
    """The one line an audit ends with. Only anchors (paper words, signatures) make it ANCHORED:
    without them a consistent rewrite of every public file passes every other check."""

    ANCHORED = "anchored"
    UNANCHORED = "consistent but unanchored"
    FAILED = "AUDIT FAILED"

    @property
    def meaning(self) -> str:
        """One sentence for the report that says what the auditor may conclude from this verdict."""
        return _MEANING[self]


_MEANING = {
    Verdict.ANCHORED: "no check failed, and what the kit claims matches what was recorded "
    "outside it (initialled words or witness signatures)",
    Verdict.UNANCHORED: "no check failed, but nothing outside the files was compared: a forger "
    "who rewrites every public file consistently passes too",
    Verdict.FAILED: "at least one check failed: read its line",
}


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
        """The check as JSON; the status is its text value, so the report format does not follow the
        enum."""
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
    unanchored: tuple[str, ...] = ()
    """What no anchor covered, in words; empty only when everything is anchored."""
    not_found: tuple[str, ...] = ()
    """What the audit looked for in the kit and did not find."""

    @property
    def verdict(self) -> Verdict:
        """A single failed check fails the kit; a kit with no failure is anchored only when nothing
        was left unanchored."""
        if self.failures:
            return Verdict.FAILED
        return Verdict.UNANCHORED if self.unanchored else Verdict.ANCHORED

    @property
    def passed(self) -> bool:
        """True when no check failed; skipped and unanchored checks do not count against the kit."""
        return not self.failures

    @property
    def failures(self) -> tuple[AuditCheck, ...]:
        """The failed checks in report order, the ones the auditor must read first."""
        return tuple(c for c in self.checks if c.status is Status.FAIL)

    def count(self, status: Status) -> int:
        """How many checks ended with this status, for the report's summary line."""
        return sum(1 for c in self.checks if c.status is status)

    def skipped_lines(self) -> list[str]:
        """What was skipped and why, one line per reason: "files.holders/a.pdf,
        files.holders/b.pdf: not present ...". A count of skipped checks is never shown alone."""
        reasons: dict[str, list[str]] = {}
        for check in self.checks:
            if check.status is Status.SKIPPED:
                reasons.setdefault(check.detail, []).append(check.name)
        return [f"{', '.join(names)}: {why}" for why, names in reasons.items()]

    @property
    def head_words(self) -> str:
        """Empty when the record's head is not a SHA-256 hex digest, so a damaged record never
        prints made-up words."""
        if not _HEX64.match(self.transcript_head):
            return ""
        return hash_words(bytes.fromhex(self.transcript_head))

    def check(self, name: str) -> AuditCheck:
        """Raise KeyError for a name the audit did not run, so a mistyped name in a test or caller
        fails loudly."""
        for item in self.checks:
            if item.name == name:
                return item
        raise KeyError(name)

    def to_dict(self) -> dict[str, object]:
        """The whole report as the JSON of `ceremony audit --json`, with the verdict and its meaning
        spelled out."""
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
            "verdict": self.verdict.value,
            "verdict_meaning": self.verdict.meaning,
            "anchored": self.verdict is Verdict.ANCHORED,
            "unanchored": list(self.unanchored),
            "not_found": list(self.not_found),
            "counts": {status.value: self.count(status) for status in Status},
            "checks": [c.to_dict() for c in self.checks],
        }
