"""The consoles: chatter and progress go to stderr, data to stdout. NO_COLOR is respected by rich.

Names from plans and records are untrusted text: print them with markup off (`plain`).
Never use `Console(record=True)`: a recorded console keeps whatever it showed, shares included.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # rich is imported on first use: `out` alone (e.g. `--json`) does not need it
    from rich.console import Console


@cache
def err() -> Console:
    from rich.console import Console

    return Console(stderr=True, highlight=False, soft_wrap=True)


_RICH_STRIPS = dict.fromkeys((7, 8, 11, 12, 13))  # the control codes rich drops from text


def say(text: str) -> None:
    """A line of chatter on stderr, printed literally (no markup). Through rich at a terminal;
    to a file or pipe as plain text (what rich would write there), without loading rich."""
    if sys.stderr.isatty():
        err().print(text, markup=False, highlight=False, emoji=False)
        return
    sys.stderr.write(text.translate(_RICH_STRIPS) + "\n")
    sys.stderr.flush()


def out(text: str) -> None:
    """A line of data on stdout, printed literally."""
    sys.stdout.write(text + "\n")
    sys.stdout.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
