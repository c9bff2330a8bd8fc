"""SIGTERM and SIGHUP take the Ctrl-C path, in real child processes sent real signals; a hung-up
terminal too. And every command runs without core dumps, read from the running process."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pexpect
import pytest

from ceremony.process import Interruption, deferred_interrupts
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import (
    CEREMONY,
    CONFIRM,
    ENV,
    default_signals,
    exit_status,
    handlers_installed,
    needs_command,
    proc_field,
    run_to_reentry,
    spawn,
    wait_for,
)
from tests.helpers.cli import run_cli


def assert_nothing_secret_left(root: Path, reason: str) -> None:
    files = sorted(p for p in root.rglob("*") if p.is_file())
    assert [p.name for p in files] == ["transcript.jsonl"], files
    summary = verify_transcript(files[0])
    assert summary.aborted
    assert summary.abort_reason == reason
    assert summary.entries[-1].step == "6.1"


@needs_command
@pytest.mark.parametrize(
    ("signum", "name"),
    [(signal.SIGINT, "Ctrl-C"), (signal.SIGTERM, "SIGTERM"), (signal.SIGHUP, "SIGHUP")],
    ids=["SIGINT", "SIGTERM", "SIGHUP"],
)
def test_a_signal_during_the_ceremony_removes_every_secret_file(
    tmp_path: Path, signum: int, name: str
) -> None:
    kit = tmp_path / "kit"
    child = run_to_reentry(kit)
    assert len(list((kit / "holders").glob("*.pdf"))) == 2  # the cards are on the media now
    os.kill(child.pid, signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "interrupted at step 6.1" in child.before
    assert "Traceback" not in child.before
    assert_nothing_secret_left(tmp_path, f"interrupted ({name})")


@needs_command
def test_closing_the_terminal_removes_every_secret_file(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    child = run_to_reentry(kit)
    pid = child.pid
    os.close(child.child_fd)  # the terminal window is closed: the kernel sends SIGHUP
    child.closed = True
    assert exit_status(pid) == 130
    assert_nothing_secret_left(tmp_path, "interrupted (SIGHUP)")


@needs_command
@pytest.mark.parametrize("signum", [signal.SIGTERM, signal.SIGHUP], ids=["SIGTERM", "SIGHUP"])
def test_a_signal_at_a_prompt_exits_130_without_traceback(tmp_path: Path, signum: int) -> None:
    child = spawn(["repair"])
    child.expect("word 1")
    os.kill(child.pid, signum)
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130, child.before
    assert "error: interrupted" in child.before
    assert "Traceback" not in child.before


@needs_command
def test_an_ignored_hangup_stays_ignored(tmp_path: Path) -> None:
    """`nohup ceremony ...`: the person asked for the hang-up to be ignored."""

    def ignore_hangup() -> None:
        default_signals()
        signal.signal(signal.SIGHUP, signal.SIG_IGN)

    child = pexpect.spawn(
        CEREMONY, ["repair"], encoding="utf-8", timeout=30, env=ENV, preexec_fn=ignore_hangup
    )
    child.expect("word 1")
    os.kill(child.pid, signal.SIGHUP)
    assert child.isalive()
    child.sendintr()
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 130


# -- core dumps ---------------------------------------------------------------------------------


def _unlimited_core() -> None:
    default_signals()
    hard = resource.getrlimit(resource.RLIMIT_CORE)[1]
    resource.setrlimit(resource.RLIMIT_CORE, (hard, hard))


needs_core_allowed = pytest.mark.skipif(
    resource.getrlimit(resource.RLIMIT_CORE)[1] == 0,
    reason="the test runner's own core-size hard limit is 0: no child could start with core "
    "dumps allowed, so turning them off cannot be seen",
)


@needs_command
@needs_core_allowed
@pytest.mark.parametrize(
    "args",
    [["repair"], ["check-share", "--record", "RECORD"], ["combine"], ["run", "PLAN"]],
    ids=["repair", "check-share", "combine", "run"],
)
def test_a_command_at_its_prompt_has_core_dumps_off(tmp_path: Path, args: list[str]) -> None:
    """Started with an unlimited core size, the running process's limits read 0 and 0, and a
    crash (SIGSEGV) leaves no core file in its working directory (core_pattern "core")."""
    record = _small_record(tmp_path) if "RECORD" in args else None
    args = [str(record) if a == "RECORD" else str(SMALL_PLAN) if a == "PLAN" else a for a in args]
    if args[0] == "run":
        args += ["--out", str(tmp_path / "kit")]
    child = pexpect.spawn(
        CEREMONY,
        args,
        encoding="utf-8",
        timeout=60,
        env=ENV,
        cwd=str(tmp_path),
        preexec_fn=_unlimited_core,
    )
    child.expect([r"word 1", r"share", CONFIRM])
    limits = proc_field(child.pid, "limits", "Max core file size")
    assert limits.split()[4:6] == ["0", "0"], limits  # soft and hard
    os.kill(child.pid, signal.SIGSEGV)
    child.expect(pexpect.EOF)
    child.close()
    assert child.signalstatus == signal.SIGSEGV
    assert not list(tmp_path.glob("core*"))


PROBE = """
import ctypes, getpass, sys
real = getpass.getpass

