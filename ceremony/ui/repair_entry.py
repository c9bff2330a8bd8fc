"""Where `ceremony repair` reads the words of one damaged share: the hidden prompt at a terminal
(`?` for an unreadable word), or a file or pipe for scripts. A word not in the list is refused
with its position and, at a terminal, the close words in the list; never echoed."""

from __future__ import annotations

import sys

from ceremony.errors import BadInput


def read_repair_words(source: str | None) -> list[int | None]:
    """The share's word indices, None where the person marked a word unreadable."""
    if source is None and sys.stdin.isatty():
        from ceremony.ui.share_entry import SharePrompt
        from ceremony.ui.share_source import hidden_terminal

        terminal = hidden_terminal()
        terminal.console.print(
            "type the share, one or more words per line (hidden); '?' for an unreadable word",
            markup=False,
            highlight=False,
        )
        entry = SharePrompt(
            terminal.read_hidden, terminal.console, read_answer=terminal.read_answer
        )
        return entry.read_words()
    return _from_file(source or "-")


def _from_file(source: str) -> list[int | None]:
    from ceremony.core.words import UnknownWord, parse_words
    from ceremony.ui.console import err
    from ceremony.workflows.inputs import decode_text, read_bounded, share_lines

    text = decode_text(read_bounded(source, "share"), "share")
    try:
        words = parse_words(" ".join(line for _, line in share_lines(text)))
    except UnknownWord as exc:
        if exc.suggestions and sys.stderr.isatty():
            err().print(
                f"word {exc.position}: close words in the list: {', '.join(exc.suggestions)}",
                markup=False,
                highlight=False,
            )
        raise
    if not words:
        raise BadInput(
            "no words found in the input",
            "give the share's words separated by spaces, with '?' for an unreadable word",
        )
    return words
