"""What the audit tests do to a kit: read the words people wrote down outside it (the anchors),
list the failed checks, and edit it as the tampering and forgery tests do, each edit keeping the
file's own format so that only the meaning changes."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from ceremony.model.hashwords import hash_words, sha256_words
from ceremony.model.record import Record
from ceremony.workflows.audit import Anchors, AuditReport
from ceremony.workflows.audit.kit_checks import closing_record_sha256
from ceremony.workflows.kit import record_pdf
from ceremony.workflows.transcript import GENESIS, canonical, line_hash
from tests.helpers.kits import read_record


def session_of(kit: Path) -> Path:
    (session,) = sorted((kit / "recovery").iterdir())
    return session


def problems(report: AuditReport) -> list[str]:
    return [f"{c.name}: {c.detail}" for c in report.failures]


def paper_anchors(kit: Path) -> Anchors:
    """The words people wrote down outside the kit, read from an untouched kit: the head words
    initialled at closing, each notice's hash words and each closed session's head words."""
    from ceremony.workflows.transcript import verify_transcript

    record = read_record(kit)
    notices, closes = [], []
    folder = kit / "recovery"
    for session in sorted(folder.iterdir()) if folder.is_dir() else ():
        notices.append(sha256_words((session / "notice.json").read_bytes()))
        summary = verify_transcript(session / "transcript.jsonl")
        if summary.closed:
            closes.append(summary.head_words)
    return Anchors(
        head_words=hash_words(bytes.fromhex(record.transcript_head)),
        notice_words=tuple(notices),
        session_words=tuple(closes),
    )


def lines(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def edit_record(kit: Path, change: Callable[[dict[str, Any]], None]) -> None:
    """Change record.json and write it back exactly as the tool writes it."""
    path = kit / "record.json"
    data = json.loads(path.read_text())
    change(data)
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")


def transcript(kit: Path) -> Path:
    return kit / "transcript.jsonl"


def record_t_lowered(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r["timelock"].update(iterations=300))


def rechain(path: Path, change: Callable[[list[dict[str, Any]]], list[dict[str, Any]]]) -> str:
    """Rewrite a transcript's entries and chain them again from the start; returns the new head."""
    entries = change([json.loads(line) for line in lines(path)])
    previous, out = GENESIS, []
    for number, entry in enumerate(entries, 1):
        entry.update(seq=number, prev=previous)
        line = canonical(entry)
        out.append(line)
        previous = line_hash(line)
    path.write_bytes(b"".join(out))
    return previous


def rewrite_kit(kit: Path, change: Callable[[Record], Record]) -> None:
    """Change the record, then make the transcript agree with it: every record fact the
    transcript holds, the record hashes at kit_written and closing, and the head."""
    record = change(read_record(kit))
    lock = record.timelock
    as_written = dataclasses.replace(
        record,
        shares=tuple(dataclasses.replace(s, bag_serial="") for s in record.shares),
        transcript_head="",
        read_back={},
    )
    # record.pdf as printed at kit_written, and re-printed at closing: a forger re-renders both.
    as_written = dataclasses.replace(as_written, record_pdf_sha256=_pdf_sha(as_written))

    def agree(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        import hashlib

        for entry in entries:
            data = entry["data"]
            if entry["event"] == "timelock_calibrated" and lock is not None:
                data.update(
                    iterations=lock.iterations,
                    rate_per_second=f"{lock.rate_per_second:.3f}",
                    expected_seconds=f"{lock.expected_seconds:.3f}",
                    minimum_seconds=f"{lock.minimum_seconds:.3f}",
                )
            if entry["event"] == "bag_sealed":
                (share,) = [s for s in record.shares if s.commitment == data["commitment"]]
                data["bag_serial"] = share.bag_serial
            if entry["event"] == "kit_written":
                data["record_sha256"] = hashlib.sha256(as_written.to_json().encode()).hexdigest()
                data["record_pdf_sha256"] = as_written.record_pdf_sha256
            if entry["event"] == "closed":
                data["record_sha256"] = closing_record_sha256(record)
                data["bag_serials"] = [s.bag_serial for s in record.shares]
        return entries

    head = rechain(transcript(kit), agree)
    final = dataclasses.replace(record, transcript_head=head)
    final = dataclasses.replace(final, record_pdf_sha256=_pdf_sha(final))
    (kit / "record.json").write_text(final.to_json())
    (kit / "record.pdf").write_bytes(record_pdf(final))


def _pdf_sha(record: Record) -> str:
    import hashlib

    return hashlib.sha256(record_pdf(record)).hexdigest()
