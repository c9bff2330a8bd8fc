"""`ceremony recover` end to end through the real entry point: a whole evidenced session, and every
bad input with its exit code (4 not verified, 5 refused, 7 locked, 3 bad input)."""

from __future__ import annotations

import json
import stat
from dataclasses import replace
from pathlib import Path

import pytest

from ceremony.workflows import recovery as rec
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.cli import run_cli
from tests.helpers.recovery import Kit, T, finish_wait, make_kit, start


@pytest.fixture
def kit(tmp_path: Path) -> Kit:
    # rate 10/s plans segments of 600 iterations: five segments for T = 3000
    return make_kit(tmp_path, rate=10.0)


def shares_file(tmp_path: Path, kit: Kit, picks: list[tuple[int, int]] | None = None) -> Path:
    shares = kit.shares(*picks) if picks else kit.quorum()
    path = tmp_path / "shares.txt"
    path.write_text("".join(share.mnemonic() + "\n" for share in shares))
    return path


def session_of(text: str) -> Path:
    for line in text.splitlines():
        if line.startswith("session "):
            return Path(line.split(None, 1)[1].strip())
    raise AssertionError(f"no session line in {text!r}")


def test_a_whole_evidenced_session(tmp_path: Path, kit: Kit) -> None:
    started = run_cli(
        ["recover", "start", "--record", str(kit.directory), "--requester", "Ana", "--reason", "x"]
    )
    assert started.code == 0, started.err
    session = session_of(started.out)
    notice = rec.Session.open(session).notice
    assert f"notice       {notice.notice_id}" in started.out
    assert notice.sha256.hex() in started.out
    assert notice.hash_words in started.out
    assert "3,000 VDF iterations" in started.out
    assert "at least 30 seconds against hardware 10× faster" in started.out
    assert "next: ceremony recover wait" in started.err

    status = run_cli(["recover", "status", str(session)])
    assert status.code == 0
    assert "state: requested (evidenced delay)" in status.out
    assert "0 of 3,000 iterations proven" in status.out

    waited = run_cli(["recover", "wait", str(session)])
    assert waited.code == 0, waited.err
    assert "5 segment(s) of up to 600" in waited.err
    assert "the delay is done: 3,000 iterations in 5 segment(s)" in waited.err

    status = run_cli(["recover", "status", str(session), "--json"])
    data = json.loads(status.out)
    assert data["state"] == "waiting"
    assert data["delay_done"] is True
    assert (data["done_iterations"], data["good_segments"], data["next_step"]) == (T, 5, "unlock")

    output = tmp_path / "secret.txt"
    unlocked = run_cli(
        [
            "recover",
            "unlock",
            str(session),
            "--shares-file",
            str(shares_file(tmp_path, kit)),
            "--output",
            str(output),
        ]
    )
    assert unlocked.code == 0, unlocked.err
    assert "the delay is proven: 3,000 iterations in 5 segment(s)" in unlocked.err
    assert "treasury: 2 of 2 needed (complete)" in unlocked.err
    assert f"verified: this IS the recorded secret (fingerprint {kit.record.fingerprint}" in (
        unlocked.err
    )
    assert output.read_text() == kit.secret_hex + "\n"
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    assert kit.secret_hex not in unlocked.out + unlocked.err
    events = [e.event for e in verify_transcript(session / "transcript.jsonl").entries]
    assert events == [
        "opened",
        "requested",
        "waiting",
        "delay_done",
        "unlock_started",
        "unlocked",
        "recovered",
        "closed",
    ]
    final = run_cli(["recover", "status", str(session)])
    assert "state: recovered" in final.out
    assert "next: nothing" in final.out
    again = run_cli(
        [
            "recover",
            "unlock",
            str(session),
            "--shares-file",
            str(tmp_path / "shares.txt"),
            "--reveal",
        ]
    )
    assert again.code == 5
    assert "already released" in again.err


