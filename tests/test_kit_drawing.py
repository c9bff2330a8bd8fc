"""Holder kits drawn in worker processes (`ceremony.workflows.kit_drawing`): the same bytes as in
one process; a worker that fails, is killed, or outlives a failure of its parent (a full disk,
Ctrl-C, SIGTERM, SIGKILL) leaves nothing behind: no file, no process."""

from __future__ import annotations

import ctypes
import errno
import hashlib
import json
import os
import resource
import secrets
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from ceremony import files
from ceremony.errors import CeremonyError, ExitCode, OutputFailed
from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.paper.content import PaperSize
from ceremony.workflows import kit as kits
from ceremony.workflows import kit_drawing
from ceremony.workflows.kit_drawing import drawing
from ceremony.workflows.split import make_split
from tests.helpers.ceremony import card_words
from tests.helpers.child import default_signals
from tests.helpers.cli import run_cli

SPLIT = ["split", "-t", "2", "-g", "a=2of5", "-g", "b=3of6", "--strength", "128"]
"""Eleven holders: enough for the workers (`MIN_KITS`), quick to draw."""


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch) -> list[int]:
    """The pid of every worker forked in the test (to prove each is gone afterwards)."""
    pids: list[int] = []
    real = os.fork

    def fork() -> int:
        pid = real()
        if pid:
            pids.append(pid)
        return pid

    monkeypatch.setattr(os, "fork", fork)
    return pids


def gone(pids: list[int]) -> bool:
    """Every one of these processes has ended and been waited for (no orphan, no zombie)."""
    for pid in pids:
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            continue
        return False
    return True


def test_workers_draw_the_bytes_drawn_in_one_process(forks: list[int]) -> None:
    scheme = Scheme(2, (GroupSpec("a", 2, 5), GroupSpec("b", 3, 6)), strength_bits=128)
    split = make_split(scheme, Secret(secrets.token_bytes(16)), b"")
    record = kits.kit_record(
        split,
        ceremony_name="Drawn twice",
        holders=kits.default_holders(split.result),
        plan_sha256="0" * 64,
        plan_source="command-line",
        demo=False,
    )
    options = kits.KitOptions(ceremony_name="Drawn twice", paper_size=PaperSize.LETTER)
    with kits.drawn_holder_pdfs(split.result, record, options, 0) as pdfs:
        alone = list(pdfs)
    assert [index for index, _ in alone] == list(range(11))
    assert forks == []
    with kits.drawn_holder_pdfs(split.result, record, options, 3) as pdfs:
        shared = dict(pdfs)
    assert len(forks) == 3
    assert shared == dict(alone)
    assert gone(forks)


def drain(count: int, draw: kit_drawing.Draw, workers: int = 2) -> list[tuple[int, bytes]]:
    with drawing(count, draw, workers) as pdfs:
        return list(pdfs)


def squares(index: int) -> bytes:
    return bytes([index]) * (index * 50_000)  # large enough to fill a pipe now and then


def test_every_kit_arrives_once_in_the_order_they_are_done(forks: list[int]) -> None:
    got = drain(9, squares)
    assert sorted(index for index, _ in got) == list(range(9))
    assert all(pdf == squares(index) for index, pdf in got)
    assert got[0][0] == 0  # drawn here, before the workers started
    assert gone(forks)


def test_a_slowed_worker_draws_fewer_kits(forks: list[int]) -> None:
    def drawn_by(index: int) -> bytes:
        if index and not forks:  # the first worker (forked before any pid was recorded)
            time.sleep(0.3)
        return str(os.getpid()).encode()

    got = drain(16, drawn_by)
    assert sorted(index for index, _ in got) == list(range(16))
    by = [int(pid) for index, pid in got if index]
    assert by.count(forks[0]) <= 3 < by.count(forks[1])
    assert gone(forks)


def test_a_worker_is_hardened_ignores_terminal_signals_and_dies_with_its_parent(
    forks: list[int],
) -> None:
    def report(index: int) -> bytes:
        time.sleep(0.05)  # slow enough that both workers take kits
        libc = ctypes.CDLL(None, use_errno=True)
        deathsig = ctypes.c_int(-1)
        libc.prctl(2, ctypes.byref(deathsig), 0, 0, 0)  # PR_GET_PDEATHSIG
        ignored = all(signal.getsignal(s) is signal.SIG_IGN for s in kit_drawing.HANDLED)
        facts = [
            os.getpid(),
            libc.prctl(3, 0, 0, 0, 0),  # PR_GET_DUMPABLE
            resource.getrlimit(resource.RLIMIT_CORE)[1],
            deathsig.value,
            int(ignored),
        ]
        return json.dumps(facts).encode()

    reports = [json.loads(pdf) for index, pdf in drain(12, report) if index]
    assert {pid for pid, *_ in reports} == set(forks)
    assert {tuple(facts) for _, *facts in reports} == {(0, 0, int(signal.SIGKILL), 1)}


def test_a_worker_killed_mid_run_is_an_error_and_no_process_is_left(forks: list[int]) -> None:
    def killed(index: int) -> bytes:
        if index == 5:
            os.kill(os.getpid(), signal.SIGKILL)
        return squares(index)

    descriptors = len(os.listdir("/proc/self/fd")) if Path("/proc/self/fd").exists() else 0
    with pytest.raises(OutputFailed, match=r"stopped before it was done \(killed by signal 9\)"):
        drain(12, killed)
    assert gone(forks)
    if descriptors:  # every pipe closed
        assert len(os.listdir("/proc/self/fd")) == descriptors


