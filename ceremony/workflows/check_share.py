"""A holder's check of one share against the public ceremony record, with no other share.

The record holds a commitment to every issued share, so one share can be checked alone: that it
belongs to this ceremony (identifier and parameters), and that it is word for word the share that
was issued (its commitment). Nothing is written and nothing secret leaves this module: results and
errors name holders, groups, positions and check codes, never words.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import BadInput, NotVerified
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.workflows.inputs import decode_text, read_bounded

RECORD_FILE = "record.json"


@dataclass(frozen=True)
class ShareCheck:
    """What a matching share is, in the words of the record. Public: no share words."""

    ceremony_id: str
    ceremony_name: str
    holder: str
    group: str
    member: int
    members: int
    member_threshold: int
    check_code: str

    def summary(self) -> str:
        """The sentence the holder reads to know whose share this is; only said once the share
        matched the record."""
        return (
            f"this is share {self.member} of {self.members} of group {self.group}, issued to "
            f"{self.holder}; it matches the record"
        )


def find_record(here: Path, command: str = "check-share") -> Path:
    """Without --record: `record.json` in `here` (the kit directory), or in the one kit directory
    below `here` that holds one. Otherwise say the exact command to type (`ceremony COMMAND
    --record ...`)."""
    if (here / RECORD_FILE).is_file():
        return here / RECORD_FILE
    found = sorted(path for path in here.glob(f"*/{RECORD_FILE}") if path.is_file())
    if len(found) == 1:
        return found[0]
    where = "several kit directories here hold one" if found else "there is none here"
    example = found[0].relative_to(here) if found else Path("KIT") / RECORD_FILE
    raise BadInput(
        f"which ceremony record? {where}",
        f"run the command in the kit directory (where {RECORD_FILE} is), or name the record: "
        f"ceremony {command} --record {example}",
    )


def load_record(source: str | Path | None) -> Record:
    """The record from its file, from a kit directory holding record.json, or (None) found from
    the current directory."""
    path = find_record(Path.cwd()) if source is None else Path(source)
    if path.is_dir():
        if not (path / RECORD_FILE).is_file():
            raise BadInput(
                f"the directory {path} holds no {RECORD_FILE}",
                f"give the ceremony kit directory, or the path of its {RECORD_FILE}, with --record",
            )
        path = path / RECORD_FILE
    elif not path.exists():
        raise BadInput(
            f"the record {path} does not exist",
            f"give the path of the ceremony's {RECORD_FILE}, or of its kit directory, with --record",
        )
    text = decode_text(read_bounded(path, "record"), "record")
    return Record.from_json(text, f"the record {path}")


def check_share(record: Record, share: Share) -> ShareCheck:
    """Check that `share` is one issued at the ceremony of `record`; raise NotVerified if not."""
    if share.identifier != record.identifier:
        raise NotVerified(
            f"the share belongs to another backup: identifier {share.identifier}, the record says "
            f"{record.identifier}",
            f"compare the ceremony id on your card with the record's ({record.ceremony_id}), "
            "and check this share against the record of its own ceremony",
        )
    misfits = _misfits(record, share)
    if misfits:
        raise NotVerified(
            "the share has the identifier of this ceremony but does not fit its scheme: "
            + "; ".join(misfits),
            "the first four words carry these parameters: compare them with the card; if they "
            "match, the card was altered or comes from another backup",
        )
    group = record.groups[share.group_index]
    entry = record.share_by_commitment(share.commitment())
    if entry is None:
        raise NotVerified(
            "this share does not match any share issued at this ceremony: a word may be wrong, "
            "or the card was altered",
            _mismatch_hint(record, share),
        )
    if (entry.group_number, entry.member_number, entry.group) != (
        share.group_number,
        share.member_number,
        group.name,
    ):
        raise NotVerified(
            f"the record is inconsistent: the share of {entry.holder} is listed as group "
            f"{entry.group_number}, member {entry.member_number}, but the share is group "
            f"{share.group_number} ({group.name}), member {share.member_number}",
            "the record was edited or damaged; use the printed record to compare",
        )
    return ShareCheck(
        ceremony_id=record.ceremony_id,
        ceremony_name=record.ceremony_name,
        holder=entry.holder,
        group=entry.group,
        member=entry.member_number,
        members=group.count,
        member_threshold=group.threshold,
        check_code=entry.check_code,
    )


def check_and_log(
    record: Record, share: Share, log: Path | None, notes: Callable[[str], None]
) -> ShareCheck:
    """`check-share`: the check, then (with --log) one entry in the custody log."""
    result = check_share(record, share)
    if log is not None:
        from ceremony.workflows.lifecycle.custody import append_sighting

        number = append_sighting(log, record, result)
        notes(f"recorded in the custody log {log} (entry {number})")
    return result


def _misfits(record: Record, share: Share) -> list[str]:
    """Each way the share's parameters (first four words) differ from the recorded scheme."""
    found = []
    if share.group_threshold != record.group_threshold:
        found.append(
            f"it needs {share.group_threshold} groups, the record {record.group_threshold}"
        )
    if share.group_count != len(record.groups):
        found.append(f"it counts {share.group_count} groups, the record {len(record.groups)}")
    if share.extendable != record.extendable:
        found.append("its extendable flag differs from the record's")
    if share.iteration_exponent != record.iteration_exponent:
        found.append(
            f"its iteration exponent is {share.iteration_exponent}, the record's "
            f"{record.iteration_exponent}"
        )
    if len(share.value) * 8 != record.strength_bits:
        found.append(
            f"it carries a {len(share.value) * 8}-bit secret, the record {record.strength_bits}"
        )
    if share.group_index >= len(record.groups):
        found.append(f"its group {share.group_number} is not in the record")
        return found
    group = record.groups[share.group_index]
    if share.member_threshold != group.threshold:
        found.append(
            f"it needs {share.member_threshold} shares of group {group.name}, the record "
            f"{group.threshold}"
        )
    if share.member_index >= group.count:
        found.append(
            f"it is member {share.member_number} of group {group.name}, which has {group.count}"
        )
    return found


def _mismatch_hint(record: Record, share: Share) -> str:
    """What to compare next: the check code the record gives for this group and member."""
    for entry in record.shares:
        if (entry.group_number, entry.member_number) == (share.group_number, share.member_number):
            return (
                f"the record lists group {entry.group} member {entry.member_number} as issued to "
                f"{entry.holder} with check code {entry.check_code}: if your card shows that "
                "code, compare every word with the card and type it again; if not, the card was "
                "not issued at this ceremony"
            )
    return "compare every word with the card and type it again"
