"""`ceremony repair`: restore unreadable words of a share, or find and fix one wrong word.

The repaired share is secret, so it goes to stdout only when stdout is a terminal, or with --reveal.
Chatter names positions only.
"""

import json
import sys
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json, Reveal

if TYPE_CHECKING:
    from ceremony.core.repair import Repair

HELP = """Restore up to 3 unreadable words of a SLIP-39 share (type '?' for each), or find and fix
one wrong word, using the share's checksum.

Every result is a candidate to compare with the paper: when several fit, all are listed; when none
fits, nothing is printed. The share is printed only to a terminal, or with --reveal.

\b
Examples:
  ceremony repair              type the share at a hidden prompt ('?' for unreadable)
  ceremony repair share.txt    read the words of one share from a file
  ceremony repair - --json --reveal < share.txt > repaired.json
"""

ShareSource = Annotated[
    str | None,
    typer.Argument(
        help="File with the share's words ('?' for an unreadable word); - for stdin. "
        "Without it, the words are typed at a hidden prompt.",
        metavar="FILE",
        show_default=False,
    ),
]


@app.command("repair", help=HELP)
def repair_command(
    source: ShareSource = None,
    as_json: Json = False,
    reveal: Reveal = False,
) -> None:
    from ceremony.errors import Refused
    from ceremony.ui.console import stdout_is_terminal

    if not reveal and not stdout_is_terminal():
        raise Refused(
            "the repaired share would be written to a pipe or file",
            "run it with stdout on a terminal, or add --reveal if the share is meant to go there",
        )
    words = _read(source)

    from ceremony.core.repair import repair
    from ceremony.core.words import mnemonic
    from ceremony.ui.console import out, say

    result = repair(words)
    for line in _summary(result):
        say(line)
    if as_json:
        out(
            json.dumps(
                {
                    "format": "ceremony-repair/v1",
                    "needed": result.needed,
                    "unreadable": [p + 1 for p in result.erased],
                    "redundancy_left": result.redundancy_left,
                    "candidates": [
                        {
                            "share": mnemonic(c.words),
                            "changed": [p + 1 for p in c.changed],
                            "extendable": c.extendable,
                        }
                        for c in result.candidates
                    ],
                },
                indent=2,
            )
        )
        return
    if not result.needed:
        return
    count = len(result.candidates)
    for number, candidate in enumerate(result.candidates, start=1):
        changed = ", ".join(str(p + 1) for p in candidate.changed)
        out(f"candidate {number} of {count} (changed words: {changed})")
        out(mnemonic(candidate.words))


def _summary(result: "Repair") -> list[str]:
    if not result.needed:
        return ["the checksum is correct: nothing to repair"]
    lines = []
    if result.erased:
        listed = ", ".join(str(p + 1) for p in result.erased)
        lines.append(f"unreadable words: {listed}")
    count = len(result.candidates)
    if count == 1:
        changed = ", ".join(str(p + 1) for p in result.candidates[0].changed)
        lines.append(f"one share fits; changed words: {changed}")
    else:
        lines.append(
            f"{count} different shares fit; at most one is yours: compare each with the paper"
        )
    if any(p < 2 for p in result.erased):
        lines.append("the first two words are the same on every share of the set")
    if result.redundancy_left == 0:
        lines.append(
            "the repair used all three check words: a mistake in another word would not be "
            "noticed, so check every word against the paper"
        )
    return lines


def _read(source: str | None) -> list[int | None]:
    from ceremony.core.words import UnknownWord, parse_words
    from ceremony.errors import BadInput
    from ceremony.ui.console import err

    if source is None and sys.stdin.isatty():
        import getpass

        from ceremony.ui.share_entry import SharePrompt

        console = err()
        console.print(
            "type the share, one or more words per line (hidden); '?' for an unreadable word",
            markup=False,
            highlight=False,
        )
        entry = SharePrompt(
            lambda prompt: getpass.getpass(prompt, stream=sys.stderr),
            console,
            read_answer=lambda prompt: console.input(prompt, markup=False),
        )
        return entry.read_words()

    from ceremony.workflows.inputs import decode_text, read_bounded, share_lines

    text = decode_text(read_bounded(source or "-", "share"), "share")
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
