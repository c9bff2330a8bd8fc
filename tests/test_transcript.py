"""The transcript: a hash chain that any edit, deletion, reordering, insertion or cut breaks."""

from __future__ import annotations

import hashlib
import json
from datetime import UTC, datetime, timedelta
from itertools import count
from pathlib import Path

import pytest

from ceremony import __version__
from ceremony.build_info import lock_sha256, python_version
from ceremony.core.slip39 import wordlist
from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.model.hashwords import hash_words
from ceremony.workflows.transcript import (
    GENESIS,
    Transcript,
    TranscriptBroken,
    check_public,
    verify_lines,
    verify_transcript,
)

START = datetime(2030, 1, 2, 3, 4, 5, tzinfo=UTC)


def ticking() -> datetime:
    return START + timedelta(seconds=next(_ticks))


_ticks = count()


def write(path: Path, events: int = 4) -> Transcript:
    transcript = Transcript.create(path, data={"plan_sha256": "ab" * 32}, role="administrator")
    for i in range(events):
        transcript.append(f"step.{i}", role="witness", step=f"{i + 1}.1", data={"n": i})
    return transcript


def canon(entry: object) -> bytes:
    """Canonical JSON as the transcript writes it, so that forged lines look genuine."""
    return json.dumps(entry, sort_keys=True, separators=(",", ":")).encode() + b"\n"


def lines_of(path: Path) -> list[bytes]:
    return path.read_bytes().splitlines(keepends=True)


def broken_at(raw: bytes) -> int:
    with pytest.raises(TranscriptBroken) as caught:
        verify_lines(raw)
    assert isinstance(caught.value, NotVerified)
    assert caught.value.hint
    return caught.value.seq


def test_entries_are_canonical_and_chained(tmp_path: Path) -> None:
    path = tmp_path / "transcript.jsonl"
    clock = iter([START, START + timedelta(seconds=1), START + timedelta(seconds=2)])
    transcript = Transcript.create(path, clock=lambda: next(clock))
    transcript.append("secret.generated", role="administrator", step="3.1", data={"fp": "1a2b"})
    head = transcript.close()

    lines = lines_of(path)
    assert len(lines) == 3
    first, second, third = (json.loads(line) for line in lines)
    assert first == {
        "seq": 1,
        "prev": GENESIS,
        "event": "opened",
        "role": None,
        "step": None,
        "data": {
            "format": "ceremony-transcript/v1",
            "lock_sha256": lock_sha256(),
            "python": python_version(),
        },
        "clock_untrusted": "2030-01-02T03:04:05+00:00",
        "tool": f"ceremony {__version__}",
    }
    assert lines[0] == (canon(first))
    # Recomputable by hand: `sed -n 1p transcript.jsonl | sha256sum` is entry 2's prev.
    assert second["prev"] == hashlib.sha256(lines[0]).hexdigest()
    assert (second["seq"], second["step"], second["data"]) == (2, "3.1", {"fp": "1a2b"})
    assert third["event"] == "closed"
    assert head == hashlib.sha256(lines[2]).hexdigest() == transcript.head()
    assert transcript.head_words() == hash_words(bytes.fromhex(head))

    summary = verify_transcript(path, expected_head=head)
    assert summary.closed
    assert not summary.aborted
    assert summary.head == head
    assert summary.head_words == transcript.head_words()
    assert [e.seq for e in summary.entries] == [1, 2, 3]


def test_head_moves_with_every_entry(tmp_path: Path) -> None:
    transcript = Transcript.create(tmp_path / "t.jsonl", clock=ticking)
    heads = {transcript.head()}
    for i in range(3):
        entry = transcript.append("tick", data={"i": i})
        assert entry.prev in heads
        heads.add(transcript.head())
    assert len(heads) == 4
    assert transcript.seq == 4


