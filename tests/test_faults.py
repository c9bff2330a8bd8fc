"""Faults with injected crash points (CEREMONY_CRASH_AT kills the process with SIGKILL at a named
point, as a power cut would): what a crash leaves is whole or absent, and the next run finds and
removes what must not stay. One test per fault."""

from __future__ import annotations

import os
import signal
import stat
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from ceremony.errors import Refused
from ceremony.files import stale_partials, write_atomic
from ceremony.process import Interruption
from ceremony.workflows import recovery as rec
from ceremony.workflows import transcript as transcript_module
from ceremony.workflows.leftovers import KILLED
from ceremony.workflows.transcript import Transcript, TranscriptBroken, verify_transcript
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import CEREMONY, ENV, default_signals, handlers_installed, needs_command
from tests.helpers.recovery import finish_wait, make_kit, start


def ceremony(
    *args: str, crash: str = "", env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    extra = {"CEREMONY_CRASH_AT": crash} if crash else {}
    return subprocess.run(
        [CEREMONY, *args],
        capture_output=True,
        text=True,
        env={**ENV, **(env or {}), **extra},
        timeout=180,
        check=False,
        preexec_fn=default_signals,
    )


def answers(tmp_path: Path) -> Path:
    path = tmp_path / "answers.toml"
    path.write_text("confirm = true\naccept_preflight_failures = true\n")
    return path


def run_args(tmp_path: Path) -> list[str]:
    return [
        "run",
        str(SMALL_PLAN),
        "--out",
        str(tmp_path / "kit"),
        "--answers",
        str(answers(tmp_path)),
    ]


def secret_files(root: Path, keep: Path | None = None) -> list[Path]:
    """Holder PDFs, consent files and temporary copies under `root`, outside the kit `keep`."""
    found = []
    for path in root.rglob("*"):
        if keep is not None and keep in path.parents:
            continue
        if path.is_file() and (
            "holders" in path.parts or "consent" in path.parts or path.name.endswith(".partial")
        ):
            found.append(path)
    return found


# -- the ceremony, killed at crash points -------------------------------------------------------


@needs_command
@pytest.mark.parametrize(
    "point",
    [
        "transcript.append.torn:3",
        "transcript.append.torn:12",
        "transcript.append.before:9",
        "transcript.append.after:13",
        "write.written:1",
        "write.written:2",
        "write.renamed:2",
    ],
)
def test_a_ceremony_killed_at_a_crash_point_is_cleaned_up_by_the_next_run(
    tmp_path: Path, point: str
) -> None:
    killed = ceremony(*run_args(tmp_path), crash=point)
    assert killed.returncode == -signal.SIGKILL, killed.stderr
    again = ceremony(*run_args(tmp_path), "--destroy-leftovers")
    assert again.returncode == 0, again.stderr
    kit = tmp_path / "kit"
    assert verify_transcript(kit / "transcript.jsonl").closed
    assert secret_files(tmp_path, keep=kit) == []
    assert stale_partials(kit) == []
    assert stale_partials(kit / "holders") == []
    aside = [p for p in tmp_path.iterdir() if p.name.startswith("kit.aborted-")]
    assert len(aside) == 1
    summary = verify_transcript(aside[0] / "transcript.jsonl")  # whole: the torn line is gone
    assert summary.aborted
    assert summary.abort_reason == KILLED


@needs_command
def test_a_torn_append_is_reported_then_dropped_before_the_abort_entry(tmp_path: Path) -> None:
    killed = ceremony(*run_args(tmp_path), crash="transcript.append.torn:6")
    assert killed.returncode == -signal.SIGKILL
    path = tmp_path / "kit" / "transcript.jsonl"
    raw = path.read_bytes()
    assert not raw.endswith(b"\n")
    with pytest.raises(TranscriptBroken, match="cut short"):
        verify_transcript(path)
    whole = raw[: raw.rfind(b"\n") + 1]
    resumed = Transcript.resume(path, drop_torn_tail=True)
    assert resumed.seq == 5
    resumed.abort(KILLED)
    summary = verify_transcript(path)
    assert path.read_bytes().startswith(whole)
    assert [e.seq for e in summary.entries] == [1, 2, 3, 4, 5, 6]
    assert summary.entries[-1].prev == transcript_module.line_hash(whole.splitlines(True)[-1])


# -- Ctrl-C during an append ---------------------------------------------------------------------


@pytest.fixture
def handlers() -> Iterator[None]:
    with handlers_installed():
        yield


@pytest.mark.parametrize("signum", [signal.SIGINT, signal.SIGTERM, signal.SIGHUP])
def test_a_signal_during_an_append_cannot_break_the_chain(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, handlers: object, signum: int
) -> None:
    path = tmp_path / "transcript.jsonl"
    transcript = Transcript.create(path)
    real = transcript_module._write_all

    def interrupted(fd: int, data: bytes, *, torn: str = "") -> None:
        os.kill(os.getpid(), signum)  # arrives in the middle of the append
        time.sleep(0.01)
        real(fd, data, torn=torn)

    monkeypatch.setattr(transcript_module, "_write_all", interrupted)
    with pytest.raises(Interruption):
        transcript.append("step.done", data={"n": 1})
    monkeypatch.setattr(transcript_module, "_write_all", real)
    assert transcript.seq == 2  # the entry is whole and counted
    transcript.abort("interrupted")
    summary = verify_transcript(path)
    assert [e.event for e in summary.entries] == ["opened", "step.done", "aborted"]
    assert [e.seq for e in summary.entries] == [1, 2, 3]


# -- a secret output -----------------------------------------------------------------------------


def _unlock(
    session: rec.Session, tmp_path: Path, kit: object, crash: str = ""
) -> subprocess.CompletedProcess[str]:
    shares = tmp_path / "shares.txt"
    shares.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))  # type: ignore[attr-defined]
    return ceremony(
        "recover",
        "unlock",
        str(session.path),
        "--shares-file",
        str(shares),
        "--output",
        str(tmp_path / "secret.txt"),
        crash=crash,
    )


