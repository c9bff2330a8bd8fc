"""`ceremony preflight`: the air-gap and environment checks, as a table or as JSON on stdout."""

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json

if TYPE_CHECKING:
    from rich.table import Table

    from ceremony.workflows.preflight import Check

HELP = """Check that this machine is fit for a ceremony: no network interface up, no default
route, no wireless or bluetooth radio, no swap on disk, core dumps off, a real terminal, the
output directory in memory or on removable media, a working random source, and the installed
package versions. Each line says pass, warn or fail, with a hint.

Exit status 0 when nothing fails (with --strict: nothing warns either), 4 otherwise.

\b
Examples:
  ceremony preflight
  ceremony preflight --output-dir /media/usb/kit --strict
  ceremony preflight --json
"""

STYLES = {"pass": "green", "warn": "yellow", "fail": "bold red"}


@app.command("preflight", help=HELP)
def preflight_command(
    as_json: Json = False,
    strict: Annotated[
        bool, typer.Option("--strict", help="Treat warnings as failures (exit 4 on any warning).")
    ] = False,
    output_dir: Annotated[
        Path,
        typer.Option(
            "--output-dir",
            help="Where the kit will be written: the check looks at the disk that holds it.",
            show_default="the current directory",
        ),
    ] = Path(),
) -> None:
    from ceremony.errors import NotVerified
    from ceremony.ui.console import out
    from ceremony.workflows.preflight import Status, count, passed, run_preflight, to_dict

    checks = run_preflight(output_dir)
    if as_json:
        out(json.dumps(to_dict(checks, strict=strict), indent=2))
    else:
        from rich.console import Console

        Console(highlight=False).print(checks_table(checks))
    if passed(checks, strict=strict):
        return
    failures, warnings = count(checks, Status.FAIL), count(checks, Status.WARN)
    found = [f"{failures} failed"] if failures else []
    if warnings and strict:
        found.append(f"{warnings} warned (--strict)")
    raise NotVerified(
        "preflight: " + ", ".join(found),
        "do what each hint says, then run `ceremony preflight` again"
        + ("" if failures else "; or leave out --strict to accept the warnings"),
    )


def checks_table(checks: "Sequence[Check]") -> "Table":
    """The checks as a table; every cell is literal text (interface names and paths are untrusted)."""
    from rich.table import Table
    from rich.text import Text

    table = Table(title="preflight", title_justify="left", show_lines=False)
    table.add_column("check", no_wrap=True)
    table.add_column("result", no_wrap=True)
    table.add_column("detail, and what to do")
    for check in checks:
        detail = Text(check.detail)
        if check.hint:
            detail.append("\nhint: " + check.hint, style="dim")
        table.add_row(
            Text(check.name),
            Text(check.status.value.upper(), style=STYLES[check.status.value]),
            detail,
        )
    return table
