"""The ceremony plan: one TOML file, the only input of a ceremony, reviewed and printed beforehand.

Auditors check this one file, so reading it is strict: every key must be known (a typo such as
`treshold` is an error with a "did you mean", never silently ignored), every value has one type, and
every error names the field and its line. The SLIP-39 limits are checked by `ceremony.model.scheme`,
and its messages are passed on with the plan's line numbers.

The plan's identity is the SHA-256 of the file's exact bytes (`Plan.sha256`); it is printed on every
page as words, so a reformatted file is a different plan.
"""

from __future__ import annotations

import contextlib
import difflib
import hashlib
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

from ceremony.errors import BadInput
from ceremony.model.scheme import (
    GROUP_NAME,
    MAX_GROUPS,
    MAX_MEMBERS,
    GroupSpec,
    Scheme,
    SecretKind,
    check_strength,
)

MAX_PLAN_BYTES = 1 << 20
MAX_NAME = 100
MAX_CONTACT = 200
MAX_DELAY_SECONDS = 100 * 365 * 86400
MAX_SPEEDUP = 1_000_000
MIN_DICE_SIDES = 2
MAX_DICE_SIDES = 256
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(?:\s*\d+\s*[smhdw])+\s*$", re.IGNORECASE)
_DURATION_PART = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)


class PassphrasePolicy(StrEnum):
    """Whether the shares are protected by a SLIP-39 passphrase."""

    NONE = "none"
    """No passphrase: the shares alone recover the secret."""
    PROMPT = "prompt"
    """A passphrase typed at the ceremony (never written in the plan); it is needed for recovery."""


class EntropySource(StrEnum):
    """Where the secret's randomness comes from (DESIGN section 6)."""

    CSPRNG = "csprng"
    CSPRNG_AND_DICE = "csprng+dice"
    DICE_ONLY = "dice-only"
    """For a two-machine cross-check: the same rolls give the same secret on both machines."""

    @property
    def uses_dice(self) -> bool:
        return self is not EntropySource.CSPRNG


class RecoveryMode(StrEnum):
    """How a recovery is slowed down (DESIGN section 9)."""

    EVIDENCED = "evidenced"
    SEALED = "sealed"
    NONE = "none"


class PaperSize(StrEnum):
    A4 = "A4"
    LETTER = "Letter"


@dataclass(frozen=True)
class Holder:
    """A person who keeps one share card."""

    name: str
    contact: str = ""
    transliteration: str = ""
    """How the paper prints the name when the kit's fonts cannot print it as written."""

    @property
    def printed_name(self) -> str:
        return self.transliteration or self.name


@dataclass(frozen=True)
class Group:
    """A named group: `threshold` of its holders are needed to rebuild the group's part."""

    name: str
    threshold: int
    holders: tuple[Holder, ...]

    @property
    def count(self) -> int:
        return len(self.holders)

    def to_spec(self) -> GroupSpec:
        return GroupSpec(
            name=self.name,
            threshold=self.threshold,
            count=self.count,
            holders=tuple(h.name for h in self.holders),
        )


@dataclass(frozen=True)
class SecretPolicy:
    strength_bits: int
    kind: SecretKind
    group_threshold: int
    passphrase: PassphrasePolicy
    iteration_exponent: int
    extendable: bool


@dataclass(frozen=True)
class EntropyPolicy:
    source: EntropySource
    dice_sides: int


@dataclass(frozen=True)
class RecoveryPolicy:
    """The time-lock settings; the recovery work fills in how they are enforced."""

    mode: RecoveryMode
    delay: str
    """As written in the plan, for example "72h"."""
    delay_seconds: int
    attacker_speedup: int
    """k: the delay is also stated against an attacker k times faster than this machine."""
    consent_card: bool
    consent_keeper: str = ""
    """Who keeps the sealed consent card (printed in the script; blank to write in if not set)."""


@dataclass(frozen=True)
class Signer:
    """Someone who signs the ceremony's closing message on their own device: a witness, usually.
    The plan pins their OpenSSH Ed25519 public key, so the audit can name who signed."""

    name: str
    key: str
    """The public key line as `ssh-keygen` prints it: `ssh-ed25519 AAAA... comment`."""


@dataclass(frozen=True)
class Roles:
    """The people present at the ceremony, recorded in the transcript and on the record."""

    administrator: str
    witnesses: tuple[str, ...]
    auditor: str | None
    contacts: tuple[tuple[str, str], ...] = ()
    """(name, how to reach them) for each role given as `{ name = ..., contact = ... }`."""
    signers: tuple[Signer, ...] = ()
    """Public keys whose signatures anchor the audit (optional; see `ceremony attest`)."""

    def contact(self, name: str) -> str:
        """How to reach this person, as the plan says; empty when it does not."""
        return dict(self.contacts).get(name, "")


