"""The ceremony transcript: append-only JSON Lines, each entry chained to the one before by SHA-256.

Each line is one entry in canonical JSON (sorted keys, no spaces, ASCII only) ending in a newline:

    seq              1, 2, 3, ... in order
    prev             SHA-256 (hex) of the previous line's exact bytes, newline included; 64 zeros
                     for the first entry
    event            what happened, such as "opened", "secret.generated", "closed"
    role             who acted (administrator, witness, holder, ...) or null
    step             the step of the printed ceremony script, such as "3.2", or null
    data             public facts and digests only, never a secret
    clock_untrusted  this machine's clock (ISO 8601, UTC); an air-gapped clock proves nothing
    tool             the ceremony version that wrote the entry

So anyone can recompute the chain by hand: `sed -n 3p transcript.jsonl | sha256sum` is the `prev` of
entry 4. The head (the hash of the last line) is read aloud as words and initialled on paper, which is
what protects the last entry: a chain cannot vouch for its own end.

No secret may enter the transcript. Callers pass public facts and digests; as a second line of defence,
any text that contains three SLIP-39 words in a row is refused. Record digests in hex here, not as words:
BIP-39 words often include SLIP-39 words and would trip the guard.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cache
from pathlib import Path
from types import TracebackType
from typing import Self, TypeAlias, TypeVar

from ceremony import __version__
from ceremony.build_info import lock_sha256, python_version
from ceremony.errors import BadInput, NotVerified, OutputFailed, Refused
from ceremony.faults import crash_now, crash_point, reached
from ceremony.model import strict_json
from ceremony.model.sources import Clock
from ceremony.process import deferred_interrupts

GENESIS = "0" * 64
FORMAT = "ceremony-transcript/v1"
OPENED = "opened"
CLOSED = "closed"
ABORTED = "aborted"
FIELDS = frozenset({"seq", "prev", "event", "role", "step", "data", "clock_untrusted", "tool"})
MAX_LINE = 1 << 20
_EVENT = re.compile(r"^[a-z][a-z0-9_.-]{0,63}$")
_STEP = re.compile(r"^\d{1,3}(\.\d{1,3}){0,3}$")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
_LETTERS = re.compile(r"[a-z]+")

Json: TypeAlias = "str | int | bool | list[Json] | dict[str, Json] | None"
_T = TypeVar("_T")


def utc_now() -> datetime:
    """The default clock of transcript lines; its time is recorded as untrusted."""
    return datetime.now(UTC)


@dataclass(frozen=True)
class TranscriptEntry:
    seq: int
    prev: str
    event: str
    role: str | None
    step: str | None
    data: dict[str, Json]
    clock_untrusted: str
    tool: str

    def to_line(self) -> bytes:
        """The entry's exact bytes in the file: canonical JSON and a newline."""
        return canonical(
            {
                "seq": self.seq,
                "prev": self.prev,
                "event": self.event,
                "role": self.role,
                "step": self.step,
                "data": self.data,
                "clock_untrusted": self.clock_untrusted,
                "tool": self.tool,
            }
        )


@dataclass(frozen=True)
class TranscriptSummary:
    """What a verified transcript holds."""

    entries: tuple[TranscriptEntry, ...]
    head: str
    """SHA-256 (hex) of the last line; compare it with the words initialled on paper."""

    @property
    def closed(self) -> bool:
        """Whether the last line is the close: only then is the transcript complete."""
        return bool(self.entries) and self.entries[-1].event == CLOSED

    @property
    def aborted(self) -> bool:
        """Whether the ceremony stopped on purpose, with its last line recording the abort."""
        return bool(self.entries) and self.entries[-1].event == ABORTED

    @property
    def abort_reason(self) -> str | None:
        """The reason recorded in the abort line, or None when the transcript was not aborted."""
        if not self.aborted:
            return None
        reason = self.entries[-1].data.get("reason")
        return reason if isinstance(reason, str) else None

    @property
    def head_words(self) -> str:
        """The head as words the witnesses wrote down, to compare with theirs."""
        from ceremony.model.hashwords import hash_words

        return hash_words(bytes.fromhex(self.head))


class TranscriptBroken(NotVerified):
    """The transcript was changed after it was written; `seq` is the first entry that fails."""

    def __init__(self, seq: int, message: str, hint: str) -> None:
        super().__init__(message, hint)
        self.seq = seq


