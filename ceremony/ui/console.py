"""The consoles: chatter and progress go to stderr, data to stdout. NO_COLOR is respected by rich.

Names from plans and records are untrusted text: print them with markup off (`plain`). Every
console here, and `say` and `out`, pass what they show through `ceremony.terminal_text.safe`, so an
escape sequence, a bidi override or a zero-width character in a file is shown as `<U+XXXX>` instead
of reaching the terminal. Make consoles with `console()`, never with `rich.console.Console` directly.
Never use `Console(record=True)`: a recorded console keeps whatever it showed, shares included.
"""

from __future__ import annotations

import sys
from collections.abc import Iterator
from functools import cache
from typing import Any

from rich.console import Console, ConsoleOptions, ConsoleRenderable, RenderableType, RenderHook
from rich.segment import Segment

from ceremony.terminal_text import safe


class _Shown:
    """A renderable whose text segments are sanitised; rich's own control segments pass."""

    def __init__(self, inner: ConsoleRenderable | RenderableType) -> None:
        self.inner = inner

    def __rich_console__(self, console: Console, options: ConsoleOptions) -> Iterator[Segment]:
        for segment in console.render(self.inner, options):
            if segment.control:
                yield segment
            else:
                yield Segment(safe(segment.text, keep_lines=True), segment.style)


class _Sanitiser(RenderHook):
    def process_renderables(self, renderables: list[ConsoleRenderable]) -> list[ConsoleRenderable]:
        return [_Shown(renderable) for renderable in renderables]


def console(**options: Any) -> Console:
    """A rich console that never lets untrusted text act on the terminal."""
    made = Console(**options)
    made.push_render_hook(_Sanitiser())
    return made


@cache
def err() -> Console:
    return console(stderr=True, highlight=False, soft_wrap=True)


def say(text: str) -> None:
    """A line of chatter on stderr, printed literally (no markup)."""
    err().print(text, markup=False, highlight=False)


def out(text: str) -> None:
    """A line of data on stdout, printed literally (hidden characters made visible)."""
    sys.stdout.write(safe(text, keep_lines=True) + "\n")
    sys.stdout.flush()


def stdout_is_terminal() -> bool:
    return sys.stdout.isatty()
