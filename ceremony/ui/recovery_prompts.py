"""The terminal side of `ceremony recover unlock`: each holder types a share at the hidden prompt,
the passphrase is typed hidden, and the secret is shown only after a confirmation. Implements
`ceremony.workflows.recovery_unlock.UnlockScreen`; chatter goes to stderr, the secret to stdout.
"""

from __future__ import annotations

import math
import sys
from contextlib import AbstractContextManager
from pathlib import Path
from typing import TYPE_CHECKING

from ceremony.errors import BadInput, Interrupted, NotVerified
from ceremony.ui.console import err, out, say

if TYPE_CHECKING:
    from ceremony.core.vdf import Progress
    from ceremony.model.record import Record
    from ceremony.ui.share_source import Terminal
    from ceremony.workflows.recovery import PuzzleResume, ShareCollection


class TerminalUnlockScreen:
    """The real terminal (stdin, stdout, stderr of this process)."""

    def note(self, text: str) -> None:
        say(text)

    def stdin_is_terminal(self) -> bool:
        return sys.stdin.isatty()

    def stdout_is_terminal(self) -> bool:
        return sys.stdout.isatty()

    def read_shares(self, record: Record, source: str | None) -> ShareCollection:
        return read_collection(record, source)

    def passphrase(self, record: Record, path: Path | None) -> bytes:
        return read_passphrase(record, path)

    def confirm_release(self, form: str) -> bool:
        return confirm_release(form)

    def show_secret(self, text: str) -> None:
        out(text)

    def on_resume(self, resume: PuzzleResume) -> None:
        for name in resume.discarded:
            say(f"the checkpoint {name} is damaged or belongs to another lock: not used")
        if resume.checkpoint is not None:
            say(f"resuming the time lock after {resume.checkpoint.done:,} squarings")

    def progress(self, label: str, unit: str, rate_hint: float) -> AbstractContextManager[Progress]:
        from ceremony.ui.progress import ProgressBar

        return ProgressBar(label, unit=unit, rate_hint=rate_hint)


def confirm_release(form: str) -> bool:
    answer = err().input(
        f"Show the {form} on this screen now? Make sure nobody else can see it. [y/N] ",
        markup=False,
    )
    return answer.strip().lower() in {"y", "yes"}


def read_collection(record: Record, source: str | None) -> ShareCollection:
    """Shares from --shares-file, from piped stdin, or typed one holder at a time."""
    from ceremony.workflows.inputs import read_shares
    from ceremony.workflows.recovery import collect

    if source is None and sys.stdin.isatty():
        return type_shares(record)
    shares = read_shares(source or "-")
    collection = collect(record, shares)
    for line in collection.progress_lines():
        say(line)
    return collection


def type_shares(record: Record) -> ShareCollection:
    """One holder at a time at the hidden prompt, until the record's quorum is complete."""
    from ceremony.ui.share_source import hidden_terminal
    from ceremony.workflows.recovery import ShareCollection

    terminal = hidden_terminal()
    collection = ShareCollection(record)
    _show(
        terminal,
        "each holder in turn types their share at the hidden prompt; the first four letters of "
        "each word are enough, '?' marks a word you cannot read",
    )
    for line in collection.progress_lines():
        _show(terminal, f"  {line}")
    while not collection.quorum:
        _show(terminal, f"share {len(collection.shares) + 1}: next holder, please type your share")
        _take_one(terminal, collection, _share_words(record))
    _show(terminal, "enough shares are in")
    return collection


def _take_one(terminal: Terminal, collection: ShareCollection, words: int | None) -> None:
    """One holder's share: accepted (with whose it is), or refused with what to do."""
    from ceremony.core import slip39
    from ceremony.ui.share_entry import SharePrompt

    entry = SharePrompt(
        terminal.read_hidden,
        terminal.console,
        read_answer=terminal.read_answer,
        expected_words=words,
    )
    try:
        share = slip39.share_from_indices(entry.read().words)
    except (BadInput, NotVerified) as exc:
        collection.refuse()  # counted in the transcript; add() counts its own refusals
        _refused(terminal, exc)
        return
    try:
        check = collection.add(share)
    except (BadInput, NotVerified) as exc:
        _refused(terminal, exc)
        return
    _show(
        terminal,
        f"accepted: share {check.member} of {check.members} of group {check.group}, issued "
        f"to {check.holder}; check code {check.check_code}",
    )
    for line in collection.progress_lines():
        _show(terminal, f"  {line}")


def _refused(terminal: Terminal, exc: BadInput | NotVerified) -> None:
    _show(terminal, f"refused: {exc.message}")
    _show(terminal, f"hint: {exc.hint}")


def _show(terminal: Terminal, text: str) -> None:
    terminal.console.print(text, markup=False, highlight=False)


def _share_words(record: Record) -> int | None:
    from ceremony.core.slip39 import valid_length

    words = 7 + math.ceil(record.strength_bits / 10)
    return words if valid_length(words) else None


def read_passphrase(record: Record, path: Path | None) -> bytes:
    """The SLIP-39 passphrase: from a file, or at a hidden prompt when the record says one is used."""
    import getpass

    from ceremony.model.passphrase import check_passphrase
    from ceremony.workflows.inputs import read_passphrase_file

    if path is not None or not record.passphrase:
        return read_passphrase_file(path)
    if not sys.stdin.isatty():
        raise BadInput(
            "the record says the shares need a passphrase",
            "give it with --passphrase-file FILE",
        )
    try:
        text = getpass.getpass("passphrase (hidden): ", stream=sys.stderr)
    except EOFError:
        raise Interrupted("no passphrase was typed", "run unlock again") from None
    return check_passphrase(text.encode("utf-8"))
