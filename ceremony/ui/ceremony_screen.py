"""The guided ceremony on a terminal: act and step banners numbered as in the printed script,
confirmations, hidden entry of dice rolls, passphrases and shares, and tables of facts to read
aloud.

Names from the plan are untrusted text and are printed with markup off.
"""

from __future__ import annotations

import getpass
import sys
from collections.abc import Sequence

from rich.console import Console
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from ceremony.core.dice import DiceRolls
from ceremony.errors import BadInput, Interrupted, NotVerified, Refused
from ceremony.model.passphrase import check_passphrase
from ceremony.model.share import Share
from ceremony.model.steps import Act, Step
from ceremony.ui.dice_entry import enter_dice
from ceremony.ui.share_entry import SharePrompt
from ceremony.workflows.passphrase_advice import Judge, PassphraseVerdict
from ceremony.workflows.preflight import Check

STATUS_STYLE = {"pass": "green", "warn": "yellow", "fail": "bold red"}


def _hidden(prompt: str) -> str:
    try:
        return getpass.getpass(prompt)
    except EOFError:
        raise Interrupted("input ended", "run the ceremony again at a terminal") from None


def _hidden_line(prompt: str) -> str:
    """A line typed without echo; EOFError passes through for the caller to explain."""
    return getpass.getpass(prompt)


class ScreenOperator:
    """The people in the room, at the ceremony machine's terminal."""

    def __init__(self, console: Console) -> None:
        self.console = console

    def _ask(self, prompt: str) -> str:
        try:
            return self.console.input(Text(prompt))
        except EOFError:
            raise Interrupted("input ended", "run the ceremony again at a terminal") from None

    def begin_act(self, act: Act) -> None:
        self.console.rule(Text(f"Act {act.number}: {act.title}", style="bold"))

    def begin_step(self, step: Step) -> None:
        self.console.print(
            Text(f"Step {step.id}", style="bold cyan"), Text(f"({step.who}) {step.action}")
        )
        self.console.print(Text(f"  witness checks: {step.check}", style="dim"))

    def confirm(self, step: Step, question: str) -> None:
        while True:
            answer = self._ask(f"{question} [y = yes, n = stop the ceremony] ").strip().lower()
            if answer in ("y", "yes"):
                return
            if answer in ("n", "no"):
                raise Interrupted(
                    f"the ceremony was stopped at step {step.id}",
                    "record the reason on an exception sheet; run the ceremony again to start afresh",
                )
            self.console.print("please answer y or n")

    def show_facts(self, title: str, facts: Sequence[tuple[str, str]]) -> None:
        table = Table(title=title, show_header=False, title_justify="left")
        table.add_column(style="bold")
        table.add_column()
        for name, value in facts:
            table.add_row(Text(name), Text(value))
        self.console.print(table)

    def show_checks(self, checks: Sequence[Check]) -> None:
        table = Table(title="Preflight", title_justify="left")
        for column in ("check", "result", "detail"):
            table.add_column(column)
        for check in checks:
            status = check.status.value
            table.add_row(
                Text(check.name), Text(status, style=STATUS_STYLE[status]), Text(check.detail)
            )
        self.console.print(table)

    def accept_failures(self, checks: Sequence[Check]) -> bool:
        for check in checks:
            self.console.print(Text(f"FAILED: {check.name}: {check.hint}", style="bold red"))
        answer = self._ask(
            "Type ACCEPT to go on and record these as exceptions, or press Enter to stop: "
        )
        return answer.strip() == "ACCEPT"

    def warn(self, text: str) -> None:
        # soft_wrap off: the stderr console soft-wraps, which would crop a panel to one line
        self.console.print(Panel(Text(text), title="Warning", style="bold yellow"), soft_wrap=False)

    def read_dice(self, sides: int, strength_bits: int) -> DiceRolls:
        """Rolls typed a line at a time at a hidden prompt: in dice-only mode they are the secret."""
        self.console.print(Text("The rolls are hidden as they are typed.", style="bold"))
        return enter_dice(_hidden_line, self.console, strength_bits=strength_bits, sides=sides)

    def read_passphrase(self, judge: Judge) -> bytes:
        while True:
            first = _hidden("Passphrase (hidden): ")
            second = _hidden("Passphrase again (hidden): ")
            if first != second:
                self.console.print("the two entries differ; type the passphrase again")
                continue
            try:
                raw = check_passphrase(first.encode("utf-8"))
            except BadInput as exc:
                self.console.print(Text(f"{exc.message}\nhint: {exc.hint}"))
                continue
            if self._keep_passphrase(judge(raw)):
                return raw

    def _keep_passphrase(self, verdict: PassphraseVerdict) -> bool:
        if not verdict.weak:
            self.console.print(Text(f"passphrase: {verdict.text}"))
            return True
        self.warn(verdict.text)
        while True:
            answer = self._ask("Keep this weak passphrase? [y = keep it, n = type another] ")
            if answer.strip().lower() in ("y", "yes", "n", "no"):
                return answer.strip().lower() in ("y", "yes")
            self.console.print("please answer y or n")

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        from ceremony.core.words import word_index

        issued = [word_index(w) for w in expected.words]
        while True:
            self.console.print(
                Text(
                    f"{holder} ({group}, share {expected.member_number}): type your share from the "
                    "printed card. Nothing you type is shown. The first four letters of a word are "
                    "enough.",
                    style="bold",
                )
            )
            entry = SharePrompt(_hidden, self.console, read_answer=self._ask, expected=issued)
            try:
                entry.read()
            except (BadInput, NotVerified) as exc:
                self.console.print(Text(f"{exc.message}"))
                again = self._ask("Try again? [y = type it again, n = stop the ceremony] ")
                if again.strip().lower() in ("n", "no"):
                    raise Interrupted(
                        f"{holder}'s card could not be confirmed",
                        "the card may be misprinted: record an exception, then start afresh",
                    ) from None
                continue
            self.console.print(Text(f"{holder}: card confirmed", style="green"))
            return "typed"

    def read_bag_serial(self, holder: str) -> str:
        what = holder if holder == "the consent card" else f"{holder}'s card"
        return self._ask(f"Bag serial for {what}: ").strip()

    def confirm_bag_serial(self, holder: str, serial: str) -> bool:
        spelled = " ".join(serial)
        self.console.print(Text(f"  typed: {serial}   (one by one: {spelled})", style="bold"))
        while True:
            answer = self._ask(
                "Is this exactly the serial on the bag? [y = record it, n = type it again] "
            )
            if answer.strip().lower() in ("y", "yes"):
                return True
            if answer.strip().lower() in ("n", "no"):
                return False
            self.console.print("please answer y or n")

    def refuse_bag_serial(self, holder: str, problem: str) -> None:
        self.console.print(Text(f"{problem}; type the serial printed on the bag", style="bold red"))


def terminal_operator() -> ScreenOperator:
    """The guided ceremony at this terminal: refused when stdin is not one (scripts give
    --answers FILE)."""
    from ceremony.ui.console import err

    if not sys.stdin.isatty():
        raise Refused(
            "the guided ceremony needs a terminal",
            "run it at the ceremony machine's terminal, or give --answers FILE",
        )
    return ScreenOperator(err())
