"""Forgeries that every internal check accepts, and the anchors that catch them.

The attacker of issue 16 holds only the public kit: they rewrite the record, rewrite and re-chain
the transcript, re-issue the recovery notice and recompute a short delay chain. Each forgery here is
consistent, so without anchors the audit must pass it only as "consistent but unanchored"; with the
words people wrote down outside the kit (and, in tests/test_attest.py, witness signatures) it fails,
naming the anchor.
"""

from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path
from typing import Any

import pytest

from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.workflows.audit import Anchors, AuditReport, Status, Verdict, audit_kit
from ceremony.workflows.timelock_policy import calibrate
from tests.helpers import kits
from tests.helpers.audit import (
    edit_record,
    paper_anchors,
    problems,
    rechain,
    rewrite_kit,
    session_of,
    transcript,
)
from tests.helpers.kits import DEMO_PLAN, RATE, read_record, write_session

demo_made = kits.demo_made


@pytest.fixture
def forged(demo_made: tuple[Path, list[Share]], tmp_path: Path) -> tuple[Path, Anchors]:
    """A copy of the DEMO kit and the words written down at the real ceremony and recovery."""
    copy = tmp_path / "kit"
    shutil.copytree(demo_made[0], copy)
    return copy, paper_anchors(demo_made[0])


# -- the forger's tools: only public files, and the tool's own public formulas ------------------


def shorter_delay(record: Record) -> Record:
    """The delay of the plan kept on paper, the work T cut a hundredfold by claiming a slower
    calibration: T/rate is still the plan's delay, so even --plan agrees."""
    lock = record.timelock
    assert lock is not None
    short = calibrate(
        lock.mode, round(lock.expected_seconds), lock.attacker_speedup, measure=lambda: RATE / 100
    )
    return dataclasses.replace(record, timelock=short)


def reissue_session(kit: Path) -> None:
    """Throw the real session away and make a new one for the forged record: a new notice, a
    delay chain of the forged (short) work, and a whole recovery in its transcript."""
    shutil.rmtree(kit / "recovery")
    write_session(kit, seed=b"forged session", segment_iterations=10)


def verdict_without_anchors(kit: Path) -> AuditReport:
    report = audit_kit(kit, plan_file=DEMO_PLAN)
    assert report.passed, problems(report)
    assert report.verdict is Verdict.UNANCHORED
    return report


def failed(report: AuditReport) -> set[str]:
    return {c.name for c in report.failures}


# -- the end-to-end forgery -------------------------------------------------------------------


def test_a_forged_public_kit_passes_only_unanchored_and_fails_with_the_paper_words(
    forged: tuple[Path, Anchors],
) -> None:
    kit, words = forged
    before = read_record(kit).timelock
    rewrite_kit(kit, shorter_delay)
    reissue_session(kit)
    after = read_record(kit).timelock
    assert before is not None
    assert after is not None
    assert after.iterations * 100 == before.iterations  # the delay chain is 100 times shorter
    report = verdict_without_anchors(kit)
    session = session_of(kit).name
    assert report.check(f"session.{session}.total-work").status is Status.PASS
    assert report.check(f"session.{session}.outcome").status is Status.PASS
    assert "the ceremony transcript's head" in report.unanchored

    anchored = audit_kit(kit, plan_file=DEMO_PLAN, anchors=words)
    assert anchored.verdict is Verdict.FAILED
    assert failed(anchored) == {"anchor.head-words", "anchor.notice-1", "anchor.session-1"}
    head = anchored.check("anchor.head-words").detail
    assert "the transcript was rewritten after closing" in head
    assert anchored.check("anchor.notice-1").detail.startswith(
        "no recovery session in the kit has a notice with the words"
    )
    # the head words alone are enough to fail the forgery
    alone = audit_kit(kit, anchors=Anchors(head_words=words.head_words))
    assert failed(alone) == {"anchor.head-words"}


# -- each forgery alone: consistent without anchors, caught with them ---------------------------


