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
    destroy_leftovers: Annotated[
        bool,
        typer.Option(
            "--destroy-leftovers",
            help="Destroy the secret files of an unfinished (killed) run in the kit directory "
            "without asking (at a terminal the ceremony asks first).",
        ),
    ] = False,
) -> None:
    from ceremony.planfile.plan import load_plan
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
    _clear_leftovers(directory, confirmed=destroy_leftovers, terminal=answers is None)
    outcome = Ceremony(plan, operator, directory).run()
    say(f"ceremony complete: kit in {outcome.directory}")
    say(f"transcript head: {outcome.head}")
    say(f"head words: {outcome.head_words}")


def _clear_leftovers(directory: Path, *, confirmed: bool, terminal: bool) -> None:
    """A killed run (SIGKILL, a power cut) can leave share cards on the media: say so, and destroy
    them once the administrator confirms (or --destroy-leftovers said so) before anything else."""
    from ceremony.errors import Refused
    from ceremony.files import is_locked
    from ceremony.ui.console import err, say
    from ceremony.workflows.leftovers import destroy, find_leftovers, with_secrets

    if is_locked(directory):
        raise Refused(
            f"another ceremony is running in {directory}",
            "let it finish or stop it first; one ceremony at a time writes a kit",
        )
    found = find_leftovers(directory)
    secret = with_secrets(found)
    for leftovers in secret:
        say(leftovers.describe())
    if not secret:
        if found:  # only transcripts left open: end them; there is nothing secret to destroy
            destroy(found)
            say("an unfinished run's transcript was ended with an abort entry")
        return
    if not confirmed and terminal:
        answer = err().input(
            "Destroy these secret files now? The transcript keeps the evidence. Type DESTROY: ",
            markup=False,
        )
        confirmed = answer.strip() == "DESTROY"
    if not confirmed:
        raise Refused(
            "an unfinished run's secret files are still on the kit media",
            "destroy them first: run the ceremony again at the terminal and type DESTROY, or add "
            "--destroy-leftovers",
        )
    removed = destroy(found)
    say(f"destroyed {removed} secret file(s) of the unfinished run")
