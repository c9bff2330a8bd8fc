"""The custody log: a hash-chained transcript (the same format as the ceremony's) that a holder's
yearly `check-share --log FILE` and every `reprint` append to, so the audit can say when each share
was last seen. Public: holder, group, member, check code and the machine's (untrusted) clock; never
a word of a share.

The log is never closed: each run resumes it (after checking its whole chain), appends one entry,
and suspends it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.model.record import Record
from ceremony.workflows.check_share import ShareCheck
from ceremony.workflows.transcript import Json, Transcript, verify_transcript

CUSTODY_LOG = "custody.jsonl"
CHECKED = "share_checked"
REPRINTED = "card_reprinted"


@dataclass(frozen=True)
class Sighting:
    """One time a share was seen: checked by its holder, or reprinted."""

    event: str
    ceremony_id: str
    holder: str
    group: str
    member: int
    check_code: str
    clock_untrusted: str


def append_sighting(
    log: Path,
    record: Record,
    check: ShareCheck,
    *,
    event: str = CHECKED,
    extra: Mapping[str, Json] | None = None,
) -> int:
    """Append one entry; returns its number in the log."""
    log = Path(log)
    if log.exists():
        transcript = Transcript.resume(log)
    else:
        if not log.parent.is_dir():
            raise BadInput(
                f"the folder of the custody log {log} does not exist",
                "give a path in an existing folder, such as the kit's custody.jsonl",
            )
        transcript = Transcript.create(
            log,
            role="custodian",
            data={"purpose": "custody log", "origin_ceremony_id": _origin(record)},
        )
    try:
        entry = transcript.append(
            event,
            role="shareholder",
            data={
                "ceremony_id": check.ceremony_id,
                "holder": check.holder,
                "group": check.group,
                "member": check.member,
                "check_code": check.check_code,
                **(extra or {}),
            },
        )
    finally:
        transcript.suspend()
    return entry.seq


def read_sightings(log: Path) -> list[Sighting]:
    """Every sighting in a custody log, after checking its chain (raises when broken)."""
    summary = verify_transcript(log)
    found = []
    for entry in summary.entries:
        if entry.event not in (CHECKED, REPRINTED):
            continue
        data = entry.data
        member = data.get("member")
        found.append(
            Sighting(
                event=entry.event,
                ceremony_id=str(data.get("ceremony_id", "")),
                holder=str(data.get("holder", "")),
                group=str(data.get("group", "")),
                member=member if isinstance(member, int) else 0,
                check_code=str(data.get("check_code", "")),
                clock_untrusted=entry.clock_untrusted,
            )
        )
    return found


def _origin(record: Record) -> str:
    return record.lineage.origin_ceremony_id if record.lineage else record.ceremony_id