def test_start_without_time_lock_points_to_combine(tmp_path: Path, kit: Kit) -> None:
    (kit.directory / "record.json").write_text(replace(kit.record, timelock=None).to_json())
    result = run_cli(["recover", "start", "--record", str(kit.record_path)])
    assert result.code == 3
    assert "not time-locked" in result.err
    assert "ceremony combine" in result.err
    assert kit.record.fingerprint in result.err


def test_unlock_before_wait_is_locked(tmp_path: Path, kit: Kit) -> None:
    session = start(kit)
    output = tmp_path / "secret.txt"
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--output", str(output)]
    result = run_cli(["recover", "unlock", str(session.path), *args])
    assert result.code == 7, result.err
    assert "the delay has not started" in result.err
    # a partial chain: two of five segments
    plan = rec.plan_wait(session)
    from tests.helpers.recovery import StopAfter

    with pytest.raises(KeyboardInterrupt):
        rec.run_wait(session, plan, progress=StopAfter(2))
    result = run_cli(["recover", "unlock", str(session.path), *args])
    assert result.code == 7
    assert "1200 of 3000 iterations (40%)" in result.err
    assert not output.exists()


def test_tampered_notice_is_detected_by_status_and_unlock(tmp_path: Path, kit: Kit) -> None:
    session = finish_wait(start(kit, reason="lost card"))
    notice = session.path / "notice.json"
    notice.write_bytes(notice.read_bytes().replace(b"lost card", b"lost keys"))
    status = run_cli(["recover", "status", str(session.path)])
    assert status.code == 4
    assert "the notice no longer matches the session transcript" in status.err
    unlocked = run_cli(
        [
            "recover",
            "unlock",
            str(session.path),
            "--shares-file",
            str(shares_file(tmp_path, kit)),
            "--reveal",
        ]
    )
    assert unlocked.code == 4
    assert "no longer matches" in unlocked.err
    assert run_cli(["recover", "wait", str(session.path)]).code == 4


def test_tampered_and_foreign_proofs_are_not_verified(tmp_path: Path, kit: Kit) -> None:
    session = finish_wait(start(kit, b"first"))
    other = start(kit, b"second")
    other.proof_dir.mkdir()
    for path in session.proof_dir.iterdir():
        (other.proof_dir / path.name).write_bytes(path.read_bytes())
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--reveal"]
    result = run_cli(["recover", "unlock", str(other.path), *args])
    assert result.code == 4
    assert "computed for another recovery notice" in result.err

    segment = session.proof_dir / "segment-0003.json"
    data = json.loads(segment.read_text())
    data["proof"] = "ff" + data["proof"][2:]
    segment.write_text(json.dumps(data, indent=2) + "\n")
    result = run_cli(["recover", "unlock", str(session.path), *args])
    assert result.code == 4
    assert "segment 3" in result.err
    status = run_cli(["recover", "status", str(session.path)])
    assert "damaged: segment 3" in status.out
    assert "next: ceremony recover wait" in status.out
    waited = run_cli(["recover", "wait", str(session.path)])
    assert waited.code == 0
    assert "segment 3 is damaged or does not verify: recomputing from segment 2" in waited.err
    assert "resuming after 2 good segment(s), 2,000 iterations" in waited.err


def test_cancelled_session_refuses_everything(tmp_path: Path, kit: Kit) -> None:
    session = start(kit)
    result = run_cli(["recover", "cancel", str(session.path), "--reason", "card found"])
    assert result.code == 0
    assert "cancelled for good" in result.err
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries][-2:] == ["cancelled", "closed"]
    assert entries[-2].data == {"reason": "card found"}
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--reveal"]
    unlocked = run_cli(["recover", "unlock", str(session.path), *args])
    assert unlocked.code == 5
    assert "was cancelled" in unlocked.err
    assert run_cli(["recover", "wait", str(session.path)]).code == 5
    assert run_cli(["recover", "cancel", str(session.path)]).code == 5