def canonical(value: Mapping[str, Json]) -> bytes:
    """The one byte form of a transcript line that its hash covers: sorted keys, no spaces, ASCII
    only."""
    text = json.dumps(
        value, sort_keys=True, separators=(",", ":"), ensure_ascii=True, allow_nan=False
    )
    return text.encode("ascii") + b"\n"


def line_hash(line: bytes) -> str:
    """The hash of a line as written, newline included: the new head, and what the next line chains
    to."""
    return hashlib.sha256(line).hexdigest()


class Transcript:
    """A transcript being written. Create it with `Transcript.create`; finish it with `close` or
    `abort`. Used as a context manager, an exception in the block (Ctrl-C included) ends it with an
    abort entry."""

    def __init__(self, path: Path, fd: int, *, clock: Clock, tool: str) -> None:
        self.path = path
        self._fd: int | None = fd
        self._clock = clock
        self._tool = tool
        self._seq = 0
        self._head = GENESIS

    @classmethod
    def create(
        cls,
        path: Path,
        *,
        data: Mapping[str, Json] | None = None,
        role: str | None = None,
        clock: Clock = utc_now,
        tool: str = f"ceremony {__version__}",
    ) -> Self:
        """Start a new transcript at `path` (which must not exist) with an `opened` entry."""
        path = Path(path)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_APPEND, 0o644)
        except FileExistsError:
            raise Refused(
                f"the transcript {path} already exists",
                "a transcript is never reused: start the ceremony in a new directory",
            ) from None
        except OSError as exc:
            raise OutputFailed(
                f"cannot create the transcript {path}: {exc.strerror or exc}",
                "check that the directory exists and is writable",
            ) from None
        _fsync_directory(path.parent)
        transcript = cls(path, fd, clock=clock, tool=tool)
        opened: dict[str, Json] = {**(data or {}), "format": FORMAT}
        opened.update({"lock_sha256": lock_sha256(), "python": python_version()})
        transcript.append(OPENED, role=role, data=opened)
        return transcript

    @classmethod
    def resume(
        cls,
        path: Path,
        *,
        clock: Clock = utc_now,
        tool: str = f"ceremony {__version__}",
        drop_torn_tail: bool = False,
    ) -> Self:
        """Reopen an existing transcript for more entries, after checking its whole chain.

        For transcripts that span several runs (a recovery session: start, wait, unlock). The file
        is opened first and its bytes are read through that same handle, so the chain that was
        checked is the one that is continued. A closed or aborted transcript is never reopened.

        With `drop_torn_tail`, a last line cut short by a crash during its append (no final
        newline: the append never returned, so that entry was never written) is removed first,
        and the transcript continues after the last whole entry.
        """
        path = Path(path)
        try:
            fd = os.open(path, os.O_RDWR | os.O_APPEND)
        except FileNotFoundError:
            raise BadInput(
                f"the transcript {path} does not exist",
                "give the directory of a session that was started, unchanged",
            ) from None
        except OSError as exc:
            raise OutputFailed(
                f"cannot open the transcript {path}: {exc.strerror or exc}",
                "check that the file is writable",
            ) from None
        try:
            raw = _read_all(fd)
            if drop_torn_tail and raw and not raw.endswith(b"\n"):
                raw = raw[: raw.rfind(b"\n") + 1]
                os.ftruncate(fd, len(raw))
                os.fsync(fd)
            summary = verify_lines(raw)
            if summary.closed or summary.aborted:
                raise Refused(
                    f"the transcript {path} has ended (its last entry is "
                    f"'{summary.entries[-1].event}')",
                    "a finished transcript is never reopened; start a new one",
                )
        except BaseException:
            os.close(fd)
            raise
        transcript = cls(path, fd, clock=clock, tool=tool)
        transcript._seq = summary.entries[-1].seq
        transcript._head = summary.head
        return transcript

    def suspend(self) -> None:
        """Stop writing for now without ending the transcript; `resume` continues it later."""
        self._release()

    @property
    def finished(self) -> bool:
        """True once the file is released (ended or suspended): no line can be written until it is
        resumed."""
        return self._fd is None

    @property
    def seq(self) -> int:
        """The sequence number of the last entry written."""
        return self._seq

    def head(self) -> str:
        """SHA-256 (hex) of the last line written."""
        return self._head

    def head_words(self) -> str:
        """The current head as words, as read aloud to the witnesses."""
        from ceremony.model.hashwords import hash_words

        return hash_words(bytes.fromhex(self._head))

    def append(
        self,
        event: str,
        *,
        role: str | None = None,
        step: str | None = None,
        data: Mapping[str, Json] | None = None,
    ) -> TranscriptEntry:
        """Write one entry and force it to disk before returning.

        Whole or absent: Ctrl-C, SIGTERM and SIGHUP are held back from the write until the
        entry is on disk and counted (so an abort entry written next follows it, never reuses its
        number); a crash in the middle leaves a line without its newline, which `verify_lines`
        reports and `resume(drop_torn_tail=True)` removes."""
        if self._fd is None:
            raise Refused(
                f"the transcript {self.path} is already closed",
                "a finished transcript takes no more entries; this is a bug in the caller",
            )
        if not _EVENT.match(event):
            raise ValueError(f"not an event name: {event!r}")
        if step is not None and not _STEP.match(step):
            raise ValueError(f"not a step number: {step!r}")
        if role is not None and not (isinstance(role, str) and 0 < len(role) <= 64):
            raise ValueError(f"not a role: {role!r}")
        payload = dict(data or {})
        check_public(payload)
        entry = TranscriptEntry(
            seq=self._seq + 1,
            prev=self._head,
            event=event,
            role=role,
            step=step,
            data=payload,
            clock_untrusted=self._clock().astimezone(UTC).isoformat(timespec="seconds"),
            tool=self._tool,
        )
        line = entry.to_line()
        if len(line) > MAX_LINE:
            raise ValueError(f"transcript entry of {len(line)} bytes; record digests, not payloads")
        with deferred_interrupts():
            crash_point("transcript.append.before")
            _write_all(self._fd, line, torn="transcript.append.torn")
            os.fsync(self._fd)
            self._seq = entry.seq
            self._head = line_hash(line)
            crash_point("transcript.append.after")
        return entry

    def close(self, *, role: str | None = None, data: Mapping[str, Json] | None = None) -> str:
        """End the transcript with a `closed` entry; returns the head to show as words."""
        self.append(CLOSED, role=role, data=data)
        self._release()
        return self._head

    def abort(self, reason: str, *, step: str | None = None) -> str:
        """End the transcript with an `aborted` entry saying why; returns the head."""
        self.append(ABORTED, step=step, data={"reason": reason})
        self._release()
        return self._head

    def _release(self) -> None:
        if self._fd is not None:
            os.close(self._fd)
            self._fd = None

    def __enter__(self) -> Self:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._fd is None:
            return
        if kind is None:
            reason = "the ceremony ended without closing the transcript"
        elif issubclass(kind, KeyboardInterrupt):
            reason = "interrupted"
        else:
            # The type only: an exception's message is not vetted for the transcript.
            reason = f"stopped by an error ({kind.__name__})"
        try:
            with contextlib.suppress(OSError):
                self.abort(reason)
        finally:
            self._release()


