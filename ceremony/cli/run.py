"""`ceremony run PLAN`: the guided key ceremony."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app

HELP = """Run the guided key ceremony described by a plan, act by act, each step numbered as in
the printed ceremony script: preflight, entropy, generation, split and proof, paper, re-entry of
every share from its printed card, sealing, and the closed transcript.

Without --answers it runs at the terminal and asks the people in the room. With --answers FILE
every answer comes from a file (for tests and demonstrations; the transcript says so).

\b
Examples:
  ceremony plan new plan.toml && ceremony plan check plan.toml
  ceremony run plan.toml
  ceremony run plan.toml --out /media/kit --answers answers.toml
"""


@app.command("run", help=HELP)
def run_command(
    plan_file: Annotated[Path, typer.Argument(help="The ceremony plan (TOML).")],
    out: Annotated[
        Path | None,
        typer.Option("--out", help="Kit directory (default: the plan's output directory)."),
    ] = None,
    answers: Annotated[
        Path | None,
        typer.Option("--answers", help="Take every answer from this TOML file (no terminal)."),
    ] = None,
) -> None:
    from ceremony.model.plan import load_plan
    from ceremony.ui.console import err, say
    from ceremony.workflows.ceremony import Ceremony, Operator

    plan = load_plan(plan_file)
    directory = out or (plan_file.parent / plan.output_directory)
    operator: Operator
    if answers is not None:
        from ceremony.ui.answers import ScriptedOperator

        operator = ScriptedOperator.from_file(answers)
    else:
        import sys

        from ceremony.errors import Refused
        from ceremony.ui.ceremony_screen import ScreenOperator

        if not sys.stdin.isatty():
            raise Refused(
                "the guided ceremony needs a terminal",
                "run it at the ceremony machine's terminal, or give --answers FILE",
            )
        operator = ScreenOperator(err())
    outcome = Ceremony(plan, operator, directory).run()
    say(f"ceremony complete: kit in {outcome.directory}")
    say(f"transcript head: {outcome.head}")
    say(f"head words: {outcome.head_words}")
