"""A person at a terminal, scripted: answers each prompt of a command from what is on the screen.

The same `Person` answers a command run in-process at a pretended terminal (`at_terminal`: stdin,
stdout and stderr claim to be a terminal, `getpass` and rich's `Console.input` ask the person) and
a real child process in a pseudo-terminal (`in_pty`, with pexpect). In-process is fast (no start-up,
no imports) and takes the same path through the program as a terminal does, except for the
operating system's echo control; the pseudo-terminal runs the real thing.
"""

from __future__ import annotations

import builtins
import contextlib
import getpass
import io
import os
import re
import sys
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pexpect

Answer = Callable[["Person", "re.Match[str]"], str]


def _next_share(person: Person, _: re.Match[str]) -> str:
    return person.next_share()


def _again(person: Person, match: re.Match[str]) -> str:
    return person.current[int(match.group(1)) - 1]


PROMPTS: tuple[tuple[str, Answer], ...] = (
    (r"share \d+, word 1 \(or Enter when all shares are in\): ", _next_share),
    (r"share \d+ \(hidden\): ", _next_share),  # recover.py
    (
        r"(?<!share \d, )word 1(?: of \d+)?(?: \(or Enter if the share has \d+ words\))?: ",
        _next_share,
    ),
    (r"word (\d+) again: ", _again),
    (r"word \d+(?: of \d+)?(?: \(or Enter if the share has \d+ words\))?: ", lambda p, m: ""),
    (r"[Pp]assphrase[^\n:]*: ", lambda p, m: p.passphrase),
    (r"head words \(Enter to go without\): ", lambda p, m: p.head_words),
    (r"\[y/N\] ?|\[y/n\] ?|\[y = [^\]]*\] ?", lambda p, m: "y"),
    (r"Type ACCEPT[^\n]*", lambda p, m: "ACCEPT"),
    (r"[Bb]ag serial for [^:\n]+: ?", lambda p, m: p.next_serial()),
    (r"d = destroyed in front of the witnesses, r = not returned[^\n]*", lambda p, m: "d"),
)
"""Each prompt a printed command may show, and what the person types. A share is typed whole at
its first word prompt (the prompt takes several words a line)."""

ANY_PROMPT = re.compile("(?:" + "|".join(f"(?:{pattern})" for pattern, _ in PROMPTS) + r")\Z")
"""A prompt as the last thing on the screen so far (not "word 1: " inside "word 1: ok")."""


@dataclass
class Person:
    """What the person has at hand: shares read from their cards, a passphrase, the head words
    written down at closing; `cards` gives, once those shares are typed, the cards of the kit being
    made (re-entry)."""

    shares: Sequence[str] = ()
    passphrase: str = ""
    head_words: str = ""
    cards: Callable[[], Sequence[str]] | None = None
    current: list[str] = field(default_factory=list)
    typed: int = 0
    serials: int = 0
    asked: list[str] = field(default_factory=list)

    def next_share(self) -> str:
        if self.cards is not None and self.typed == len(self.shares):
            self.shares = [*self.shares, *self.cards()]  # re-entry: the cards just printed
            self.cards = None
        if self.typed >= len(self.shares):
            self.current = []
            return ""
        self.current = self.shares[self.typed].split()
        self.typed += 1
        return " ".join(self.current)

    def next_serial(self) -> str:
        self.serials += 1
        return f"SEAL-{self.serials}"

    def answer(self, screen: str) -> str:
        """The answer to the last prompt on `screen`."""
        self.asked.append(screen[-200:])
        if len(self.asked) > 400:
            raise AssertionError("the command keeps asking:\n" + "\n".join(self.asked[-5:]))
        for pattern, reply in PROMPTS:
            found = None
            for found in re.finditer(pattern, screen):
                pass
            if found is not None and screen.rstrip(" ").endswith(found.group(0).rstrip(" ")):
                return reply(self, found)
        raise AssertionError(f"no known prompt at the end of the screen:\n{screen[-600:]}")


@dataclass(frozen=True)
class Ran:
    code: int
    out: str
    err: str

    @property
    def screen(self) -> str:
        return self.out + self.err


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class _Pipe(io.StringIO):
    def isatty(self) -> bool:
        return False


@contextlib.contextmanager
def _pretend(person: Person, stdout_is_terminal: bool) -> Iterator[tuple[io.StringIO, io.StringIO]]:
    from rich.console import Console

    import ceremony.cli.app as entry

    out: io.StringIO = _Terminal() if stdout_is_terminal else _Pipe()
    err = _Terminal()

    def ask(prompt: str) -> str:
        err.write(prompt)
        reply = person.answer(out.getvalue() + err.getvalue())
        err.write("\n")
        return reply

    def hidden(prompt: str = "Password: ", stream: Any = None) -> str:
        return ask(prompt)

    def console_input(self: Console, prompt: Any = "", **_: Any) -> str:
        return ask(str(prompt))

    saved = (sys.stdin, sys.stdout, sys.stderr, getpass.getpass, Console.input, builtins.input)
    saved_harden = entry.harden
    sys.stdin, sys.stdout, sys.stderr = _Terminal(), out, err
    getpass.getpass = hidden
    Console.input = console_input  # type: ignore[method-assign]
    builtins.input = ask
    entry.harden = lambda: None
    try:
        yield out, err
    finally:
        sys.stdin, sys.stdout, sys.stderr, getpass.getpass, Console.input, builtins.input = saved
        entry.harden = saved_harden


def at_terminal(
    args: Sequence[str], person: Person, cwd: Path, *, stdout_is_terminal: bool = True
) -> Ran:
    """`ceremony ARGS` in-process, in `cwd`, as typed at a terminal (stdout a pipe when the
    command line redirects it)."""
    import ceremony.cli.app as entry

    before = Path.cwd()
    os.chdir(cwd)
    try:
        with _pretend(person, stdout_is_terminal) as (out, err):
            try:
                entry.main(list(args))
                code = 0
            except SystemExit as exc:
                code = int(exc.code or 0)
    finally:
        os.chdir(before)
    return Ran(code, out.getvalue(), err.getvalue())


def in_pty(command: str, person: Person, cwd: Path, env: dict[str, str], timeout: float) -> Ran:
    """`bash -c COMMAND` in a pseudo-terminal, the person answering every prompt."""
    child = pexpect.spawn(
        "/bin/bash",
        ["-c", command],
        cwd=str(cwd),
        env=env,
        encoding="utf-8",
        timeout=timeout,
        dimensions=(50, 160),
    )
    screen = ""
    try:
        while True:
            index = child.expect([ANY_PROMPT, pexpect.EOF, pexpect.TIMEOUT])
            screen += child.before + (child.after if isinstance(child.after, str) else "")
            if index == 1:
                break
            if index == 2:
                raise AssertionError(f"no known prompt and no end in {timeout} s:\n{screen[-600:]}")
            child.sendline(person.answer(screen))
        child.close()
    finally:
        child.close(force=True)
    code = child.exitstatus if child.exitstatus is not None else 128 + (child.signalstatus or 0)
    return Ran(code, screen.replace("\r\n", "\n"), "")
