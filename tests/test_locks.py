"""One command at a time changes a recovery session or a kit: with two real processes, the second
is refused at once (exit 5, with a hint) and the first carries on undisturbed."""

from __future__ import annotations

import signal
import subprocess
from pathlib import Path

import pexpect

from ceremony.workflows import recovery as rec
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.child import CEREMONY, CONFIRM, ENV, default_signals, needs_command
from tests.helpers.recovery import finish_wait, make_kit, start


def ceremony(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [CEREMONY, *args],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
        preexec_fn=default_signals,
    )


@needs_command
def test_a_second_unlock_wait_or_cancel_is_refused_while_one_unlock_runs(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    first = pexpect.spawn(
        CEREMONY,
        ["recover", "unlock", str(session.path), "--output", str(tmp_path / "a.txt")],
        encoding="utf-8",
        timeout=60,
        env=ENV,
        preexec_fn=default_signals,
    )
    first.expect("word 1")  # the first unlock holds the session, waiting for a holder
    shares = tmp_path / "shares.txt"
    shares.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))
    second = ceremony(
        "recover",
        "unlock",
        str(session.path),
        "--shares-file",
        str(shares),
        "--output",
        str(tmp_path / "b.txt"),
    )
    assert second.returncode == 5, second.stderr
    assert "error: another wait, unlock or cancel is working on session" in second.stderr
    assert "hint: let it finish" in second.stderr
    assert not (tmp_path / "b.txt").exists()
    for other in (["recover", "cancel", str(session.path)], ["recover", "wait", str(session.path)]):
        refused = ceremony(*other)
        assert refused.returncode == 5, refused.stderr
        assert "another wait, unlock or cancel" in refused.stderr
    first.kill(signal.SIGTERM)
    first.expect(pexpect.EOF)
    first.close()
    assert first.exitstatus == 130
    done = ceremony(
        "recover",
        "unlock",
        str(session.path),
        "--shares-file",
        str(shares),
        "--output",
        str(tmp_path / "b.txt"),
    )
    assert done.returncode == 0, done.stderr  # free again once the first has gone
    events = [e.event for e in verify_transcript(session.transcript_path).entries]
    assert events.count("recovered") == 1
    assert rec.Session.open(session.path).state is rec.State.RECOVERED


@needs_command
def test_a_second_ceremony_into_the_same_kit_is_refused(tmp_path: Path) -> None:
    kit = tmp_path / "kit"
    first = pexpect.spawn(
        CEREMONY,
        ["run", str(SMALL_PLAN), "--out", str(kit)],
        encoding="utf-8",
        timeout=60,
        env=ENV,
        preexec_fn=default_signals,
    )
    first.expect(CONFIRM)  # step 1.1: the kit directory exists and is held
    answers = tmp_path / "answers.toml"
    answers.write_text("confirm = true\naccept_preflight_failures = true\n")
    second = ceremony("run", str(SMALL_PLAN), "--out", str(kit), "--answers", str(answers))
    assert second.returncode == 5, second.stderr
    assert f"error: another ceremony is running in {kit}" in second.stderr
    assert not list(tmp_path.glob("kit.aborted-*"))  # the running one was not moved aside
    assert kit.is_dir()
    first.sendline("n")
    first.expect(pexpect.EOF)
    first.close()
