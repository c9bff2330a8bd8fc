"""`ceremony audit` on untouched kits: every check passes (or is skipped for a stated, normal reason).

The kits and hand-written recovery sessions come from tests/helpers/kits.py; one session is made
by `ceremony.workflows.recovery` itself.
"""

from __future__ import annotations

import dataclasses
import re
import shutil
from pathlib import Path

import pytest

from ceremony.model.share import Share
from ceremony.workflows.audit import CHECKS, Anchors, Status, Verdict, audit_kit
from tests.helpers import kits
from tests.helpers.audit import paper_anchors, problems, session_of
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.kits import DEMO_PLAN, RATE, make_kit, read_record, seeded, write_session

# Fixtures shared with the other audit tests (tests/helpers/kits.py builds the kits).
small_kit = kits.small_kit
demo_made = kits.demo_made
demo_kit = kits.demo_kit


# -- untouched kits ------------------------------------------------------------------------------


def test_an_untouched_small_kit_passes_every_check(small_kit: Path) -> None:
    report = audit_kit(small_kit, plan_file=SMALL_PLAN, anchors=paper_anchors(small_kit))
    assert report.passed, problems(report)
    assert report.verdict is Verdict.ANCHORED
    assert report.unanchored == ()
    skipped = {c.name: c.detail for c in report.checks if c.status is Status.SKIPPED}
    assert skipped == {"record.timelock": "the record has no time lock"}
    names = [c.name for c in report.checks]
    assert names[:5] == [
        "record.read",
        "transcript.chain",
        "transcript.closed",
        "transcript.head",
        "anchor.head-words",
    ]
    assert report.check("record-transcript.closing").status is Status.PASS
    assert "files.holders/01-01-zoe.pdf" in names
    assert "files.holders/01-02-lukasz.pdf" in names
    assert report.ceremony_name == "Small test ceremony"


def test_an_untouched_demo_kit_and_its_session_pass_every_check(
    demo_made: tuple[Path, list[Share]],
) -> None:
    kit = demo_made[0]
    report = audit_kit(kit, plan_file=DEMO_PLAN, anchors=paper_anchors(kit))
    assert report.passed, problems(report)
    assert report.verdict is Verdict.ANCHORED, report.unanchored
    assert not [c for c in report.checks if c.status is Status.SKIPPED]
    assert report.check("anchor.notice-1").status is Status.PASS
    assert report.check("anchor.session-1").status is Status.PASS
    assert report.demo
    session = session_of(kit).name
    for what in ("proofs", "total-work", "states", "outcome", "notice-hash", "work-required"):
        assert report.check(f"session.{session}.{what}").status is Status.PASS
    assert "3 segments verify" in report.check(f"session.{session}.proofs").detail
    assert report.check("record.timelock").detail.startswith("evidenced: T = 3000 at 1000.000/s")
    assert report.head_words in report.check("transcript.head").detail


def test_without_anchors_an_untouched_kit_is_consistent_but_unanchored(
    demo_made: tuple[Path, list[Share]],
) -> None:
    report = audit_kit(demo_made[0], plan_file=DEMO_PLAN)
    assert report.passed, problems(report)
    assert report.verdict is Verdict.UNANCHORED
    assert report.verdict.value == "consistent but unanchored"
    session = session_of(demo_made[0]).name
    assert report.unanchored == (
        "the ceremony transcript's head",
        f"recovery session {session}: its notice (give --notice-words, or a stakeholder's "
        "signature)",
        f"recovery session {session}: what happened after the notice (give the head words "
        "shown at its close with --session-words)",
    )
    assert report.check("anchor.head-words").status is Status.SKIPPED
    data = report.to_dict()
    assert data["verdict"] == "consistent but unanchored"
    assert data["anchored"] is False
    assert data["unanchored"] == list(report.unanchored)
    only_head = audit_kit(
        demo_made[0], anchors=Anchors(head_words=paper_anchors(demo_made[0]).head_words)
    )
    assert only_head.verdict is Verdict.UNANCHORED
    assert "the ceremony transcript's head" not in only_head.unanchored


def test_head_words_are_read_as_people_type_them(small_kit: Path) -> None:
    words = paper_anchors(small_kit).head_words
    assert words is not None
    typed = ", ".join(w[:4].upper() for w in words.split())
    assert Anchors.from_text(typed).head_words == words
    hex_head = read_record(small_kit).transcript_head
    assert Anchors.from_text(hex_head).head_words == words
    from ceremony.errors import BadInput

    with pytest.raises(BadInput, match="11 words given, 12 expected"):
        Anchors.from_text(" ".join(words.split()[:11]))
    with pytest.raises(BadInput, match="word 2 'zzzz' is not on the BIP-39 word list"):
        Anchors.from_text(words.split()[0] + " zzzz " + " ".join(words.split()[2:]))


def test_without_a_plan_the_plan_checks_are_skipped(small_kit: Path) -> None:
    report = audit_kit(small_kit)
    assert report.passed
    assert report.check("plan.hash").status is Status.SKIPPED
    assert report.check("plan.hash").detail == "no plan given"
    assert report.check("plan.record").detail == "no plan given"