def test_a_failing_worker_reports_a_project_error_as_raised(forks: list[int]) -> None:
    def failing(index: int) -> bytes:
        if index == 6:
            raise OutputFailed("cannot print: the packaged font is broken", "reinstall it")
        return squares(index)

    with pytest.raises(OutputFailed) as info:
        drain(12, failing)
    assert (info.value.message, info.value.hint) == (
        "cannot print: the packaged font is broken",
        "reinstall it",
    )
    assert gone(forks)


def test_any_other_error_of_a_worker_is_named_by_its_type_alone(forks: list[int]) -> None:
    def failing(index: int) -> bytes:
        if index == 3:
            raise ValueError("academic acid acne: words that must not travel")
        return squares(index)

    with pytest.raises(CeremonyError) as info:
        drain(12, failing)
    assert "ValueError" in info.value.message
    assert "academic" not in f"{info.value.message} {info.value.hint}"
    assert gone(forks)


def test_leaving_the_block_early_stops_every_worker(forks: list[int]) -> None:
    def slow(index: int) -> bytes:
        time.sleep(0.05)
        return squares(index)

    with drawing(40, slow, 2) as pdfs:
        next(pdfs)
        next(pdfs)
    assert len(forks) == 2
    assert gone(forks)


def test_a_full_disk_while_workers_draw_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    monkeypatch.setattr(kit_drawing, "worker_count", lambda kits: 2)
    real = files.PendingFile.write
    written: list[Path] = []

    def full(self: files.PendingFile, data: bytes) -> None:
        if self.target.parent.name == "holders" and len(written) == 4:
            raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
        written.append(self.target)
        real(self, data)

    monkeypatch.setattr(files.PendingFile, "write", full)
    result = run_cli([*SPLIT, "--kit", str(tmp_path / "kit")])
    assert result.code == ExitCode.OUTPUT, result.err
    assert "No space left on device" in result.err
    assert "Traceback" not in result.err
    assert list(tmp_path.iterdir()) == []
    assert len(forks) == 2
    assert gone(forks)


def test_ctrl_c_while_workers_draw_leaves_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    monkeypatch.setattr(kit_drawing, "worker_count", lambda kits: 2)
    real = kits.write_atomic
    count = iter(range(100))

    def interrupted(path: Path, data: bytes, **kwargs: bool) -> None:
        if path.parent.name == "holders" and next(count) == 3:
            raise KeyboardInterrupt
        real(path, data, **kwargs)

    monkeypatch.setattr(kits, "write_atomic", interrupted)
    result = run_cli([*SPLIT, "--kit", str(tmp_path / "kit")])
    assert result.code == ExitCode.INTERRUPTED, result.err
    assert list(tmp_path.iterdir()) == []
    assert gone(forks)


def processes_naming(text: str) -> list[int]:
    """Processes whose command line holds `text` (a worker has its parent's command line)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            line = (entry / "cmdline").read_bytes()
            state = (entry / "stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if text.encode() in line and state != "Z":
            found.append(int(entry.name))
    return found


def started_kit(tmp_path: Path) -> tuple[subprocess.Popen[bytes], Path]:
    """`ceremony split --kit` of 96 holders in a process of its own, once its first holder PDFs
    are on the disk (so its workers are drawing)."""
    kit = tmp_path / "kit"
    groups = [arg for n in range(6) for arg in ("-g", f"g{n}=9of16")]
    child = subprocess.Popen(
        [sys.executable, "-m", "ceremony", "split", "-t", "3", *groups, "--kit", str(kit)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        start_new_session=True,  # a process group of its own, as a terminal's foreground job
        preexec_fn=default_signals,  # not SIGINT ignored, as in a background job's children
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".kit*/holders/*.pdf")):
        assert child.poll() is None, child.stderr.read() if child.stderr else ""
        assert time.monotonic() < deadline
        time.sleep(0.01)
    assert len(processes_naming(str(kit))) >= 2  # the command and its workers
    return child, kit


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGINT])
def test_a_signal_to_the_job_while_workers_draw_leaves_no_file_and_no_process(
    tmp_path: Path, signum: int
) -> None:
    child, kit = started_kit(tmp_path)
    os.killpg(child.pid, signum)  # to the command and its workers, as Ctrl-C in a terminal
    _, err = child.communicate(timeout=60)
    assert child.returncode == 130, err
    assert b"Traceback" not in err
    assert list(tmp_path.iterdir()) == []
    assert processes_naming(str(kit)) == []


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_workers_die_with_a_killed_parent(tmp_path: Path) -> None:
    child, kit = started_kit(tmp_path)
    child.kill()
    child.wait(timeout=60)
    deadline = time.monotonic() + 10
    while processes_naming(str(kit)) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert processes_naming(str(kit)) == []  # the next run removes the staged kit (leftovers)


def test_a_kit_drawn_by_workers_is_written_proved_and_recovers_from_its_cards(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, forks: list[int]
) -> None:
    monkeypatch.setattr(kit_drawing, "worker_count", lambda kits: 2)
    kit = tmp_path / "kit"
    result = run_cli([*SPLIT, "--kit", str(kit), "--json"])
    assert result.code == 0, result.err
    assert len(forks) == 2
    assert gone(forks)
    record = Record.from_json((kit / "record.json").read_text())
    assert record.read_back["holder_pdfs"] == 11
    cards = sorted((kit / "holders").iterdir())
    assert [stat.S_IMODE(card.stat().st_mode) for card in cards] == [0o600] * 11
    assert [hashlib.sha256(c.read_bytes()).hexdigest() for c in cards] == [
        entry.holder_pdf_sha256 for entry in record.shares
    ]
    quorum = [" ".join(card_words(card)) for card in cards[:2] + cards[5:8]]  # 2 of a, 3 of b
    back = run_cli(["combine", "-", "--json"], stdin="\n".join(quorum))
    assert back.code == 0, back.err
    assert json.loads(back.out)["fingerprint"] == record.fingerprint