def test_a_transcript_is_never_reused(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    with pytest.raises(Refused, match="already exists"):
        Transcript.create(path)


def test_abort_records_the_reason_and_ends_the_transcript(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    transcript = write(path, 1)
    transcript.abort("the printer jammed", step="5.2")
    with pytest.raises(Refused, match="already closed"):
        transcript.append("late")
    summary = verify_transcript(path)
    assert summary.aborted
    assert summary.abort_reason == "the printer jammed"
    assert summary.entries[-1].step == "5.2"


def test_ctrl_c_inside_the_block_leaves_an_abort_entry(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"

    def ceremony() -> None:
        with Transcript.create(path) as transcript:
            transcript.append("generating")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        ceremony()
    assert verify_transcript(path).abort_reason == "interrupted"


def test_an_error_inside_the_block_is_recorded_by_type_only(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    with pytest.raises(RuntimeError), Transcript.create(path):
        raise RuntimeError("academic acid acne")
    assert verify_transcript(path).abort_reason == "stopped by an error (RuntimeError)"


def test_leaving_the_block_without_closing_is_an_abort(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    with Transcript.create(path):
        pass
    assert verify_transcript(path).aborted
    with Transcript.create(tmp_path / "u.jsonl") as transcript:
        transcript.close()
    assert verify_transcript(tmp_path / "u.jsonl").closed


@pytest.mark.parametrize(
    ("event", "step"), [("", None), ("Bad Event", None), ("ok", "3.x"), ("ok", "")]
)
def test_event_and_step_names_are_checked(tmp_path: Path, event: str, step: str | None) -> None:
    transcript = Transcript.create(tmp_path / "t.jsonl")
    with pytest.raises(ValueError):
        transcript.append(event, step=step)


# --- no secrets -----------------------------------------------------------------------------------


def test_three_share_words_in_a_row_are_refused(tmp_path: Path) -> None:
    words = wordlist()
    transcript = Transcript.create(tmp_path / "t.jsonl")
    share_like = f"{words[10]} {words[500]} {words[1000]}"
    for data in (
        {"note": share_like},
        {"nested": {"list": ["fine", share_like.upper()]}},
        {share_like: 1},
        {"note": f"x-{words[1]}_{words[2]},{words[3]}-y"},
    ):
        with pytest.raises(Refused, match="three SLIP-39 words in a row") as caught:
            transcript.append("note", data=data)
        assert words[500] not in caught.value.message
    transcript.append("note", data={"note": f"{words[10]} {words[500]} and {words[1000]}"})
    assert verify_transcript(tmp_path / "t.jsonl").entries[-1].seq == 2


def test_abort_reasons_are_guarded_too(tmp_path: Path) -> None:
    words = wordlist()
    transcript = Transcript.create(tmp_path / "t.jsonl")
    with pytest.raises(Refused):
        transcript.abort(" ".join(words[:3]))


@pytest.mark.parametrize("value", [1.5, b"raw", {1: "x"}, (1, 2), float("nan")])
def test_only_plain_json_values(value: object) -> None:
    with pytest.raises(TypeError):
        check_public({"v": value})  # type: ignore[dict-item]


def test_plain_facts_pass() -> None:
    check_public({"digest": "ab" * 32, "count": 7, "ok": True, "none": None, "l": [1, {"a": "b"}]})


# --- tampering ------------------------------------------------------------------------------------


def test_an_edited_entry_breaks_the_chain_at_the_next(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    entry = json.loads(lines[2])
    entry["data"]["n"] = 99
    lines[2] = canon(entry)
    assert broken_at(b"".join(lines)) == 4


def test_an_edit_that_changes_the_layout_is_caught_at_the_entry(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    lines[2] = json.dumps(json.loads(lines[2]), sort_keys=True).encode() + b"\n"
    assert broken_at(b"".join(lines)) == 3


def test_a_deleted_entry(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    del lines[2]
    assert broken_at(b"".join(lines)) == 3


def test_reordered_entries(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    lines[2], lines[3] = lines[3], lines[2]
    assert broken_at(b"".join(lines)) == 3


def test_an_inserted_entry_even_with_renumbering(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    forged = json.loads(lines[2])
    forged["event"] = "forged"
    renumbered = [forged] + [json.loads(line) for line in lines[2:]]
    for i, entry in enumerate(renumbered, start=3):
        entry["seq"] = i
    tail = [canon(e) for e in renumbered]
    # The forged entry copies entry 3's prev, so it passes; entry 4 (the old 3) no longer follows.
    assert broken_at(b"".join(lines[:2] + tail)) == 4


def test_a_truncated_last_line(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    raw = path.read_bytes()
    assert broken_at(raw[:-1]) == 6
    assert broken_at(raw[:-20]) == 6


def test_a_line_that_is_not_json(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    lines[1] = b"not json\n"
    assert broken_at(b"".join(lines)) == 2
    lines[1] = b'{"seq": NaN}\n'
    assert broken_at(b"".join(lines)) == 2
    lines[1] = b"[1, 2]\n"
    assert broken_at(b"".join(lines)) == 2


def test_wrong_field_types_and_missing_fields(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path).close()
    lines = lines_of(path)
    for change in ({"seq": True}, {"data": []}, {"prev": "xyz"}, {"extra": 1}):
        entry = json.loads(lines[1]) | change
        edited = canon(entry)
        assert broken_at(b"".join([lines[0], edited, *lines[2:]])) == 2


def test_entries_after_the_end_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    write(path, 0).close()
    with pytest.raises(Refused):
        Transcript.create(path)
    lines = lines_of(path)
    extra = json.loads(lines[-1]) | {
        "seq": 3,
        "prev": hashlib.sha256(lines[-1]).hexdigest(),
        "event": "late",
    }
    appended = canon(extra)
    assert broken_at(b"".join([*lines, appended])) == 3


def test_an_edited_last_entry_needs_the_recorded_head(tmp_path: Path) -> None:
    path = tmp_path / "t.jsonl"
    head = write(path).close()
    lines = lines_of(path)
    last = json.loads(lines[-1]) | {"clock_untrusted": "2031-01-01T00:00:00+00:00"}
    lines[-1] = canon(last)
    path.write_bytes(b"".join(lines))
    verify_transcript(path)  # the chain alone cannot see it
    with pytest.raises(TranscriptBroken, match="not the recorded head") as caught:
        verify_transcript(path, expected_head=head)
    assert caught.value.seq == 6


def test_empty_and_missing_transcripts(tmp_path: Path) -> None:
    assert broken_at(b"") == 1
    with pytest.raises(BadInput, match="cannot read the transcript"):
        verify_transcript(tmp_path / "none.jsonl")


def test_first_entry_must_open_the_transcript() -> None:
    entry = {
        "seq": 1,
        "prev": GENESIS,
        "event": "closed",
        "role": None,
        "step": None,
        "data": {},
        "clock_untrusted": "x",
        "tool": "t",
    }
    raw = canon(entry)
    assert broken_at(raw) == 1
