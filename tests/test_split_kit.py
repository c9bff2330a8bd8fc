"""`ceremony split --kit`: every kit it writes, sealed ones included, recovers from its written
files; the read-back proof runs before the kit is moved into place and refuses a kit that does not
recover (exit 8, nothing left behind)."""

from __future__ import annotations

import hashlib
import json
import os
import secrets
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from ceremony.errors import ExitCode, NotRecoverable
from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.paper.content import PaperSize
from ceremony.workflows import readback
from ceremony.workflows.kit import write_split_kit
from ceremony.workflows.split import Sealed, Unsealed, make_split, split_sealed
from ceremony.workflows.timelock_policy import SEALED, calibrate
from tests.helpers.ceremony import card_words
from tests.helpers.cli import run_cli

SMALL_RATE = 1000.0
"""Squarings per second the tests pretend to measure: a '2s' lock is then 2000 squarings, which
the standalone recover.py solves with the standard library in a moment."""


@pytest.fixture
def slow_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    from ceremony.workflows import timelock_policy

    monkeypatch.setattr(timelock_policy, "default_rate", lambda mode: SMALL_RATE)


def holder_shares(kit: Path) -> list[str]:
    """The words of every holder PDF, read from the PDF text, one share per line."""
    return [" ".join(card_words(pdf)) for pdf in sorted((kit / "holders").iterdir())]


def run_recover_py(kit: Path, *args: str, shares: list[str]) -> dict[str, str]:
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(kit / "recover.py"), *args, "-"],
        input="\n".join(shares) + "\n",
        capture_output=True,
        text=True,
        cwd=kit,
        env={},
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return dict(line.split(": ", 1) for line in done.stdout.splitlines())


def split_kit(tmp_path: Path, *extra: str, name: str = "kit") -> tuple[Path, Record, str]:
    kit = tmp_path / name
    result = run_cli(
        ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", *extra, "--kit", str(kit)]
    )
    assert result.code == 0, result.err
    return kit, Record.from_json((kit / "record.json").read_text()), result.err


def test_sealed_split_kit_records_the_lock_and_writes_the_consent_card(
    tmp_path: Path, slow_machine: None
) -> None:
    kit, record, err = split_kit(tmp_path, "--timelock", "2s", "--speedup", "8")
    lock = record.timelock
    assert lock is not None
    assert lock.mode == SEALED
    assert lock.version == "ceremony/v1/sealed"
    assert int(lock.modulus_hex, 16).bit_length() == 2048
    assert lock.iterations == 2000
    assert lock.expected_seconds == 2.0
    assert lock.minimum_seconds == 0.25
    assert lock.consent_card
    assert lock.consent_check_code
    for name in ("consent.txt", "consent-card.pdf"):
        assert stat.S_IMODE(os.stat(kit / "consent" / name).st_mode) == 0o600
    assert "consent card" in err
    # the screen says which paths were proved, and the record keeps it
    assert "read back from the written kit" in err
    assert "recover.py (python3 -I, P through a pipe)" in err
    assert "the consent file, by ceremony and by recover.py" in err
    assert record.read_back["paths"][0].startswith("ceremony")
    assert record.read_back["fingerprint"] == record.fingerprint
    # recovered from the written files by each documented path
    shares = holder_shares(kit)[:2]
    solved = run_recover_py(
        kit, "--timelock-n", lock.modulus_hex, "--timelock-t", str(lock.iterations), shares=shares
    )
    assert solved["fingerprint"] == record.fingerprint
    by_card = run_recover_py(kit, "--passphrase-file", "consent/consent.txt", shares=shares)
    assert by_card["fingerprint"] == record.fingerprint
    assert by_card["commitment"] == record.commitment


def test_no_consent_card_writes_none_and_says_so(tmp_path: Path, slow_machine: None) -> None:
    kit, record, err = split_kit(tmp_path, "--timelock", "2s", "--no-consent-card")
    assert not (kit / "consent").exists()
    assert "no consent card" in err
    assert record.timelock is not None
    assert not record.timelock.consent_card
    assert not record.timelock.consent_check_code
    lock = record.timelock
    found = run_recover_py(
        kit,
        "--timelock-n",
        lock.modulus_hex,
        "--timelock-t",
        str(lock.iterations),
        shares=holder_shares(kit)[1:],
    )
    assert found["fingerprint"] == record.fingerprint