def test_holder_pdfs_taken_away_are_skipped_not_failed(small_kit: Path, tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(small_kit, kit)
    shutil.rmtree(kit / "holders")
    report = audit_kit(kit)
    assert report.passed, problems(report)
    pdf = report.check("files.holders/01-01-zoe.pdf")
    assert pdf.status is Status.SKIPPED
    assert pdf.detail.startswith("not present")
    assert "holders/01-01-zoe.pdf (normal once Zoë took their kit)" in report.not_found


def test_a_deleted_recover_py_fails_and_is_listed(small_kit: Path, tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(small_kit, kit)
    (kit / "recover.py").unlink()
    report = audit_kit(kit, anchors=paper_anchors(small_kit))
    check = report.check("files.recover.py")
    assert check.status is Status.FAIL
    assert check.detail.startswith("recover.py is missing: the record lists it")
    assert "recover.py" in report.not_found
    assert report.verdict is Verdict.FAILED


def test_a_session_in_progress_passes_without_claiming_the_delay(
    small_kit: Path, tmp_path: Path, demo_made: tuple[Path, list[Share]]
) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(demo_made[0], kit)
    shutil.rmtree(kit / "recovery")
    session = write_session(kit, events=("requested", "waiting"), work=2000)
    report = audit_kit(kit)
    assert report.passed, problems(report)
    total = report.check(f"session.{session.name}.total-work")
    assert (
        total.detail == "2000 of 3000 iterations so far; the session does not claim the delay done"
    )
    assert report.check(f"session.{session.name}.outcome").status is Status.SKIPPED


def test_a_cancelled_session_passes(demo_made: tuple[Path, list[Share]], tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(demo_made[0], kit)
    shutil.rmtree(kit / "recovery")
    session = write_session(kit, events=("requested", "cancelled", "closed"))
    report = audit_kit(kit)
    assert report.passed, problems(report)
    outcome = report.check(f"session.{session.name}.outcome")
    assert outcome.detail == "cancelled: the request was withdrawn"
    assert report.check(f"session.{session.name}.proofs").detail == "no delay segments yet"


def test_a_session_beside_the_kit_is_audited_with_session(
    demo_made: tuple[Path, list[Share]], tmp_path: Path
) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(demo_made[0], kit)
    shutil.rmtree(kit / "recovery")
    beside = write_session(kit, directory=tmp_path / "elsewhere")
    assert audit_kit(kit).passed
    report = audit_kit(kit, sessions=[beside])
    assert report.passed, problems(report)
    assert report.check("session.elsewhere.proofs").status is Status.PASS


def test_a_session_made_by_the_recovery_workflow_passes(
    demo_made: tuple[Path, list[Share]], tmp_path: Path
) -> None:
    from ceremony.workflows.demo import quorum
    from ceremony.workflows.recovery.run import run_recovery

    kit = tmp_path / "kit"
    shutil.copytree(demo_made[0], kit)
    shutil.rmtree(kit / "recovery")
    record = read_record(kit)
    outcome = run_recovery(
        kit,
        quorum(record, demo_made[1]),
        segment_iterations=1000,
        released_to="terminal",
        requester="Rita Requester",
        reason="audit test",
        rng=seeded(b"recovery"),
    )
    report = audit_kit(kit, plan_file=DEMO_PLAN)
    assert report.passed, problems(report)
    name = f"session.{outcome.session.path.name}"
    assert report.check(f"{name}.states").detail == (
        "legal order: opened → requested → waiting → delay_done → unlocked → recovered → closed"
    )
    assert report.check(f"{name}.total-work").detail.startswith("3000 iterations proven")
    assert report.check(f"{name}.outcome").status is Status.PASS


def test_every_check_name_is_documented(demo_made: tuple[Path, list[Share]]) -> None:
    report = audit_kit(demo_made[0], plan_file=DEMO_PLAN)
    patterns = [
        re.compile(".+".join(re.escape(part) for part in re.split(r"<[a-z]+>", name)))
        for name in CHECKS
    ]
    for check in report.checks:
        assert any(p.fullmatch(check.name) for p in patterns), check.name


def test_the_report_as_data(small_kit: Path) -> None:
    report = audit_kit(small_kit)
    data = report.to_dict()
    assert data["format"] == "ceremony-audit/v1"
    assert data["passed"] is True
    assert data["counts"] == {
        "pass": report.count(Status.PASS),
        "fail": 0,
        "skipped": report.count(Status.SKIPPED),
    }
    checks = data["checks"]
    assert isinstance(checks, list)
    assert checks[0] == {
        "name": "record.read",
        "status": "pass",
        "detail": report.checks[0].detail,
    }
    assert data["transcript_head_words"] == report.head_words
    with pytest.raises(dataclasses.FrozenInstanceError):
        report.checks[0].detail = "changed"  # type: ignore[misc]


def test_a_missing_kit_is_bad_input(tmp_path: Path) -> None:
    from ceremony.errors import BadInput

    with pytest.raises(BadInput, match="does not exist"):
        audit_kit(tmp_path / "nothing")


# -- other kinds of kit -----------------------------------------------------------------------


def sealed_plan(directory: Path) -> Path:
    plan = directory / "sealed-plan.toml"
    text = DEMO_PLAN.read_text().replace('mode = "evidenced"', 'mode = "sealed"')
    plan.write_text(text.replace("consent_card = false", "consent_card = true"))
    return plan


@pytest.fixture(scope="module")
def sealed_made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """A sealed-lock kit (squaring rate pinned too) with a session unlocked by the consent card."""
    base = tmp_path_factory.mktemp("sealed")
    plan = sealed_plan(base)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("ceremony.workflows.timelock_policy.measure_squaring_rate", lambda **_: RATE)
        make_kit(base / "kit", plan, seed=b"sealed")
    write_session(
        base / "kit", events=("requested", "unlocked", "recovered", "closed"), unlocked_by="consent"
    )
    return base / "kit", plan


def test_a_sealed_kit_and_its_session_pass(sealed_made: tuple[Path, Path]) -> None:
    kit, plan = sealed_made
    report = audit_kit(kit, plan_file=plan)
    assert report.passed, problems(report)
    assert report.check("record.timelock").detail.startswith("sealed: T = 3000")
    session = session_of(kit).name
    assert report.check(f"session.{session}.proofs").status is Status.SKIPPED
    assert report.check(f"session.{session}.states").detail == (
        "legal order: opened → requested → unlocked → recovered → closed"
    )


def test_a_sealed_kit_with_another_modulus_fails(
    sealed_made: tuple[Path, Path], tmp_path: Path
) -> None:
    import json

    kit = tmp_path / "kit"
    shutil.copytree(sealed_made[0], kit)
    path = kit / "record.json"
    data = json.loads(path.read_text())
    modulus = int(data["timelock"]["modulus_hex"], 16)
    data["timelock"]["modulus_hex"] = f"{modulus + 2:x}"
    path.write_text(json.dumps(data, indent=2, sort_keys=True) + "\n")
    report = audit_kit(kit)
    check = report.check("record-transcript.timelock")
    assert check.status is Status.FAIL
    assert check.detail.startswith("the sealed modulus: the record says ")


def test_a_sealed_session_cannot_claim_a_delay_chain(
    sealed_made: tuple[Path, Path], tmp_path: Path
) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(sealed_made[0], kit)
    shutil.rmtree(kit / "recovery")
    session = write_session(kit, events=("requested", "unlocked", "recovered", "closed"))
    report = audit_kit(kit)
    check = report.check(f"session.{session.name}.states")
    assert check.status is Status.FAIL
    assert check.detail == (
        'session entry 3: unlocked by "delay", which does not open a sealed session'
    )


def test_a_kit_made_by_split_has_no_transcript_to_check(tmp_path: Path) -> None:
    from tests.helpers.cli import run_cli

    kit = tmp_path / "kit"
    made = run_cli(["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--kit", str(kit)])
    assert made.code == 0, made.err
    by_record = audit_kit(kit)
    assert by_record.check("transcript.chain").status is Status.FAIL
    assert by_record.check("transcript.chain").detail.startswith(
        "transcript.jsonl is missing from the kit"
    )
    report = audit_kit(kit, without_transcript=True)
    assert report.passed, problems(report)
    assert report.verdict is Verdict.UNANCHORED
    assert report.check("transcript.chain").detail == (
        "the auditor says this kit was made by `ceremony split --kit`, which keeps no "
        "transcript (--without-transcript)"
    )
    assert report.check("record-transcript.shares").detail == "no transcript"
    (kit / "record.json").write_text("{}")
    broken = audit_kit(kit)
    assert broken.check("record.read").status is Status.FAIL
    assert broken.check("record.shape").detail == "record.json could not be read"
    assert broken.check("transcript.chain").detail.startswith(
        "transcript.jsonl is missing from the kit"
    )


def test_two_sessions_with_one_folder_name_keep_their_checks_apart(
    demo_made: tuple[Path, list[Share]], tmp_path: Path
) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(demo_made[0], kit)
    inside = session_of(kit)
    beside = write_session(kit, directory=tmp_path / "usb" / inside.name, seed=b"other")
    report = audit_kit(kit, sessions=[beside])
    assert report.passed, problems(report)
    names = [c.name for c in report.checks]
    assert f"session.{inside.name}.proofs" in names
    assert f"session.{inside.name}-2.proofs" in names
    assert len(names) == len(set(names))


def test_a_sealed_session_has_no_waiting(sealed_made: tuple[Path, Path], tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    shutil.copytree(sealed_made[0], kit)
    shutil.rmtree(kit / "recovery")
    session = write_session(
        kit, events=("requested", "waiting", "unlocked"), work=0, unlocked_by="sealed-solved"
    )
    check = audit_kit(kit).check(f"session.{session.name}.states")
    assert check.status is Status.FAIL
    assert check.detail.startswith(
        "session entry 3: 'waiting' in a sealed session, which has no chain"
    )