def probed(prompt="", stream=None):
    libc = ctypes.CDLL(None, use_errno=True)
    sys.stderr.write(f"[dumpable={libc.prctl(3, 0, 0, 0, 0)}]\\n")
    return real(prompt, stream)

getpass.getpass = probed
from ceremony.cli.app import main
main(sys.argv[1:])
"""


@needs_command
@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_DUMPABLE is Linux's")
@pytest.mark.parametrize("args", [["repair"], ["combine"]], ids=["repair", "combine"])
def test_a_command_at_its_prompt_is_not_dumpable(args: list[str]) -> None:
    """PR_GET_DUMPABLE, asked by the running command itself just as it prompts for a share (the
    kernel shows no other process this flag: /proc/PID/status has no line for it, and root may
    read a non-dumpable process's /proc files anyway)."""
    child = pexpect.spawn(
        sys.executable,
        ["-c", PROBE, *args],
        encoding="utf-8",
        timeout=60,
        env=ENV,
        preexec_fn=default_signals,
    )
    child.expect(r"\[dumpable=(\d+)\]")
    assert child.match.group(1) == "0"
    child.expect("word 1")
    assert wait_for(lambda: "S (sleeping)" in proc_field(child.pid, "status", "State:"))
    child.kill(signal.SIGKILL)
    child.close()


def test_harden_sets_both_limits_and_prctl() -> None:
    code = (
        "import resource\nfrom ceremony.process import harden\nr = harden()\n"
        "print(r.core_limit == (0, 0) == resource.getrlimit(resource.RLIMIT_CORE), r.dumpable,"
        " r.signals)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
        preexec_fn=default_signals,  # SIGHUP is ignored under nohup, and stays so in a child
    )
    expected = "False" if sys.platform.startswith("linux") else "None"
    assert done.stdout.split(None, 2)[:2] == ["True", expected]
    assert "SIGTERM" in done.stdout
    assert "SIGHUP" in done.stdout


def _small_record(tmp_path: Path) -> Path:
    """A record for `check-share --record` to read: a split kit's, made in this process (the
    process under test is the `check-share` child, not what made its record)."""
    kit = tmp_path / "small-kit"
    done = run_cli(["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--kit", str(kit)])
    assert done.code == 0, done.err
    return kit / "record.json"


# -- holding signals back -----------------------------------------------------------------------


@pytest.fixture
def handlers() -> Iterator[None]:
    with handlers_installed():
        yield


def _critical(done: list[str]) -> None:
    with deferred_interrupts():
        os.kill(os.getpid(), signal.SIGTERM)
        assert wait_for(lambda: True)
        done.append("whole")


def test_a_signal_inside_a_critical_section_is_raised_after_it(handlers: object) -> None:
    done: list[str] = []
    with pytest.raises(Interruption) as info:
        _critical(done)
    assert done == ["whole"]
    assert info.value.name == "SIGTERM"


def _sigterm_self() -> None:
    os.kill(os.getpid(), signal.SIGTERM)
    for _ in range(1000):
        pass


def test_sigterm_outside_a_critical_section_is_an_interruption(handlers: object) -> None:
    with pytest.raises(KeyboardInterrupt) as info:
        _sigterm_self()
    assert isinstance(info.value, Interruption)
