"""`ceremony extend`: new shares for one group, and its flavour `replace` (a lost card's holder gets
a new share at a new member number; the lost one is recorded as reported lost, and still works if
found).

Only the group's threshold of holders take part: their shares fix the group's member polynomial,
which the tool evaluates at unused member numbers. No other group is needed, and issuing the shares
never rebuilds the master secret; the read-back proof after the kit is written does, once, in
memory, from the printed cards (the predecessor's and the new), as the first ceremony's does.
Everything the amendment asks is checked against the predecessor's record before
the transcript is opened, so a wrong amendment writes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

from ceremony import __version__
from ceremony.core.lifecycle import GroupExtension, extend_group
from ceremony.errors import BadInput, Refused
from ceremony.model.amendment import Amendment, AmendmentKind, GroupChange
from ceremony.model.record import IssuedShare, Lineage, LostCard, Record
from ceremony.model.scheme import GroupSpec
from ceremony.model.share import Share
from ceremony.workflows.ceremony import Outcome
from ceremony.workflows.check_share import ShareCheck as Found
from ceremony.workflows.lifecycle.base import LifecycleRun
from ceremony.workflows.split import SplitResult
from ceremony.workflows.transcript import Json

MAX_MEMBERS = 16
NOT_REBUILT = (
    "only this group's holders are needed; no other group, and issuing the new shares never "
    "rebuilds the master secret (the read-back proof after printing rebuilds it once, in memory, "
    "from the printed cards, to compare its fingerprint with the record)"
)
STILL_WORKS = (
    "a card reported lost still works if found: whoever finds it holds a share of this group. "
    "If that matters, reshare under a new scheme (`ceremony reshare`) to retire every old card"
)


@dataclass(frozen=True)
class GroupPlan:
    """What the amendment asks of one group, checked against the record."""

    index: int
    spec: GroupSpec
    used: tuple[int, ...]
    """0-based member indexes issued before."""
    new: tuple[int, ...]
    """0-based member indexes to issue, one per new holder."""
    lost: tuple[int, ...]
    """1-based member numbers reported lost by this amendment."""
    change: GroupChange


def plan_group_change(amendment: Amendment, record: Record) -> GroupPlan:
    """Refuse a group the record does not have; new members take numbers after the ones already
    issued."""
    change = amendment.group
    if change is None:  # pragma: no cover - the amendment parser requires it
        raise BadInput("the amendment names no group", "add a [group] section")
    names = record.group_names()
    if change.name not in names:
        raise BadInput(
            f"the record has no group named {change.name!r}",
            f"its groups are {', '.join(names)}; to add a group, reshare under a new scheme",
        )
    index = names.index(change.name)
    spec = record.groups[index]
    used = tuple(range(spec.count))
    new: list[int] = []
    next_free = spec.count
    for holder in change.holders:
        if holder.member is not None:
            wanted = holder.member - 1
            if wanted in used or wanted in new:
                raise BadInput(
                    f"member {holder.member} of group {spec.name} is already used",
                    f"the group has members 1 to {spec.count}; leave `member` out to take the "
                    "next unused one",
                )
            if wanted != next_free:
                raise BadInput(
                    f"member {holder.member} of group {spec.name} would leave a gap: the next "
                    f"unused member is {next_free + 1}",
                    "leave `member` out to take the next unused one",
                )
        new.append(next_free)
        next_free += 1
    if next_free > MAX_MEMBERS:
        raise BadInput(
            f"group {spec.name} has {spec.count} members; {len(new)} more would make "
            f"{next_free}, and a SLIP-39 group holds at most {MAX_MEMBERS}",
            "to add more holders, reshare under a new scheme (`ceremony reshare`)",
        )
    if spec.threshold == 1:
        raise Refused(
            f"group {spec.name} has a threshold of 1: SLIP-39 allows such a group one member",
            "to replace a worn card, reprint it (`ceremony reprint`); to add holders, reshare",
        )
    for number in change.lost:
        if not 1 <= number <= spec.count:
            raise BadInput(
                f"group {spec.name} has no member {number} to report lost",
                f"its members are 1 to {spec.count}; the number is on the lost card's record row",
            )
    already = set(_lost_before(record, spec.name))
    usable = next_free - len(already | set(change.lost))
    if usable < spec.threshold:
        raise Refused(
            f"after this amendment group {spec.name} would have {usable} usable card(s), fewer "
            f"than its threshold of {spec.threshold}: the group could not be recovered",
            "issue more new shares in the same amendment, or reshare under a new scheme",
        )
    return GroupPlan(index, spec, used, tuple(new), tuple(sorted(set(change.lost))), change)


def _lost_before(record: Record, group: str) -> tuple[int, ...]:
    """Member numbers of `group` reported lost by any earlier amendment of this share set."""
    lineage = record.lineage
    if lineage is None:
        return ()
    return tuple(card.member_number for card in lineage.lost_cards() if card.group == group)


def _reported_lost(record: Record, group: str, lost: tuple[int, ...]) -> tuple[LostCard, ...]:
    """The record's lost cards, in every group, and those of `group` reported now."""
    before = record.lineage.lost_cards() if record.lineage else ()
    cards = {*before, *(LostCard(group, number) for number in lost)}
    order = record.group_names()
    return tuple(sorted(cards, key=lambda c: (order.index(c.group), c.member_number)))