def test_no_consent_card_needs_a_timelock(tmp_path: Path) -> None:
    result = run_cli(
        ["split", "-t", "1", "-g", "a=2of3", "--no-consent-card", "--kit", str(tmp_path / "k")]
    )
    assert result.code == ExitCode.BAD_INPUT
    assert "error: --no-consent-card is for a sealed time lock" in result.err
    assert not (tmp_path / "k").exists()


def test_timelock_without_kit_needs_reveal_and_prints_n_and_t(slow_machine: None) -> None:
    refused = run_cli(["split", "-t", "1", "-g", "a=2of3", "--timelock", "2s"])
    assert refused.code == ExitCode.REFUSED
    shown = run_cli(
        ["split", "-t", "1", "-g", "a=2of3", "--strength", "128", "--timelock", "2s", "--reveal"]
    )
    assert shown.code == 0, shown.err
    assert "# modulus " in shown.out
    assert "# sealed time lock ceremony/v1/sealed: squarings 2000" in shown.out
    assert "keep the modulus N and the squarings T" in shown.err


def test_a_sealed_split_cannot_lose_its_lock() -> None:
    """By construction: an Unsealed split refuses a sealed lock, a Sealed one a lock that is not
    its own, and the kit writer takes only these two types."""
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    info = calibrate(SEALED, 2, 10.0, measure=lambda: SMALL_RATE)
    sealed = make_split(scheme, Secret(secrets.token_bytes(16)), b"", timelock=info)
    assert isinstance(sealed, Sealed)
    with pytest.raises(ValueError, match="Sealed split"):
        Unsealed(sealed.result, passphrase_used=False, timelock=sealed.timelock)
    other = split_sealed(scheme, secrets.token_bytes(16), info.iterations)
    with pytest.raises(ValueError, match="not the lock"):
        Sealed(other, sealed.timelock, consent_card=True)


def kit_of(tmp_path: Path, name: str = "kit") -> tuple[Path, Unsealed | Sealed]:
    scheme = Scheme(2, (GroupSpec("a", 2, 3), GroupSpec("b", 1, 1)), strength_bits=128)
    split = make_split(scheme, Secret(secrets.token_bytes(16)), b"pass")
    kit = tmp_path / name
    write_split_kit(kit, split, name="T", paper=PaperSize.A4, overwrite=False, passphrase=b"pass")
    return kit, split


def test_the_proof_reads_words_from_the_pdfs_and_refuses_a_changed_kit(tmp_path: Path) -> None:
    kit, split = kit_of(tmp_path)
    proof = readback.prove_kit(kit, split, b"pass")
    assert proof.holder_pdfs == 4
    assert proof.quorum == ("a holder 1", "a holder 2", "b holder 1")
    # a wrong passphrase is a different wallet: refused, not "proved"
    with pytest.raises(NotRecoverable, match="fingerprint"):
        readback.prove_kit(kit, split, b"other")
    # two holder PDFs swapped: the record's hashes catch it
    holders = sorted((kit / "holders").iterdir())
    first, second = holders[0].read_bytes(), holders[1].read_bytes()
    holders[0].write_bytes(second)
    holders[1].write_bytes(first)
    with pytest.raises(NotRecoverable, match="holder PDF is not the one the record names"):
        readback.prove_kit(kit, split, b"pass")
    holders[0].write_bytes(first)
    holders[1].write_bytes(second)
    # a record that lost its time lock, or recover.py that is not the recorded one
    (kit / "recover.py").write_text("print('fingerprint: 00000000')\n")
    with pytest.raises(NotRecoverable, match=r"recover\.py is not the one"):
        readback.prove_kit(kit, split, b"pass")


def test_recover_py_that_disagrees_is_caught(tmp_path: Path) -> None:
    kit, split = kit_of(tmp_path)
    record = Record.from_json((kit / "record.json").read_text())
    bad = "import sys\nsys.stdin.read()\nprint('fingerprint: 00000000')\nprint('commitment: 0')\n"
    (kit / "recover.py").write_text(bad)
    import hashlib

    changed = record.with_changes(recover_py_sha256=hashlib.sha256(bad.encode()).hexdigest())
    (kit / "record.json").write_text(changed.to_json())
    with pytest.raises(NotRecoverable, match="gives fingerprint 00000000"):
        readback.prove_kit(kit, split, b"pass")


