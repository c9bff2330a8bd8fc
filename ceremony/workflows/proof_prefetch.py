"""The recovery sessions' delay proofs, read and checked on every core from the start of an audit.

An audit spends its time on two kinds of work: checking proofs (chiavdf, in C, without the GIL, on
every core) and checking the kit and re-rendering its PDFs (Python, one core). This module starts
the first before the second is even imported: it needs only the VDF core and the names of a
session's files, so `run_audit` starts it first and the audit's own modules load while the proofs
are checked. The audit's `proofs` check takes the chain read here, and the verdict only when the
notice it reads is the one the check was started for, so the report is the same as without it.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Sequence
from pathlib import Path
from types import TracebackType

from ceremony.core.vdf import Chain, PendingVerdict, Segment, start_verify_chain, verify_chain
from ceremony.errors import CeremonyError
from ceremony.files import read_bounded

RECOVERY = "recovery"
"""The kit's folder of recovery sessions."""
NOTICE = "notice.json"
PROOF = "proof"
"""A session's folder of delay segments, each `segment-NNNN.json`."""
SEGMENT_FILE = re.compile(r"^segment-(\d{4,})\.json$")


def session_directories(kit: Path, extra: Sequence[Path]) -> list[Path]:
    """Every folder under `kit`/recovery/, then each of `extra` not among them, in that order."""
    found: list[Path] = []
    folder = kit / RECOVERY
    if folder.is_dir():  # every folder, whatever its name: a hidden one is no less a session
        found.extend(sorted(p for p in folder.iterdir() if p.is_dir()))
    for directory in extra:
        if all(Path(directory).resolve() != p.resolve() for p in found):
            found.append(Path(directory))
    return found


def saved_segments(directory: Path) -> Chain | str:
    """The session's proof chain as saved (empty when there is none yet), or what is wrong with
    its files, in the words of the `proofs` check."""
    folder = directory / PROOF
    files: list[tuple[int, Path]] = []
    if folder.is_dir():
        for path in folder.iterdir():
            match = SEGMENT_FILE.match(path.name)
            if match:
                files.append((int(match.group(1)), path))
    files.sort()
    segments = []
    for position, (number, path) in enumerate(files, start=1):
        where = f"{PROOF}/{path.name}"
        if number != position:
            return (
                f"segment {position} is missing: the proof folder goes from segment "
                f"{position - 1} to {where}"
            )
        try:
            segments.append(Segment.from_json(read_bounded(path, "delay segment")))
        except CeremonyError as exc:
            return f"{where}: {exc.message}"
    return Chain(tuple(segments))


class ChainPrefetch:
    """The sessions' proof chains, each read once and checked in the background from `start` on.

    Used as a context manager, it drops on exit whatever was started and not asked for (an audit
    that failed, or was interrupted)."""

    def __init__(self) -> None:
        self._read: dict[Path, Chain | str] = {}
        self._pending: dict[Path, tuple[bytes, PendingVerdict]] = {}

    @classmethod
    def started(cls, directories: Iterable[Path]) -> ChainPrefetch:
        """A prefetch with the chain of each of `directories` under way."""
        prefetch = cls()
        for directory in directories:
            prefetch.start(directory)
        return prefetch

    def __enter__(self) -> ChainPrefetch:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        trace: TracebackType | None,
    ) -> None:
        self.cancel()

    def start(self, directory: Path) -> None:
        """Begin checking the chain of one session in the background (once: a session already
        started is left as it is); any read error is left for the checks themselves to report."""
        if directory in self._read:
            return
        try:
            chain = self._read[directory] = saved_segments(directory)
            if isinstance(chain, str) or not chain.segments:
                return
            digest = hashlib.sha256(read_bounded(directory / NOTICE, "notice")).digest()
            self._pending[directory] = (digest, start_verify_chain(chain, digest, 0))
        except (OSError, CeremonyError):
            return  # the checks themselves report it

    def segments(self, directory: Path) -> Chain | str:
        """`saved_segments(directory)`, as read when the audit started."""
        found = self._read.get(directory)
        return saved_segments(directory) if found is None else found

    def verify(self, directory: Path, chain: Chain, notice_hash: bytes) -> None:
        """`verify_chain(chain, notice_hash, 0)`, from the checks already under way if they
        are of this very chain and notice."""
        started = self._pending.pop(directory, None)
        if started is not None and started[0] == notice_hash and started[1].chain == chain:
            started[1].result()
            return
        if started is not None:
            started[1].cancel()
        verify_chain(chain, notice_hash, 0)

    def cancel(self) -> None:
        """Drop what was started and not asked for (an interrupted or failed audit)."""
        for _, pending in self._pending.values():
            pending.cancel()
        self._pending.clear()
