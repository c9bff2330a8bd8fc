"""The tampering corpus: each way a kit, its plan or a recovery session can be changed after the fact,
and the check that catches it, with the words it must use.

Every case starts from a fresh copy of the same DEMO kit (with one whole evidenced recovery session)
that passes every check (tests/test_audit.py; tests/helpers/kits.py makes it), changes one thing,
and expects the named check to fail with a message that says precisely what and where. Other
checks may fail too: one edit often breaks several claims at once.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ceremony.core.vdf import ChainProver, Segment
from ceremony.workflows.audit import Status, audit_kit
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.transcript import canonical, line_hash
from tests.helpers import kits
from tests.helpers.audit import (
    edit_record,
    lines,
    problems,
    record_t_lowered,
    session_of,
    transcript,
)
from tests.helpers.kits import DEMO_PLAN, write_session

# -- small, careful edits: each keeps the file's own format, so only the meaning changes ----------

# Fixtures shared with the other audit tests (tests/helpers/kits.py builds the kits).
demo_kit = kits.demo_kit
demo_made = kits.demo_made


def seq_of(path: Path, event: str, nth: int = 0) -> int:
    found = [json.loads(line)["seq"] for line in lines(path) if json.loads(line)["event"] == event]
    return int(found[nth])


def edit_entry(path: Path, event: str, change: Callable[[dict[str, Any]], None]) -> int:
    """Change the data of the first `event` entry, keeping canonical JSON; returns its seq."""
    rows = lines(path)
    for index, line in enumerate(rows):
        entry = json.loads(line)
        if entry["event"] == event:
            change(entry["data"])
            rows[index] = canonical(entry)
            path.write_bytes(b"".join(rows))
            return int(entry["seq"])
    raise AssertionError(f"no {event} entry")


def segment(kit: Path, number: int) -> Path:
    return session_of(kit) / "proof" / f"segment-{number:04d}.json"


def new_session(kit: Path, **options: Any) -> None:
    shutil.rmtree(kit / "recovery")
    write_session(kit, **options)


# -- the cases ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Tampering:
    id: str
    change: Callable[[Path, Path], Path | None]
    """Changes the kit (and may write an edited plan into the second directory, returned)."""
    check: str
    """The check that must fail; {session} stands for the session's directory name."""
    words: Callable[[Path], str]
    """What its message must say, given the changed kit."""


def said(text: str) -> Callable[[Path], str]:
    return lambda _kit: text


def edited_transcript_field(kit: Path, _: Path) -> None:
    edit_entry(transcript(kit), "secret_generated", lambda d: d.update(fingerprint="00000000"))


def deleted_line(kit: Path, _: Path) -> None:
    rows = lines(transcript(kit))
    del rows[seq_of(transcript(kit), "printed") - 1]
    transcript(kit).write_bytes(b"".join(rows))


def swapped_lines(kit: Path, _: Path) -> None:
    rows = lines(transcript(kit))
    first = seq_of(transcript(kit), "share_confirmed") - 1
    rows[first], rows[first + 1] = rows[first + 1], rows[first]
    transcript(kit).write_bytes(b"".join(rows))


def inserted_line(kit: Path, _: Path) -> None:
    """A well-formed entry slipped in after entry 5, chained to it: what follows no longer fits."""
    rows = lines(transcript(kit))
    forged = json.loads(rows[5])
    forged.update(event="witness_note", data={"note": "all fine"}, prev=line_hash(rows[4]))
    rows.insert(5, canonical(forged))
    transcript(kit).write_bytes(b"".join(rows))


def edited_last_entry(kit: Path, _: Path) -> None:
    edit_entry(transcript(kit), "closed", lambda d: d.update(bag_serials=["BAG-X"] * 7))


def closing_entry_removed(kit: Path, _: Path) -> None:
    transcript(kit).write_bytes(b"".join(lines(transcript(kit))[:-1]))


def record_fingerprint(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r.update(fingerprint="0badf00d"))


def record_holder_name(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r["shares"][0].update(holder="Mallory Martín"))


