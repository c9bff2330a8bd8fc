"""`ceremony extend AMENDMENT` and `ceremony reshare AMENDMENT`: lifecycle ceremonies, guided like
`ceremony run`, each chained to the kit it amends."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app

AMENDMENT_FORMAT = """\b
The amendment (TOML) names the kit it amends by the SHA-256 of its record.json:
  [amendment]
  kind = "extend"            # or "replace" (a lost card), "reshare"
  name = "Family: a fourth holder"
  [predecessor]
  record_sha256 = "..."      # sha256sum kit/record.json
  kit = "kit"                # relative to the amendment
  [group]                    # extend / replace
  name = "family"
  lost = [2]                 # replace: the lost card's member number
  holders = [ { name = "Dora", contact = "dora@example.org" } ]
  [reshare]                  # reshare
  plan = "new-plan.toml"
  [roles]
  administrator = "Ada"
  witnesses = ["Wim"]
  [output]
  directory = "kit-2"
"""

EXTEND_HELP = f"""Issue new shares of one group (extend), or a new card for a lost one (replace),
as a witnessed ceremony chained to the kit it amends. The group's threshold of holders type their
shares; the tool checks them against the record, evaluates the group's polynomial at unused member
numbers, and proves that old and new shares fit together. No other group is needed and issuing
the shares never rebuilds the master secret (the read-back proof after printing rebuilds it once,
in memory, from the printed cards). A card reported lost still works if found.

Then, as at `ceremony run`: new holder kits, the amended record, re-entry, sealing, closing.

{AMENDMENT_FORMAT}
\b
Examples:
  ceremony extend amendment.toml
  ceremony extend amendment.toml --out /media/kit-2 --answers answers.toml
"""

RESHARE_HELP = f"""Move the same wallet to a new scheme (any groups and holders, from a new plan):
a quorum of the old set rebuilds the encrypted secret, which is split again under a new
identifier; the fingerprint stays the same and the master secret is never decrypted. Every old
card is then destroyed in front of the witnesses or recorded as not returned. Needs shares made
with the extendable-backup flag; others are refused, saying what to do instead.

{AMENDMENT_FORMAT}
\b
Examples:
  ceremony reshare reshare.toml
  ceremony reshare reshare.toml --out /media/kit-3 --answers answers.toml
"""

Amendment = Annotated[Path, typer.Argument(help="The plan amendment (TOML).", metavar="AMENDMENT")]
Out = Annotated[
    Path | None,
    typer.Option("--out", help="Kit directory (default: the amendment's output directory)."),
]
Answers = Annotated[
    Path | None,
    typer.Option(
        "--answers",
        help="Take every answer from this TOML file (no terminal); share_file names a file "
        "with the shares brought, one per line.",
    ),
]


@app.command("extend", help=EXTEND_HELP, no_args_is_help=True)
def extend_command(amendment: Amendment, out: Out = None, answers: Answers = None) -> None:
    _run(amendment, out, answers, reshare=False)


@app.command("reshare", help=RESHARE_HELP, no_args_is_help=True)
def reshare_command(amendment: Amendment, out: Out = None, answers: Answers = None) -> None:
    _run(amendment, out, answers, reshare=True)


def _run(path: Path, out: Path | None, answers: Path | None, *, reshare: bool) -> None:
    from ceremony.ui.console import err, say
    from ceremony.workflows.lifecycle import LifecycleOperator, lifecycle_ceremony, load_for

    amendment = load_for(path, reshare=reshare)
    directory = out or (path.parent / amendment.output_directory)
    operator: LifecycleOperator
    if answers is not None:
        from ceremony.ui.lifecycle_operator import ScriptedLifecycleOperator

        operator = ScriptedLifecycleOperator.from_lifecycle_file(answers)
    else:
        import sys

        from ceremony.errors import Refused
        from ceremony.ui.lifecycle_operator import ScreenLifecycleOperator

        if not sys.stdin.isatty():
            raise Refused(
                "the lifecycle ceremony needs a terminal",
                "run it at the ceremony machine's terminal, or give --answers FILE",
            )
        operator = ScreenLifecycleOperator(err())
    outcome = lifecycle_ceremony(amendment, operator, directory).run()
    say(f"{amendment.kind.value} complete: kit in {outcome.directory}")
    say(f"transcript head: {outcome.head}")
    say(f"head words: {outcome.head_words}")


REPRINT_HELP = """Print a fresh card for a worn one, with the same words. The holder types the share
from the worn card at a hidden prompt (a smudged word is found with the checksum and its correction
offered; `?` marks an unreadable word); it is checked against the record word for word before the
new card is written (mode 0600). The reprint is appended to the custody log.

The share stays the same: the worn card still works until it is destroyed (see the media
destruction runbook).

\b
Examples:
  ceremony reprint --record kit --out new-card.pdf
  ceremony reprint --record kit/record.json --out new-card.pdf --log kit/custody.jsonl
"""


RecordPath = Annotated[
    Path,
    typer.Option("--record", help="The record.json, or the kit directory holding it."),
]
CardOut = Annotated[Path, typer.Option("--out", help="Where to write the new card (PDF).")]
CustodyLog = Annotated[
    Path | None,
    typer.Option(
        "--log",
        help="The custody log to append to (default: custody.jsonl beside the record).",
    ),
]
ShareFile = Annotated[
    str | None,
    typer.Argument(
        help="File with the share's words; - for stdin. Without it, a hidden prompt.",
        metavar="FILE",
        show_default=False,
    ),
]
Paper = Annotated[str, typer.Option("--paper", help="a4 or letter.")]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing file.")]


@app.command("reprint", help=REPRINT_HELP, no_args_is_help=True)
def reprint_command(
    record_path: RecordPath,
    out: CardOut,
    log: CustodyLog = None,
    source: ShareFile = None,
    paper: Paper = "a4",
    force: Force = False,
) -> None:
    from ceremony.paper.content import PaperSize
    from ceremony.ui.console import out as print_out
    from ceremony.ui.console import say
    from ceremony.ui.share_source import read_share
    from ceremony.workflows.check_share import load_record
    from ceremony.workflows.lifecycle.reprint import reprint_card

    size = PaperSize.from_text(paper)
    record = load_record(record_path)
    folder = record_path if record_path.is_dir() else record_path.parent
    typed = read_share(source)
    done = reprint_card(
        record, typed.share, out, log or folder / "custody.jsonl", paper=size, overwrite=force
    )
    say(f"new card written to {done.pdf} (SHA-256 {done.pdf_sha256})")
    say(f"recorded in the custody log (entry {done.log_entry})")
    print_out(done.check.summary())
    print_out(f"check code {done.check.check_code}: compare it with the code on the new card")