def test_sealed_record_without_its_lock_is_not_recoverable(tmp_path: Path) -> None:
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    info = calibrate(SEALED, 2, 10.0, measure=lambda: SMALL_RATE)
    split = make_split(
        scheme, Secret(secrets.token_bytes(16)), b"", timelock=info, consent_card=True
    )
    kit = tmp_path / "kit"
    write_split_kit(kit, split, name="T", paper=PaperSize.LETTER, overwrite=False)
    record = Record.from_json((kit / "record.json").read_text())
    (kit / "record.json").write_text(record.with_changes(timelock=None).to_json())
    with pytest.raises(NotRecoverable, match="does not carry the sealed time lock") as info_:
        readback.prove_kit(kit, split)
    assert info_.value.exit_code == ExitCode.NOT_RECOVERABLE == 8


def test_a_kit_that_fails_its_proof_is_never_left_behind(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def wrong(*args: object, **kwargs: object) -> dict[str, str]:
        return {"fingerprint": "00000000", "commitment": "0" * 64}

    monkeypatch.setattr(readback, "run_recover_py", wrong)
    kit = tmp_path / "kit"
    result = run_cli(["split", "-t", "1", "-g", "a=2of3", "--kit", str(kit)])
    assert result.code == 8, result.err
    assert "error: the kit read back gives fingerprint 00000000" in result.err
    assert "hint: the kit is not final" in result.err
    assert "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == []


def test_split_kit_json_names_no_share(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    result = run_cli(["split", "-t", "1", "-g", "a=2of3", "--kit", str(kit), "--json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert "groups" not in data
    assert data["fingerprint"] == Record.from_json((kit / "record.json").read_text()).fingerprint


def test_the_card_reader_reads_what_is_on_disk_and_forgets_it(tmp_path: Path) -> None:
    kit, split = kit_of(tmp_path)
    holders = sorted((kit / "holders").iterdir())
    (tmp_path / "garbled.pdf").write_bytes(b"%PDF-1.4 not really")
    with readback.reading_ahead() as reader:
        for path in [*holders, tmp_path / "garbled.pdf", tmp_path / "missing.pdf"]:
            reader.submit(path)
        read = reader.finish()
        # only the real cards, under the SHA-256 of their bytes; the others are left to the proof
        assert set(read) == {hashlib.sha256(p.read_bytes()).hexdigest() for p in holders}
        for path in holders:
            digest = hashlib.sha256(path.read_bytes()).hexdigest()
            assert read[digest] == readback.words_from_pdf(path.read_bytes(), "x")
        proof = readback.prove_kit(kit, split, b"pass", reader)
        assert proof.holder_pdfs == 4
    assert read == {}  # forgotten when the block ends


def test_a_card_changed_after_it_was_read_ahead_is_read_again(tmp_path: Path) -> None:
    kit, split = kit_of(tmp_path)
    holders = sorted((kit / "holders").iterdir())
    with readback.reading_ahead() as reader:
        reader.submit(holders[0])
        reader.finish()
        holders[0].write_bytes(holders[1].read_bytes())
        with pytest.raises(NotRecoverable, match="holder PDF is not the one the record names"):
            readback.prove_kit(kit, split, b"pass", reader)


def test_record_pdf_is_drawn_while_recover_py_runs_and_is_the_proved_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceremony.workflows import kit as kits

    drawn: list[bool] = []
    real = kits.record_pdf

    def record_pdf(record: Record) -> bytes:
        drawn.append(any(t.name == "recover-py" for t in threading.enumerate()))
        return real(record)

    monkeypatch.setattr(kits, "record_pdf", record_pdf)
    kit, _ = kit_of(tmp_path)
    assert drawn == [True]  # once, while recover.py ran
    record = Record.from_json((kit / "record.json").read_text())
    assert record.read_back["paths"][1].startswith("recover.py")
    assert (kit / "record.pdf").read_bytes() == real(record.with_changes(record_pdf_sha256=""))


def test_what_fails_while_recover_py_runs_kills_it(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    kit, split = kit_of(tmp_path)
    started: list[subprocess.Popen[bytes]] = []
    real = subprocess.Popen

    def popen(*args: object, **kwargs: object) -> subprocess.Popen[bytes]:
        started.append(real(*args, **kwargs))  # type: ignore[call-overload]
        return started[-1]

    def interrupted(proof: readback.KitProof) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(readback.subprocess, "Popen", popen)
    with pytest.raises(KeyboardInterrupt):
        readback.prove_kit(kit, split, b"pass", meanwhile=interrupted)
    assert len(started) == 1
    assert started[0].returncode is not None  # killed and waited for
    assert not any(t.name == "recover-py" for t in threading.enumerate())
