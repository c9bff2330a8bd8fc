"""The audit of a secret's whole history: a lifecycle kit's own record against its transcript, each
link of the chain of records back to the first ceremony, and the custody logs.

A lifecycle record names its predecessor by the SHA-256 of its record.json and by its transcript
head, and so does the opening entry of its transcript. Given the kits (a directory of kits, or
several paths), the audit finds each predecessor by that hash, audits it in turn, and checks that
the change is what the record says: an extension keeps every old share and adds members to one
group; a reshare keeps the fingerprint under a new identifier and retires every old card. The
history table lists the ceremonies from the first to today; the custody logs say when each current
share was last seen.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.model.record import Record
from ceremony.workflows.audit.anchors import NO_ANCHORS, Anchors
from ceremony.workflows.audit.common import (
    _Events,
    _fail,
    _Findings,
    _Kit,
    _load_kit,
    _sha256,
    _skip,
)
from ceremony.workflows.audit.kit_checks import (
    _file_checks,
    _record_checks,
    _transcript_checks,
)
from ceremony.workflows.audit.report import RECORD, AuditCheck, AuditReport, Status
from ceremony.workflows.proof_prefetch import ChainPrefetch

FATES = ("destroyed", "not returned")
LINEAGE_FIELDS = (
    "predecessor_record_sha256",
    "predecessor_transcript_head",
    "predecessor_ceremony_id",
    "origin_ceremony_id",
    "amendment_sha256",
)

CHAIN_CHECKS: dict[str, str] = {
    "lifecycle.opening": "a lifecycle transcript's opening entry names the predecessor's record "
    "hash and transcript head, as the record's lineage does",
    "lifecycle.shares": "the new shares' commitments as issued, re-entered and sealed; for a "
    "reshare, every old card's fate",
    "lifecycle.kit-files": "each new holder PDF's hash as written at the lifecycle ceremony",
    "chain": "a lifecycle kit audited without its predecessors (skipped)",
    "chain.<id>.link": "the predecessor named by hash is present, and its transcript head is the "
    "one the successor names",
    "chain.<id>.change": "the change is the one recorded: same secret; an extension keeps every "
    "old share and adds members to one group; a reshare retires every old card",
    "chain.<id>.<check>": "the predecessor kit's own checks",
    "custody.<id>": "the kit's custody log (custody.jsonl) is an unbroken chain",
    "history.<n>": "the n-th ceremony of the secret's history, first to today, with its change; "
    "fails when any check of that ceremony fails",
}


@dataclass(frozen=True)
class HistoryRow:
    """One ceremony in the secret's history, first to last. Public."""

    number: int
    kind: str
    """'ceremony' for the first, then 'extend', 'replace', 'reshare'."""
    ceremony_id: str
    clock_untrusted: str
    identifier: int
    scheme: str
    change: str
    status: str
    """'current', 'superseded' (a later record amends it) or 'retired' (its cards were reshared)."""

    def to_dict(self) -> dict[str, object]:
        """The row as JSON for `ceremony audit --json`: every field, under its own name."""
        return dict(self.__dict__)


@dataclass(frozen=True)
class LastSeen:
    holder: str
    group: str
    member: int
    check_code: str
    seen: str
    """The last custody-log time, or '' when never checked since issue."""
    how: str


@dataclass(frozen=True)
class ChainAudit:
    checks: tuple[AuditCheck, ...]
    history: tuple[HistoryRow, ...]
    last_seen: tuple[LastSeen, ...]

    def to_dict(self) -> dict[str, object]:
        """The chain history and the last-seen sessions as JSON, for the `chain` part of the audit
        report."""
        return {
            "history": [row.to_dict() for row in self.history],
            "last_seen": [dict(s.__dict__) for s in self.last_seen],
        }


def find_kits(paths: Sequence[Path]) -> list[Path]:
    """Kit directories among `paths`: each path is a kit, or a directory of kits."""
    found: list[Path] = []
    for path in paths:
        path = Path(path)
        if not path.is_dir():
            raise BadInput(
                f"{path} is not a directory",
                "give kit directories, or a directory that holds them, with --chain",
            )
        if (path / RECORD).is_file():
            found.append(path)
            continue
        found += sorted(p for p in path.iterdir() if (p / RECORD).is_file())
    return found


def lifecycle_kit_checks(kit: _Kit) -> list[AuditCheck]:
    """A lifecycle kit's record against its own transcript (in place of the key ceremony's)."""
    record = kit.record
    if record is None or record.lineage is None or kit.transcript is None:
        return []
    events = kit.events()
    return [_opening(record, events), _new_shares(record, events), _kit_files(record, events)]


