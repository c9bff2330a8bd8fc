"""Recovery sessions through the workflow API: states from the transcript, the evidenced delay
chain on disk, every bad input of the session side, shares checked as they arrive, and the
non-interactive `run_recovery` the demo uses.
The kits and session steps come from tests/helpers/recovery.py."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from ceremony.core.vdf import GENERATOR, verify_chain
from ceremony.errors import BadInput, Locked, NotVerified, Refused
from ceremony.model.scheme import SecretKind
from ceremony.workflows import recovery as rec
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.recovery import Kit, StopAfter, T, finish_wait, make_kit, start, waited


def events(session: rec.Session) -> list[str]:
    return [entry.event for entry in verify_transcript(session.transcript_path).entries]


@pytest.fixture(scope="module")
def kit_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("kits")


@pytest.fixture
def kit(tmp_path: Path) -> Kit:
    return make_kit(tmp_path)


# -- start --------------------------------------------------------------------------------------


def test_start_writes_notice_pdf_and_transcript(kit: Kit) -> None:
    session = start(kit, requester="Ana Lima", reason="card lost in a flood")
    assert session.path == kit.directory / "recovery" / session.notice.notice_id
    assert sorted(p.name for p in session.path.iterdir()) == [
        "notice.json",
        "notice.pdf",
        "transcript.jsonl",
    ]
    notice = session.notice
    assert notice.required_iterations == T
    assert notice.record_sha256 == hashlib.sha256(kit.record_path.read_bytes()).hexdigest()
    assert (notice.fingerprint, notice.commitment) == (
        kit.record.fingerprint,
        kit.record.commitment,
    )
    assert (notice.requester, notice.reason) == ("Ana Lima", "card lost in a flood")
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries] == ["opened", "requested"]
    digest = hashlib.sha256((session.path / "notice.json").read_bytes()).hexdigest()
    assert entries[0].data["notice_sha256"] == entries[1].data["notice_sha256"] == digest
    assert entries[1].data["required_iterations"] == T
    assert session.state is rec.State.REQUESTED


def test_start_refuses_a_record_without_time_lock(tmp_path: Path, kit: Kit) -> None:
    plain = tmp_path / "plain"
    plain.mkdir()
    (plain / "record.json").write_text(replace(kit.record, timelock=None).to_json())
    with pytest.raises(BadInput, match="not time-locked") as caught:
        rec.start(plain / "record.json")
    assert "ceremony combine" in caught.value.hint
    assert kit.record.fingerprint in caught.value.hint
    assert not (plain / "recovery").exists() or not any((plain / "recovery").iterdir())


def test_start_leaves_nothing_behind_when_it_fails(kit: Kit) -> None:
    shares_like = " ".join(kit.quorum()[0].words[4:8])  # share words: refused by the transcript
    with pytest.raises(Refused):
        start(kit, reason=f"because {shares_like}")
    left = list((kit.directory / "recovery").iterdir())
    assert left == []
    target = kit.directory / "mine"
    target.mkdir()
    with pytest.raises(Refused, match="already exists"):
        start(kit, session_dir=target)


def test_two_notices_for_the_same_record_differ(kit: Kit) -> None:
    first, second = start(kit, b"one"), start(kit, b"two")
    assert first.notice.nonce != second.notice.nonce
    assert first.notice.sha256 != second.notice.sha256
    assert first.path != second.path


# -- wait and the chain -------------------------------------------------------------------------


def test_wait_writes_a_chain_bound_to_the_notice(kit: Kit) -> None:
    session = start(kit)
    status = rec.status(session)
    assert (status.done_iterations, status.next_step) == (0, "wait")
    session = finish_wait(session)
    files = sorted(p.name for p in session.proof_dir.iterdir())
    assert files == ["segment-0001.json", "segment-0002.json", "segment-0003.json"]
    chain = rec.check_delay(session)
    verify_chain(chain, session.notice_hash, T)
    assert chain.segments[0].start == GENERATOR.hex()
    assert chain.segments[0].challenge == session.notice_hash.hex()
    status = rec.status(session)
    assert (status.done_iterations, status.good_segments, status.next_step) == (T, 3, "unlock")
    assert session.delay_done
    assert session.state is rec.State.WAITING
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries] == ["opened", "requested", "waiting", "delay_done"]
    done = entries[-1].data
    assert done["total_iterations"] == T
    assert done["segments"] == 3
    joined = b"".join(p.read_bytes() for p in sorted(session.proof_dir.iterdir()))
    assert done["chain_sha256"] == hashlib.sha256(joined).hexdigest()
    for path in session.proof_dir.iterdir():
        assert stat.S_IMODE(path.stat().st_mode) == 0o644


def test_unlock_before_the_wait_is_locked(kit: Kit) -> None:
    session = start(kit)
    with pytest.raises(Locked, match="has not started"):
        rec.check_delay(session)
    plan = rec.plan_wait(session, segment_iterations=1000)
    with pytest.raises(KeyboardInterrupt):
        rec.run_wait(session, plan, progress=StopAfter(1))
    session = rec.Session.open(session.path)
    with pytest.raises(Locked, match="1000 of 3000 iterations"):
        rec.check_delay(session)
    assert events(session) == ["opened", "requested", "waiting"]  # Ctrl-C adds nothing


def test_an_interrupted_wait_resumes_with_the_same_prefix(kit: Kit) -> None:
    session = start(kit)
    plan = rec.plan_wait(session, segment_iterations=1000)
    with pytest.raises(KeyboardInterrupt):
        rec.run_wait(session, plan, progress=StopAfter(2))
    first_two = [segment_path.read_bytes() for segment_path in sorted(session.proof_dir.iterdir())]
    assert len(first_two) == 2
    plan = rec.plan_wait(rec.Session.open(session.path), segment_iterations=1000)
    assert plan.done == 2000
    assert plan.saved.damaged is None
    session = finish_wait(session)
    files = sorted(session.proof_dir.iterdir())
    assert [p.read_bytes() for p in files[:2]] == first_two
    assert len(files) == 3
    assert events(session) == ["opened", "requested", "waiting", "waiting", "delay_done"]
    assert verify_transcript(session.transcript_path).entries[3].data == {"segments": 2}


def test_a_corrupt_segment_is_recomputed_from_the_last_good_one(kit: Kit) -> None:
    session = waited(kit)
    original = [p.read_bytes() for p in sorted(session.proof_dir.iterdir())]
    broken = session.proof_dir / "segment-0002.json"
    broken.write_bytes(original[1][: len(original[1]) // 2])  # cut short: not JSON any more
    status = rec.status(session)
    assert (status.good_segments, status.damaged_segment, status.next_step) == (1, 2, "wait")
    with pytest.raises(NotVerified, match="segment 2 cannot be read"):
        rec.check_delay(session)
    plan = rec.plan_wait(session, segment_iterations=1000)
    assert (plan.done, plan.saved.damaged) == (1000, 2)
    session = finish_wait(session)
    assert [p.read_bytes() for p in sorted(session.proof_dir.iterdir())] == original
    rec.check_delay(session)


def test_a_tampered_proof_is_not_verified(kit: Kit) -> None:
    session = waited(kit)
    path = session.proof_dir / "segment-0002.json"
    data = json.loads(path.read_text())
    data["output"] = data["output"][:-2] + ("00" if data["output"][-2:] != "00" else "01")
    path.write_text(json.dumps(data, indent=2) + "\n")
    with pytest.raises(NotVerified, match="segment 2"):
        rec.check_delay(session)
    assert rec.status(session).damaged_segment == 2
    finish_wait(session)  # recomputed from segment 1
    rec.check_delay(session)


def test_a_proof_for_another_notice_is_refused(kit: Kit) -> None:
    first = finish_wait(start(kit, b"first"))
    second = start(kit, b"second")
    second.proof_dir.mkdir()
    for path in first.proof_dir.iterdir():
        (second.proof_dir / path.name).write_bytes(path.read_bytes())
    with pytest.raises(NotVerified, match="another recovery notice"):
        rec.check_delay(second)


def test_more_segments_than_planned_are_dropped_on_recompute(kit: Kit) -> None:
    session = start(kit)
    session = finish_wait(session, segment=1000)
    (session.proof_dir / "segment-0001.json").write_text("{}")
    session = finish_wait(session, segment=1500)  # a different plan: two segments now
    assert sorted(p.name for p in session.proof_dir.iterdir()) == [
        "segment-0001.json",
        "segment-0002.json",
    ]
    assert rec.check_delay(session).total_iterations == T


# -- the notice and the transcript are checked on every open ------------------------------------


def test_a_tampered_notice_stops_the_session(kit: Kit) -> None:
    session = waited(kit, reason="lost card")
    path = session.path / "notice.json"
    path.write_bytes(path.read_bytes().replace(b"lost card", b"lost keys"))
    with pytest.raises(NotVerified, match="no longer matches the session transcript"):
        rec.Session.open(session.path)


def test_a_changed_transcript_stops_the_session(kit: Kit) -> None:
    session = waited(kit)
    path = session.transcript_path
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:2] + lines[3:]))  # the first `waiting` removed
    with pytest.raises(NotVerified, match="entries were removed"):
        rec.Session.open(session.path)


def test_an_impossible_event_order_is_refused(kit: Kit) -> None:
    from ceremony.workflows.transcript import Transcript

    session = start(kit)
    transcript = Transcript.resume(session.transcript_path)
    transcript.append("recovered", data={"released_to": "terminal"})
    transcript.suspend()
    with pytest.raises(NotVerified, match="'recovered' cannot follow the state 'requested'"):
        rec.Session.open(session.path)


# -- cancel -------------------------------------------------------------------------------------


def test_a_cancelled_session_ends_for_good(kit: Kit) -> None:
    session = rec.cancel(waited(kit), "the card was found")
    assert session.state is rec.State.CANCELLED
    assert session.closed
    assert events(session)[-2:] == ["cancelled", "closed"]
    with pytest.raises(Refused, match="cancelled"):
        rec.cancel(session)
    with pytest.raises(Refused, match="cancelled"):
        rec.plan_wait(session)
    with pytest.raises(Refused, match="cancelled"):
        rec.rebuild(session, kit.record, kit.quorum())


# -- shares as they arrive ----------------------------------------------------------------------


def test_shares_are_counted_per_named_group(kit: Kit) -> None:
    collection = rec.ShareCollection(kit.record)
    assert collection.progress_lines()[0] == "treasury: 0 of 2 needed"
    check = collection.add(kit.shares((0, 1))[0])
    assert (check.holder, check.group, check.member) == ("treasury holder 2", "treasury", 2)
    collection.add(kit.shares((2, 0))[0])
    assert collection.progress_lines() == [
        "treasury: 1 of 2 needed",
        "family: 0 of 2 needed",
        "lawyer: 1 of 1 needed (complete)",
        "groups: 1 of 2 needed (of 3)",
    ]
    assert not collection.quorum
    collection.add(kit.shares((0, 2))[0])
    assert collection.quorum


def test_duplicate_and_foreign_shares_are_refused_with_the_reason(kit: Kit, kit_dir: Path) -> None:
    other = make_kit(kit_dir, seed=b"other", name="other")
    collection = rec.ShareCollection(kit.record)
    share = kit.shares((1, 0))[0]
    collection.add(share)
    with pytest.raises(BadInput, match=r"already given \(family holder 1's"):
        collection.add(share)
    with pytest.raises(NotVerified, match="belongs to another backup") as caught:
        collection.add(other.shares((1, 1))[0])
    assert kit.record.ceremony_id in caught.value.hint
    assert len(collection.shares) == 1


# -- rebuilding and verifying -------------------------------------------------------------------


def test_the_full_session_releases_only_the_recorded_secret(kit: Kit, tmp_path: Path) -> None:
    session = waited(kit)
    chain = rec.check_delay(session)
    shares = rec.collect(kit.record, kit.quorum()).shares
    result = rec.rebuild(session, kit.record, shares, chain=chain)
    assert (result.fingerprint, result.commitment) == (
        kit.record.fingerprint,
        kit.record.commitment,
    )
    assert result.release_text() == kit.secret_hex
    assert "redacted" in repr(result.secret)
    assert kit.secret_hex not in repr(result)
    session = rec.record_unlock(session, result)
    assert rec.record_unlock(session, result) == session  # not twice
    output = tmp_path / "secret.txt"
    rec.write_release(output, result)
    session = rec.record_release(session, result, "file")
    assert output.read_text() == kit.secret_hex + "\n"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert session.state is rec.State.RECOVERED
    assert session.closed
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries][-3:] == ["unlocked", "recovered", "closed"]
    assert entries[-3].data == {
        "by": "delay",
        "total_iterations": T,
        "participants": [share.check_code() for share in shares],
        "refused_shares": 0,
    }
    assert entries[-2].data == {
        "fingerprint": kit.record.fingerprint,
        "commitment": kit.record.commitment,
        "released_to": "file",
    }
    for path in session.path.rglob("*"):
        if path.is_file():
            assert kit.secret_hex.encode() not in path.read_bytes(), path
    with pytest.raises(Refused, match="already released"):
        rec.rebuild(session, kit.record, shares, chain=chain)


def test_a_record_that_does_not_match_the_shares_releases_nothing(kit: Kit, kit_dir: Path) -> None:
    other = make_kit(kit_dir, seed=b"another", name="another")
    wrong = replace(
        kit.record, fingerprint=other.record.fingerprint, commitment=other.record.commitment
    )
    kit.record_path.write_text(wrong.to_json())
    session = finish_wait(start(kit))
    with pytest.raises(NotVerified, match="NOT the recorded secret") as caught:
        rec.rebuild(session, wrong, kit.quorum())
    assert "nothing was released" in caught.value.hint
    assert "mixed" in caught.value.hint
    assert "unlocked" not in events(session)


def test_a_wrong_passphrase_is_not_the_recorded_secret(kit_dir: Path) -> None:
    kit = make_kit(kit_dir, passphrase=b"correct horse", seed=b"pass", name="pass")
    session = waited(kit)
    with pytest.raises(NotVerified, match="NOT the recorded secret") as caught:
        rec.rebuild(session, kit.record, kit.quorum(), passphrase=b"correct h0rse")
    assert "passphrase" in caught.value.hint
    result = rec.rebuild(session, kit.record, kit.quorum(), passphrase=b"correct horse")
    assert result.release_text() == kit.secret_hex


def test_too_few_shares_name_the_groups(kit: Kit) -> None:
    session = waited(kit)
    with pytest.raises(BadInput, match="treasury has 1 of 2"):
        rec.rebuild(session, kit.record, kit.shares((0, 0), (2, 0)))


def test_bip39_release_is_the_phrase(kit_dir: Path) -> None:
    from mnemonic import Mnemonic

    kit = make_kit(kit_dir, kind=SecretKind.BIP39, seed=b"bip39", name="bip39")
    session = waited(kit)
    result = rec.rebuild(session, kit.record, kit.quorum())
    assert result.release_text() == Mnemonic("english").to_mnemonic(bytes.fromhex(kit.secret_hex))
    assert result.release_form == "BIP-39 phrase"


def test_the_record_is_found_beside_the_session_and_checked(kit: Kit, kit_dir: Path) -> None:
    session = start(kit)
    assert rec.session_record(session).record == kit.record
    other = make_kit(kit_dir, seed=b"elsewhere", name="elsewhere")
    with pytest.raises(NotVerified, match="not the one notice"):
        rec.session_record(session, other.record_path)


# -- everything at once, as the demo runs it ----------------------------------------------------


def test_run_recovery_start_to_release(kit: Kit, tmp_path: Path) -> None:
    reports: list[tuple[int, int]] = []

    class Spy:
        def advanced(self, done: int, total: int) -> None:
            reports.append((done, total))

    output = tmp_path / "out" / "secret.txt"
    output.parent.mkdir()
    outcome = rec.run_recovery(
        kit.record_path,
        kit.quorum(),
        progress=Spy(),
        segment_iterations=1000,
        requester="demo",
        reason="demonstration",
        output=output,
    )
    assert output.read_text() == kit.secret_hex + "\n"
    assert outcome.released_to == "file"
    assert outcome.session.state is rec.State.RECOVERED
    assert outcome.chain is not None
    assert len(outcome.chain.segments) == 3
    assert reports == [(0, T), (1000, T), (2000, T), (3000, T)]


def test_run_recovery_without_release_leaves_the_session_unlocked(kit: Kit) -> None:
    outcome = rec.run_recovery(kit.record_path, kit.quorum(), segment_iterations=1500)
    assert outcome.released_to is None
    assert outcome.session.state is rec.State.UNLOCKED
    assert not outcome.session.closed
    assert outcome.reconstruction.fingerprint == kit.record.fingerprint


def test_run_recovery_refuses_foreign_shares_before_any_work(kit: Kit, kit_dir: Path) -> None:
    other = make_kit(kit_dir, seed=b"foreign", name="foreign")
    with pytest.raises(NotVerified):
        rec.run_recovery(kit.record_path, [*kit.quorum()[:2], other.quorum()[2]])
    assert not (kit.directory / "recovery").exists()


def test_session_files_hold_no_secret_mode_bits(kit: Kit) -> None:
    session = waited(kit)
    for path in session.path.rglob("*"):
        if path.is_file():
            assert not os.access(path, os.X_OK)


def test_one_long_computation_per_session(kit: Kit) -> None:
    """Another process holds the session's lock: this one is refused, then free again."""
    session = start(kit)
    plan = rec.plan_wait(session, segment_iterations=1000)
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys, time\nfrom ceremony.files import exclusive_directory\n"
            "with exclusive_directory(sys.argv[1], 'session'):\n"
            "    print('held', flush=True)\n    time.sleep(60)\n",
            str(session.path),
        ],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None
        assert holder.stdout.readline() == "held\n"
        with pytest.raises(Refused, match="another wait, unlock or cancel"):
            rec.run_wait(session, plan)
    finally:
        holder.kill()
        holder.wait()
    finish_wait(session)  # free again once the other one has finished


def test_a_chain_computed_elsewhere_is_recorded_before_unlocked(kit: Kit, tmp_path: Path) -> None:
    """The notice is public: the wait may run on another machine, its proof copied back."""
    import shutil

    session = start(kit)
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(session.path, elsewhere)
    finish_wait(rec.Session.open(elsewhere))
    shutil.copytree(elsewhere / "proof", session.proof_dir)
    session = rec.Session.open(session.path)
    assert events(session) == ["opened", "requested"]
    chain = rec.check_delay(session)
    result = rec.rebuild(session, kit.record, kit.quorum(), chain=chain)
    session = rec.record_unlock(session, result)
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries] == [
        "opened",
        "requested",
        "waiting",
        "delay_done",
        "unlocked",
    ]
    assert entries[2].data == {"segments": 3}
    assert entries[3].data["chain_sha256"] == rec.chain_sha256(chain)


def test_a_finished_wait_adds_nothing_more(kit: Kit) -> None:
    session = waited(kit)
    before = events(session)
    finish_wait(session)
    assert events(session) == before
