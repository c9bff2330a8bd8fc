"""Shares as holders give them at unlock, each checked against the record as it arrives."""

from __future__ import annotations

from collections.abc import Sequence

from ceremony.errors import BadInput, CeremonyError
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.workflows.check_share import ShareCheck, check_share
from ceremony.workflows.combine import GroupProgress, progress_text


class ShareCollection:
    """Shares given so far, each checked against the record as it arrives. No I/O: the command
    line asks for the shares and shows `progress_lines()` after each one."""

    def __init__(self, record: Record) -> None:
        self.record = record
        self._shares: list[Share] = []
        self._checks: list[ShareCheck] = []
        self.refused = 0
        """Shares given but refused (unreadable, foreign, or given twice), for the transcript."""

    def refuse(self) -> None:
        """Count a share refused before it reached `add` (it could not even be read)."""
        self.refused += 1

    @property
    def shares(self) -> tuple[Share, ...]:
        """A copy of the shares typed so far, so callers cannot change the collection behind its
        back."""
        return tuple(self._shares)

    def add(self, share: Share) -> ShareCheck:
        """Accept a share issued at this ceremony and not given before; raise with the reason."""
        commitment = share.commitment()
        for given, check in zip(self._shares, self._checks, strict=True):
            if given.commitment() == commitment:
                self.refused += 1
                raise BadInput(
                    f"this share was already given ({check.holder}'s, group {check.group})",
                    "each share counts once: the next holder types theirs",
                )
        try:
            check = check_share(self.record, share)
        except CeremonyError:
            self.refused += 1
            raise
        self._shares.append(share)
        self._checks.append(check)
        return check

    def groups(self) -> list[GroupProgress]:
        """How many shares each group of the record has so far, against its threshold."""
        counts = [0] * len(self.record.groups)
        for share in self._shares:
            counts[share.group_index] += 1
        return [
            GroupProgress(group.name, count, group.threshold)
            for group, count in zip(self.record.groups, counts, strict=True)
        ]

    @property
    def complete_groups(self) -> int:
        """Groups that already have their threshold of shares."""
        return sum(1 for group in self.groups() if group.complete)

    @property
    def quorum(self) -> bool:
        """Whether enough groups are complete to recover."""
        return self.complete_groups >= self.record.group_threshold

    def progress_lines(self) -> list[str]:
        """What is still missing, group by group, for the people typing shares."""
        return progress_text(
            self.groups(),
            group_threshold=self.record.group_threshold,
            group_count=len(self.record.groups),
        )


def collect(record: Record, shares: Sequence[Share]) -> ShareCollection:
    """Every share through the same checks as at the prompt (for shares from a file)."""
    collection = ShareCollection(record)
    for share in shares:
        collection.add(share)
    return collection
