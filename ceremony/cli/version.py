"""`ceremony --version`: the tool's version, the hash of its dependency lock, and Python."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from ceremony.build_info import version_line
from ceremony.cli.base import app


def _show_version(value: bool) -> None:
    if value:
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
