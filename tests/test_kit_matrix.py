"""The matrix: a kit made every way the tool makes one, each recovered from its written files (the
words read from the holder PDFs' text, record.json, the consent file) by every documented path,
against the recorded fingerprint.

    split --kit: plain, passphrase, bip39, dice, timelock + consent card, timelock without
    run: evidenced plan (A4), sealed plan with consent card (Letter)

Paths: `ceremony combine`, `python3 recover.py` (standard library only), and for time-locked kits
`ceremony recover start / wait / unlock` (the lock solved, or opened with the consent file),
`recover.py --timelock-n N --timelock-t T` and `recover.py --passphrase-file consent.txt`.
"""

from __future__ import annotations

import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

from ceremony.model.record import Record
from ceremony.planfile.plan import load_plan
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.ceremony import Ceremony
from tests.helpers.ceremony import card_words
from tests.helpers.cli import run_cli
from tests.helpers.paths import DATA, ROOT

PASSPHRASE = "correct horse"
RATE = 1000.0
"""What the tests pretend to measure, in squarings (or VDF iterations) per second: a 2-second lock
is 2000 steps, which recover.py solves in pure Python in a moment."""


@dataclass(frozen=True)
class MadeKit:
    name: str
    directory: Path
    record: Record
    passphrase: str = ""

    @property
    def shares(self) -> list[str]:
        """A quorum, read from the holder PDFs' text: the first members of the first groups."""
        by_group: dict[int, list[str]] = {}
        for entry in self.record.shares:
            pdf = self.directory / "holders" / f"{entry.group_number:02d}-{entry.member_number:02d}"
            (path,) = pdf.parent.glob(pdf.name + "-*.pdf")
            by_group.setdefault(entry.group_number, []).append(" ".join(card_words(path)))
        chosen = []
        for number, group in enumerate(self.record.groups[: self.record.group_threshold], 1):
            chosen += by_group[number][: group.threshold]
        return chosen

    @property
    def sealed(self) -> bool:
        return self.record.timelock is not None and self.record.timelock.mode == "sealed"


