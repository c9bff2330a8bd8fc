"""Entry point: the one place that turns project errors into a message, a hint and an exit code."""

from __future__ import annotations

import importlib
import sys

import typer

from ceremony.cli.base import app
from ceremony.errors import CeremonyError, ExitCode
from ceremony.process import harden, quiet_streams

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
    "ceremony.cli.attest",
)


def _load_commands() -> None:
    for name in COMMAND_MODULES:
        importlib.import_module(name)


def report(message: str, hint: str | None) -> None:
    """Print an error as `error: ...` and `hint: ...` on stderr, without markup interpretation.

    When the terminal has gone (SIGHUP) the message cannot be shown: the streams are pointed at
    /dev/null so that the exit status, not a failed write, is what the process leaves."""
    try:
        sys.stderr.write(f"error: {message}\n")
        if hint:
            sys.stderr.write(f"hint: {hint}\n")
        sys.stderr.flush()
    except (OSError, ValueError):
        quiet_streams()


INTERRUPTED_HINT = "nothing was kept from the interrupted step; run the command again"


def main(argv: list[str] | None = None) -> None:
    harden()  # no core dumps; SIGTERM and SIGHUP take the Ctrl-C path (ceremony.process)
    _load_commands()
    command = typer.main.get_command(app)
    try:
        result = command.main(args=argv, prog_name="ceremony", standalone_mode=False)
    except CeremonyError as exc:
        report(exc.message, exc.hint)
        sys.exit(int(exc.exit_code))
    except typer.Exit as exc:
        sys.exit(exc.exit_code)
    except (typer.Abort, KeyboardInterrupt):
        report("interrupted", INTERRUPTED_HINT)
        sys.exit(int(ExitCode.INTERRUPTED))
    except typer.TyperException as exc:
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            report(exc.format_message(), None)
        sys.stderr.write("hint: run the command with --help to see its options and examples\n")
        sys.exit(int(ExitCode.USAGE))
    except Exception as exc:
        if isinstance(exc, OSError) and isinstance(exc.__context__, KeyboardInterrupt):
            report("interrupted", INTERRUPTED_HINT)  # the terminal went away while stopping
            sys.exit(int(ExitCode.INTERRUPTED))
        report(
            f"internal error ({type(exc).__name__})",
            "this is a bug in ceremony; no secret was printed. Please report the command you ran "
            "(without any share or passphrase)",
        )
        sys.exit(int(ExitCode.INTERNAL))
    if result == int(ExitCode.INTERRUPTED):  # typer turns an uncaught Ctrl-C into Exit(130)
        report("interrupted", INTERRUPTED_HINT)
    sys.exit(result if isinstance(result, int) else 0)
