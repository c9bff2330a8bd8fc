"""`recover unlock` typed in a real pseudo-terminal, as holders would: hidden prompts, a share from
another ceremony and a repeated share refused with the reason, per-group progress by name, the
verdict, and a confirmed release to the screen. And Ctrl-C during `recover wait`, then a resume
that keeps the same chain prefix."""

from __future__ import annotations

import io
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pexpect
import pytest

from ceremony.core.vdf import Chain, Segment, verify_chain
from ceremony.workflows import recovery as rec
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import assert_no_secret
from tests.helpers.child import default_signals
from tests.helpers.recovery import finish_wait, make_kit, start

CEREMONY = str(Path(sys.executable).with_name("ceremony"))
ENV = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8"}
needs_command = pytest.mark.skipif(
    not Path(CEREMONY).exists(), reason="the ceremony command is not installed"
)


@needs_command
def test_unlock_at_the_terminal(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    other = make_kit(tmp_path, seed=b"elsewhere", name="other")
    session = finish_wait(start(kit))
    typed = [
        kit.shares((0, 0))[0],  # treasury 1
        other.shares((0, 1))[0],  # another ceremony: refused
        kit.shares((0, 0))[0],  # again: refused
        kit.shares((0, 2))[0],  # treasury 3
        kit.shares((2, 0))[0],  # the lawyer: quorum
    ]
    screen = io.StringIO()
    child = pexpect.spawn(
        CEREMONY,
        ["recover", "unlock", str(session.path)],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 120),
        env=ENV,
    )
    child.logfile_read = screen
    child.delaybeforesend = None
    holder = -1
    while True:
        index = child.expect(
            [r"word (\d+) of (\d+): ", r"on this screen now\?.*\[y/N\] ", pexpect.EOF]
        )
        if index == 0:
            position, total = int(child.match.group(1)), int(child.match.group(2))
            if position == 1:
                holder += 1
            words = typed[holder].words
            assert total == len(words) == 20
            child.sendline(words[position - 1][:4])  # the first four letters are enough
        elif index == 1:
            child.sendline("y")
        else:
            break
    child.close()
    text = screen.getvalue().replace("\r\n", "\n")
    if os.environ.get("RECOVERY_SCREEN"):
        Path(os.environ["RECOVERY_SCREEN"]).write_text(text)
    assert child.exitstatus == 0, text[-3000:]
    assert holder == len(typed) - 1
    assert "the delay is proven: 3,000 iterations" in text
    assert "accepted: share 1 of 3 of group treasury, issued to treasury holder 1" in text
    assert "  treasury: 1 of 2 needed\n" in text
    assert "refused: the share belongs to another backup" in text
    assert "refused: this share was already given (treasury holder 1's, group treasury)" in text
    assert "  treasury: 2 of 2 needed (complete)" in text
    assert "  lawyer: 1 of 1 needed (complete)" in text
    assert "  groups: 2 of 2 needed (of 3)" in text
    assert f"verified: this IS the recorded secret (fingerprint {kit.record.fingerprint}" in text
    assert kit.secret_hex in text  # shown after the confirmation, on the terminal
    # the prompt is hidden: typed words never appear on the screen
    assert_no_secret(text, [list(share.words) for share in typed])
    for share in typed:
        assert f"\n{share.words[5][:4]}\n" not in text
    entries = verify_transcript(session.transcript_path).entries
    assert [e.event for e in entries][-3:] == ["unlocked", "recovered", "closed"]
    assert entries[-2].data["released_to"] == "terminal"


@needs_command
def test_declining_the_release_keeps_the_session_unlocked(tmp_path: Path) -> None:
    kit = make_kit(tmp_path)
    session = finish_wait(start(kit))
    shares = tmp_path / "shares.txt"
    shares.write_text("".join(s.mnemonic() + "\n" for s in kit.quorum()))
    child = pexpect.spawn(
        CEREMONY,
        ["recover", "unlock", str(session.path), "--shares-file", str(shares)],
        encoding="utf-8",
        timeout=60,
        env=ENV,
    )
    screen = io.StringIO()
    child.logfile_read = screen
    child.expect(r"\[y/N\] ")
    child.sendline("n")
    child.expect(pexpect.EOF)
    child.close()
    assert child.exitstatus == 5
    assert "nothing was released" in screen.getvalue()
    assert kit.secret_hex not in screen.getvalue()
    assert rec.Session.open(session.path).state is rec.State.UNLOCKED


def segments(session: rec.Session) -> list[bytes]:
    return [p.read_bytes() for p in sorted(session.proof_dir.glob("segment-*.json"))]


@needs_command
@pytest.mark.slow
def test_ctrl_c_during_wait_then_resume(tmp_path: Path) -> None:
    # rate 2000/s plans 120,000-iteration segments (about 0.8 s each here): five for 600,000
    kit = make_kit(tmp_path, work=600_000, rate=2000.0)
    session = start(kit)
    first = session.proof_dir / "segment-0001.json"
    process = subprocess.Popen(
        [CEREMONY, "recover", "wait", str(session.path)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=ENV,
        preexec_fn=default_signals,  # Ctrl-C reaches the child even when pytest ignores it
    )
    deadline = time.monotonic() + 60
    while not first.exists() and time.monotonic() < deadline and process.poll() is None:
        time.sleep(0.02)
    assert first.exists(), "the first segment never appeared"
    process.send_signal(signal.SIGINT)
    _, err = process.communicate(timeout=60)
    assert process.returncode == 130, err
    assert "the wait was interrupted" in err
    assert "run `ceremony recover wait" in err
    kept = segments(session)
    assert 1 <= len(kept) < 5
    assert not [p for p in session.path.rglob("*") if p.name.endswith(".partial")]
    events = [e.event for e in verify_transcript(session.transcript_path).entries]
    assert events == ["opened", "requested", "waiting"]  # Ctrl-C leaves no entry

    again = subprocess.run(
        [CEREMONY, "recover", "wait", str(session.path)],
        capture_output=True,
        text=True,
        env=ENV,
        timeout=120,
        check=False,
    )
    assert again.returncode == 0, again.stderr
    assert f"resuming after {len(kept)} good segment(s)" in again.stderr
    done = segments(session)
    assert done[: len(kept)] == kept
    assert len(done) == 5
    chain = Chain(tuple(Segment.from_json(data) for data in done))
    verify_chain(chain, session.notice_hash, 600_000)
    events = [e.event for e in verify_transcript(session.transcript_path).entries]
    assert events == ["opened", "requested", "waiting", "waiting", "delay_done"]
    assert os.path.exists(session.path / "notice.pdf")