def dice_file(tmp: Path) -> Path:
    # 100 rolls with every face equally often, no long runs: passes the health tests
    rolls = "".join("123456"[(i * 5 + i // 6) % 6] for i in range(102))
    path = tmp / "rolls.txt"
    path.write_text(rolls + "\n")
    return path


SPLITS: dict[str, list[str]] = {
    "split-plain": ["-t", "2", "-g", "a=2of3", "-g", "b=1of1"],
    "split-passphrase": ["-t", "1", "-g", "a=2of3", "--passphrase-file", "{pass}"],
    "split-bip39": ["-t", "1", "-g", "a=2of2", "--strength", "128", "--kind", "bip39"],
    "split-dice": ["-t", "1", "-g", "a=2of3", "--dice-file", "{dice}"],
    "split-timelock-consent": ["-t", "1", "-g", "a=2of3", "--strength", "128", "--timelock", "2s"],
    "split-timelock-no-consent": [
        "-t",
        "1",
        "-g",
        "a=2of3",
        "--timelock",
        "2s",
        "--no-consent-card",
    ],
}


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> dict[str, MadeKit]:
    from ceremony.workflows import timelock_policy

    saved = timelock_policy.default_rate
    timelock_policy.default_rate = lambda mode: RATE  # type: ignore[assignment]
    try:
        return make_all(tmp_path_factory.mktemp("matrix"))
    finally:
        timelock_policy.default_rate = saved  # type: ignore[assignment]


def make_all(tmp: Path) -> dict[str, MadeKit]:
    made = {}
    (tmp / "pass.txt").write_text(PASSPHRASE)
    for name, args in SPLITS.items():
        files = {"{pass}": str(tmp / "pass.txt"), "{dice}": str(dice_file(tmp))}
        filled = [files.get(a, a) for a in args]
        directory = tmp / name
        paper = "letter" if "bip39" in name else "a4"
        result = run_cli(["split", *filled, "--kit", str(directory), "--paper", paper])
        assert result.code == 0, f"{name}: {result.err}"
        assert "read back from the written kit" in result.err
        record = Record.from_json((directory / "record.json").read_text())
        made[name] = MadeKit(name, directory, record, PASSPHRASE if "passphrase" in name else "")
    plans = {
        "run-evidenced-a4": (ROOT / "templates" / "demo-plan.toml", "A4"),
        "run-sealed-letter": (DATA / "sealed-plan.toml", "Letter"),
    }
    for name, (source, size) in plans.items():
        text = source.read_text().replace('size = "A4"', f'size = "{size}"')
        plan_path = tmp / f"{name}.toml"
        plan_path.write_text(text)
        directory = tmp / name
        operator = ScriptedOperator(accept_preflight_failures=True, quiet=True)
        Ceremony(load_plan(plan_path), operator, directory).run()
        record = Record.from_json((directory / "record.json").read_text())
        assert record.read_back["fingerprint"] == record.fingerprint
        made[name] = MadeKit(name, directory, record)
    return made


KITS = [*SPLITS, "run-evidenced-a4", "run-sealed-letter"]


def recover_py(kit: MadeKit, work: Path, *args: str) -> str:
    """`python3 recover.py ARGS shares.txt` in the kit, standard library only."""
    done = subprocess.run(
        [sys.executable, "-I", "-S", str(kit.directory / "recover.py"), *args, "shares.txt"],
        cwd=work,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def fingerprint_in(text: str) -> str:
    found = re.findall(r"fingerprint:? ([0-9a-f]{8})", text)
    assert found, text
    return found[-1]


def workdir(kit: MadeKit, tmp_path: Path) -> Path:
    (tmp_path / "shares.txt").write_text("\n".join(kit.shares) + "\n")
    (tmp_path / "pass.txt").write_text(kit.passphrase)
    return tmp_path


def kind_args(kit: MadeKit) -> list[str]:
    return ["--kind", "bip39"] if kit.record.kind.value == "bip39" else []


@pytest.mark.slow
@pytest.mark.parametrize("name", KITS)
def test_recover_py_recovers_the_recorded_fingerprint(
    name: str, kits: dict[str, MadeKit], tmp_path: Path
) -> None:
    kit = kits[name]
    work = workdir(kit, tmp_path)
    expected = kit.record.fingerprint
    lock = kit.record.timelock
    if kit.sealed:
        assert lock is not None
        out = recover_py(
            kit,
            work,
            *kind_args(kit),
            "--timelock-n",
            lock.modulus_hex,
            "--timelock-t",
            str(lock.iterations),
        )
        assert fingerprint_in(out) == expected
        consent = kit.directory / "consent" / "consent.txt"
        assert consent.exists() == lock.consent_card
        if lock.consent_card:
            for extra in ([], ["--sealed"]):
                out = recover_py(
                    kit, work, *kind_args(kit), "--passphrase-file", str(consent), *extra
                )
                assert fingerprint_in(out) == expected
        return
    args = [*kind_args(kit), "--passphrase-file", "pass.txt"]
    assert fingerprint_in(recover_py(kit, work, *args)) == expected


@pytest.mark.slow
@pytest.mark.parametrize("name", [k for k in KITS if "timelock" not in k and "sealed" not in k])
def test_ceremony_combine_recovers_the_recorded_fingerprint(
    name: str, kits: dict[str, MadeKit], tmp_path: Path
) -> None:
    kit = kits[name]
    work = workdir(kit, tmp_path)
    args = ["combine", str(work / "shares.txt"), *kind_args(kit)]
    if kit.passphrase:
        args += ["--passphrase-file", str(work / "pass.txt")]
    result = run_cli(args)
    assert result.code == 0, result.err
    assert fingerprint_in(result.out) == kit.record.fingerprint


@pytest.mark.slow
@pytest.mark.parametrize("name", [k for k in KITS if "timelock" in k or "run-" in k])
@pytest.mark.parametrize("how", ["solved-or-waited", "consent-file"])
def test_ceremony_recover_session_recovers_the_recorded_secret(
    name: str, how: str, kits: dict[str, MadeKit], tmp_path: Path
) -> None:
    kit = kits[name]
    lock = kit.record.timelock
    assert lock is not None
    if how == "consent-file" and not (kit.sealed and lock.consent_card):
        pytest.skip("only a sealed kit with a consent card has a consent file")
    work = workdir(kit, tmp_path)
    session = tmp_path / "session"
    started = run_cli(
        [
            "recover",
            "start",
            "--record",
            str(kit.directory),
            "--requester",
            "Ana",
            "--reason",
            "t",
            "--session-dir",
            str(session),
        ]
    )
    assert started.code == 0, started.err
    if not kit.sealed:
        waited = run_cli(["recover", "wait", str(session)])
        assert waited.code == 0, waited.err
    args = [
        "recover",
        "unlock",
        str(session),
        "--record",
        str(kit.directory),
        "--shares-file",
        str(work / "shares.txt"),
        "--output",
        str(tmp_path / "secret.txt"),
    ]
    if how == "consent-file":
        args += ["--consent-file", str(kit.directory / "consent" / "consent.txt")]
    result = run_cli(args)
    assert result.code == 0, result.err
    assert "verified: this IS the recorded secret" in result.err
    assert kit.record.fingerprint in result.err + result.out
