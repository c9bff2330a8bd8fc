"""The one Typer application and its sub-applications; command modules register on these."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

CONTEXT = {"help_option_names": ["-h", "--help"]}

app = typer.Typer(
    name="ceremony",
    help=(
        "Offline key ceremonies and SLIP-39 Shamir backups: generate a secret, split it into "
        "shares, print paper kits, recover under a time lock, and audit from public artefacts."
    ),
    context_settings=CONTEXT,
    no_args_is_help=True,
    add_completion=True,
    pretty_exceptions_enable=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode=None,
)

plan_app = typer.Typer(
    help="Write, check and print the ceremony plan.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
recover_app = typer.Typer(
    help="Time-locked recovery sessions: start, status, wait, unlock, cancel.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)
runbook_app = typer.Typer(
    help="Printed runbooks for a ceremony.",
    context_settings=CONTEXT,
    no_args_is_help=True,
    pretty_exceptions_show_locals=False,
)


def _show_version(value: bool) -> None:
    if value:
        from ceremony.build_info import version_line

        sys.stdout.write(version_line() + "\n")
        raise typer.Exit(0)


@app.callback()
def root(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Show the version, the SHA-256 of the dependency lock, and Python; then exit.",
            is_eager=True,
            callback=_show_version,
        ),
    ] = False,
) -> None:
    pass


app.add_typer(plan_app, name="plan")
app.add_typer(recover_app, name="recover")
app.add_typer(runbook_app, name="runbook")