def _opening(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    lineage = record.lineage
    assert lineage is not None
    opened = events.entries[0].data if events.entries else {}
    found.expect(opened.get("lifecycle") == lineage.kind, "the transcript opens another kind")
    found.expect(opened.get("ceremony_id") == record.ceremony_id, "the ceremony id differs")
    for name in LINEAGE_FIELDS:
        found.expect(
            opened.get(name) == getattr(lineage, name),
            f"{name}: the record says {getattr(lineage, name)[:16]}..., the transcript's "
            "opening entry differs",
        )
    return found.verdict(
        "lifecycle.opening",
        f"{lineage.kind}: opens naming predecessor record {lineage.predecessor_record_sha256[:16]}"
        f"... and head {lineage.predecessor_transcript_head[:16]}...",
    )


def _new_shares(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    lineage = record.lineage
    assert lineage is not None
    if lineage.kind == "reshare":
        issued = events.one("reshare", found)
        new = [e.commitment for e in record.shares]
        retired = [(c.commitment, c.fate) for c in lineage.retired]
        logged = [
            (e.data.get("commitment"), e.data.get("fate")) for e in events.all("card_retired")
        ]
        found.expect(logged == retired, "the retired cards differ from the transcript's")
        found.expect(all(c.fate in FATES for c in lineage.retired), "an unknown fate")
    else:
        issued = events.one("extension", found)
        new = [
            e.commitment
            for e in record.shares
            if e.group == lineage.group and e.member_number in lineage.new_members
        ]
    if issued is not None:
        found.expect(issued.data.get("share_commitments") == new, "the new shares differ")
    confirmed = [e.data.get("commitment") for e in events.all("share_confirmed")]
    found.expect(confirmed == new, "not every new share was re-entered")
    bags = {e.data.get("commitment"): e.data.get("bag_serial") for e in events.all("bag_sealed")}
    for entry in record.shares:
        if entry.commitment in bags:
            found.expect(
                bags[entry.commitment] == entry.bag_serial, f"{entry.holder}'s bag differs"
            )
    found.expect(all(c in bags for c in new), "a new card was not sealed")
    return found.verdict(
        "lifecycle.shares", f"{len(new)} new share(s) issued, re-entered and sealed as recorded"
    )


def _kit_files(record: Record, events: _Events) -> AuditCheck:
    found = _Findings()
    written = events.one("kit_written", found)
    if written is not None:
        pdfs = written.data.get("holder_pdfs")
        listed = {
            str(item.get("holder")): item.get("sha256")
            for item in (pdfs if isinstance(pdfs, list) else [])
            if isinstance(item, dict)
        }
        for holder, digest in listed.items():
            entry = next((e for e in record.shares if e.holder == holder), None)
            found.expect(
                entry is not None and entry.holder_pdf_sha256 == digest,
                f"{holder}'s kit hash differs",
            )
        found.expect(
            written.data.get("recover_py_sha256") == record.recover_py_sha256,
            "recover.py's hash differs",
        )
    return found.verdict("lifecycle.kit-files", "new holder PDFs and recover.py as written")


# -- the chain ---------------------------------------------------------------------------------


def audit_chain(kit: Path, paths: Sequence[Path]) -> ChainAudit:
    """Walk from `kit` back to the first ceremony through the kits found in `paths`."""
    candidates = {}
    for directory in find_kits([*paths]):
        data = (directory / RECORD).read_bytes()
        candidates[_sha256(data)] = directory
    checks: list[AuditCheck] = []
    chain: list[_Kit] = [_load_kit(kit)]
    seen = {kit.resolve()}
    while True:
        current = chain[-1]
        record = current.record
        if record is None or record.lineage is None:
            break
        label = record.ceremony_id
        lineage = record.lineage
        found = candidates.get(lineage.predecessor_record_sha256)
        if found is None or found.resolve() in seen:
            checks.append(
                _fail(
                    f"chain.{label}.link",
                    f"the predecessor record {lineage.predecessor_record_sha256[:16]}... "
                    f"(ceremony {lineage.predecessor_ceremony_id}) is not among the kits given",
                )
            )
            break
        seen.add(found.resolve())
        before = _load_kit(found)
        checks.append(_link(label, before, lineage.predecessor_transcript_head))
        checks.append(_change(label, before.record, record))
        checks += _predecessor_checks(before)
        chain.append(before)
    chain.reverse()
    checks += _custody_checks(chain)
    history = _history(chain)
    return ChainAudit(tuple(checks + _history_checks(history, checks)), history, _last_seen(chain))


def _history_checks(
    history: Sequence[HistoryRow], checks: Sequence[AuditCheck]
) -> list[AuditCheck]:
    """One row per ceremony of the history, failed when any check of that ceremony failed."""
    rows = []
    for row in history:
        prefix = f"chain.{row.ceremony_id}."
        failed = any(c.status is Status.FAIL and c.name.startswith(prefix) for c in checks)
        text = (
            f"{row.kind} {row.ceremony_id} ({row.clock_untrusted}), identifier {row.identifier}, "
            f"{row.scheme}: {row.change} [{row.status}]"
        )
        rows.append(
            AuditCheck(f"history.{row.number}", Status.FAIL if failed else Status.PASS, text)
        )
    return rows


def _predecessor_checks(kit: _Kit) -> list[AuditCheck]:
    label = kit.record.ceremony_id if kit.record else kit.directory.name
    own = [kit.record_check, *_transcript_checks(kit), *_record_checks(kit), *_file_checks(kit)]
    if kit.record is not None and kit.record.lineage is not None:
        own += lifecycle_kit_checks(kit)
    else:
        from ceremony.workflows.audit.kit_checks import _record_transcript_checks

        own += _record_transcript_checks(kit)
    return [AuditCheck(f"chain.{label}.{c.name}", c.status, c.detail) for c in own]


def _link(label: str, before: _Kit, head: str) -> AuditCheck:
    name = f"chain.{label}.link"
    record = before.record
    if record is None:
        return _fail(name, f"the predecessor kit {before.directory} has no readable record")
    if record.transcript_head != head:
        return _fail(name, "the predecessor's transcript head is not the one named")
    if before.transcript is None or before.transcript.head != head:
        return _fail(name, "the predecessor's transcript does not end at the head named")
    return AuditCheck(
        name,
        Status.PASS,
        f"follows ceremony {record.ceremony_id} ({before.directory.name}): its record hash and "
        "head are the ones this kit's opening entry names, so anchoring this kit anchors it",
    )


def _change(label: str, before: Record | None, after: Record) -> AuditCheck:
    name = f"chain.{label}.change"
    if before is None:
        return _fail(name, "the predecessor record cannot be read")
    lineage = after.lineage
    assert lineage is not None
    found = _Findings()
    for what in ("fingerprint", "commitment", "kind", "strength_bits", "passphrase"):
        found.expect(getattr(before, what) == getattr(after, what), f"the {what} changed")
    origin = before.lineage.origin_ceremony_id if before.lineage else before.ceremony_id
    found.expect(lineage.origin_ceremony_id == origin, "the first ceremony named differs")
    if lineage.kind == "reshare":
        found.expect(after.identifier != before.identifier, "the identifier did not change")
        found.expect(lineage.retired_identifier == before.identifier, "retired another set")
        found.expect(before.extendable and after.extendable, "a reshare needs extendable shares")
        found.expect(
            [c.commitment for c in lineage.retired] == [e.commitment for e in before.shares],
            "not every old card's fate is recorded",
        )
        summary = f"reshare: identifier {before.identifier} retired, {after.identifier} issued"
    else:
        found.expect(after.identifier == before.identifier, "the identifier changed")
        kept = {(e.commitment, e.group, e.member_number) for e in after.shares}
        found.expect(
            all((e.commitment, e.group, e.member_number) in kept for e in before.shares),
            "an old share is missing from the amended record",
        )
        names = before.group_names()
        found.expect(lineage.group in names, f"no group {lineage.group} before")
        for old, new in zip(before.groups, after.groups, strict=False):
            if old.name != lineage.group:
                found.expect(old == new, f"group {old.name} changed")
            else:
                expected = tuple(range(old.count + 1, new.count + 1))
                found.expect(lineage.new_members == expected, "the new members do not follow on")
                found.expect(old.threshold == new.threshold, "the threshold changed")
        found.expect(len(before.groups) == len(after.groups), "the group count changed")
        counts = {g.name: g.count for g in before.groups}
        found.expect(
            all(1 <= n <= counts.get(lineage.group, 0) for n in lineage.lost),
            "a card reported lost was never issued",
        )
        earlier = set(before.lineage.lost_cards()) if before.lineage else set()
        found.expect(
            earlier <= set(lineage.lost_cards()),
            "a card reported lost earlier is no longer listed as lost",
        )
        summary = f"{lineage.kind}: group {lineage.group} +{len(lineage.new_members)} member(s)"
    return found.verdict(name, summary + "; the same secret (fingerprint and commitment)")


def _custody_checks(chain: Sequence[_Kit]) -> list[AuditCheck]:
    # imported here: the lifecycle package loads the whole ceremony, which an audit seldom needs
    from ceremony.workflows.lifecycle.custody import CUSTODY_LOG, read_sightings

    checks = []
    for kit in chain:
        log = kit.directory / CUSTODY_LOG
        if not log.is_file() or kit.record is None:
            continue
        name = f"custody.{kit.record.ceremony_id}"
        try:
            count = len(read_sightings(log))
        except Exception as exc:  # any failure to read the log is a failed check
            checks.append(_fail(name, f"the custody log does not verify: {exc}"))
            continue
        checks.append(AuditCheck(name, Status.PASS, f"{count} sighting(s), an unbroken chain"))
    return checks


def _history(chain: Sequence[_Kit]) -> tuple[HistoryRow, ...]:
    rows = []
    for number, kit in enumerate(chain, start=1):
        record = kit.record
        if record is None:
            continue
        lineage = record.lineage
        later = chain[number].record if number < len(chain) else None
        if later is None:
            status = "current"
        elif later.lineage is not None and later.lineage.kind == "reshare":
            status = "retired"
        else:
            status = "superseded"
        rows.append(
            HistoryRow(
                number=number,
                kind=lineage.kind if lineage else "ceremony",
                ceremony_id=record.ceremony_id,
                clock_untrusted=record.clock_untrusted,
                identifier=record.identifier,
                scheme=", ".join(f"{g.name} {g.threshold}/{g.count}" for g in record.groups)
                + f"; {record.group_threshold} of {len(record.groups)} groups",
                change=_change_text(record),
                status=status,
            )
        )
    return tuple(rows)


def _change_text(record: Record) -> str:
    lineage = record.lineage
    if lineage is None:
        return f"first ceremony: {len(record.shares)} shares issued"
    if lineage.kind == "reshare":
        destroyed = sum(1 for c in lineage.retired if c.fate == "destroyed")
        return (
            f"new scheme under identifier {record.identifier}; old set {lineage.retired_identifier}"
            f" retired: {destroyed} card(s) destroyed, {len(lineage.retired) - destroyed} not "
            "returned"
        )
    text = f"group {lineage.group}: new member(s) {', '.join(map(str, lineage.new_members))}"
    if lineage.lost:
        text += f"; member(s) {', '.join(map(str, lineage.lost))} reported lost (still valid)"
    return text


def _last_seen(chain: Sequence[_Kit]) -> tuple[LastSeen, ...]:
    if not chain or chain[-1].record is None:
        return ()
    from ceremony.workflows.lifecycle.custody import CUSTODY_LOG, Sighting, read_sightings

    current = chain[-1].record
    sightings: list[Sighting] = []
    for kit in chain:
        log = kit.directory / CUSTODY_LOG
        if log.is_file():
            try:
                sightings += read_sightings(log)
            except Exception:  # noqa: S112 - reported by the custody check
                continue
    rows = []
    for entry in current.shares:
        mine = [s for s in sightings if s.check_code == entry.check_code]
        last = max(mine, key=lambda s: s.clock_untrusted) if mine else None
        rows.append(
            LastSeen(
                holder=entry.holder,
                group=entry.group,
                member=entry.member_number,
                check_code=entry.check_code,
                seen=last.clock_untrusted if last else "",
                how=("checked" if last.event == "share_checked" else "reprinted")
                if last
                else "not seen since issue",
            )
        )
    return tuple(rows)


def audit_with_chain(
    kit: Path,
    chain: Sequence[Path],
    *,
    plan_file: Path | None = None,
    sessions: Sequence[Path] = (),
    share_file: Path | None = None,
    anchors: Anchors = NO_ANCHORS,
    without_transcript: bool = False,
    prefetch: ChainPrefetch | None = None,
) -> tuple[AuditReport, ChainAudit | None]:
    """`audit_kit`, and for a lifecycle kit the chain back to the first ceremony through the kits
    in `chain` (skipped, saying so, when none is given)."""
    from ceremony.workflows.audit import audit_kit

    report = audit_kit(
        kit,
        plan_file=plan_file,
        sessions=sessions,
        share_file=share_file,
        anchors=anchors,
        without_transcript=without_transcript,
        prefetch=prefetch,
    )
    state = _load_kit(kit)
    if not chain:
        if state.record is None or state.record.lineage is None:
            return report, None
        skipped = _skip("chain", "a lifecycle kit: give its predecessors' kits with --chain DIR")
        return replace(report, checks=(*report.checks, skipped)), None
    found = audit_chain(kit, chain)
    return replace(report, checks=(*report.checks, *found.checks)), found
