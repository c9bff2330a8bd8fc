"""`ceremony repair`: restore unreadable words of a share, or find and fix one wrong word.

The repaired share is secret, so it goes to stdout only when stdout is a terminal, or with --reveal.
Chatter names positions only.
"""

from typing import Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json, Reveal

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
    from ceremony.ui.console import out, say, stdout_is_terminal
    from ceremony.ui.repair_entry import read_repair_words
    from ceremony.ui.share_reports import repair_report, repair_summary
    from ceremony.workflows.repair_share import repair_words

    if not reveal and not stdout_is_terminal():
        raise Refused(
            "the repaired share would be written to a pipe or file",
            "run it with stdout on a terminal, or add --reveal if the share is meant to go there",
        )
    result = repair_words(read_repair_words(source))
    for line in repair_summary(result):
        say(line)
    report = repair_report(result, as_json=as_json)
    if report is not None:
        out(report)
