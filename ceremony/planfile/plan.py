"""Reading a ceremony plan (see `ceremony.model.plan` for what it holds).

Auditors check this one file, so reading it is strict: every key must be known (a typo such as
`treshold` is an error with a "did you mean", never silently ignored), every value has one type, and
every error names the field and its line. The SLIP-39 limits are checked by `ceremony.model.scheme`,
and its messages are passed on with the plan's line numbers.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.model.plan import (
    EntropyPolicy,
    EntropySource,
    Group,
    Holder,
    PassphrasePolicy,
    Plan,
    RecoveryMode,
    RecoveryPolicy,
    SecretPolicy,
)
from ceremony.model.scheme import (
    GROUP_NAME,
    MAX_GROUPS,
    MAX_MEMBERS,
    Scheme,
    SecretKind,
    check_strength,
)
from ceremony.planfile.fields import parse_toml, read_bounded, same_name
from ceremony.planfile.people import PeopleReader
from ceremony.planfile.positions import Key, field_name

MAX_DELAY_SECONDS = 100 * 365 * 86400
MAX_SPEEDUP = 1_000_000
MIN_DICE_SIDES = 2
MAX_DICE_SIDES = 256
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 7 * 86400}
_DURATION = re.compile(r"^(?:\s*\d+\s*[smhdw])+\s*$", re.IGNORECASE)
_DURATION_PART = re.compile(r"(\d+)\s*([smhdw])", re.IGNORECASE)
_TOP = ("ceremony", "secret", "entropy", "groups", "recovery", "roles", "paper", "output")
_START = "run `ceremony plan new FILE` for an annotated example to start from"


def load_plan(path: Path) -> Plan:
    """Read and validate a plan file."""
    path = Path(path)
    data = read_bounded(
        path,
        what="plan",
        hint="check the path; `ceremony plan new FILE` writes an annotated example",
    )
    return parse_plan(data, source=str(path))


def parse_plan(data: bytes, *, source: str = "plan") -> Plan:
    """Validate a plan from the file's bytes; `source` names the file in error messages. The
    plan's identity is the SHA-256 of these exact bytes."""
    text, document = parse_toml(data, source=source, what="plan", example=_START)
    return PlanReader(source, text).plan(document, sha256=hashlib.sha256(data).hexdigest())


def parse_duration(text: str) -> int:
    """Seconds in a duration such as "72h", "3d", "1w 2d" or "90m" (units s, m, h, d, w)."""
    if not _DURATION.match(text):
        raise ValueError(f"not a duration: {text!r}")
    return sum(int(n) * _UNITS[u.lower()] for n, u in _DURATION_PART.findall(text))


class PlanReader(PeopleReader):
    """The plan's sections, in the order the example file explains them."""

    def plan(self, document: dict[str, object], *, sha256: str) -> Plan:
        """The whole plan; sections are read in an order where later checks can use earlier values."""
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

        size = self.paper_size(document)
        directory = self.output_directory(document)

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
        """The secret's size and SLIP-39 options."""
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
        """The groups, checked together: distinct names and holders, and a valid scheme."""
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
            self.fail(where, f"{field_name(where)}: {exc.message}", exc.hint)
        return groups

    def group(self, value: object, path: Key) -> Group:
        """One group; its threshold is checked against its holders here, with its own line."""
        table = self.table(value, path)
        self.keys(table, path, ("name", "threshold", "holders"), ("name", "threshold", "holders"))
        name = self.string(table, path, "name", what="the group's name, such as treasury")
        if not GROUP_NAME.match(name):
            self.fail(
                (*path, "name"),
                f"{field_name((*path, 'name'))} {name!r} is not usable as a group name",
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
            self.fail(hpath, f"{field_name(hpath)} is empty", "name one holder per share")
        if len(raw) > MAX_MEMBERS:
            self.fail(
                (*hpath, MAX_MEMBERS),
                f"{field_name(path)} has {len(raw)} holders; SLIP-39 allows at most {MAX_MEMBERS}",
                f"split the group, or use at most {MAX_MEMBERS} holders per group",
            )
        holders = tuple(self.holder(item, (*hpath, i)) for i, item in enumerate(raw))
        group = Group(name=name, threshold=threshold, holders=holders)
        try:
            group.to_spec()
        except BadInput as exc:
            self.fail(
                (*path, "threshold"), f"{field_name((*path, 'threshold'))}: {exc.message}", exc.hint
            )
        return group

    def holder(self, value: object, path: Key) -> Holder:
        """One holder, as the card will print them."""
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

    def unique_holders(self, groups: Iterable[Group]) -> None:
        """Refuse a holder named twice: one person holding two shares weakens the threshold
        without anyone seeing it."""
        seen: dict[str, Key] = {}
        for gi, group in enumerate(groups):
            for hi, holder in enumerate(group.holders):
                path: Key = ("groups", gi, "holders", hi, "name")
                key = same_name(holder.name)
                if key in seen:
                    self.fail(
                        path,
                        f"holder {holder.name!r} ({field_name(path)}) is already named at "
                        f"{field_name(seen[key])}",
                        "each holder keeps one share; give every holder a distinct name "
                        "(add an initial if two people share a name)",
                    )
                seen[key] = path

    def entropy(self, document: dict[str, object]) -> EntropyPolicy:
        """Where the secret's randomness comes from, and the dice."""
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
        """The time lock; a consent card needs a sealed lock, and a sealed lock no passphrase."""
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
