"""The one Typer application and its sub-applications; command modules register on these."""

from __future__ import annotations

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
app.add_typer(plan_app, name="plan")
app.add_typer(recover_app, name="recover")
app.add_typer(runbook_app, name="runbook")
