"""The public ceremony record (`record.json`): every claim an auditor can re-check, never a secret.

The record is the anchor of everything after the ceremony: a holder checks a share against it, a
recovery is verified against its fingerprint and commitment, an audit re-derives it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, replace
from typing import Any

from ceremony.errors import BadInput
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind

FORMAT = "ceremony-record/v1"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX8 = re.compile(r"^[0-9a-f]{8}$")


def serial_key(serial: str) -> str:
    """Bag serials that differ only in case, spaces or dashes name the same bag."""
    return "".join(char for char in serial.casefold() if char.isalnum())


@dataclass(frozen=True)
class ShareEntry:
    """Who holds which share, and the public commitment that lets a holder check it alone."""

    holder: str
    group: str
    group_number: int
    member_number: int
    commitment: str
    check_code: str
    contact: str = ""
    holder_pdf_sha256: str = ""
    bag_serial: str = ""


@dataclass(frozen=True)
class TimeLockInfo:
    """Recovery policy as recorded: the mode, the work required, and both delay bounds."""

    mode: str
    """'evidenced' (a VDF chain after a notice) or 'sealed' (the delay is in the secret itself)."""
    iterations: int
    rate_per_second: float
    attacker_speedup: float
    expected_seconds: float
    minimum_seconds: float
    description: str
    modulus_hex: str = ""
    """Sealed mode only: the RSA modulus N; its factors were destroyed at the ceremony."""
    version: str = ""
    consent_card: bool = False
    consent_check_code: str = ""
    standalone_seconds: float = 0.0
    """Sealed mode: how long the kit's recover.py (standard-library Python, no gmpy2) needs for
    the T squarings on the ceremony machine, measured there; 0 when not measured."""
    """Sealed mode with a consent card: the card's check code (start of SHA-256(P)), so a
    mistyped P is refused before anything is decrypted."""


@dataclass(frozen=True)
class Record:
    ceremony_name: str
    ceremony_id: str
    clock_untrusted: str
    tool: str
    demo: bool
    plan_sha256: str
    plan_source: str
    """'plan' when a plan file was hashed, 'command-line' when the scheme came from options."""
    group_threshold: int
    groups: tuple[GroupSpec, ...]
    strength_bits: int
    kind: SecretKind
    iteration_exponent: int
    extendable: bool
    identifier: int
    passphrase: bool
    fingerprint: str
    commitment: str
    shares: tuple[ShareEntry, ...]
    timelock: TimeLockInfo | None = None
    recover_py_sha256: str = ""
    transcript_head: str = ""
    roles: dict[str, Any] = field(default_factory=dict)
    entropy_source: str = ""
    """The plan's entropy source: 'csprng', 'csprng+dice' or 'dice-only' ('' before it was kept)."""
    preflight: str = ""
    """'passed', 'passed with warnings: ...' or 'failures accepted: ...' ('' when not run)."""
    consent_card_sha256: str = ""
    """SHA-256 of the consent card PDF, when one was issued."""
    consent_bag_serial: str = ""
    """Serial of the tamper-evident bag the consent card was sealed in."""
    paper_size: str = ""
    """'a4' or 'letter': what the kit was printed on; later paper (notices, audit reports,
    re-rendered runbooks) uses it unless told otherwise."""
    record_pdf_sha256: str = ""
    """SHA-256 of record.pdf, which is rendered from every other field (the audit re-renders it)."""
    lock_sha256: str = ""
    """SHA-256 of the dependency lock of the tool that wrote the record (`ceremony --version`)."""
    python: str = ""
    read_back: dict[str, Any] = field(default_factory=dict)
    """What the read-back proof recovered from the written kit, and by which paths."""

    def scheme(self) -> Scheme:
        return Scheme(
            group_threshold=self.group_threshold,
            groups=self.groups,
            strength_bits=self.strength_bits,
            kind=self.kind,
            iteration_exponent=self.iteration_exponent,
            extendable=self.extendable,
        )

    def group_names(self) -> list[str]:
        return [g.name for g in self.groups]

    def share_by_commitment(self, commitment: str) -> ShareEntry | None:
        for entry in self.shares:
            if entry.commitment == commitment:
                return entry
        return None

    def with_changes(self, **changes: Any) -> Record:
        return replace(self, **changes)

    def to_json(self) -> str:
        data = asdict(self)
        data["kind"] = self.kind.value
        data["groups"] = [
            {"name": g.name, "threshold": g.threshold, "count": g.count} for g in self.groups
        ]
        return json.dumps({"format": FORMAT, **data}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str, source: str = "record") -> Record:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadInput(
                f"{source} is not valid JSON ({exc})", "give the record.json of the ceremony kit"
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BadInput(
                f"{source} is not a ceremony record ({FORMAT})",
                "give the record.json from the ceremony kit",
            )
        try:
            timelock = data.get("timelock")
            record = cls(
                ceremony_name=str(data["ceremony_name"]),
                ceremony_id=str(data["ceremony_id"]),
                clock_untrusted=str(data["clock_untrusted"]),
                tool=str(data["tool"]),
                demo=bool(data["demo"]),
                plan_sha256=str(data["plan_sha256"]),
                plan_source=str(data["plan_source"]),
                group_threshold=int(data["group_threshold"]),
                groups=tuple(
                    GroupSpec(str(g["name"]), int(g["threshold"]), int(g["count"]))
                    for g in data["groups"]
                ),
                strength_bits=int(data["strength_bits"]),
                kind=SecretKind(data["kind"]),
                iteration_exponent=int(data["iteration_exponent"]),
                extendable=bool(data["extendable"]),
                identifier=int(data["identifier"]),
                passphrase=bool(data["passphrase"]),
                fingerprint=str(data["fingerprint"]),
                commitment=str(data["commitment"]),
                shares=tuple(ShareEntry(**entry) for entry in data["shares"]),
                timelock=TimeLockInfo(**timelock) if timelock else None,
                recover_py_sha256=str(data.get("recover_py_sha256", "")),
                transcript_head=str(data.get("transcript_head", "")),
                roles=dict(data.get("roles", {})),
                entropy_source=str(data.get("entropy_source", "")),
                preflight=str(data.get("preflight", "")),
                consent_card_sha256=str(data.get("consent_card_sha256", "")),
                consent_bag_serial=str(data.get("consent_bag_serial", "")),
                paper_size=str(data.get("paper_size", "")),
                record_pdf_sha256=str(data.get("record_pdf_sha256", "")),
                lock_sha256=str(data.get("lock_sha256", "")),
                python=str(data.get("python", "")),
                read_back=dict(data.get("read_back", {})),
            )
        except (KeyError, TypeError, ValueError) as exc:
            raise BadInput(
                f"{source} is not a well-formed ceremony record ({type(exc).__name__}: {exc})",
                "give the unmodified record.json from the ceremony kit",
            ) from None
        record.check_shape()
        return record

    def check_shape(self) -> None:
        """The record's own consistency: formats of its identifiers, and shares matching groups."""
        problems = []
        if not HEX8.match(self.fingerprint):
            problems.append("the fingerprint is not 8 hex digits")
        if not HEX64.match(self.commitment):
            problems.append("the commitment is not 64 hex digits")
        if not HEX64.match(self.plan_sha256):
            problems.append("the plan hash is not 64 hex digits")
        for entry in self.shares:
            if not HEX64.match(entry.commitment):
                problems.append(f"the commitment of {entry.holder}'s share is malformed")
            elif entry.check_code != f"{entry.commitment[:4]}-{entry.commitment[4:8]}".upper():
                problems.append(f"the check code of {entry.holder}'s share does not match")
        counts = {g.name: 0 for g in self.groups}
        for entry in self.shares:
            if entry.group not in counts:
                problems.append(f"{entry.holder}'s share names an unknown group {entry.group}")
            else:
                counts[entry.group] += 1
        for group in self.groups:
            if counts.get(group.name) != group.count:
                problems.append(
                    f"group {group.name} lists {counts.get(group.name)} shares, not {group.count}"
                )
        if problems:
            from ceremony.errors import NotVerified

            raise NotVerified(
                "the record is inconsistent: " + "; ".join(problems),
                "the record was edited or damaged; use the printed record to compare",
            )
        self.scheme()