def test_a_rewritten_record_with_a_rechained_transcript(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged

    def swap_bag(record: Record) -> Record:
        """Hide that a card went into another bag (a bag swapped after the ceremony)."""
        shares = list(record.shares)
        shares[2] = dataclasses.replace(shares[2], bag_serial="BAG-999")
        return dataclasses.replace(record, shares=tuple(shares))

    rewrite_kit(kit, swap_bag)
    shutil.rmtree(kit / "recovery")
    verdict_without_anchors(kit)
    caught = audit_kit(kit, anchors=Anchors(head_words=words.head_words))
    assert failed(caught) == {"anchor.head-words"}


def test_a_rewritten_transcript_alone_is_named_as_the_transcript(
    forged: tuple[Path, Anchors],
) -> None:
    kit, words = forged

    def note(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        entries[-1]["data"]["bag_serials"] = ["BAG-X"] * len(entries[-1]["data"]["bag_serials"])
        return entries

    rechain(transcript(kit), note)
    report = audit_kit(kit, anchors=Anchors(head_words=words.head_words))
    closing = report.check("record-transcript.closing")
    assert closing.status is Status.FAIL
    assert closing.detail.startswith("the TRANSCRIPT was changed: the record is the one")
    assert report.check("anchor.head-words").detail.endswith(
        "; the record still holds the initialled head, so the transcript was changed"
    )


def test_a_record_changed_alone_is_named_as_the_record(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged
    edit_record(kit, lambda r: r.update(ceremony_name="Example Co treasury"))
    report = audit_kit(kit, anchors=Anchors(head_words=words.head_words))
    closing = report.check("record-transcript.closing")
    assert closing.status is Status.FAIL
    assert closing.detail.startswith("the RECORD was changed after closing")
    assert report.check("anchor.head-words").status is Status.PASS


def test_a_reissued_notice_with_a_recomputed_chain(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged
    reissue_session(kit)
    report = verdict_without_anchors(kit)
    assert any("its notice" in item for item in report.unanchored)
    caught = audit_kit(kit, anchors=words)
    assert failed(caught) == {"anchor.notice-1", "anchor.session-1"}


# -- a recovery cannot be erased unseen (item 5) ------------------------------------------------


def session_transcript(kit: Path) -> Path:
    return session_of(kit) / "transcript.jsonl"


def test_a_session_cut_after_delay_done(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged

    def cut(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        end = [e["event"] for e in entries].index("delay_done")
        return entries[: end + 1]

    rechain(session_transcript(kit), cut)
    report = verdict_without_anchors(kit)
    label = session_of(kit).name
    assert (
        f"recovery session {label}: it is not closed, so nothing vouches for its last entries "
        "(a transcript cut short looks the same)"
    ) in report.unanchored
    caught = audit_kit(kit, anchors=words)
    assert failed(caught) == {"anchor.session-1"}
    assert caught.check("anchor.session-1").detail.endswith(
        "a session transcript was cut, rewritten or removed after it closed"
    )


def test_a_recovery_replaced_by_a_cancellation(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged

    def cancel(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        end = [e["event"] for e in entries].index("unlocked")
        cancelled = dict(entries[end], event="cancelled", data={"reason": "withdrawn"})
        closed = dict(entries[-1])
        return [*entries[:end], cancelled, closed]

    rechain(session_transcript(kit), cancel)
    verdict_without_anchors(kit)
    assert failed(audit_kit(kit, anchors=words)) == {"anchor.session-1"}


def test_released_to_edited(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged

    def elsewhere(entries: list[dict[str, Any]]) -> list[dict[str, Any]]:
        for entry in entries:
            if entry["event"] == "recovered":
                entry["data"]["released_to"] = "file"
        return entries

    rechain(session_transcript(kit), elsewhere)
    verdict_without_anchors(kit)
    assert failed(audit_kit(kit, anchors=words)) == {"anchor.session-1"}


def test_a_session_folder_renamed_to_a_hidden_name_is_still_audited(
    forged: tuple[Path, Anchors],
) -> None:
    kit, words = forged
    session = session_of(kit)
    hidden = session.with_name(f".{session.name}")
    session.rename(hidden)
    report = audit_kit(kit, anchors=words)
    assert report.check(f"session.{hidden.name}.proofs").status is Status.PASS
    assert report.check(f"session.{hidden.name}.outcome").status is Status.PASS
    assert report.verdict is Verdict.ANCHORED, problems(report)


def test_a_folder_under_recovery_that_is_no_session_fails(forged: tuple[Path, Anchors]) -> None:
    kit, _ = forged
    (kit / "recovery" / ".staging").mkdir()
    (kit / "recovery" / ".staging" / "notes.txt").write_text("x")
    check = audit_kit(kit).check("recovery..staging")
    assert check.status is Status.FAIL
    assert check.detail.startswith(".staging/ is not a recovery session")


def test_a_deleted_recovery_folder(forged: tuple[Path, Anchors]) -> None:
    kit, words = forged
    shutil.rmtree(kit / "recovery")
    report = verdict_without_anchors(kit)
    assert (
        "any recovery session in recovery/ (a deleted session is seen only with its notice words)"
        in report.not_found
    )
    caught = audit_kit(kit, anchors=words)
    assert failed(caught) == {"anchor.notice-1", "anchor.session-1"}


def test_a_deleted_transcript_with_a_record_that_claims_none(
    forged: tuple[Path, Anchors],
) -> None:
    kit, words = forged
    shutil.rmtree(kit / "recovery")
    transcript(kit).unlink()
    edit_record(kit, lambda r: r.update(plan_source="command-line", transcript_head=""))
    report = audit_kit(kit)
    chain = report.check("transcript.chain")
    assert chain.status is Status.FAIL
    assert chain.detail.startswith("transcript.jsonl is missing from the kit")
    assert "transcript.jsonl" in report.not_found
    caught = audit_kit(kit, anchors=Anchors(head_words=words.head_words))
    assert "anchor.head-words" in failed(caught)


def test_the_record_cannot_switch_a_check_off(forged: tuple[Path, Anchors]) -> None:
    """Even when the auditor says there is no transcript, the audit is never anchored."""
    kit, _ = forged
    shutil.rmtree(kit / "recovery")
    transcript(kit).unlink()
    report = audit_kit(kit, without_transcript=True)
    assert report.verdict is not Verdict.ANCHORED
