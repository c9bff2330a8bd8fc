"""The ceremony side of the sealed time lock: split --timelock, a sealed plan, the consent card,
and compatibility with the reference package and the standalone recover.py."""

from __future__ import annotations

import json
import os
import secrets
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.core.sealed import PuzzleSolver, SealedLock
from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.planfile.plan import load_plan
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.split import split_sealed
from ceremony.workflows.standalone import render_recover_py
from tests.helpers.ceremony import Spy
from tests.helpers.cli import run_cli
from tests.helpers.paths import DATA


def test_sealed_split_opens_with_p_in_the_reference_package() -> None:
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    sealed = split_sealed(scheme, secrets.token_bytes(16), 500)
    shares = [s.mnemonic() for s in sealed.result.groups[0][:2]]
    secret = shamir_mnemonic.combine_mnemonics(shares, sealed.consent.slip39_bytes())
    from ceremony.core.fingerprint import commitment
    from ceremony.model.secret import Secret

    assert commitment(Secret(secret)) == sealed.result.commitment
    # without P the shares open a different (empty-passphrase) wallet
    assert shamir_mnemonic.combine_mnemonics(shares, b"") != secret


def test_solving_the_puzzle_gives_the_consent_passphrase() -> None:
    scheme = Scheme(1, (GroupSpec("solo", 2, 2),), strength_bits=128, iteration_exponent=0)
    ems = secrets.token_bytes(16)
    sealed = split_sealed(scheme, ems, 3000)
    from ceremony.core.sealed import m0_from_ems

    m0 = m0_from_ems(
        ems, identifier=sealed.result.identifier, extendable=True, iteration_exponent=0
    )
    solved = PuzzleSolver(sealed.lock, m0, on_checkpoint=lambda cp: None).solve()
    assert solved.reveal() == sealed.consent.reveal()


def test_split_timelock_json_and_recover_py(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # the calibration is not what this tests (tests/test_calibration*.py do): a pinned rate
    monkeypatch.setattr("ceremony.workflows.timelock_policy.default_rate", lambda mode: 100_000.0)
    result = run_cli(
        [
            "split",
            "-t",
            "1",
            "-g",
            "solo=2of3",
            "--strength",
            "128",
            "--timelock",
            "1s",
            "--speedup",
            "8",
            "--reveal",
            "--json",
        ]
    )
    assert result.code == 0, result.err
    assert "against hardware 8× faster" in result.err
    data = json.loads(result.out)
    lock = data["timelock"]
    SealedLock(int(lock["modulus_hex"], 16), lock["squarings"])  # well-formed
    shares = [s["mnemonic"] for s in data["groups"][0]["shares"][1:]]
    secret = shamir_mnemonic.combine_mnemonics(shares, lock["consent_passphrase"].encode())
    assert len(secret) == 16
    # the standalone program solves the same lock with the standard library alone;
    # a smaller T keeps this fast, so re-seal with T = 2000 through the workflow instead
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    sealed = split_sealed(scheme, secrets.token_bytes(16), 2000)
    program = tmp_path / "recover.py"
    program.write_text(render_recover_py())
    shares_file = tmp_path / "shares.txt"
    shares_file.write_text("\n".join(s.mnemonic() for s in sealed.result.groups[0][:2]))
    # both ways of solving the lock: with gmpy2 (installed here) and with the standard library
    # alone (-S: no site-packages, as on a bare machine)
    for flags, gmpy2_used in ((["-I"], True), (["-I", "-S"], False)):
        run = subprocess.run(
            [
                sys.executable,
                *flags,
                str(program),
                "--timelock-n",
                f"{sealed.lock.modulus:x}",
                "--timelock-t",
                str(sealed.lock.squarings),
                str(shares_file),
            ],
            capture_output=True,
            text=True,
            env={},
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert ("time lock: using gmpy2" in run.stderr) is gmpy2_used
        assert sealed.result.fingerprint in run.stdout
        assert sealed.result.commitment in run.stdout


def test_sealed_ceremony_records_the_lock_and_writes_a_consent_card(tmp_path: Path) -> None:
    spy = Spy()
    kit = tmp_path / "kit"
    Ceremony(load_plan(DATA / "sealed-plan.toml"), spy, kit).run()
    record = Record.from_json((kit / "record.json").read_text())
    assert record.timelock is not None
    assert record.timelock.mode == "sealed"
    assert int(record.timelock.modulus_hex, 16).bit_length() == 2048
    assert record.timelock.consent_card
    consent = kit / "consent" / "consent.txt"
    assert stat.S_IMODE(os.stat(consent).st_mode) == 0o600
    lines = consent.read_text().splitlines()
    assert lines[0] == "ceremony-consent/v1"
    assert lines[1] == f"ceremony_id: {record.ceremony_id}"
    passphrase = lines[2].split(": ", 1)[1]
    shares = [s.mnemonic() for s in spy.shares]
    secret = shamir_mnemonic.combine_mnemonics(shares, passphrase.encode())
    from ceremony.core.fingerprint import commitment
    from ceremony.model.secret import Secret

    assert commitment(Secret(secret)) == record.commitment
    transcript = (kit / "transcript.jsonl").read_text()
    assert '"factors_destroyed":true' in transcript
    assert passphrase not in transcript
    assert passphrase not in (kit / "record.json").read_text()


def test_recover_py_matches_a_sealed_bip39_fingerprint(tmp_path: Path) -> None:
    from ceremony.model.scheme import SecretKind

    scheme = Scheme(1, (GroupSpec("solo", 2, 2),), strength_bits=128, kind=SecretKind.BIP39)
    sealed = split_sealed(scheme, secrets.token_bytes(16), 1000)
    program = tmp_path / "recover.py"
    program.write_text(render_recover_py())
    shares_file = tmp_path / "shares.txt"
    shares_file.write_text("\n".join(s.mnemonic() for s in sealed.result.groups[0]))
    consent = tmp_path / "p"
    consent.write_text(sealed.consent.reveal() + "\n")
    for extra in (
        ["--timelock-n", f"{sealed.lock.modulus:x}", "--timelock-t", "1000"],
        ["--passphrase-file", str(consent), "--sealed"],
    ):
        run = subprocess.run(
            [sys.executable, "-I", str(program), "--kind", "bip39", *extra, str(shares_file)],
            capture_output=True,
            text=True,
            env={},
            timeout=120,
        )
        assert run.returncode == 0, run.stderr
        assert f"fingerprint: {sealed.result.fingerprint}" in run.stdout
