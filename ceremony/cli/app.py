"""Entry point: the one place that turns project errors into a message, a hint and an exit code."""

from __future__ import annotations

import importlib
import os
import sys

import typer
from typer.core import TyperCommand, TyperGroup

from ceremony.cli.base import app
from ceremony.errors import CeremonyError, ExitCode

# Where each command is defined, in the order `ceremony --help` lists them, with the first sentence
# of its help: all that the listing shows (a sub-application's help is in `cli/base.py`). A command
# imports its module alone, and the bare listing imports none, so that nothing is loaded that the
# command does not use; tests/test_startup_imports.py proves both listings alike.
COMMANDS: dict[str, tuple[str, str]] = {
    "split": (
        "ceremony.cli.split",
        "Make a fresh secret (or read one), split it into SLIP-39 shares, and prove that every "
        "qualifying set of shares rebuilds it.",
    ),
    "combine": (
        "ceremony.cli.combine",
        "Combine shares (one per line) into the secret, after proving that all of them agree.",
    ),
    "verify-shares": (
        "ceremony.cli.verify",
        "Check each share (word list, checksum), that they belong together, which groups are "
        "complete, whether a quorum is present, and prove that all given shares agree.",
    ),
    "repair": (
        "ceremony.cli.repair",
        "Restore up to 3 unreadable words of a SLIP-39 share (type '?' for each), or find and fix "
        "one wrong word, using the share's checksum.",
    ),
    "check-share": (
        "ceremony.cli.check_share",
        "Check one share against the ceremony record, with no other share: its words and "
        "checksum, that it belongs to this ceremony, and that it is exactly the share that was "
        "issued.",
    ),
    "preflight": (
        "ceremony.cli.preflight",
        "Check that this machine is fit for a ceremony: no network interface up, no default "
        "route, no wireless or bluetooth radio, no swap on disk, core dumps off, a real terminal, "
        "the output directory in memory or on removable media, a working random source, and the "
        "installed package versions.",
    ),
    "run": (
        "ceremony.cli.run",
        "Run the guided key ceremony described by a plan, act by act, each step numbered as in "
        "the printed ceremony script: preflight, entropy, generation, split and proof, paper, "
        "re-entry of every share from its printed card, sealing, and the closed transcript.",
    ),
    "demo": (
        "ceremony.cli.demo",
        "Run the whole mission on a built-in plan with a throw-away DEMO secret: the guided "
        "ceremony in scriptable mode (every page marked DEMO), then a recovery session with an "
        "evidenced delay of a few seconds (notice, VDF proof chain with a progress bar, shares "
        "from a quorum) whose result is checked against the recorded fingerprint and commitment.",
    ),
    "audit": (
        "ceremony.cli.audit",
        "Re-check a ceremony kit from public files only, without any secret: the transcript's "
        "hash chain and head, the plan hash and the record against the plan (with --plan), the "
        "record against the transcript and on its own (time-lock bounds recomputed), the SHA-256 "
        "of every holder PDF and of recover.py still in the kit, every recovery session in "
        "KIT/recovery/ (notice hash, each delay proof, total work against T, order of states), "
        "and shares an auditor is shown (--share-file), checked against their commitments "
        "without rebuilding anything.",
    ),
    "attest": (
        "ceremony.cli.attest",
        "Add signatures over the ceremony's closing message to the kit.",
    ),
    "plan": ("ceremony.cli.plan", ""),
    "recover": ("ceremony.cli.recover", ""),
    "runbook": ("ceremony.cli.runbook", ""),
}
LISTING_ONLY: tuple[list[str], ...] = ([], ["-h"], ["--help"], ["--version"])


def _load_commands(names: tuple[str, ...] = tuple(COMMANDS)) -> None:
    for name in names:
        importlib.import_module(COMMANDS[name][0])


def command_for(args: list[str]) -> TyperGroup:
    """The click command tree that `args` needs: one command's module when `args` starts with a
    command, the listing alone for `ceremony` and `ceremony --help`, otherwise everything."""
    if args and args[0] in COMMANDS:
        _load_commands((args[0],))
    elif args not in LISTING_ONLY or "_CEREMONY_COMPLETE" in os.environ:  # completion needs all
        _load_commands()
    group = typer.main.get_command(app)  # with the completion options and shells set up
    assert isinstance(group, TyperGroup)
    listed = {
        name: group.commands.get(name) or TyperCommand(name=name, help=summary)
        for name, (_, summary) in COMMANDS.items()
        if summary or name in group.commands
    }
    group.commands = {**listed, **group.commands}  # in COMMANDS order, whatever was imported first
    return group


def report(message: str, hint: str | None) -> None:
    """Print an error as `error: ...` and `hint: ...` on stderr, without markup interpretation."""
    sys.stderr.write(f"error: {message}\n")
    if hint:
        sys.stderr.write(f"hint: {hint}\n")
    sys.stderr.flush()


def main(argv: list[str] | None = None) -> None:
    command = command_for(sys.argv[1:] if argv is None else list(argv))
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
        show = getattr(exc, "show", None)
        if callable(show):
            show()
        else:
            report(exc.format_message(), None)
        sys.stderr.write("hint: run the command with --help to see its options and examples\n")
        sys.exit(int(ExitCode.USAGE))
    except Exception as exc:
        report(
            f"internal error ({type(exc).__name__})",
            "this is a bug in ceremony; no secret was printed. Please report the command you ran "
            "(without any share or passphrase)",
        )
        sys.exit(int(ExitCode.INTERNAL))
    sys.exit(result if isinstance(result, int) else 0)
