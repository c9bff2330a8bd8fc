"""The kit a lifecycle ceremony amends: found by the amendment, checked before anything is written.

The amendment names the predecessor's record by SHA-256; the record found must hash to it, and the
predecessor's transcript must be whole, closed, and end at the head its record names. The
predecessor kit is only ever read: nothing here or after writes into it.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import BadInput, CeremonyError, NotVerified
from ceremony.model.record import Record
from ceremony.workflows.inputs import decode_text, read_bounded
from ceremony.workflows.transcript import verify_transcript

RECORD = "record.json"
TRANSCRIPT = "transcript.jsonl"


@dataclass(frozen=True)
class Predecessor:
    directory: Path
    record: Record
    record_sha256: str

    @property
    def transcript_head(self) -> str:
        """The head the new kit's transcript starts from, chaining it to this one."""
        return self.record.transcript_head

    @property
    def origin_ceremony_id(self) -> str:
        """The first ceremony of the chain, kept through every amendment."""
        lineage = self.record.lineage
        return lineage.origin_ceremony_id if lineage else self.record.ceremony_id


def load_predecessor(kit: Path, record_sha256: str) -> Predecessor:
    """Refuse a kit whose record is not the one the amendment names by hash, so an amendment cannot
    apply to another kit."""
    path = kit / RECORD
    if not path.is_file():
        raise BadInput(
            f"the predecessor kit {kit} holds no {RECORD}",
            "set predecessor.kit in the amendment to the kit directory it amends",
        )
    data = read_bounded(path, "record")
    found = hashlib.sha256(data).hexdigest()
    if found != record_sha256:
        raise NotVerified(
            f"the amendment is for another record: it names record {record_sha256[:16]}..., "
            f"the kit {kit} holds record {found[:16]}...",
            "check predecessor.kit and predecessor.record_sha256: the hash is "
            f"`sha256sum {path}` of the kit this amendment amends",
        )
    record = Record.from_json(decode_text(data, "record"), f"the record {path}")
    if not record.transcript_head:
        raise NotVerified(
            f"the predecessor record {path} names no transcript head: its ceremony never closed",
            "amend only a kit whose ceremony was closed and initialled",
        )
    try:
        summary = verify_transcript(kit / TRANSCRIPT, expected_head=record.transcript_head)
    except CeremonyError as exc:
        raise NotVerified(
            f"the predecessor's transcript does not check: {exc.message}",
            "audit the predecessor kit (`ceremony audit`) and amend its original copy",
        ) from None
    if not summary.closed:
        raise NotVerified(
            "the predecessor's transcript is not closed", "amend only a closed ceremony's kit"
        )
    return Predecessor(directory=kit, record=record, record_sha256=found)
