"""`ceremony extend AMENDMENT` and `ceremony reshare AMENDMENT`: lifecycle ceremonies, guided like
`ceremony run`, each chained to the kit it amends."""

from __future__ import annotations

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
numbers, and proves that old and new shares fit together. No other group is needed and the master
secret is never rebuilt. A card reported lost still works if found.

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
