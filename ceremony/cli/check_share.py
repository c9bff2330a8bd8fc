"""`ceremony check-share --record R`: a holder checks one share against the ceremony record.

Read-only and secret-free on output: the share is typed at a hidden prompt (or read from a file)
and never echoed; the result names the holder, the group and the check code printed on the card.
"""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json

HELP = """Check one share against the ceremony record, with no other share: its words and
checksum, that it belongs to this ceremony, and that it is exactly the share that was issued.
Says whose share it is and shows its check code, to compare with the card.

At a terminal the share is typed at a hidden prompt (the first four letters of each word are
enough); a mistyped word is found with the checksum and its correction is offered, never applied
without asking. Nothing is written and the share is never shown.

\b
Examples:
  ceremony check-share
  ceremony check-share --record kit/record.json
  ceremony check-share --record kit share.txt
  ceremony check-share --record record.json --json - < share.txt
  ceremony check-share --record kit --log kit/custody.jsonl
"""

RecordPath = Annotated[
    Path | None,
    typer.Option(
        "--record",
        help="The ceremony's record.json (public), or the kit directory that holds it. Without "
        "it: record.json in the current directory, or in the one kit directory below it.",
        show_default=False,
    ),
]
ShareFile = Annotated[
    str | None,
    typer.Argument(
        help="File with the share's words; - for stdin. Without it, the share is typed at a "
        "hidden prompt.",
        metavar="FILE",
        show_default=False,
    ),
]


CustodyLog = Annotated[
    Path | None,
    typer.Option(
        "--log",
        metavar="FILE",
        help="Append this check (holder, check code, time; never a word) to a custody log, "
        "such as the kit's custody.jsonl; the audit shows when each share was last seen.",
        show_default=False,
    ),
]


@app.command("check-share", help=HELP)
def check_share_command(
    record_path: RecordPath = None,
    source: ShareFile = None,
    as_json: Json = False,
    log: CustodyLog = None,
) -> None:
    from ceremony.ui.console import out, say
    from ceremony.ui.share_reports import check_share_report, corrected_note
    from ceremony.ui.share_source import read_share
    from ceremony.workflows.check_share import check_and_log, load_record

    record = load_record(record_path)
    typed = read_share(source)
    result = check_and_log(record, typed.share, log, say)
    if typed.corrected:
        say(corrected_note(typed.corrected))
    out(check_share_report(result, as_json=as_json))