@dataclass(frozen=True)
class Plan:
    name: str
    secret: SecretPolicy
    groups: tuple[Group, ...]
    entropy: EntropyPolicy
    recovery: RecoveryPolicy
    roles: Roles
    paper_size: PaperSize
    output_directory: str
    """As written; a relative path is relative to the directory the ceremony is run from."""
    demo: bool
    sha256: str
    """SHA-256 (hex) of the plan file's exact bytes."""
    text: str = field(default="", repr=False, compare=False)
    """The plan file's text, for printing it for review."""

    @property
    def scheme(self) -> Scheme:
        """The SLIP-39 scheme; it was validated when the plan was read."""
        return Scheme(
            group_threshold=self.secret.group_threshold,
            groups=tuple(g.to_spec() for g in self.groups),
            strength_bits=self.secret.strength_bits,
            kind=self.secret.kind,
            iteration_exponent=self.secret.iteration_exponent,
            extendable=self.secret.extendable,
        )

    @property
    def hash_words(self) -> str:
        """The plan hash as twelve words, as printed on every page."""
        from ceremony.model.hashwords import hash_words

        return hash_words(bytes.fromhex(self.sha256))

    @property
    def holders(self) -> tuple[tuple[Group, Holder], ...]:
        """Every holder with their group, in plan order."""
        return tuple((g, h) for g in self.groups for h in g.holders)

    @property
    def minimum_holders(self) -> int:
        """The fewest people who together can recover the secret."""
        smallest = sorted(g.threshold for g in self.groups)
        return sum(smallest[: self.secret.group_threshold])

    def warnings(self) -> tuple[str, ...]:
        """Legal but risky choices, worth a second look before the ceremony."""
        notes: list[str] = []
        if self.demo:
            notes.append("this is a DEMO plan: never keep value under a secret made from it")
        if self.minimum_holders == 1:
            notes.append("a single holder can recover the secret alone")
        if not self.roles.witnesses:
            notes.append("no witnesses are named")
        if self.roles.auditor is None:
            notes.append("no auditor is named")
        if self.secret.passphrase is PassphrasePolicy.PROMPT:
            notes.append(
                "the passphrase is not in the shares: without it the shares recover nothing"
            )
        if self.entropy.source is EntropySource.DICE_ONLY:
            notes.append("dice-only: the secret is only as good as the dice and the people rolling")
        if self.recovery.mode is RecoveryMode.NONE:
            notes.append("no recovery delay: any quorum can recover the secret at once")
        return tuple(notes)

    def to_dict(self) -> dict[str, object]:
        """The plan as JSON-ready data (for `plan check --json` and the ceremony record)."""
        scheme = self.scheme
        return {
            "name": self.name,
            "demo": self.demo,
            "sha256": self.sha256,
            "hash_words": self.hash_words,
            "secret": {
                "strength": self.secret.strength_bits,
                "kind": self.secret.kind.value,
                "group_threshold": self.secret.group_threshold,
                "passphrase": self.secret.passphrase.value,
                "iteration_exponent": self.secret.iteration_exponent,
                "extendable": self.secret.extendable,
            },
            "groups": [
                {
                    "name": g.name,
                    "threshold": g.threshold,
                    "holders": [{"name": h.name, "contact": h.contact} for h in g.holders],
                }
                for g in self.groups
            ],
            "entropy": {"source": self.entropy.source.value, "dice_sides": self.entropy.dice_sides},
            "recovery": {
                "mode": self.recovery.mode.value,
                "delay": self.recovery.delay,
                "delay_seconds": self.recovery.delay_seconds,
                "attacker_speedup": self.recovery.attacker_speedup,
                "consent_card": self.recovery.consent_card,
            },
            "roles": {
                "administrator": self.roles.administrator,
                "witnesses": list(self.roles.witnesses),
                "auditor": self.roles.auditor,
                "signers": [{"name": s.name, "key": s.key} for s in self.roles.signers],
            },
            "paper": {"size": self.paper_size.value},
            "output": {"directory": self.output_directory},
            "share_count": scheme.share_count,
            "words_per_share": scheme.words_per_share,
            "minimum_holders": self.minimum_holders,
        }


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file."""
    path = Path(path)
    try:
        with path.open("rb") as handle:
            data = handle.read(MAX_PLAN_BYTES + 1)
    except OSError as exc:
        raise BadInput(
            f"cannot read the plan {path}: {exc.strerror or exc}",
            "check the path; `ceremony plan new FILE` writes an annotated example",
        ) from None
    return parse_plan(data, source=str(path))


def parse_plan(data: bytes, *, source: str = "plan") -> Plan:
    """Validate a plan from the file's bytes; `source` names the file in error messages."""
    if len(data) > MAX_PLAN_BYTES:
        raise BadInput(
            f"{source}: the plan is larger than {MAX_PLAN_BYTES // 1024} KiB",
            "a plan is a short text file; check that this is the right file",
        )
    text = _decode(data, source)
    if not text.strip():
        raise BadInput(
            f"{source}: the plan file is empty",
            "run `ceremony plan new FILE` for an annotated example to start from",
        )
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, exc) from None
    if not document:
        raise BadInput(
            f"{source}: the plan has no settings, only comments",
            "run `ceremony plan new FILE` for an annotated example to start from",
        )
    reader = _Reader(source, text)
    return reader.plan(document, sha256=hashlib.sha256(data).hexdigest())


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "72h", "3d", "1w 2d" or "90m" (units s, m, h, d, w)."""
    if not _DURATION.match(text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(n) * _UNITS[u.lower()] for n, u in _DURATION_PART.findall(text))


def _decode(data: bytes, source: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(
            f"{source}, line {line}: the plan is not UTF-8 text",
            "save the plan as UTF-8 (most editors offer it under 'Save as' / 'Encoding')",
        ) from None
    return text.removeprefix("\ufeff")


def _toml_error(source: str, exc: tomllib.TOMLDecodeError) -> BadInput:
    message = str(exc)
    where = source
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        where = f"{source}, line {match.group(1)}, column {match.group(2)}"
        message = message[: match.start()]
    elif message.endswith("(at end of document)"):
        where = f"{source}, at the end"
        message = message.removesuffix("(at end of document)").rstrip()
    reason = message[:1].lower() + message[1:]
    return BadInput(
        f"{where}: not valid TOML: {reason}",
        'text goes in double quotes (name = "Alice"), lists in [ ], each key once per table; '
        "compare with `ceremony plan new`",
    )


# --- reading the document ------------------------------------------------------------------------

Key = tuple[str | int, ...]
_E = TypeVar("_E", bound=StrEnum)
_MISSING = object()

_TOP = ("ceremony", "secret", "entropy", "groups", "recovery", "roles", "paper", "output")
_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "true or false"),
    (int, "a whole number"),
    (float, "a decimal number"),
    (str, "text in quotes"),
    (list, "a list"),
    (dict, "a table"),
)


def _type_name(value: object) -> str:
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return "a date or time"


def _field(path: Key) -> str:
    """`groups[2].holders[1].name`: positions count from 1, as people count them."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def field_name(path: Key) -> str:
    """How an error names a field: `groups[2].holders[1].name`."""
    return _field(path)


