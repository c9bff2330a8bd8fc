"""Entry point: the one place that turns project errors into a message, a hint and an exit code."""

from __future__ import annotations

import importlib
import sys

import typer

from ceremony.cli.base import app
from ceremony.cli.usage import describe
from ceremony.errors import CeremonyError, ExitCode
from ceremony.terminal_text import safe

# Each module registers its commands on `app` (or a sub-application) when imported.
COMMAND_MODULES = (
    "ceremony.cli.split",
    "ceremony.cli.combine",
    "ceremony.cli.verify",
    "ceremony.cli.repair",
    "ceremony.cli.check_share",
    "ceremony.cli.plan",
    "ceremony.cli.preflight",
    "ceremony.cli.run",
    "ceremony.cli.runbook",
    "ceremony.cli.demo",
    "ceremony.cli.recover",
    "ceremony.cli.audit",
)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def report(message: str, hint: str | None) -> None:
    """Print an error as one `error: ...` line and a `hint: ...` line on stderr, literally.

    Both may quote file names or fields of a file: `safe` makes any character a terminal would act
    on visible, and a line break in them cannot start a line of its own."""
    sys.stderr.write(f"error: {safe(message)}\n")
    if hint:
        sys.stderr.write(f"hint: {safe(hint)}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    _load_commands()
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="ceremony", standalone_mode=False)
    except CeremonyError as exc:
        report(exc.message, exc.hint)
        sys.exit(int(exc.exit_code))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except typer.Abort:
        report("interrupted", "nothing was kept from the interrupted step; run the command again")
        sys.exit(int(ExitCode.INTERRUPTED))
    except KeyboardInterrupt:
        report("interrupted", "nothing was kept from the interrupted step; run the command again")
        sys.exit(int(ExitCode.INTERRUPTED))
    except typer.TyperException as exc:
        problem = describe(exc)
        report(problem.message, problem.hint)
        sys.exit(int(ExitCode.USAGE))
    except Exception as exc:
        report(
            f"internal error ({type(exc).__name__})",
            "this is a bug in ceremony; no secret was printed. Please report the command you ran "
            "(without any share or passphrase)",
        )
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(result if isinstance(result, int) else 0)
