"""Where the shares of a command come from: a hidden prompt at a terminal, or a file for scripts.

Commands that take shares call `read_shares` (several) or `read_share` (one). With no FILE and a
terminal on stdin, the shares are typed at `SharePrompt`, the one prompt that reads a share: hidden,
each word checked as typed, corrections offered and applied only when the person says yes. From a
file or a pipe the text is read as it is; nothing is corrected, and a checksum failure says how
`ceremony repair` can find the fix.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from ceremony.core import slip39
from ceremony.core.words import parse_share
from ceremony.errors import BadInput
from ceremony.model.share import Share
from ceremony.workflows.inputs import decode_text, read_bounded, share_lines
from ceremony.workflows.inputs import read_shares as read_share_file

if TYPE_CHECKING:  # rich and the prompt (with its repair tables) only when a terminal is used
    from rich.console import Console

    from ceremony.ui.share_entry import ReadLine, SharePrompt

MORE_SHARES = "share {number}, word 1 (or Enter when all shares are in): "
"""The first prompt of every share after the first: an empty line ends the list."""


@dataclass(frozen=True)
class Terminal:
    """The person at the keyboard: a hidden line reader, a visible one for answers, and a screen."""

    read_hidden: ReadLine
    read_answer: ReadLine
    console: Console


@dataclass(frozen=True)
class TypedShare:
    """A share and the positions (zero-based) the person accepted a correction at; () from a file."""

    share: Share
    corrected: tuple[int, ...] = ()


def prompts(source: str | None) -> bool:
    """Whether shares are typed at the prompt: no FILE given and stdin is a terminal."""
    return source is None and sys.stdin.isatty()


def hidden_terminal() -> Terminal:
    """The real terminal: hidden input through getpass, answers and chatter on stderr."""
    import getpass

    from ceremony.ui.console import err

    console = err()
    return Terminal(
        read_hidden=lambda prompt: getpass.getpass(prompt, stream=sys.stderr),
        read_answer=lambda prompt: console.input(prompt, markup=False),
        console=console,
    )


def read_shares(
    source: str | None, terminal: Callable[[], Terminal] = hidden_terminal
) -> list[Share]:
    """Shares from FILE, from stdin (`-`, or no FILE off a terminal), or typed at the prompt."""
    if prompts(source):
        return [typed.share for typed in type_shares(terminal())]
    return read_share_file(source or "-")


def read_share(
    source: str | None, terminal: Callable[[], Terminal] = hidden_terminal
) -> TypedShare:
    """One share from FILE (its words may run over several lines), stdin, or the prompt."""
    if prompts(source):
        return type_share(terminal())
    name = "standard input" if source in (None, "-") else str(source)
    text = decode_text(read_bounded(source or "-", "share"), "share")
    words = " ".join(line for _, line in share_lines(text))
    if not words:
        raise BadInput(
            f"no share found in {name}",
            "give the share's words separated by spaces; lines starting with # are ignored",
        )
    return TypedShare(parse_share(words))


def type_share(terminal: Terminal) -> TypedShare:
    """One share typed at the hidden prompt."""
    _say(
        terminal,
        "type the share, one or more words per line (hidden); the first four letters of each "
        "word are enough; '?' for a word you cannot read",
    )
    from ceremony.ui.share_entry import SharePrompt

    return _entered(
        SharePrompt(terminal.read_hidden, terminal.console, read_answer=terminal.read_answer)
    )


def type_shares(terminal: Terminal) -> list[TypedShare]:
    """Shares typed one after another until the person enters an empty line (or input ends)."""
    _say(
        terminal,
        "type each share, one or more words per line (hidden); the first four letters of each "
        "word are enough; '?' for a word you cannot read. Press Enter on an empty line when all "
        "shares are in",
    )
    from ceremony.ui.share_entry import SharePrompt

    typed: list[TypedShare] = []
    while True:
        if typed:
            try:
                first = terminal.read_hidden(MORE_SHARES.format(number=len(typed) + 1))
            except EOFError:
                break
            if not first.strip():
                break
            reader: ReadLine = _StartingWith(first, terminal.read_hidden)
        else:
            reader = terminal.read_hidden
        entry = SharePrompt(reader, terminal.console, read_answer=terminal.read_answer)
        share = _entered(entry)
        _say(
            terminal,
            f"share {len(typed) + 1}: group {share.share.group_number}, member "
            f"{share.share.member_number}, check code {share.share.check_code()}",
        )
        typed.append(share)
    return typed


def _entered(entry: SharePrompt) -> TypedShare:
    entered = entry.read()
    return TypedShare(slip39.share_from_indices(entered.words), entered.corrected)


class _StartingWith:
    """A line reader that first gives back a line already read (the start of the next share)."""

    def __init__(self, first: str, read: ReadLine) -> None:
        self._first: str | None = first
        self._read = read

    def __call__(self, prompt: str) -> str:
        if self._first is not None:
            line, self._first = self._first, None
            return line
        return self._read(prompt)


def _say(terminal: Terminal, text: str) -> None:
    terminal.console.print(text, markup=False, highlight=False)
