"""The recovery notice: the public statement that a recovery has started, and the anchor of its proof.

Its exact bytes are canonical JSON, so its SHA-256 (the notice hash) is well defined: that hash is
the challenge of the evidenced delay's first segment and the first thing the session transcript
records, so every later step is bound to this one notice. The nonce, drawn fresh from the CSPRNG,
makes two notices for the same request differ, so no delay can be computed before the notice exists.
Nothing in a notice is secret: it is printed and handed to stakeholders.
"""

from __future__ import annotations

import hashlib
import json
import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass, fields
from datetime import UTC, datetime

from ceremony.errors import BadInput, NotVerified
from ceremony.model import strict_json
from ceremony.model.hashwords import hash_words
from ceremony.model.record import Record
from ceremony.model.sources import Clock, Rng
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.terminal_text import hidden_characters

FORMAT = "ceremony-recovery-notice/v1"
NONCE_BYTES = 32
MAX_TEXT = 200
"""Longest requester or reason: a line on paper, not a letter."""

_NOTICE_ID = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_HEX8 = re.compile(r"^[0-9a-f]{8}$")
_DECIMAL = re.compile(r"^\d+\.\d{3}$")
_HINT = "the notice was changed or damaged; use the notice.json the session wrote, unchanged"


def utc_now() -> datetime:
    """The default clock of a notice; its time is recorded as untrusted (an air-gapped clock proves
    nothing)."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class RecoveryNotice:
    """What `recover start` announces. Field names are the JSON keys of notice.json."""

    notice_id: str
    ceremony_id: str
    ceremony_name: str
    record_sha256: str
    fingerprint: str
    commitment: str
    requester: str
    reason: str
    clock_untrusted: str
    nonce: str
    mode: TimeLockMode
    required_iterations: int
    rate_per_second: str
    attacker_speedup: str
    expected_seconds: str
    minimum_seconds: str

    def __post_init__(self) -> None:
        problems = []
        if not _NOTICE_ID.match(self.notice_id) or self.notice_id != notice_id_of(self.nonce):
            problems.append("its id does not come from its nonce")
        if not _HEX64.match(self.nonce):
            problems.append("its nonce is not 64 hex digits")
        for name in ("record_sha256", "commitment"):
            if not _HEX64.match(getattr(self, name)):
                problems.append(f"its {name} is not 64 hex digits")
        if not _HEX8.match(self.fingerprint):
            problems.append("its fingerprint is not 8 hex digits")
        try:  # notice.json spells it as a string
            object.__setattr__(self, "mode", TimeLockMode(self.mode))
        except ValueError:
            problems.append(f"its mode {self.mode!r} is neither evidenced nor sealed")
        if (
            not isinstance(self.required_iterations, int)
            or isinstance(self.required_iterations, bool)
            or self.required_iterations < 1
        ):
            problems.append("its required work is not a positive whole number")
        for name in ("rate_per_second", "attacker_speedup", "expected_seconds", "minimum_seconds"):
            if not _DECIMAL.match(getattr(self, name)):
                problems.append(f"its {name} is not a decimal with three places")
        for name in ("requester", "reason"):
            value = getattr(self, name)
            if len(value) > MAX_TEXT or hidden_characters(value):
                problems.append(f"its {name} is longer than {MAX_TEXT} characters or not one line")
        if problems:
            raise BadInput("the recovery notice is not well formed: " + "; ".join(problems), _HINT)

    @classmethod
    def issue(
        cls,
        record: Record,
        record_bytes: bytes,
        *,
        requester: str,
        reason: str,
        clock: Clock = utc_now,
        rng: Rng = secrets.token_bytes,
    ) -> RecoveryNotice:
        """A fresh notice for a time-locked record: its work and bounds are the record's own."""
        lock = record.timelock
        if lock is None:
            raise BadInput(
                "this ceremony's recovery is not time-locked: there is nothing to start",
                "rebuild the secret with `ceremony combine`, and compare the fingerprint it shows "
                f"with the record's ({record.fingerprint})",
            )
        for name, value in (("requester", requester), ("reason", reason)):
            if len(value) > MAX_TEXT or hidden_characters(value):
                raise BadInput(
                    f"the {name} must be one line of at most {MAX_TEXT} visible characters",
                    f"shorten the --{name} text, without control, bidi or zero-width "
                    "characters; the notice is printed",
                )
        nonce = rng(NONCE_BYTES).hex()
        return cls(
            notice_id=notice_id_of(nonce),
            ceremony_id=record.ceremony_id,
            ceremony_name=record.ceremony_name,
            record_sha256=hashlib.sha256(record_bytes).hexdigest(),
            fingerprint=record.fingerprint,
            commitment=record.commitment,
            requester=requester,
            reason=reason,
            clock_untrusted=clock().astimezone(UTC).isoformat(timespec="seconds"),
            nonce=nonce,
            mode=lock.mode,
            required_iterations=lock.iterations,
            rate_per_second=decimal(lock.rate_per_second),
            attacker_speedup=decimal(lock.attacker_speedup),
            expected_seconds=decimal(lock.expected_seconds),
            minimum_seconds=decimal(lock.minimum_seconds),
        )

    def to_dict(self) -> dict[str, object]:
        """Every field under its own name, plus the format, as the notice is written."""
        data: dict[str, object] = {"format": FORMAT}
        data.update({field.name: getattr(self, field.name) for field in fields(self)})
        return data

    def to_bytes(self) -> bytes:
        """notice.json exactly: sorted keys, no spaces, ASCII only, one final newline."""
        return canonical_json(self.to_dict())

    @property
    def sha256(self) -> bytes:
        """The notice hash: what the delay's first segment and the transcript are bound to."""
        return hashlib.sha256(self.to_bytes()).digest()

    @property
    def hash_words(self) -> str:
        """The notice hash as words the holders can compare aloud with the ones on their copy."""
        return hash_words(self.sha256)

    @classmethod
    def from_bytes(cls, data: bytes) -> RecoveryNotice:
        """Read notice.json, insisting on its canonical bytes (so its hash is the one recorded)."""
        value = strict_json.loads(data, "the recovery notice", _HINT)
        if not isinstance(value, dict) or value.get("format") != FORMAT:
            raise BadInput(f"this is not a recovery notice ({FORMAT})", _HINT)
        names = {field.name for field in fields(cls)}
        if set(value) != names | {"format"}:
            raise BadInput("the recovery notice does not have the notice's fields", _HINT)
        for name in names:
            wanted = int if name == "required_iterations" else str
            if not isinstance(value[name], wanted) or isinstance(value[name], bool):
                raise BadInput(f"the recovery notice's {name} has the wrong type", _HINT)
        notice = cls(**{name: value[name] for name in names})
        if notice.to_bytes() != data:
            raise NotVerified("the recovery notice is not in canonical form (it was edited)", _HINT)
        return notice

    def check_record(self, record: Record, record_bytes: bytes) -> None:
        """Raise NotVerified unless `record_bytes` is the record this notice was issued for."""
        digest = hashlib.sha256(record_bytes).hexdigest()
        if digest != self.record_sha256:
            raise NotVerified(
                f"the record given is not the one notice {self.notice_id} was issued for "
                f"(its SHA-256 is {digest[:16]}..., the notice says {self.record_sha256[:16]}...)",
                "give the record.json of this ceremony, unchanged, with --record",
            )
        lock = record.timelock
        if (
            lock is None
            or record.ceremony_id != self.ceremony_id
            or lock.mode != self.mode
            or lock.iterations != self.required_iterations
        ):  # cannot happen for an unchanged record; a guard against a bug, not an attacker
            raise NotVerified(
                "the record and the notice disagree on the ceremony or the time lock",
                "start a new session with `ceremony recover start --record R`",
            )


def notice_id_of(nonce: str) -> str:
    """The short id people quote: the nonce's first 8 hex digits, upper-case, as XXXX-XXXX."""
    head = nonce[:8].upper()
    return f"{head[:4]}-{head[4:]}"


def decimal(value: float) -> str:
    """A recorded calibration figure as text with three decimals, as the notice carries them."""
    return f"{float(value):.3f}"


def canonical_json(value: Mapping[str, object]) -> bytes:
    """The one byte form of a notice that its hash covers: sorted keys, no spaces, ASCII only, one
    line."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.encode("ascii") + b"\n"