def replaced_holder_pdf(kit: Path, _: Path) -> None:
    shutil.copy(
        kit / "holders" / "01-01-alice-martin.pdf", kit / "holders" / "01-02-bob-lukasz.pdf"
    )


def extra_holder_pdf(kit: Path, _: Path) -> None:
    shutil.copy(kit / "holders" / "01-01-alice-martin.pdf", kit / "holders" / "99-99-mallory.pdf")


def changed_recover_py(kit: Path, _: Path) -> None:
    with (kit / "recover.py").open("a") as handle:
        handle.write("# harmless-looking line\n")


def record_bag_serial(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r["shares"][2].update(bag_serial="BAG-999"))


def _commitment_swap(share: dict[str, Any], *, with_code: bool) -> None:
    other = hashlib.sha256(b"another share").hexdigest()
    share["commitment"] = other
    if with_code:
        share["check_code"] = f"{other[:4]}-{other[4:8]}".upper()


def record_share_commitment(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: _commitment_swap(r["shares"][1], with_code=True))


def record_share_commitment_alone(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: _commitment_swap(r["shares"][1], with_code=False))


def record_ceremony_id(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r.update(ceremony_id="AAAA-BBBB-CCCC"))


def record_field_added(kit: Path, _: Path) -> None:
    edit_record(kit, lambda r: r.update(note="approved by the board"))


def record_t_and_bounds_lowered(kit: Path, _: Path) -> None:
    def lower(record: dict[str, Any]) -> None:
        lock = record["timelock"]
        lock.update(iterations=300, expected_seconds=0.3, minimum_seconds=0.03)
        lock["description"] = lock["description"].replace("3000", "300")

    edit_record(kit, lower)


def record_speedup_changed(kit: Path, _: Path) -> None:
    """k raised with the minimum recomputed to match: the record is consistent, the transcript not."""
    edit_record(kit, lambda r: r["timelock"].update(attacker_speedup=1.0, minimum_seconds=3.0))


def proof_from_another_notice(kit: Path, _: Path) -> None:
    other = hashlib.sha256(b"another recovery notice").digest()
    saved: list[Segment] = []
    ChainProver(other, 1000, segment_iterations=1000, on_segment=saved.append).run()
    segment(kit, 1).write_text(saved[0].to_json())


def truncated_proof(kit: Path, _: Path) -> None:
    data = json.loads(segment(kit, 2).read_text())
    data["proof"] = data["proof"][:120]
    segment(kit, 2).write_text(json.dumps(data, indent=2) + "\n")


def truncated_proof_file(kit: Path, _: Path) -> None:
    path = segment(kit, 2)
    path.write_bytes(path.read_bytes()[:200])


def altered_proof(kit: Path, _: Path) -> None:
    data = json.loads(segment(kit, 3).read_text())
    data["iterations"] += 1
    segment(kit, 3).write_text(json.dumps(data, indent=2) + "\n")


def last_segment_removed(kit: Path, _: Path) -> None:
    segment(kit, 3).unlink()


def middle_segment_removed(kit: Path, _: Path) -> None:
    segment(kit, 2).unlink()


def notice_t_lowered(kit: Path, _: Path) -> None:
    """A whole session, consistent in itself, for a notice that asks for a third of the work."""
    new_session(kit, required=1000)


def unlocked_before_delay(kit: Path, _: Path) -> None:
    new_session(kit, events=("requested", "waiting", "unlocked", "recovered", "closed"))


def recovered_without_unlock(kit: Path, _: Path) -> None:
    new_session(kit, events=("requested", "waiting", "delay_done", "recovered", "closed"))


def delay_claimed_early(kit: Path, _: Path) -> None:
    new_session(kit, work=2000)


def notice_edited(kit: Path, _: Path) -> None:
    path = session_of(kit) / "notice.json"
    notice = RecoveryNotice.from_bytes(path.read_bytes())
    path.write_bytes(dataclasses.replace(notice, reason="routine check").to_bytes())


def session_transcript_edited(kit: Path, _: Path) -> None:
    edit_entry(session_of(kit) / "transcript.jsonl", "requested", lambda d: d.update(reason="x"))


