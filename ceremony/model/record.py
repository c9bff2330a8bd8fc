"""The public ceremony record (`record.json`): every claim an auditor can re-check, never a secret.

The record is the anchor of everything after the ceremony: a holder checks a share against it, a
recovery is verified against its fingerprint and commitment, an audit re-derives it.
"""

from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass, field, fields, replace
from typing import Any, ClassVar

from ceremony.errors import BadInput
from ceremony.model import strict_json
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.strict_json import Fields
from ceremony.terminal_text import hidden_characters

FORMAT = "ceremony-record/v1"
HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEX8 = re.compile(r"^[0-9a-f]{8}$")


def serial_key(serial: str) -> str:
    """Bag serials that differ only in case, spaces or dashes name the same bag."""
    return "".join(char for char in serial.casefold() if char.isalnum())


@dataclass(frozen=True)
class IssuedShare:
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
    """Sealed mode with a consent card: the card's check code (start of SHA-256(P)), so a
    mistyped P is refused before anything is decrypted."""
    standalone_seconds: float = 0.0
    """Sealed mode: how long the kit's recover.py (standard-library Python, no gmpy2) needs for
    the T squarings on the ceremony machine, measured there; 0 when not measured."""


@dataclass(frozen=True)
class RetiredCard:
    """A card of a retired share set (after a reshare) and what became of it."""

    holder: str
    group: str
    member_number: int
    commitment: str
    bag_serial: str
    fate: str
    """'destroyed' (witnessed) or 'not returned'."""


@dataclass(frozen=True)
class Lineage:
    """How a lifecycle ceremony's record follows its predecessor (absent for a first ceremony)."""

    kind: str
    """'extend', 'replace', 'reprint' or 'reshare'."""
    predecessor_record_sha256: str
    predecessor_transcript_head: str
    predecessor_ceremony_id: str
    origin_ceremony_id: str
    amendment_sha256: str
    group: str = ""
    new_members: tuple[int, ...] = ()
    """Member numbers (1-based) issued by this ceremony, in `group`."""
    lost: tuple[int, ...] = ()
    """Member numbers (1-based) of `group` reported lost: they still work if found."""
    reprinted: tuple[int, ...] = ()
    retired_identifier: int | None = None
    retired: tuple[RetiredCard, ...] = ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Lineage:
        """Lineage from the record's JSON object; the record reader turns any KeyError, TypeError
        or ValueError into a BadInput naming the field."""
        retired = data.get("retired_identifier")
        return cls(
            kind=str(data["kind"]),
            predecessor_record_sha256=str(data["predecessor_record_sha256"]),
            predecessor_transcript_head=str(data["predecessor_transcript_head"]),
            predecessor_ceremony_id=str(data["predecessor_ceremony_id"]),
            origin_ceremony_id=str(data["origin_ceremony_id"]),
            amendment_sha256=str(data["amendment_sha256"]),
            group=str(data.get("group", "")),
            new_members=tuple(int(n) for n in data.get("new_members", ())),
            lost=tuple(int(n) for n in data.get("lost", ())),
            reprinted=tuple(int(n) for n in data.get("reprinted", ())),
            retired_identifier=None if retired is None else int(retired),
            retired=tuple(RetiredCard(**card) for card in data.get("retired", ())),
        )


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
    shares: tuple[IssuedShare, ...]
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
    lineage: Lineage | None = None
    """For a lifecycle ceremony (extend, replace, reprint, reshare): its predecessor."""
    lenient: ClassVar[bool] = False
    """An audit reads a record leniently (unknown top-level fields and inconsistencies are
    reported by its own checks, not refused at reading)."""
    read_back: dict[str, Any] = field(default_factory=dict)
    """What the read-back proof recovered from the written kit, and by which paths."""

    def scheme(self) -> Scheme:
        """The SLIP-39 scheme the record describes, to check shares against it."""
        return Scheme(
            group_threshold=self.group_threshold,
            groups=self.groups,
            strength_bits=self.strength_bits,
            kind=self.kind,
            iteration_exponent=self.iteration_exponent,
            extendable=self.extendable,
        )

    def group_names(self) -> list[str]:
        """The groups' names in record order (group index order)."""
        return [g.name for g in self.groups]

    def share_by_commitment(self, commitment: str) -> IssuedShare | None:
        """The issued share with this commitment, or None: how a typed share is found in
        the record without the record holding any words."""
        for entry in self.shares:
            if entry.commitment == commitment:
                return entry
        return None

    def with_changes(self, **changes: Any) -> Record:
        """A copy with some fields replaced; records are values."""
        return replace(self, **changes)

    def to_json(self) -> str:
        """The record's canonical text: its SHA-256 is what amendments and the audit name."""
        data = asdict(self)
        data["kind"] = self.kind.value
        data["groups"] = [
            {"name": g.name, "threshold": g.threshold, "count": g.count} for g in self.groups
        ]
        if self.lineage is None:
            del data["lineage"]  # a first ceremony's record keeps its original form
        return json.dumps({"format": FORMAT, **data}, indent=2, sort_keys=True) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes, source: str = "record") -> Record:
        """Read record.json strictly (see `ceremony.model.strict_json`): every field of its exact
        type, no unknown or duplicate field; the error names the field."""
        hint = "give the unmodified record.json from the ceremony kit"
        data = strict_json.loads(text, source, hint)
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise BadInput(
                f"{source} is not a ceremony record ({FORMAT})",
                "give the record.json from the ceremony kit",
            )
        top = Fields(data, "", source, hint)
        if not cls.lenient:
            top.only({"format", *(f.name for f in fields(cls))})
        timelock = None
        if top.has("timelock") and top.data["timelock"] is not None:
            timelock = top.sub("timelock").build(TimeLockInfo)
        record = cls(
            ceremony_name=top.get("ceremony_name", str),
            ceremony_id=top.get("ceremony_id", str),
            clock_untrusted=top.get("clock_untrusted", str),
            tool=top.get("tool", str),
            demo=top.get("demo", bool),
            plan_sha256=top.get("plan_sha256", str),
            plan_source=top.get("plan_source", str),
            group_threshold=top.get("group_threshold", int),
            groups=tuple(
                _group(top.item("groups", i, g)) for i, g in enumerate(top.array("groups"))
            ),
            strength_bits=top.get("strength_bits", int),
            kind=_kind(top),
            iteration_exponent=top.get("iteration_exponent", int),
            extendable=top.get("extendable", bool),
            identifier=top.get("identifier", int),
            passphrase=top.get("passphrase", bool),
            fingerprint=top.get("fingerprint", str),
            commitment=top.get("commitment", str),
            shares=tuple(
                top.item("shares", i, entry).build(IssuedShare)
                for i, entry in enumerate(top.array("shares"))
            ),
            timelock=timelock,
            recover_py_sha256=top.get("recover_py_sha256", str, ""),
            transcript_head=top.get("transcript_head", str, ""),
            roles=_roles(top),
            **{name: top.get(name, str, "") for name in _OPTIONAL_TEXT},
            lineage=_lineage(top),
            read_back=top.get("read_back", dict, {}),
        )
        record.check_shape()
        return record

    def _hidden_text(self) -> list[str]:
        """Names a person reads: a writer of ours never puts a control, bidi or zero-width
        character in them (plans refuse them), so one here means the record was edited."""
        found = _hidden_in("ceremony_name", self.ceremony_name)
        for number, entry in enumerate(self.shares, start=1):
            for name in ("holder", "group", "contact", "bag_serial"):
                found += _hidden_in(f"shares[{number}].{name}", getattr(entry, name))
        return found

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
        problems.extend(self._hidden_text())
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


