"""Sealed time lock sessions: the puzzle solved at unlock (checkpointed, resumed, a damaged
checkpoint caught), the consent file's fast path and its refusals, and the reference package
opening the same shares with the same passphrase."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.core.sealed import Passphrase
from ceremony.errors import BadInput, NotVerified
from ceremony.workflows import recovery as rec
from ceremony.workflows.kit import consent_text
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.cli import run_cli
from tests.helpers.kits import seeded
from tests.helpers.recovery import Kit, StopAfter, T, make_kit, start


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    return make_kit(tmp_path_factory.mktemp("sealed"), mode="sealed", seed=b"sealed")


@pytest.fixture(scope="module")
def other(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    return make_kit(tmp_path_factory.mktemp("other"), mode="sealed", seed=b"other sealed")


def session(kit: Kit, tmp_path: Path, seed: bytes = b"n") -> rec.Session:
    return start(kit, seed, session_dir=tmp_path / f"session-{seed.decode()}")


def shares_file(tmp_path: Path, kit: Kit) -> Path:
    """Also names the record: these sessions live outside the kit."""
    path = tmp_path / "shares.txt"
    path.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))
    return path


def unlock(s: rec.Session, kit: Kit, *args: str) -> list[str]:
    return ["recover", "unlock", str(s.path), "--record", str(kit.record_path), *args]


def consent_file(tmp_path: Path, kit: Kit, passphrase: Passphrase | None = None) -> Path:
    assert kit.consent is not None
    path = tmp_path / "consent.txt"
    path.write_text(consent_text(kit.record, passphrase or kit.consent))
    return path


def test_sealed_session_solves_the_puzzle_at_unlock(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    assert s.notice.mode == "sealed"
    assert s.notice.required_iterations == T
    status = run_cli(["recover", "status", str(s.path)])
    assert "sealed time lock" in status.out
    assert "next: ceremony recover unlock" in status.out
    waited = run_cli(["recover", "wait", str(s.path)])
    assert waited.code == 0
    assert "nothing to wait for before the shares are in" in waited.err
    assert [e.event for e in verify_transcript(s.transcript_path).entries] == [
        "opened",
        "requested",
    ]
    output = tmp_path / "secret.txt"
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--output", str(output)]
    result = run_cli(unlock(s, kit, *args))
    assert result.code == 0, result.err
    assert f"solving the time lock: {T:,} sequential squarings" in result.err
    assert "verified: this IS the recorded secret" in result.err
    secret = bytes.fromhex(output.read_text().strip())
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    # reference compatibility: any SLIP-39 wallet opens the shares with P
    assert kit.consent is not None
    words = [share.mnemonic() for share in kit.quorum()]
    assert shamir_mnemonic.combine_mnemonics(words, kit.consent.slip39_bytes()) == secret
    assert shamir_mnemonic.combine_mnemonics(words, b"") != secret
    entries = verify_transcript(s.transcript_path).entries
    assert [e.event for e in entries][2:] == ["unlock_started", "unlocked", "recovered", "closed"]
    assert entries[3].data["by"] == "sealed-solved"
    assert entries[3].data["participants"] == [share.check_code() for share in kit.quorum()]
    leftovers = {p.name for p in s.path.iterdir()}
    assert leftovers == {"attest", "notice.json", "notice.pdf", "transcript.jsonl"}


def test_the_consent_file_opens_at_once(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    output = tmp_path / "secret.txt"
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--output", str(output)]
    path = consent_file(tmp_path, kit)
    result = run_cli(unlock(s, kit, *args, "--consent-file", str(path)))
    assert result.code == 0, result.err
    assert kit.consent is not None
    code = rec.consent_check_code(kit.consent.reveal())
    assert f"check code {code}: compare it with the consent card" in result.err
    assert "solving" not in result.err
    assert kit.consent.reveal() not in result.err + result.out
    entries = verify_transcript(s.transcript_path).entries
    assert entries[3].data["by"] == "consent"
    words = [share.mnemonic() for share in kit.quorum()]
    expected = shamir_mnemonic.combine_mnemonics(words, kit.consent.slip39_bytes())
    assert output.read_text() == expected.hex() + "\n"


def test_a_missing_consent_file(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--reveal"]
    missing = tmp_path / "nowhere.txt"
    result = run_cli(unlock(s, kit, *args, "--consent-file", str(missing)))
    assert result.code == 3
    assert "does not exist" in result.err
    assert len(verify_transcript(s.transcript_path).entries) == 2


def test_a_consent_file_for_another_ceremony(tmp_path: Path, kit: Kit, other: Kit) -> None:
    s = session(kit, tmp_path)
    path = tmp_path / "theirs.txt"
    assert other.consent is not None
    path.write_text(consent_text(other.record, other.consent))
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--reveal"]
    result = run_cli(unlock(s, kit, *args, "--consent-file", str(path)))
    assert result.code == 3
    assert f"is for ceremony {other.record.ceremony_id}, not {kit.record.ceremony_id}" in result.err


def test_a_wrong_consent_passphrase_releases_nothing(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    path = consent_file(tmp_path, kit, Passphrase("0" * 32))
    output = tmp_path / "secret.txt"
    args = ["--shares-file", str(shares_file(tmp_path, kit)), "--output", str(output)]
    result = run_cli(unlock(s, kit, *args, "--consent-file", str(path)))
    assert result.code == 4
    assert "NOT the recorded secret" in result.err
    assert "consent" in result.err.split("hint:")[1]
    assert not output.exists()


def test_a_consent_file_is_refused_for_an_evidenced_session(tmp_path: Path, kit: Kit) -> None:
    evidenced = make_kit(tmp_path, seed=b"ev")
    s = start(evidenced)
    path = consent_file(tmp_path, kit)
    result = run_cli(["recover", "unlock", str(s.path), "--consent-file", str(path), "--reveal"])
    assert result.code == 3
    assert "evidenced delay" in result.err


def test_consent_text_round_trip(kit: Kit) -> None:
    assert kit.consent is not None
    text = consent_text(kit.record, kit.consent)
    consent = rec.Consent.from_text(text)
    assert consent.ceremony_id == kit.record.ceremony_id
    assert consent.passphrase == kit.consent
    assert consent.to_text() == text
    assert kit.consent.reveal() not in repr(consent)
    spaced = text.replace(
        kit.consent.reveal(), " ".join(kit.consent.reveal()[i : i + 4] for i in range(0, 32, 4))
    )
    assert rec.Consent.from_text(spaced).passphrase == kit.consent
    for bad in ("", "ceremony-consent/v2\nceremony_id: x\npassphrase: y\n", "hello"):
        with pytest.raises(BadInput):
            rec.Consent.from_text(bad)


# -- checkpoints --------------------------------------------------------------------------------


def solve(s: rec.Session, kit: Kit, **events: object) -> rec.Reconstruction:
    options = rec.SolveEvents(chunk=100, checkpoint_every=300, **events)  # type: ignore[arg-type]
    return rec.rebuild(s, kit.record, kit.quorum(), solve=options)


def test_an_interrupted_solve_resumes_from_its_checkpoint(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    with pytest.raises(KeyboardInterrupt):
        solve(s, kit, progress=StopAfter(15))  # 1500 of 3000 squarings, checkpoints every 300
    current = s.path / rec.CHECKPOINT_FILE
    previous = s.path / rec.PREVIOUS_CHECKPOINT_FILE
    for path in (current, previous):
        assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert json.loads(current.read_text())["done"] == 1500
    assert json.loads(previous.read_text())["done"] == 1200
    assert rec.status(s).checkpoint_squarings == 1500
    resumed: list[rec.PuzzleResume] = []
    reports = StopAfter(10**9)
    result = solve(s, kit, on_resume=resumed.append, progress=reports)
    assert resumed[0].checkpoint is not None
    assert resumed[0].checkpoint.done == 1500
    assert reports.seen[0] == 1500  # no work repeated
    assert result.fingerprint == kit.record.fingerprint
    assert not current.exists()
    assert not previous.exists()


def test_a_damaged_checkpoint_falls_back_to_the_previous_one(tmp_path: Path, kit: Kit) -> None:
    s = session(kit, tmp_path)
    with pytest.raises(KeyboardInterrupt):
        solve(s, kit, progress=StopAfter(15))
    current = s.path / rec.CHECKPOINT_FILE
    data = json.loads(current.read_text())
    data["value"] = "1" + data["value"][1:] if data["value"][0] != "1" else "2" + data["value"][1:]
    current.write_text(json.dumps(data))
    resumed: list[rec.PuzzleResume] = []
    result = solve(s, kit, on_resume=resumed.append)
    assert resumed[0].discarded == (rec.CHECKPOINT_FILE,)
    assert resumed[0].checkpoint is not None
    assert resumed[0].checkpoint.done == 1200
    assert result.fingerprint == kit.record.fingerprint


def test_checkpoints_of_another_quorum_are_not_used(tmp_path: Path, kit: Kit, other: Kit) -> None:
    s = session(kit, tmp_path)
    theirs = session(other, tmp_path, b"o")
    with pytest.raises(KeyboardInterrupt):
        solve(theirs, other, progress=StopAfter(7))
    for name in (rec.CHECKPOINT_FILE, rec.PREVIOUS_CHECKPOINT_FILE):
        (s.path / name).write_bytes((theirs.path / name).read_bytes())
    (s.path / rec.PREVIOUS_CHECKPOINT_FILE).write_text("not json")
    resumed: list[rec.PuzzleResume] = []
    result = solve(s, kit, on_resume=resumed.append)
    assert resumed[0].checkpoint is None
    assert resumed[0].discarded == (rec.CHECKPOINT_FILE, rec.PREVIOUS_CHECKPOINT_FILE)
    assert result.fingerprint == kit.record.fingerprint


def test_mixed_shares_are_not_verified(tmp_path: Path, kit: Kit, other: Kit) -> None:
    s = session(kit, tmp_path)
    with pytest.raises((BadInput, NotVerified)):
        rec.rebuild(s, kit.record, [*kit.quorum()[:2], other.quorum()[2]])


def test_run_recovery_in_sealed_mode(tmp_path: Path, kit: Kit) -> None:
    assert kit.consent is not None
    consent = rec.Consent(kit.record.ceremony_id, kit.consent)
    outcome = rec.run_recovery(
        kit.record_path,
        kit.quorum(),
        consent=consent,
        session_dir=tmp_path / "demo",
        released_to="terminal",
        rng=seeded(b"demo"),
    )
    assert outcome.chain is None
    assert outcome.session.closed
    assert outcome.reconstruction.commitment == kit.record.commitment