def plan_edited(_: Path, scratch: Path) -> Path:
    plan = scratch / "plan.toml"
    plan.write_text(DEMO_PLAN.read_text().replace("Bob Łukasz", "Bob Lucas"))
    return plan


def plan_threshold_edited(_: Path, scratch: Path) -> Path:
    plan = scratch / "plan.toml"
    text = DEMO_PLAN.read_text().replace("group_threshold = 2", "group_threshold = 1")
    plan.write_text(text)
    return plan


def moved(kit: Path) -> str:
    """The chain's complaint when the first share_confirmed entry sits one line early."""
    seq = seq_of(transcript(kit), "share_confirmed")
    return f"first bad entry {seq - 1}: transcript line {seq - 1} holds entry {seq}"


S = "session.{session}"
CORPUS = [
    Tampering(
        "transcript-field-edited",
        edited_transcript_field,
        "transcript.chain",
        lambda kit: f"entry {seq_of(transcript(kit), 'secret_generated')} was changed",
    ),
    Tampering(
        "transcript-line-deleted",
        deleted_line,
        "transcript.chain",
        lambda kit: moved(kit) + ": entries were removed, inserted or reordered",
    ),
    Tampering(
        "transcript-lines-swapped",
        swapped_lines,
        "transcript.chain",
        moved,
    ),
    Tampering(
        "transcript-line-inserted",
        inserted_line,
        "transcript.chain",
        said("first bad entry 7: transcript line 7 holds entry 6"),
    ),
    Tampering(
        "transcript-last-entry-edited",
        edited_last_entry,
        "transcript.head",
        lambda kit: f"entry {len(lines(transcript(kit)))} (or the record) was changed",
    ),
    Tampering(
        "transcript-closing-entry-removed",
        closing_entry_removed,
        "transcript.closed",
        lambda kit: (
            f"ends at entry {len(lines(transcript(kit)))} ('kit_read_back') without a closing entry"
        ),
    ),
    Tampering(
        "record-fingerprint-changed",
        record_fingerprint,
        "record-transcript.secret",
        lambda kit: (
            'the fingerprint: the record says "0badf00d", transcript entry '
            f"{seq_of(transcript(kit), 'secret_generated')} (secret_generated) says"
        ),
    ),
    Tampering(
        "record-holder-name-changed",
        record_holder_name,
        "record-transcript.shares",
        said('share 1 re-entered: the holder: the record says "Mallory Martín"'),
    ),
    Tampering(
        "holder-pdf-replaced",
        replaced_holder_pdf,
        "files.holders/01-02-bob-lukasz.pdf",
        said("for the kit of Bob Łukasz: the PDF was replaced or altered"),
    ),
    Tampering(
        "holder-pdf-added",
        extra_holder_pdf,
        "files.holders/99-99-mallory.pdf",
        said("this file is not the kit of any holder in the record"),
    ),
    Tampering(
        "recover-py-changed",
        changed_recover_py,
        "files.recover.py",
        said("the program was changed; do not run it"),
    ),
    Tampering(
        "record-bag-serial-edited",
        record_bag_serial,
        "record-transcript.bags",
        said('bag 3 (Carol Nguyễn): the serial: the record says "BAG-999"'),
    ),
    Tampering(
        "record-share-commitment-edited",
        record_share_commitment,
        "record-transcript.shares",
        lambda kit: (
            "share 2 (Bob Łukasz): the record's commitment "
            f"{hashlib.sha256(b'another share').hexdigest()[:16]}... is not the one issued at entry "
            f"{seq_of(transcript(kit), 'split')} (split)"
        ),
    ),
    Tampering(
        "record-share-commitment-edited-without-check-code",
        record_share_commitment_alone,
        "record.shape",
        said("the check code of Bob Łukasz's share does not match"),
    ),
    Tampering(
        "record-ceremony-id-changed",
        record_ceremony_id,
        "record-transcript.ceremony",
        said('the ceremony id: the record says "AAAA-BBBB-CCCC", transcript entry 1 (opened)'),
    ),
    Tampering(
        "record-field-added",
        record_field_added,
        "record.shape",
        said("not in the exact form the tool writes"),
    ),
    Tampering(
        "record-t-lowered",
        record_t_lowered,
        "record.timelock",
        said("the expected time 3.0 s is not T/rate = 300/1000.000 = 0.300 s"),
    ),
    Tampering(
        "record-t-and-bounds-lowered",
        record_t_and_bounds_lowered,
        "record-transcript.timelock",
        lambda kit: (
            "the required work T: the record says 300, transcript entry "
            f"{seq_of(transcript(kit), 'timelock_calibrated')} (timelock_calibrated) says 3000"
        ),
    ),
    Tampering(
        "record-speedup-changed",
        record_speedup_changed,
        "record-transcript.timelock",
        said("the attacker speedup: the record says 1.0"),
    ),
    Tampering(
        "proof-from-another-notice",
        proof_from_another_notice,
        f"{S}.proofs",
        said("segment 1: it was computed for another recovery notice"),
    ),
    Tampering(
        "proof-truncated",
        truncated_proof,
        f"{S}.proofs",
        said("segment 2: its proof is not 100 bytes of lower-case hex"),
    ),
    Tampering(
        "proof-file-truncated",
        truncated_proof_file,
        f"{S}.proofs",
        said("proof/segment-0002.json: the delay segment is not valid JSON"),
    ),
    Tampering(
        "proof-iterations-altered",
        altered_proof,
        f"{S}.proofs",
        said("segment 3: its proof does not verify"),
    ),
    Tampering(
        "proof-last-segment-removed",
        last_segment_removed,
        f"{S}.total-work",
        said("claims the delay done, but the proof chain holds 2000 of the 3000 iterations"),
    ),
    Tampering(
        "proof-middle-segment-removed",
        middle_segment_removed,
        f"{S}.proofs",
        said("segment 2 is missing: the proof folder goes from segment 1 to"),
    ),
    Tampering(
        "notice-t-lowered",
        notice_t_lowered,
        f"{S}.work-required",
        said("the notice requires T = 1000 iterations; the record requires 3000"),
    ),
    Tampering(
        "delay-claimed-before-the-work",
        delay_claimed_early,
        f"{S}.total-work",
        said(
            "session entry 4 (delay_done) claims the delay done, but the proof chain holds "
            "2000 of the 3000"
        ),
    ),
    Tampering(
        "state-unlocked-before-delay-done",
        unlocked_before_delay,
        f"{S}.states",
        said("session entry 4: 'unlocked' before the delay was done"),
    ),
    Tampering(
        "state-recovered-without-unlock",
        recovered_without_unlock,
        f"{S}.states",
        said("session entry 5: 'recovered' may not follow 'delay_done' (entry 4)"),
    ),
    Tampering(
        "notice-edited-after-start",
        notice_edited,
        f"{S}.notice-hash",
        said("(opened) recorded"),
    ),
    Tampering(
        "session-transcript-edited",
        session_transcript_edited,
        f"{S}.transcript",
        said("first bad entry 3: transcript entry 3 does not follow entry 2: entry 2 was changed"),
    ),
    Tampering(
        "plan-edited",
        plan_edited,
        "plan.record",
        said('share 1.2: the holder: the plan says "Bob Lucas", the record "Bob Łukasz"'),
    ),
    Tampering(
        "plan-threshold-edited",
        plan_threshold_edited,
        "plan.hash",
        said("the plan was edited, or belongs to another ceremony"),
    ),
]


def test_the_corpus_is_large_and_distinct() -> None:
    assert len(CORPUS) >= 15
    assert len({case.id for case in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize("case", CORPUS, ids=[case.id for case in CORPUS])
def test_each_tampering_is_detected_precisely(
    case: Tampering, demo_kit: Path, tmp_path: Path
) -> None:
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    plan = case.change(demo_kit, scratch) or DEMO_PLAN
    report = audit_kit(demo_kit, plan_file=plan)
    assert not report.passed
    name = case.check.format(session=session_of(demo_kit).name)
    check = report.check(name)
    assert check.status is Status.FAIL, problems(report)
    assert case.words(demo_kit) in check.detail, check.detail
