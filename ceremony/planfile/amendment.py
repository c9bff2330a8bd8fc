"""Reading a plan amendment (see `ceremony.model.amendment` for its format and what it holds)."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import NoReturn

from ceremony.model.amendment import Amendment, AmendmentKind, GroupChange, NewHolder
from ceremony.model.scheme import MAX_MEMBERS
from ceremony.planfile.fields import parse_toml, read_bounded
from ceremony.planfile.people import MAX_CONTACT, PeopleReader
from ceremony.planfile.positions import Key

_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_TOP = ("amendment", "predecessor", "group", "reshare", "roles", "paper", "output")
_FORMAT = "`ceremony extend --help` shows the amendment's format"


def load_amendment(path: Path) -> Amendment:
    """Read and validate an amendment file; its folder anchors the relative paths inside it."""
    path = Path(path)
    data = read_bounded(path, what="amendment", hint=f"check the path; {_FORMAT}")
    return parse_amendment(data, source=str(path), folder=path.parent)


def parse_amendment(data: bytes, *, source: str = "amendment", folder: Path) -> Amendment:
    """Validate an amendment from the file's bytes; its identity is their SHA-256."""
    text, document = parse_toml(data, source=source, what="amendment", example=_FORMAT)
    reader = AmendmentReader(source, text)
    return reader.amendment(document, hashlib.sha256(data).hexdigest(), folder)


class AmendmentReader(PeopleReader):
    """An amendment's sections; the people, paper and output read as in a plan."""

    def fail(self, path: Key, problem: str, hint: str) -> NoReturn:
        """As for a plan, but the hint points to the amendment's format, not `plan new`."""
        hint = hint.replace(
            "`ceremony plan new` writes an example with every field explained",
            _FORMAT,
        )
        super().fail(path, problem, hint)

    def amendment(self, document: dict[str, object], sha256: str, folder: Path) -> Amendment:
        """The whole amendment; an extend or replace has a [group], a reshare a [reshare]."""
        self.keys(document, (), _TOP, ("amendment", "predecessor", "roles", "output"))
        path: Key = ("amendment",)
        head = self.table(document["amendment"], path)
        self.keys(head, path, ("kind", "name", "demo"), ("kind", "name"))
        kind = self.choice(head, path, "kind", AmendmentKind)
        name = self.string(head, path, "name", what="what this ceremony changes")
        demo = self.boolean(head, path, "demo", default=False)
        path = ("predecessor",)
        before = self.table(document["predecessor"], path)
        self.keys(before, path, ("record_sha256", "kit"), ("record_sha256", "kit"))
        record_sha256 = self.string(before, path, "record_sha256", what="a SHA-256").lower()
        if not _HEX64.match(record_sha256):
            self.fail(
                (*path, "record_sha256"),
                "predecessor.record_sha256 is not 64 hex digits",
                "write the output of `sha256sum KIT/record.json` of the kit this amends",
            )
        kit = folder / self.string(before, path, "kit", what="the kit directory", limit=4096)
        group: GroupChange | None = None
        plan_file: Path | None = None
        if kind is AmendmentKind.RESHARE:
            if "group" in document:
                self.fail(("group",), "a reshare takes no [group]", "remove the [group] section")
            path = ("reshare",)
            if "reshare" not in document:
                self.fail((), "the [reshare] section is missing", 'add [reshare] plan = "..."')
            table = self.table(document["reshare"], path)
            self.keys(table, path, ("plan",), ("plan",))
            plan_file = folder / self.string(table, path, "plan", what="the new plan", limit=4096)
        else:
            if "reshare" in document:
                self.fail(("reshare",), f"an {kind.value} takes no [reshare]", "remove it")
            if "group" not in document:
                self.fail((), "the [group] section is missing", "name the group and new holders")
            group = self.group_change(document["group"], kind)
        roles = self.roles(document)
        size = self.paper_size(document)
        directory = self.output_directory(document)
        return Amendment(
            kind=kind,
            name=name,
            demo=demo,
            record_sha256=record_sha256,
            predecessor_kit=kit,
            group=group,
            plan_file=plan_file,
            roles=roles,
            paper_size=size,
            output_directory=directory,
            sha256=sha256,
            text=self.text,
        )

    def group_change(self, value: object, kind: AmendmentKind) -> GroupChange:
        """The group an extension or replacement changes, and which cards were lost."""
        path: Key = ("group",)
        table = self.table(value, path)
        self.keys(table, path, ("name", "holders", "lost"), ("name", "holders"))
        name = self.string(table, path, "name", what="the group's name")
        holders_value = table["holders"]
        if not isinstance(holders_value, list) or not holders_value:
            self.wrong_type(
                (*path, "holders"), holders_value, "a list of one or more holders", _HOLDERS
            )
        holders = tuple(
            self.new_holder(item, (*path, "holders", i)) for i, item in enumerate(holders_value)
        )
        lost_value = table.get("lost", [])
        if not isinstance(lost_value, list) or not all(
            isinstance(n, int) and not isinstance(n, bool) for n in lost_value
        ):
            self.wrong_type((*path, "lost"), lost_value, "a list of member numbers", "lost = [2]")
        lost = tuple(int(n) for n in lost_value)
        if kind is AmendmentKind.REPLACE and not lost:
            self.fail(
                (*path, "lost"),
                "a replacement names the lost card: group.lost is missing or empty",
                "write lost = [N] with the member number printed on the lost card",
            )
        if kind is AmendmentKind.EXTEND and lost:
            self.fail(
                (*path, "lost"),
                "an extension reports no lost card",
                'use kind = "replace" to report a lost card',
            )
        for i, number in enumerate(lost):
            if not 1 <= number <= MAX_MEMBERS:
                self.fail((*path, "lost", i), f"member {number} does not exist", "use 1 to 16")
        return GroupChange(name=name, holders=holders, lost=lost)

    def new_holder(self, value: object, path: Key) -> NewHolder:
        """A new holder; `member` asks for a member number (to reissue a lost one)."""
        if not isinstance(value, dict):
            self.wrong_type(path, value, "a table", _HOLDERS)
        self.keys(value, path, ("name", "contact", "member"), ("name",))
        member = None
        if "member" in value:
            member = self.integer(value, path, "member", example="member = 4")
            if not 1 <= member <= MAX_MEMBERS:
                self.fail(
                    (*path, "member"),
                    f"member {member}: a SLIP-39 group holds at most {MAX_MEMBERS} members",
                    "to add more holders, reshare under a new scheme (`ceremony reshare`)",
                )
        return NewHolder(
            name=self.string(value, path, "name", what="the holder's name"),
            contact=self.string(
                value,
                path,
                "contact",
                what="how to reach the holder",
                default="",
                limit=MAX_CONTACT,
                empty_ok=True,
            ),
            member=member,
        )


_HOLDERS = 'holders = [ { name = "Dora Example", contact = "dora@example.org" } ]'
