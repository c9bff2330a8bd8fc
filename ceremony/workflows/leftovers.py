"""Secret files left by a run that no handler could stop: SIGKILL, a power cut, a crash.

Ctrl-C, SIGTERM and SIGHUP end a ceremony with an abort entry and remove its secret files. What no
handler catches leaves a kit directory whose transcript was never closed, with holder PDFs (share
words), a consent card or temporary copies (`.NAME.PID.HEX.partial`, whose process is gone) still
on the media. `ceremony run`, `ceremony preflight --output-dir` and `ceremony audit` look for such
runs with `find_leftovers`; `destroy` removes the secret files after the person confirmed, and ends
the transcript with an abort entry after its last whole entry, so the evidence of what happened
stays and the chain still checks.

A kit whose transcript is closed is finished work: nothing here ever touches it.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import CeremonyError
from ceremony.files import is_locked, remove_tree, stale_partials
from ceremony.workflows.transcript import Transcript, verify_lines

TRANSCRIPT = "transcript.jsonl"
SECRET_FOLDERS = ("holders", "consent")
KILLED = "the run was stopped without clean-up (killed, or the power failed); found by a later run"


@dataclass(frozen=True)
class Leftovers:
    """One unfinished run's directory and the secret files still in it (none, when only its
    transcript was left open)."""

    directory: Path
    files: tuple[Path, ...]
    transcript_open: bool
    """The transcript ends without 'closed' or 'aborted': the run was killed mid-way."""

    def describe(self) -> str:
        """A warning that an unfinished ceremony left secret files behind, so they can be found and
        destroyed."""
        count = len(self.files)
        return (
            f"{self.directory}: an unfinished ceremony left {count} secret file"
            f"{'' if count == 1 else 's'} (share cards, consent card or temporary copies)"
        )


def find_leftovers(directory: Path) -> list[Leftovers]:
    """Unfinished runs in `directory` itself and in the directories directly inside it (a kit's
    parent, or the media root), plus stale temporary copies and staging folders there."""
    directory = Path(directory)
    found = []
    aside = sorted(directory.parent.glob(f"{directory.name}.aborted-*"))
    for candidate in (directory, *_children(directory), *aside):
        leftovers = _unfinished(candidate)
        if leftovers is not None:
            found.append(leftovers)
    loose = stale_partials(directory) if directory.is_dir() else []
    loose += stale_partials(directory.parent, directory.name)  # a kit staged under a temporary name
    if loose:
        found.append(Leftovers(directory, tuple(loose), transcript_open=False))
    return found


def with_secrets(found: list[Leftovers]) -> list[Leftovers]:
    """Those that still hold secret files (an open transcript alone holds none)."""
    return [f for f in found if f.files]


def check_text(found: list[Leftovers]) -> tuple[str, str]:
    """The finding and the hint that preflight and audit show (for `with_secrets(found)`)."""
    files = sum(len(f.files) for f in found)
    where = ", ".join(str(f.directory) for f in found)
    return (
        f"{files} secret file(s) of an unfinished ceremony run (killed, or a power cut) are on "
        f"the media: {where}",
        "destroy them: run `ceremony run PLAN --out KIT` again (it lists them and asks you to "
        "type DESTROY), or add --destroy-leftovers; the transcript keeps the evidence",
    )


def destroy(found: list[Leftovers]) -> int:
    """Remove every listed secret file; end each open transcript with an abort entry. Returns how
    many files went."""
    removed = 0
    for leftovers in found:
        for path in leftovers.files:
            if path.exists() or path.is_symlink():
                remove_tree(path)
                removed += 1
        for name in SECRET_FOLDERS:
            folder = leftovers.directory / name
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()
        if leftovers.transcript_open:
            _abort_transcript(leftovers.directory / TRANSCRIPT)
    return removed


def _children(directory: Path) -> list[Path]:
    try:
        return sorted(p for p in directory.iterdir() if p.is_dir() and not p.is_symlink())
    except OSError:
        return []


def _unfinished(directory: Path) -> Leftovers | None:
    transcript = directory / TRANSCRIPT
    if not transcript.is_file() or is_locked(directory):
        return None  # not a ceremony kit, or a ceremony still running there
    state = transcript_state(transcript)
    if state == "closed":
        return None
    files = _secret_files(directory)
    if not files and state != "open":
        return None
    return Leftovers(directory, tuple(files), transcript_open=state == "open")


def transcript_state(path: Path) -> str:
    """ "closed", "aborted", "open", or "unreadable" (then the files are still reported)."""
    try:
        raw = path.read_bytes()
        if raw and not raw.endswith(b"\n"):
            raw = raw[: raw.rfind(b"\n") + 1]  # an append cut short by the crash
        summary = verify_lines(raw)
    except (OSError, CeremonyError):
        return "unreadable"
    if summary.closed:
        return "closed"
    return "aborted" if summary.aborted else "open"


def _secret_files(directory: Path) -> list[Path]:
    files: list[Path] = []
    for name in SECRET_FOLDERS:
        folder = directory / name
        if folder.is_dir() and not folder.is_symlink():
            files += sorted(p for p in folder.iterdir() if not p.is_dir() or p.is_symlink())
            files += stale_partials(folder)
    files += stale_partials(directory)
    return sorted(set(files))


def _abort_transcript(path: Path) -> None:
    try:
        transcript = Transcript.resume(path, drop_torn_tail=True)
    except CeremonyError:
        return  # damaged beyond a torn last line: keep it as it is, for the audit
    transcript.abort(KILLED)