def check_public(data: Mapping[str, Json]) -> None:
    """Refuse data that is not plain JSON or that looks like share words (three in a row)."""

    def walk(value: object, where: str) -> None:
        if value is None or isinstance(value, bool | int):
            return
        if isinstance(value, str):
            if _has_word_run(value):
                raise Refused(
                    f"refused to write {where} to the transcript: it contains three SLIP-39 words "
                    "in a row, which could be part of a share",
                    "record a digest or a count instead of text that may hold share words",
                )
            return
        if isinstance(value, list):
            for i, item in enumerate(value):
                walk(item, f"{where}[{i}]")
            return
        if isinstance(value, dict):
            for key, item in value.items():
                if not isinstance(key, str):
                    raise TypeError(f"transcript data key {key!r} in {where} is not text")
                walk(key, f"a key of {where}")
                walk(item, f"{where}.{key}")
            return
        raise TypeError(
            f"transcript data {where} is a {type(value).__name__}; use text, whole numbers, "
            "true/false, null, lists or tables"
        )

    walk(dict(data), "data")


@cache
def _slip39_words() -> frozenset[str]:
    from ceremony.core.slip39 import wordlist

    return frozenset(wordlist())


def _has_word_run(text: str, run: int = 3) -> bool:
    words = _slip39_words()
    streak = 0
    for token in _LETTERS.findall(text.lower()):
        streak = streak + 1 if token in words else 0
        if streak >= run:
            return True
    return False


