"""Usage errors (unknown option, missing option or argument, bad value, unreadable path) in the
project's format: one `error:` line naming the command, one `hint:` line, exit code 2.

The command-line parser (typer's vendored click) raises them with its own `Usage:`/`Error:` block;
here they are read by what they carry (the command's context and a one-line message), so that the
parser's classes are not imported from a private module.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass

import typer


@dataclass(frozen=True)
class UsageProblem:
    message: str
    hint: str


def describe(exc: typer.TyperException) -> UsageProblem:
    """What went wrong, on one line, and where to look. A command given alone prints its help."""
    ctx = getattr(exc, "ctx", None)
    command = str(getattr(ctx, "command_path", "") or "ceremony")
    hint = f"run `{command} --help` to see its options and examples"
    if type(exc).__name__ == "NoArgsIsHelpError":
        sys.stderr.write(exc.format_message().rstrip("\n") + "\n\n")
        return UsageProblem(f"`{command}` needs a command or arguments (its help is above)", hint)
    text = " ".join(exc.format_message().split())
    text = text[:1].lower() + text[1:] if text[:2] != text[:2].upper() else text
    return UsageProblem(f"{command}: {text.rstrip('.')}", hint)