def test_record_that_does_not_match_the_shares(tmp_path: Path, kit: Kit) -> None:
    other = make_kit(tmp_path, seed=b"other", name="other")
    wrong = replace(
        kit.record, fingerprint=other.record.fingerprint, commitment=other.record.commitment
    )
    kit.record_path.write_text(wrong.to_json())
    session = finish_wait(start(kit))
    output = tmp_path / "secret.txt"
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--output", str(output)]
    result = run_cli(["recover", "unlock", str(session.path), *args])
    assert result.code == 4
    assert "NOT the recorded secret" in result.err
    assert "nothing was released" in result.err
    assert not output.exists()
    assert kit.secret_hex not in result.out + result.err


def test_wrong_passphrase_is_not_the_recorded_secret(tmp_path: Path) -> None:
    kit = make_kit(tmp_path, passphrase=b"correct horse")
    session = finish_wait(start(kit))
    wrong = tmp_path / "wrong.txt"
    wrong.write_text("correct h0rse\n")
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--reveal"]
    result = run_cli(
        ["recover", "unlock", str(session.path), *args, "--passphrase-file", str(wrong)]
    )
    assert result.code == 4
    assert "NOT the recorded secret" in result.err
    assert "passphrase" in result.err.split("hint:")[1]
    missing = run_cli(["recover", "unlock", str(session.path), *args])
    assert missing.code == 3
    assert "--passphrase-file" in missing.err
    right = tmp_path / "right.txt"
    right.write_text("correct horse\n")
    result = run_cli(
        ["recover", "unlock", str(session.path), *args, "--passphrase-file", str(right)]
    )
    assert result.code == 0, result.err
    assert result.out == kit.secret_hex + "\n"


def test_foreign_and_duplicate_shares_from_a_file(tmp_path: Path, kit: Kit) -> None:
    session = finish_wait(start(kit))
    other = make_kit(tmp_path, seed=b"other", name="other")
    path = tmp_path / "mixed.txt"
    path.write_text(kit.quorum()[0].mnemonic() + "\n" + other.quorum()[1].mnemonic() + "\n")
    result = run_cli(
        ["recover", "unlock", str(session.path), "--shares-file", str(path), "--reveal"]
    )
    assert result.code == 4
    assert "belongs to another backup" in result.err
    path.write_text((kit.quorum()[0].mnemonic() + "\n") * 2)
    result = run_cli(
        ["recover", "unlock", str(session.path), "--shares-file", str(path), "--reveal"]
    )
    assert result.code == 3
    assert "already given" in result.err


def test_release_targets_are_checked_before_any_share(tmp_path: Path, kit: Kit) -> None:
    session = finish_wait(start(kit))
    # stdout is not a terminal here: refused without --reveal or --output, before reading shares
    result = run_cli(["recover", "unlock", str(session.path), "--shares-file", "/nonexistent"])
    assert result.code == 5
    assert "not a terminal" in result.err
    existing = tmp_path / "exists.txt"
    existing.write_text("keep me\n")
    args = ["--shares-file", str(shares_file(tmp_path, kit))]
    result = run_cli(["recover", "unlock", str(session.path), *args, "--output", str(existing)])
    assert result.code == 5
    assert "already exists" in result.err
    assert existing.read_text() == "keep me\n"
    result = run_cli(
        ["recover", "unlock", str(session.path), *args, "--output", str(existing), "--force"]
    )
    assert result.code == 0
    assert existing.read_text() == kit.secret_hex + "\n"


def test_shares_from_stdin_with_reveal(tmp_path: Path, kit: Kit) -> None:
    session = finish_wait(start(kit))
    text = "".join(s.mnemonic() + "\n" for s in kit.quorum())
    result = run_cli(["recover", "unlock", str(session.path), "--reveal"], stdin=text)
    assert result.code == 0, result.err
    assert result.out == kit.secret_hex + "\n"
    entries = verify_transcript(session.transcript_path).entries
    assert entries[-2].data["released_to"] == "terminal"


def test_every_recover_command_has_help_with_examples() -> None:
    for command in ("start", "status", "wait", "unlock", "cancel"):
        result = run_cli(["recover", command, "--help"])
        assert result.code == 0
        assert "Examples:" in result.out
        assert f"ceremony recover {command}" in result.out