class GroupCeremony(LifecycleRun):
    """Extend a group (or replace a lost card), act by act."""

    def check_amendment(self) -> None:
        """Plan the group change up front, so a wrong group name is refused before anything is
        written."""
        self.group = plan_group_change(self.amendment, self.predecessor.record)

    def conditions(self) -> set[str]:
        """A replacement also needs the steps that retire the lost card."""
        found = {"group"}
        if self.amendment.kind is AmendmentKind.REPLACE:
            found.add("replace")
        return found

    def _acts(self) -> Outcome:
        self.preparation()
        typed = self.shares_brought()
        extension = self.new_shares(typed)
        record = self.amended_record(extension)
        split = SplitResult(
            scheme=record.scheme(),
            identifier=record.identifier,
            fingerprint=record.fingerprint,
            commitment=record.commitment,
            groups=(extension.shares,),
        )
        record = self.write_paper(record, split)
        fresh = record.shares[-len(extension.shares) :]
        self.reentry(fresh, extension.shares)
        brought = [s.commitment() for s in typed]
        record = self.sealing(record, [*brought, *(e.commitment for e in fresh)])
        return self.closing(record)

    def shares_brought(self) -> list[Share]:
        """Only the threshold of this one group's holders type their shares; a share from another
        group is refused."""
        spec = self.group.spec
        step = self._begin("2.1")
        self.operator.show_facts(
            "Shares brought",
            [
                ("group", f"{spec.name}: {spec.threshold} of its holders type their shares"),
                ("note", NOT_REBUILT),
            ],
        )
        typed: list[Share] = []

        def describe(found: Found) -> str:
            if found.group != spec.name:
                raise BadInput(
                    f"this share is of group {found.group}, not {spec.name}",
                    f"only holders of group {spec.name} type their shares now",
                )
            return f"{found.holder}: share {found.member} of group {found.group}, check code {found.check_code}"

        for number in range(1, spec.threshold + 1):
            who = f"holder {number} of {spec.threshold} of group {spec.name}"
            self._old_share(step, who, typed, describe)
        return typed

    def new_shares(self, typed: list[Share]) -> GroupExtension:
        """Issue the new members of the group from the shares typed; the master secret is not
        rebuilt for it."""
        plan = self.group
        step = self._begin("3.1")
        extension = extend_group(typed, plan.used, plan.new)
        numbers: list[Json] = [i + 1 for i in plan.new]
        self.operator.show_facts(
            "New shares",
            [
                ("group", plan.spec.name),
                ("new member numbers", ", ".join(str(n) for n in numbers)),
                ("note", NOT_REBUILT),
            ],
        )
        self._log(
            "extension",
            step,
            {
                "group": plan.spec.name,
                "identifier": extension.identifier,
                "new_members": numbers,
                "share_commitments": [s.commitment() for s in extension.shares],
            },
        )
        if plan.lost:
            step = self._begin("3.2")
            self.operator.show_facts(
                "Reported lost",
                [
                    ("members", ", ".join(str(n) for n in plan.lost)),
                    ("warning", STILL_WORKS),
                ],
            )
            self.operator.confirm(step, "Is this the member number of the lost card?")
            self._log("lost_reported", step, {"group": plan.spec.name, "members": list(plan.lost)})
        self._proved(
            self._begin("3.4"),
            len(typed) + len(extension.shares),
            f"passed: the {len(typed)} shares brought and the {len(extension.shares)} new "
            f"share(s) lie on one polynomial of group {plan.spec.name} with a valid digest, "
            "so every qualifying set of the whole scheme, old and new shares, rebuilds "
            "the recorded secret",
            "algebraic: the shares brought match the record's commitments; old "
            "and new shares lie on the group's member polynomial and its digest holds; the "
            "other groups are unchanged",
        )
        return extension

    def amended_record(self, extension: GroupExtension) -> Record:
        """The predecessor's record with the group's count raised and the new cards added; the other
        groups are unchanged."""
        before = self.predecessor.record
        plan = self.group
        spec = replace(plan.spec, count=plan.spec.count + len(extension.shares))
        groups = tuple(spec if i == plan.index else g for i, g in enumerate(before.groups))
        entries = [
            IssuedShare(
                holder=holder.name,
                group=spec.name,
                group_number=plan.index + 1,
                member_number=share.member_number,
                commitment=share.commitment(),
                check_code=share.check_code(),
                contact=holder.contact,
            )
            for holder, share in zip(plan.change.holders, extension.shares, strict=True)
        ]
        lineage = Lineage(
            kind=self.kind,
            predecessor_record_sha256=self.predecessor.record_sha256,
            predecessor_transcript_head=before.transcript_head,
            predecessor_ceremony_id=before.ceremony_id,
            origin_ceremony_id=self.predecessor.origin_ceremony_id,
            amendment_sha256=self.amendment.sha256,
            group=spec.name,
            new_members=tuple(e.member_number for e in entries),
            lost=tuple(sorted(set(_lost_before(before, spec.name)) | set(plan.lost))),
            reported_lost=_reported_lost(before, spec.name, plan.lost),
        )
        return replace(
            before,
            ceremony_id=self.ceremony_id,
            clock_untrusted=self.clock().isoformat(),
            tool=f"ceremony {__version__}",
            demo=before.demo or self.amendment.demo,
            plan_sha256=self.amendment.sha256,
            plan_source="amendment",
            groups=groups,
            shares=(*before.shares, *entries),
            transcript_head="",
            roles={
                "administrator": self.amendment.roles.administrator,
                "witnesses": list(self.amendment.roles.witnesses),
                "auditor": self.amendment.roles.auditor or "",
            },
            lineage=lineage,
        )