@needs_command
def test_a_crash_while_writing_the_secret_leaves_a_copy_that_the_next_run_removes(
    tmp_path: Path,
) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    killed = _unlock(session, tmp_path, kit, crash="write.written")
    assert killed.returncode == -signal.SIGKILL
    [copy] = stale_partials(tmp_path, "secret.txt")
    assert stat.S_IMODE(copy.stat().st_mode) == 0o600
    assert rec.Session.open(session.path).state is rec.State.UNLOCKED  # nothing released
    done = _unlock(session, tmp_path, kit)
    assert done.returncode == 0, done.stderr
    assert not copy.exists()
    assert [p.name for p in tmp_path.iterdir() if "secret" in p.name] == ["secret.txt"]
    events = [e.event for e in verify_transcript(session.transcript_path).entries]
    assert events.count("recovered") == 1


@needs_command
def test_the_release_is_recorded_before_the_secret_file_appears(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    killed = _unlock(session, tmp_path, kit, crash="release.recorded")
    assert killed.returncode == -signal.SIGKILL
    assert not (tmp_path / "secret.txt").exists()  # recorded, never in place
    assert rec.Session.open(session.path).state is rec.State.RECOVERED
    assert stale_partials(tmp_path, "secret.txt")
    again = _unlock(session, tmp_path, kit)
    assert again.returncode == 5  # the session has released: it refuses
    assert stale_partials(tmp_path, "secret.txt") == []  # and the copy is gone


@needs_command
def test_a_crash_right_after_the_rename_leaves_a_recorded_release(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    killed = _unlock(session, tmp_path, kit, crash="write.renamed")
    assert killed.returncode == -signal.SIGKILL
    assert (tmp_path / "secret.txt").exists()
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries][-2:] == ["recovered", "closed"]


def test_an_interrupted_write_leaves_no_temporary_copy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from ceremony import files

    def interrupted(src: object, dst: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr(files.os, "replace", interrupted)
    with pytest.raises(KeyboardInterrupt):
        write_atomic(tmp_path / "secret.txt", b"x", secret=True)
    assert list(tmp_path.iterdir()) == []


# -- the native prover ---------------------------------------------------------------------------


@needs_command
@pytest.mark.slow
def test_ctrl_c_early_in_a_wait_never_aborts_and_leaves_no_temporary_folder(
    tmp_path: Path,
) -> None:
    kit = make_kit(tmp_path, work=2_000_000, rate=20_000.0)
    session = start(kit)
    scratch = tmp_path / "tmp"
    scratch.mkdir()
    codes = []
    for delay in (0.0, 0.005, 0.02, 0.05, 0.1, 0.3):
        child = subprocess.Popen(
            [CEREMONY, "recover", "wait", str(session.path)],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            env={**ENV, "TMPDIR": str(scratch)},
            preexec_fn=default_signals,
        )
        assert child.stderr is not None
        line = child.stderr.readline()
        while line and b"computing" not in line:
            line = child.stderr.readline()
        time.sleep(delay)
        child.send_signal(signal.SIGINT if delay < 0.1 else signal.SIGTERM)
        _, err = child.communicate(timeout=60)
        codes.append(child.returncode)
        assert b"Traceback" not in err
        assert b"terminate called" not in err
    assert codes == [130] * 6
    killed = subprocess.Popen(
        [CEREMONY, "recover", "wait", str(session.path)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**ENV, "TMPDIR": str(scratch)},
        preexec_fn=default_signals,
    )
    time.sleep(1.0)
    killed.kill()
    killed.communicate(timeout=60)
    assert list(scratch.iterdir()) == []


# -- writers -------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["device", "directory", "symlink", "fifo"])
def test_force_never_replaces_what_is_not_a_regular_file(tmp_path: Path, kind: str) -> None:
    target = tmp_path / "out"
    if kind == "device":
        target = Path(os.devnull)
    elif kind == "directory":
        target.mkdir()
    elif kind == "symlink":
        (tmp_path / "elsewhere").write_bytes(b"keep")
        target.symlink_to(tmp_path / "elsewhere")
    else:
        os.mkfifo(target)
    before = os.lstat(target)
    with pytest.raises(Refused) as info:
        write_atomic(target, b"secret", secret=True, overwrite=True)
    assert "--force never replaces" in info.value.hint
    after = os.lstat(target)
    assert (after.st_mode, after.st_ino) == (before.st_mode, before.st_ino)
    if kind == "symlink":
        assert (tmp_path / "elsewhere").read_bytes() == b"keep"
    assert stale_partials(target.parent) == [] or kind == "device"


@needs_command
def test_unlock_output_dev_null_with_force_is_refused(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    shares = tmp_path / "shares.txt"
    shares.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))
    done = ceremony(
        "recover",
        "unlock",
        str(session.path),
        "--shares-file",
        str(shares),
        "--output",
        os.devnull,
        "--force",
    )
    assert done.returncode == 5, done.stderr
    assert "is a device" in done.stderr
    assert stat.S_ISCHR(os.stat(os.devnull).st_mode)
    assert rec.Session.open(session.path).state is rec.State.WAITING  # refused before any share
