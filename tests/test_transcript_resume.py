"""Transcript.resume: a transcript spanning several runs continues its chain, checked first; a
finished or broken one is never reopened."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.workflows.transcript import Transcript, verify_transcript


def begun(path: Path) -> str:
    transcript = Transcript.create(path, data={"notice_sha256": "ab" * 32})
    transcript.append("requested", data={"n": 1})
    head = transcript.head()
    transcript.suspend()
    assert transcript.finished
    return head


def test_resume_continues_the_chain(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    head = begun(path)
    transcript = Transcript.resume(path)
    assert (transcript.seq, transcript.head()) == (2, head)
    entry = transcript.append("waiting", data={"segments": 0})
    assert (entry.seq, entry.prev) == (3, head)
    transcript.suspend()
    again = Transcript.resume(path)
    again.append("delay_done", data={})
    final = again.close()
    summary = verify_transcript(path)
    assert [e.event for e in summary.entries] == [
        "opened",
        "requested",
        "waiting",
        "delay_done",
        "closed",
    ]
    assert summary.head == final


def test_a_closed_or_aborted_transcript_is_not_reopened(tmp_path: Path) -> None:
    closed = tmp_path / "closed.jsonl"
    begun(closed)
    transcript = Transcript.resume(closed)
    transcript.close()
    with pytest.raises(Refused, match="its last entry is 'closed'"):
        Transcript.resume(closed)
    aborted = tmp_path / "aborted.jsonl"
    begun(aborted)
    Transcript.resume(aborted).abort("interrupted")
    with pytest.raises(Refused, match="'aborted'"):
        Transcript.resume(aborted)


def test_a_broken_transcript_is_not_reopened(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    begun(path)
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(lines[0].replace(b"ab", b"cd", 1) + lines[1])
    with pytest.raises(NotVerified, match="entry 1"):
        Transcript.resume(path)
    path.write_bytes(lines[0] + lines[1][:-1])  # cut short
    with pytest.raises(NotVerified, match="cut short"):
        Transcript.resume(path)


def test_resume_of_a_missing_transcript(tmp_path: Path) -> None:
    with pytest.raises(BadInput, match="does not exist"):
        Transcript.resume(tmp_path / "nothing.jsonl")


def test_resume_leaks_no_descriptor_on_refusal(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    begun(path)
    Transcript.resume(path).close()
    before = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    for _ in range(5):
        with pytest.raises(Refused):
            Transcript.resume(path)
    after = len(os.listdir("/proc/self/fd")) if os.path.isdir("/proc/self/fd") else 0
    assert after == before