def verify_transcript(path: Path, *, expected_head: str | None = None) -> TranscriptSummary:
    """Check the whole chain; raise TranscriptBroken naming the first entry that fails.

    Without `expected_head` a change to the last entry cannot be seen (nothing follows it); pass the
    head recorded on paper or in the record to cover it.
    """
    path = Path(path)
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise BadInput(
            f"cannot read the transcript {path}: {exc.strerror or exc}",
            "check the path; the transcript is transcript.jsonl in the kit directory",
        ) from None
    summary = verify_lines(raw)
    if expected_head is not None and summary.head != expected_head.strip().lower():
        last = summary.entries[-1].seq
        raise TranscriptBroken(
            last,
            f"transcript head {summary.head[:16]}... is not the recorded head "
            f"{expected_head.strip()[:16]}...: the transcript was changed (entry {last} or later)",
            "compare with the head words initialled on paper; keep the original transcript",
        )
    return summary


_HINT = "the transcript was changed after the ceremony; audit from the original copy"


def verify_lines(raw: bytes) -> TranscriptSummary:
    """Check a transcript's bytes (see `verify_transcript`)."""
    if not raw:
        raise TranscriptBroken(1, "the transcript is empty", _HINT)
    lines = raw.split(b"\n")
    last_piece = lines.pop()
    entries: list[TranscriptEntry] = []
    prev = GENESIS
    for index, line in enumerate(lines):
        expected = index + 1
        full = line + b"\n"
        entry = _parse_entry(full, expected)
        if entries and entries[-1].event in (CLOSED, ABORTED):
            raise TranscriptBroken(
                expected,
                f"transcript entry {expected} follows the final '{entries[-1].event}' entry",
                _HINT,
            )
        if entry.seq != expected:
            raise TranscriptBroken(
                expected,
                f"transcript line {expected} holds entry {entry.seq}: entries were removed, "
                "inserted or reordered",
                _HINT,
            )
        if entry.prev != prev:
            raise TranscriptBroken(
                expected,
                f"transcript entry {expected} does not follow entry {expected - 1}: entry "
                f"{expected - 1} was changed, or entries were removed or inserted",
                _HINT,
            )
        if expected == 1 and entry.event != OPENED:
            raise TranscriptBroken(1, "transcript entry 1 is not the opening entry", _HINT)
        entries.append(entry)
        prev = line_hash(full)
    if last_piece:
        raise TranscriptBroken(
            len(lines) + 1,
            f"transcript entry {len(lines) + 1} is cut short (no final newline)",
            "the file was truncated, perhaps by a crash during writing; the entries before it "
            "may still be checked from a copy without the partial line",
        )
    return TranscriptSummary(entries=tuple(entries), head=prev)


def _parse_entry(line: bytes, seq: int) -> TranscriptEntry:
    def broken(why: str) -> TranscriptBroken:
        return TranscriptBroken(seq, f"transcript entry {seq} {why}", _HINT)

    if len(line) > MAX_LINE:
        raise broken("is too long")
    try:
        value = strict_json.loads(line, "it", _HINT)
    except BadInput as exc:
        raise broken(exc.message.removeprefix("it ")) from None
    if not isinstance(value, dict) or set(value) != FIELDS:
        raise broken("does not have the transcript's fields")
    try:
        entry = TranscriptEntry(
            seq=_typed(value["seq"], int),
            prev=_typed(value["prev"], str),
            event=_typed(value["event"], str),
            role=_optional(value["role"]),
            step=_optional(value["step"]),
            data=_typed(value["data"], dict),
            clock_untrusted=_typed(value["clock_untrusted"], str),
            tool=_typed(value["tool"], str),
        )
    except TypeError:
        raise broken("has a field of the wrong type") from None
    if not _HEX64.match(entry.prev):
        raise broken("has a malformed previous-entry hash")
    if entry.to_line() != line:
        raise broken("is not in canonical form (it was edited)")
    return entry


def _typed(value: object, kind: type[_T]) -> _T:
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise TypeError(kind.__name__)
    return value


def _optional(value: object) -> str | None:
    return None if value is None else _typed(value, str)


def _read_all(fd: int) -> bytes:
    chunks: list[bytes] = []
    offset = 0
    while True:
        chunk = os.pread(fd, 1 << 16, offset)
        if not chunk:
            return b"".join(chunks)
        chunks.append(chunk)
        offset += len(chunk)


def _write_all(fd: int, data: bytes, *, torn: str = "") -> None:
    view = memoryview(data)
    if torn and reached(torn):
        os.write(fd, view[: len(view) // 2])
        crash_now()
    while view:
        written = os.write(fd, view)
        view = view[written:]


def _fsync_directory(directory: Path) -> None:
    """Make the new file's directory entry durable, where the system allows it."""
    try:
        fd = os.open(directory if str(directory) else ".", os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)