def field_line(text: str, path: Key) -> int | None:
    """The line of the plan `text` where the field `path` is written (or its table), if known."""
    lines = _line_index(text)
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def _norm(name: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


class _Reader:
    """Walks the parsed document; every error carries the field and the line it comes from."""

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self._lines: dict[Key, int] | None = None

    # errors

    def line_of(self, path: Key) -> int | None:
        if self._lines is None:
            self._lines = _line_index(self.text)
        for end in range(len(path), -1, -1):
            line = self._lines.get(path[:end])
            if line is not None:
                return line
        return None

    def fail(self, path: Key, problem: str, hint: str) -> NoReturn:
        line = self.line_of(path)
        where = f"{self.source}, line {line}" if line else self.source
        raise BadInput(f"{where}: {problem}", hint)

    # shapes

    def table(self, value: object, path: Key) -> dict[str, object]:
        if not isinstance(value, dict):
            self.fail(
                path,
                f"{_field(path)} must be a table, not {_type_name(value)}",
                f"write it as a section: [{_field(path)}] followed by its keys",
            )
        return value

    def keys(
        self,
        table: dict[str, object],
        path: Key,
        allowed: Sequence[str],
        required: Sequence[str] = (),
    ) -> None:
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                guess = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(allowed)
                self.fail(
                    (*path, key),
                    f"unknown key {_field((*path, key))!r}{guess}",
                    f"the keys here are: {known}",
                )
        for key in required:
            if key not in table:
                self.fail(
                    path,
                    f"{_field((*path, key))} is missing"
                    if path
                    else f"the [{'[groups]' if key == 'groups' else key}] section is missing",
                    "add it; `ceremony plan new` writes an example with every field explained",
                )

    def get(self, table: dict[str, object], path: Key, key: str, default: object) -> object:
        if key in table:
            return table[key]
        if default is _MISSING:
            self.fail(
                path,
                f"{_field((*path, key))} is missing",
                "add it; `ceremony plan new` writes an example with every field explained",
            )
        return default

    def wrong_type(self, path: Key, value: object, wanted: str, example: str) -> NoReturn:
        self.fail(
            path,
            f"{_field(path)} must be {wanted}, not {_type_name(value)}",
            f"write it as in: {example}",
        )

    def text_value(
        self,
        value: object,
        path: Key,
        *,
        what: str,
        limit: int = MAX_NAME,
        empty_ok: bool = False,
    ) -> str:
        if not isinstance(value, str):
            self.fail(
                path,
                f"{_field(path)} must be text in quotes, not {_type_name(value)}",
                f'put {what} in double quotes, as in "..."',
            )
        text = value.strip()
        if not text and not empty_ok:
            self.fail(path, f"{_field(path)} is empty", f"give {what}")
        if len(text) > limit:
            self.fail(
                path,
                f"{_field(path)} is longer than {limit} characters",
                "shorten it; it must fit on a printed card",
            )
        for char in text:
            if unicodedata.category(char) == "Cc" or char in _BIDI_CONTROLS:
                self.fail(
                    path,
                    f"{_field(path)} contains an invisible control character (U+{ord(char):04X})",
                    "retype the text; control characters could hide what is printed",
                )
        return text

    def string(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        *,
        what: str,
        default: object = _MISSING,
        limit: int = MAX_NAME,
        empty_ok: bool = False,
    ) -> str:
        value = self.get(table, path, key, default)
        return self.text_value(value, (*path, key), what=what, limit=limit, empty_ok=empty_ok)

    def integer(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        *,
        default: object = _MISSING,
        example: str,
    ) -> int:
        value = self.get(table, path, key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type((*path, key), value, "a whole number", example)
        return value

    def boolean(
        self, table: dict[str, object], path: Key, key: str, *, default: object = _MISSING
    ) -> bool:
        value = self.get(table, path, key, default)
        if not isinstance(value, bool):
            self.wrong_type((*path, key), value, "true or false", f"{key} = false")
        return value

    def choice(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        enum: type[_E],
        *,
        default: object = _MISSING,
    ) -> _E:
        value = self.get(table, path, key, default)
        options = [member.value for member in enum]
        listed = ", ".join(f'"{o}"' for o in options)
        if not isinstance(value, str):
            self.wrong_type((*path, key), value, f"one of {listed}", f'{key} = "{options[0]}"')
        for member in enum:
            if member.value.lower() == value.strip().lower():
                return member
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        self.fail(
            (*path, key),
            f"{_field((*path, key))} = {value!r} is not a known choice{guess}",
            f"use one of {listed}",
        )

    def names(self, table: dict[str, object], path: Key, key: str, *, what: str) -> list[str]:
        value = self.get(table, path, key, [])
        if not isinstance(value, list):
            self.wrong_type((*path, key), value, "a list", f'{key} = ["Name One", "Name Two"]')
        return [self.text_value(v, (*path, key, i), what=what) for i, v in enumerate(value)]

    # sections

    def plan(self, document: dict[str, object], *, sha256: str) -> Plan:
        root: Key = ()
        self.keys(document, root, _TOP, ("ceremony", "secret", "groups", "roles", "output"))
        path: Key = ("ceremony",)
        ceremony = self.table(document["ceremony"], path)
        self.keys(ceremony, path, ("name", "demo"), ("name",))
        name = self.string(ceremony, path, "name", what="the ceremony's name")
        demo = self.boolean(ceremony, path, "demo", default=False)

        secret = self.secret(document)
        groups = self.groups(document, secret)
        entropy = self.entropy(document)
        recovery = self.recovery(document, secret)
        roles = self.roles(document)

        paper = self.table(document.get("paper", {}), ("paper",))
        self.keys(paper, ("paper",), ("size",))
        size = self.choice(paper, ("paper",), "size", PaperSize, default="A4")

        path = ("output",)
        output = self.table(document["output"], path)
        self.keys(output, path, ("directory",), ("directory",))
        directory = self.string(
            output, path, "directory", what="a directory for the kit", limit=4096
        )
        if "\x00" in directory:
            self.fail((*path, "directory"), "output.directory contains a NUL", "retype the path")

        return Plan(
            name=name,
            secret=secret,
            groups=groups,
            entropy=entropy,
            recovery=recovery,
            roles=roles,
            paper_size=size,
            output_directory=directory,
            demo=demo,
            sha256=sha256,
            text=self.text,
        )

    def secret(self, document: dict[str, object]) -> SecretPolicy:
        path: Key = ("secret",)
        table = self.table(document["secret"], path)
        self.keys(
            table,
            path,
            (
                "strength",
                "kind",
                "group_threshold",
                "passphrase",
                "iteration_exponent",
                "extendable",
            ),
            ("strength", "group_threshold"),
        )
        strength = self.integer(table, path, "strength", example="strength = 256")
        kind = self.choice(table, path, "kind", SecretKind, default="slip39")
        try:
            check_strength(strength, kind)
        except BadInput as exc:
            self.fail((*path, "strength"), f"secret.strength: {exc.message}", exc.hint)
        return SecretPolicy(
            strength_bits=strength,
            kind=kind,
            group_threshold=self.integer(
                table, path, "group_threshold", example="group_threshold = 2"
            ),
            passphrase=self.choice(table, path, "passphrase", PassphrasePolicy, default="none"),
            iteration_exponent=self.integer(
                table, path, "iteration_exponent", default=1, example="iteration_exponent = 1"
            ),
            extendable=self.boolean(table, path, "extendable", default=True),
        )

    def groups(self, document: dict[str, object], secret: SecretPolicy) -> tuple[Group, ...]:
        path: Key = ("groups",)
        value = document["groups"]
        if not isinstance(value, list) or not all(isinstance(g, dict) for g in value):
            self.fail(
                path,
                "groups must be a list of tables",
                "write each group under its own [[groups]] header, with name, threshold, holders",
            )
        if not value:
            self.fail(path, "groups is empty", "give at least one [[groups]] section")
        if len(value) > MAX_GROUPS:
            self.fail(
                (*path, MAX_GROUPS),
                f"{len(value)} groups; SLIP-39 allows at most {MAX_GROUPS}",
                f"merge groups so that there are at most {MAX_GROUPS}",
            )
        groups = tuple(self.group(item, (*path, i)) for i, item in enumerate(value))
        self.unique_holders(groups)
        seen: dict[str, int] = {}
        for i, group in enumerate(groups):
            if group.name.lower() in seen:
                self.fail(
                    (*path, i, "name"),
                    f"groups[{i + 1}].name {group.name!r} is also the name of "
                    f"groups[{seen[group.name.lower()] + 1}]",
                    "give every group its own name",
                )
            seen[group.name.lower()] = i
        try:
            Scheme(
                group_threshold=secret.group_threshold,
                groups=tuple(g.to_spec() for g in groups),
                strength_bits=secret.strength_bits,
                kind=secret.kind,
                iteration_exponent=secret.iteration_exponent,
                extendable=secret.extendable,
            )
        except BadInput as exc:
            where: Key = ("secret", "iteration_exponent")
            if not 1 <= secret.group_threshold <= len(groups):
                where = ("secret", "group_threshold")
            self.fail(where, f"{_field(where)}: {exc.message}", exc.hint)
        return groups

    def group(self, value: object, path: Key) -> Group:
        table = self.table(value, path)
        self.keys(table, path, ("name", "threshold", "holders"), ("name", "threshold", "holders"))
        name = self.string(table, path, "name", what="the group's name, such as treasury")
        if not GROUP_NAME.match(name):
            self.fail(
                (*path, "name"),
                f"{_field((*path, 'name'))} {name!r} is not usable as a group name",
                "use 1 to 40 letters, digits, '-', '_' or '.', starting with a letter or digit",
            )
        threshold = self.integer(table, path, "threshold", example="threshold = 2")
        raw = table["holders"]
        hpath: Key = (*path, "holders")
        if not isinstance(raw, list):
            self.wrong_type(
                hpath, raw, "a list of holders", 'holders = [ { name = "Alice", contact = "..." } ]'
            )
        if not raw:
            self.fail(hpath, f"{_field(hpath)} is empty", "name one holder per share")
        if len(raw) > MAX_MEMBERS:
            self.fail(
                (*hpath, MAX_MEMBERS),
                f"{_field(path)} has {len(raw)} holders; SLIP-39 allows at most {MAX_MEMBERS}",
                f"split the group, or use at most {MAX_MEMBERS} holders per group",
            )
        holders = tuple(self.holder(item, (*hpath, i)) for i, item in enumerate(raw))
        group = Group(name=name, threshold=threshold, holders=holders)
        try:
            group.to_spec()
        except BadInput as exc:
            self.fail(
                (*path, "threshold"), f"{_field((*path, 'threshold'))}: {exc.message}", exc.hint
            )
        return group

    def holder(self, value: object, path: Key) -> Holder:
        if not isinstance(value, dict):
            self.wrong_type(
                path, value, "a table", '{ name = "Alice", contact = "alice@example.org" }'
            )
        self.keys(value, path, ("name", "contact", "transliteration"), ("name",))
        return Holder(
            name=self.string(value, path, "name", what="the holder's name"),
            contact=self.contact(value, path),
            transliteration=self.string(
                value,
                path,
                "transliteration",
                what="the name in Latin letters",
                default="",
                empty_ok=True,
            ),
        )

    def contact(self, table: dict[str, object], path: Key) -> str:
        """Optional contact details: free text, but an e-mail address or a telephone number
        written alone must look like one, so that a typo is caught before it is printed."""
        text = self.string(
            table,
            path,
            "contact",
            what="how to reach them",
            default="",
            limit=MAX_CONTACT,
            empty_ok=True,
        )
        problem = contact_problem(text)
        if problem:
            self.fail(
                (*path, "contact"),
                f"{_field((*path, 'contact'))} {text!r} {problem}",
                "write an e-mail address (name@example.org), a telephone number with its "
                'country code ("+44 20 7946 0000"), or a short note ("via the law firm")',
            )
        return text

    def person(self, value: object, path: Key, *, what: str) -> tuple[str, str]:
        """A role: a name in quotes, or `{ name = "...", contact = "..." }`."""
        if isinstance(value, dict):
            self.keys(value, path, ("name", "contact"), ("name",))
            name = self.string(value, path, "name", what=what)
            return name, self.contact(value, path)
        return self.text_value(value, path, what=what), ""

    def unique_holders(self, groups: Iterable[Group]) -> None:
        seen: dict[str, Key] = {}
        for gi, group in enumerate(groups):
            for hi, holder in enumerate(group.holders):
                path: Key = ("groups", gi, "holders", hi, "name")
                key = _norm(holder.name)
                if key in seen:
                    self.fail(
                        path,
                        f"holder {holder.name!r} ({_field(path)}) is already named at "
                        f"{_field(seen[key])}",
                        "each holder keeps one share; give every holder a distinct name "
                        "(add an initial if two people share a name)",
                    )
                seen[key] = path

    def entropy(self, document: dict[str, object]) -> EntropyPolicy:
        path: Key = ("entropy",)
        table = self.table(document.get("entropy", {}), path)
        self.keys(table, path, ("source", "dice_sides"))
        source = self.choice(table, path, "source", EntropySource, default="csprng")
        sides = self.integer(table, path, "dice_sides", default=6, example="dice_sides = 6")
        if not MIN_DICE_SIDES <= sides <= MAX_DICE_SIDES:
            self.fail(
                (*path, "dice_sides"),
                f"entropy.dice_sides = {sides} is not a die",
                f"use the number of faces of a fair die, {MIN_DICE_SIDES} to {MAX_DICE_SIDES} "
                "(6 for ordinary dice)",
            )
        return EntropyPolicy(source=source, dice_sides=sides)

    def recovery(self, document: dict[str, object], secret: SecretPolicy) -> RecoveryPolicy:
        path: Key = ("recovery",)
        table = self.table(document.get("recovery", {}), path)
        self.keys(
            table, path, ("mode", "delay", "attacker_speedup", "consent_card", "consent_keeper")
        )
        mode = self.choice(table, path, "mode", RecoveryMode, default="evidenced")
        raw_delay = self.get(table, path, "delay", "72h")
        if not isinstance(raw_delay, str):
            self.wrong_type((*path, "delay"), raw_delay, "text in quotes", 'delay = "72h"')
        delay = raw_delay.strip()
        try:
            seconds = parse_duration(delay)
        except ValueError:
            self.fail(
                (*path, "delay"),
                f"recovery.delay = {raw_delay!r} is not a duration",
                'write a number and a unit: s, m, h, d or w, as in "72h", "3d" or "1w 2d"',
            )
        if mode is not RecoveryMode.NONE and not 0 < seconds <= MAX_DELAY_SECONDS:
            self.fail(
                (*path, "delay"),
                f"recovery.delay = {raw_delay!r} must be more than zero and at most 100 years",
                'choose a delay such as "72h", or set mode = "none"',
            )
        speedup = self.integer(
            table, path, "attacker_speedup", default=10, example="attacker_speedup = 10"
        )
        if not 1 <= speedup <= MAX_SPEEDUP:
            self.fail(
                (*path, "attacker_speedup"),
                f"recovery.attacker_speedup = {speedup} is outside 1 to {MAX_SPEEDUP}",
                "published FPGA and ASIC results are 6 to 20 times a CPU; 10 is the default",
            )
        consent = self.boolean(table, path, "consent_card", default=False)
        if consent and mode is not RecoveryMode.SEALED:
            self.fail(
                (*path, "consent_card"),
                'recovery.consent_card = true needs mode = "sealed"',
                "a consent card holds the sealed time lock's passphrase; without a sealed lock "
                "there is nothing for it to hold",
            )
        if mode is RecoveryMode.SEALED and secret.passphrase is PassphrasePolicy.PROMPT:
            self.fail(
                ("secret", "passphrase"),
                'secret.passphrase = "prompt" cannot be combined with a sealed time lock',
                'the sealed lock uses the passphrase itself; set passphrase = "none" or choose '
                'recovery mode "evidenced"',
            )
        return RecoveryPolicy(
            mode=mode,
            delay=delay,
            delay_seconds=seconds,
            attacker_speedup=speedup,
            consent_card=consent,
            consent_keeper=self.string(
                table,
                path,
                "consent_keeper",
                what="who keeps the consent card",
                default="",
                empty_ok=True,
            ),
        )

    def roles(self, document: dict[str, object]) -> Roles:
        path: Key = ("roles",)
        table = self.table(document["roles"], path)
        self.keys(
            table, path, ("administrator", "witnesses", "auditor", "signers"), ("administrator",)
        )
        contacts: list[tuple[str, str]] = []
        administrator, reach = self.person(
            table["administrator"],
            (*path, "administrator"),
            what="the name of who runs the ceremony",
        )
        contacts.append((administrator, reach))
        raw = self.get(table, path, "witnesses", [])
        if not isinstance(raw, list):
            self.wrong_type((*path, "witnesses"), raw, "a list", 'witnesses = ["Name One"]')
        witnesses: list[str] = []
        seen: set[str] = set()
        for i, item in enumerate(raw):
            witness, reach = self.person(item, (*path, "witnesses", i), what="a witness's name")
            if _norm(witness) in seen:
                self.fail(
                    (*path, "witnesses", i),
                    f"witness {witness!r} is listed twice",
                    "name each witness once",
                )
            seen.add(_norm(witness))
            witnesses.append(witness)
            contacts.append((witness, reach))
        auditor = None
        if "auditor" in table:
            value = table["auditor"]
            if isinstance(value, dict):
                auditor, reach = self.person(value, (*path, "auditor"), what="the auditor's name")
                contacts.append((auditor, reach))
            else:
                auditor = (
                    self.string(table, path, "auditor", what="the auditor's name", empty_ok=True)
                    or None
                )
        return Roles(
            administrator=administrator,
            witnesses=tuple(witnesses),
            auditor=auditor,
            contacts=tuple((name, reach) for name, reach in contacts if reach),
            signers=self.signers(table, path),
        )

    def signers(self, table: dict[str, object], path: Key) -> tuple[Signer, ...]:
        value = table.get("signers", [])
        example = '[{ name = "Wendy Example", key = "ssh-ed25519 AAAA... wendy@laptop" }]'
        if not isinstance(value, list):
            self.wrong_type((*path, "signers"), value, "a list of tables", f"signers = {example}")
        found: list[Signer] = []
        for i, item in enumerate(value):
            where: Key = (*path, "signers", i)
            if not isinstance(item, dict):
                self.wrong_type(where, item, "a table", example[1:-1])
            self.keys(item, where, ("name", "key"), ("name", "key"))
            name = self.string(item, where, "name", what="the signer's name")
            key = self.string(item, where, "key", what="an OpenSSH public key", limit=1000)
            problem = ed25519_key_problem(key)
            if problem:
                self.fail(
                    (*where, "key"),
                    f"{_field((*where, 'key'))}: {problem}",
                    "paste the whole line of the signer's ~/.ssh/id_ed25519.pub "
                    "(ssh-ed25519 AAAA... comment)",
                )
            for other in found:
                if _norm(other.name) == _norm(name) or other.key.split()[:2] == key.split()[:2]:
                    self.fail(
                        where,
                        f"signer {name!r} repeats the name or key of {other.name!r}",
                        "list each signer once, each with their own key",
                    )
            found.append(Signer(name=name, key=key))
        return tuple(found)


def ed25519_key_problem(line: str) -> str:
    """Why `line` is not an OpenSSH Ed25519 public key, or "" when it is one."""
    from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey
    from cryptography.hazmat.primitives.serialization import load_ssh_public_key

    parts = line.split()
    if len(parts) < 2 or parts[0] != "ssh-ed25519":
        return "not an OpenSSH Ed25519 public key (it starts with ssh-ed25519)"
    try:
        key = load_ssh_public_key(f"{parts[0]} {parts[1]}".encode("ascii"))
    except (ValueError, UnicodeEncodeError):
        return "the key does not decode (a character was lost in copying?)"
    if not isinstance(key, Ed25519PublicKey):
        return "not an Ed25519 key"
    return ""


_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s.]{2,}$")
_PHONE_CHARS = re.compile(r"^[+\d][\d ().-]*$")


def contact_problem(text: str) -> str | None:
    """Why contact details cannot be right, or None: an address alone must be an e-mail address,
    digits alone a telephone number of 6 to 15 digits (E.164 allows 15)."""
    if not text:
        return None
    if "@" in text and " " not in text and not _EMAIL.match(text):
        return "is not an e-mail address"
    if _PHONE_CHARS.match(text):
        digits = sum(char.isdigit() for char in text)
        if not 6 <= digits <= 15:
            return f"has {digits} digits, not a telephone number (6 to 15 digits)"
    return None


# --- where a key is in the text --------------------------------------------------------------------
# tomllib gives values without positions, so a small scanner walks the (already valid) text and notes
# where each table header, key, list item and inline-table key starts.


def _line_index(text: str) -> dict[Key, int]:
    scanner = _Scanner(text)
    # Positions found before a surprise are still right; other paths fall back to an outer line.
    with contextlib.suppress(IndexError, ValueError):
        scanner.run()
    return {path: text.count("\n", 0, offset) + 1 for path, offset in scanner.found.items()}


_BARE = re.compile(r"[A-Za-z0-9_-]+")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.t = text
        self.found: dict[Key, int] = {}
        self.arrays: dict[Key, int] = {}

    def note(self, path: Key, offset: int) -> None:
        self.found.setdefault(path, offset)

    def run(self) -> None:
        t = self.t
        i = 0
        current: Key = ()
        while True:
            i = self.space(i, lines=True)
            if i >= len(t):
                return
            start = i
            if t[i] == "[":
                is_array = t.startswith("[[", i)
                parts, i = self.key(i + (2 if is_array else 1))
                parent = self.resolve(parts[:-1])
                path: Key = (*parent, parts[-1])
                if is_array:
                    count = self.arrays.get(path, 0)
                    self.arrays[path] = count + 1
                    self.note(path, start)
                    path = (*path, count)
                else:
                    path = self.resolve(parts)
                for n in range(1, len(path) + 1):
                    self.note(path[:n], start)
                current = path
                end = t.find("\n", i)
                i = len(t) if end < 0 else end
            else:
                parts, i = self.key(i)
                for n in range(1, len(parts) + 1):
                    self.note((*current, *parts[:n]), start)
                i = self.space(i)
                if t[i] != "=":
                    raise ValueError("expected '='")
                i = self.value((*current, *parts), self.space(i + 1))
            if i <= start:
                raise ValueError("no progress")

    def resolve(self, parts: Sequence[str]) -> Key:
        path: Key = ()
        for part in parts:
            path = (*path, part)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def space(self, i: int, *, lines: bool = False) -> int:
        t = self.t
        while i < len(t):
            char = t[i]
            if char in " \t" or (lines and char in "\r\n"):
                i += 1
            elif lines and char == "#":
                end = t.find("\n", i)
                i = len(t) if end < 0 else end
            else:
                break
        return i

    def key(self, i: int) -> tuple[list[str], int]:
        t = self.t
        parts: list[str] = []
        while True:
            i = self.space(i)
            if t[i] in "\"'":
                end = self.string(i)
                raw = t[i + 1 : end - 1]
                parts.append(raw)
                i = end
            else:
                match = _BARE.match(t, i)
                if not match:
                    raise ValueError("expected a key")
                parts.append(match.group())
                i = match.end()
            i = self.space(i)
            if i < len(t) and t[i] == ".":
                i += 1
                continue
            if t.startswith("]]", i):
                return parts, i + 2
            if t[i] == "]":
                return parts, i + 1
            return parts, i

    def string(self, i: int) -> int:
        """The offset just after the string that starts at `i`."""
        t = self.t
        quote = t[i]
        if t.startswith(quote * 3, i):
            j = i + 3
            while True:
                end = t.index(quote * 3, j)
                if quote == '"' and _escaped(t, end):
                    j = end + 1
                    continue
                end += 3
                extra = 0
                while extra < 2 and end < len(t) and t[end] == quote:
                    end += 1
                    extra += 1
                return end
        j = i + 1
        while t[j] != quote or (quote == '"' and _escaped(t, j)):
            if t[j] == "\n":
                raise ValueError("unterminated string")
            j += 1
        return j + 1

    def value(self, path: Key, i: int) -> int:
        t = self.t
        char = t[i]
        if char in "\"'":
            return self.string(i)
        if char == "[":
            i += 1
            index = 0
            while True:
                i = self.space(i, lines=True)
                if t[i] == "]":
                    return i + 1
                self.note((*path, index), i)
                i = self.space(self.value((*path, index), i), lines=True)
                if t[i] == ",":
                    i += 1
                    index += 1
        if char == "{":
            i += 1
            while True:
                i = self.space(i, lines=True)
                if t[i] == "}":
                    return i + 1
                start = i
                parts, i = self.key(i)
                for n in range(1, len(parts) + 1):
                    self.note((*path, *parts[:n]), start)
                i = self.space(i)
                if t[i] != "=":
                    raise ValueError("expected '='")
                i = self.space(self.value((*path, *parts), self.space(i + 1)), lines=True)
                if t[i] == ",":
                    i += 1
        end = i
        while end < len(t) and t[end] not in ",]}\n#":
            end += 1
        return end


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
