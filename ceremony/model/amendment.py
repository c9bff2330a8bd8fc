"""A plan amendment: the one input of a lifecycle ceremony (extend a group, replace a lost card,
reshare under a new scheme). A small TOML file that names the record it amends by its SHA-256, so
an amendment written for one kit can never be run against another.

    [amendment]
    kind = "extend"                 # "extend", "replace" or "reshare"
    name = "Family group: a fourth holder"
    demo = false

    [predecessor]
    record_sha256 = "9f2c..."       # `sha256sum kit/record.json` of the kit this amends
    kit = "kit"                     # where that kit is, relative to this file

    [group]                         # extend and replace
    name = "family"
    lost = [2]                      # replace: member numbers reported lost
    holders = [ { name = "Dora Example", contact = "dora@example.org" } ]

    [reshare]                       # reshare
    plan = "new-plan.toml"          # the new scheme and holders, relative to this file

    [roles]
    administrator = "..."
    witnesses = ["..."]

    [output]
    directory = "kit-2"

The amendment is identified by the SHA-256 of its exact bytes, shown as twelve words.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path

from ceremony.model.hashwords import hash_words
from ceremony.model.paper import PaperSize
from ceremony.model.plan import Roles


class AmendmentKind(StrEnum):
    EXTEND = "extend"
    REPLACE = "replace"
    RESHARE = "reshare"


@dataclass(frozen=True)
class NewHolder:
    name: str
    contact: str = ""
    member: int | None = None
    """The member number (1-based) asked for, or None for the next unused one."""


@dataclass(frozen=True)
class GroupChange:
    name: str
    holders: tuple[NewHolder, ...]
    lost: tuple[int, ...] = ()


@dataclass(frozen=True)
class Amendment:
    kind: AmendmentKind
    name: str
    demo: bool
    record_sha256: str
    predecessor_kit: Path
    """Resolved against the amendment's folder."""
    group: GroupChange | None
    plan_file: Path | None
    """For a reshare: the new plan, resolved against the amendment's folder."""
    roles: Roles
    paper_size: PaperSize
    output_directory: str
    sha256: str
    text: str = field(default="", repr=False, compare=False)

    @property
    def hash_words(self) -> str:
        """The amendment's hash as twelve words, printed on its pages and read aloud."""
        return hash_words(bytes.fromhex(self.sha256))