def _hidden_in(field_name: str, text: str) -> list[str]:
    hidden = hidden_characters(text)
    return (
        [f"{field_name} contains an invisible or control character {hidden[0]}"] if hidden else []
    )


_OPTIONAL_TEXT = (
    "entropy_source",
    "preflight",
    "consent_card_sha256",
    "consent_bag_serial",
    "paper_size",
    "record_pdf_sha256",
    "lock_sha256",
    "python",
)
"""Text fields added after the first records: '' when an older record lacks them."""


def _group(group: Fields) -> GroupSpec:
    group.only({"name", "threshold", "count"})
    return GroupSpec(group.get("name", str), group.get("threshold", int), group.get("count", int))


def _kind(top: Fields) -> SecretKind:
    text = top.get("kind", str)
    try:
        return SecretKind(text)
    except ValueError:
        raise top.error(
            f"field kind must be one of {', '.join(k.value for k in SecretKind)}"
        ) from None


def _roles(top: Fields) -> dict[str, Any]:
    """Names of the people present: each role a name, a list of names, or a table of names."""
    if not top.has("roles"):
        return {}
    roles = top.sub("roles")
    result: dict[str, Any] = {}
    for role, value in roles.data.items():
        path = roles.path(role)
        if isinstance(value, list):
            result[role] = [roles.check(v, str, f"{path}[{i}]") for i, v in enumerate(value)]
        elif isinstance(value, dict):
            result[role] = strict_json.strings(value, roles, path)
        else:
            result[role] = roles.check(value, str, path)
    return result


def _lineage(top: Fields) -> Lineage | None:
    """A lifecycle ceremony's predecessor; absent (or null) for a first ceremony."""
    if not top.has("lineage") or top.data["lineage"] is None:
        return None
    data = top.sub("lineage").data
    try:
        return Lineage.from_dict(data)
    except (KeyError, TypeError, ValueError) as exc:
        raise top.error(f"field lineage is malformed ({type(exc).__name__})") from None
