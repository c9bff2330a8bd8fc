"""Warnings that a person confirms before a command goes on (the wording is in templates/).

At a terminal the person answers; off a terminal (a script) the option that asked for the risky
mode is the confirmation, and the warning is still printed on stderr.
"""

from __future__ import annotations

import sys

from ceremony.errors import Interrupted
from ceremony.model.steps import warning
from ceremony.ui.console import err, say


def confirm_dice_only() -> None:
    """`--dice-only`: the rolls are the secret. Raises Interrupted unless the person says yes."""
    say(f"warning: {warning('dice-only')}")
    if not (sys.stdin.isatty() and sys.stderr.isatty()):
        say("--dice-only was given, which confirms this (at a terminal you would be asked)")
        return
    try:
        answer = err().input("Go on with the dice alone? [y/N] ", markup=False)
    except EOFError:
        answer = ""
    if answer.strip().lower() not in ("y", "yes"):
        raise Interrupted(
            "stopped before the dice-only secret was made",
            "leave out --dice-only to mix the dice with this computer's random generator",
        )
