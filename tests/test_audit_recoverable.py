"""The audit catches a kit that cannot be recovered: a sealed secret whose record lost its lock, a
kit without recover.py, the remains of an aborted or half-removed run, a kit never read back; and
"skipped" always says what was skipped and why."""

from __future__ import annotations

import secrets
import shutil
from pathlib import Path

import pytest

from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.paper.content import PaperSize
from ceremony.planfile.plan import load_plan
from ceremony.workflows.audit import Status, audit_kit
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.kit import write_split_kit
from ceremony.workflows.split import make_split
from ceremony.workflows.timelock_policy import SEALED, calibrate
from tests.helpers.ceremony import Spy
from tests.helpers.cli import run_cli
from tests.helpers.paths import DATA


@pytest.fixture(scope="module")
def sealed_split_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    scheme = Scheme(1, (GroupSpec("solo", 2, 3),), strength_bits=128)
    info = calibrate(SEALED, 2, 10.0, measure=lambda: 1000.0)
    split = make_split(scheme, Secret(secrets.token_bytes(16)), b"", timelock=info)
    kit = tmp_path_factory.mktemp("split") / "kit"
    write_split_kit(kit, split, name="Sealed", paper=PaperSize.A4, overwrite=False)
    return kit


@pytest.fixture(scope="module")
def sealed_ceremony_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    kit = tmp_path_factory.mktemp("ceremony") / "kit"
    Ceremony(load_plan(DATA / "sealed-plan.toml"), Spy(), kit).run()
    return kit


def copy(kit: Path, tmp_path: Path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(kit, target)
    return target


def drop_lock(kit: Path) -> None:
    record = Record.from_json((kit / "record.json").read_text())
    (kit / "record.json").write_text(record.with_changes(timelock=None).to_json())


def test_a_sealed_split_kit_passes_the_recoverability_checks(sealed_split_kit: Path) -> None:
    report = audit_kit(sealed_split_kit, without_transcript=True)
    for name in ("kit.complete", "kit.sealed-lock", "kit.read-back"):
        assert report.check(name).status is Status.PASS, report.check(name).detail
    assert report.passed


def test_a_sealed_split_record_without_its_lock_fails(
    sealed_split_kit: Path, tmp_path: Path
) -> None:
    kit = copy(sealed_split_kit, tmp_path)
    drop_lock(kit)
    report = audit_kit(kit, without_transcript=True)
    check = report.check("kit.sealed-lock")
    assert check.status is Status.FAIL
    assert "read-back proof says the secret is sealed" in check.detail
    assert "can never be recovered" in check.detail
    assert not report.passed


def test_a_sealed_ceremony_record_without_its_lock_fails(
    sealed_ceremony_kit: Path, tmp_path: Path
) -> None:
    kit = copy(sealed_ceremony_kit, tmp_path)
    drop_lock(kit)
    check = audit_kit(kit).check("kit.sealed-lock")
    assert check.status is Status.FAIL
    assert "says the secret was sealed, but the record carries no sealed time lock" in check.detail


def test_a_kit_without_recover_py_or_read_back_fails(
    sealed_split_kit: Path, tmp_path: Path
) -> None:
    kit = copy(sealed_split_kit, tmp_path)
    (kit / "recover.py").unlink()
    record = Record.from_json((kit / "record.json").read_text())
    (kit / "record.json").write_text(record.with_changes(read_back={}).to_json())
    report = audit_kit(kit, without_transcript=True)
    assert report.check("files.recover.py").status is Status.FAIL
    assert report.check("kit.read-back").status is Status.FAIL


def test_the_remains_of_an_aborted_run_fail(sealed_ceremony_kit: Path, tmp_path: Path) -> None:
    aside = tmp_path / "kit.aborted-1"
    shutil.copytree(sealed_ceremony_kit, aside)
    check = audit_kit(aside).check("kit.complete")
    assert check.status is Status.FAIL
    assert "aborted" in check.detail


def test_skipped_checks_are_named_with_their_reason(sealed_split_kit: Path, tmp_path: Path) -> None:
    kit = copy(sealed_split_kit, tmp_path)
    shutil.rmtree(kit / "holders")
    result = run_cli(["audit", str(kit)])
    text = " ".join((result.out + result.err).split())
    skipped = [line for line in result.out.splitlines() if line.startswith("skipped: ")]
    assert any("plan.hash, plan.record: no plan given" in line for line in skipped)
    assert any(
        line.startswith("skipped: files.holders/01-01-solo-holder-1.pdf") for line in skipped
    )
    assert "skipped (each named above with its reason)" in text
