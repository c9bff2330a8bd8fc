"""The consoles: chatter and progress go to stderr, data to stdout. NO_COLOR is respected by rich.

Names from plans and records are untrusted text: print them with markup off (`plain`). Every
console here, and `say` and `out`, pass what they show through `ceremony.terminal_text.safe`, so an
escape sequence, a bidi override or a zero-width character in a file is shown as `<U+XXXX>` instead
of reaching the terminal. Make consoles with `console()`, never with `rich.console.Console` directly.
Never use `Console(record=True)`: a recorded console keeps whatever it showed, shares included.
"""

from __future__ import annotations

import sys
from functools import cache
from typing import TYPE_CHECKING, Any

from ceremony.terminal_text import safe

if TYPE_CHECKING:  # rich is imported on first use: `out` alone (e.g. `--json`) does not need it
    from rich.console import Console, RenderHook


def console(**options: Any) -> Console:
    """A rich console that never lets untrusted text act on the terminal."""
    from rich.console import Console

    made = Console(**options)
    made.push_render_hook(_sanitiser())
    return made


@cache
def _sanitiser() -> RenderHook:
    """A render hook that sanitises every text segment; rich's own control segments pass."""
    from collections.abc import Iterator

    from rich.console import ConsoleOptions, ConsoleRenderable, RenderHook
    from rich.segment import Segment

    class Shown:
        def __init__(self, inner: ConsoleRenderable) -> None:
            self.inner = inner

        def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
            for segment in console.render(self.inner, options):
                if segment.control:
                    yield segment
                else:
                    yield Segment(safe(segment.text, keep_lines=True), segment.style)

    class Sanitiser(RenderHook):
        def process_renderables(
            self, renderables: list[ConsoleRenderable]
        ) -> list[ConsoleRenderable]:
            return [Shown(renderable) for renderable in renderables]

    return Sanitiser()


@cache
def err() -> Console:
    return console(stderr=True, highlight=False, soft_wrap=True)


_RICH_STRIPS = dict.fromkeys((7, 8, 11, 12, 13))  # the control codes rich drops from text


def say(text: str) -> None:
    """A line of chatter on stderr, printed literally (no markup). Through rich at a terminal;
    to a file or pipe as plain text (what rich would write there), without loading rich."""
    if sys.stderr.isatty():
        err().print(text, markup=False, highlight=False, emoji=False)
        return
    sys.stderr.write(safe(text.translate(_RICH_STRIPS), keep_lines=True) + "\n")
    sys.stderr.flush()


def out(text: str) -> None:
    """A line of data on stdout, printed literally (hidden characters made visible)."""
    sys.stdout.write(safe(text, keep_lines=True) + "\n")
    sys.stdout.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
