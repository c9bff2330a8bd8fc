"""The witness types the dice rolls for the guided ceremony, with a live count and health verdicts.

Rules it keeps:
- rolls are typed a line at a time (any number per line) and a line is kept whole or not at all;
  a bad character is named by its column and the line must be typed again;
- feedback shows counts, bits and verdicts, never the rolls: in dice-only mode they are the secret;
- the repetition and proportion tests can only go from pass to fail as rolls are added, so a failure
  stops the entry at once; the chi-square verdict is shown from the minimum on and decided at the end;
- a failed set is discarded and the witness rolls again, up to `attempts` sets.

The I/O is injected (`read_line`, a console), so tests drive it without a terminal.
"""

from __future__ import annotations

from collections.abc import Callable

from rich.console import Console
from rich.text import Text

from ceremony.core.dice import (
    RETRY_HINT,
    SINGLE_DIGIT_MAX_SIDES,
    DiceRolls,
    HealthReport,
    Verdict,
    assess,
    check_sides,
    minimum_rolls,
    parse_rolls,
)
from ceremony.errors import BadInput, Interrupted

ReadLine = Callable[[str], str]
"""Reads one line after showing a prompt, like `input`."""

DONE = frozenset({"", "done"})
UNDO = "undo"
LIVE_TESTS = ("repetition count", "adaptive proportion")
"""Tests whose failure is final as soon as it happens (more rolls cannot undo it)."""
STYLES = {Verdict.PASS: "green", Verdict.FAIL: "bold red", Verdict.SKIPPED: "yellow"}


class DiceEntry:
    """Reads one set of dice rolls that passes the health tests for `strength_bits`."""

    def __init__(
        self,
        read_line: ReadLine,
        console: Console,
        *,
        strength_bits: int,
        sides: int = 6,
        attempts: int = 3,
    ) -> None:
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._read_line = read_line
        self._console = console
        self._strength = strength_bits
        self._sides = check_sides(sides)
        self._needed = minimum_rolls(strength_bits, sides)
        self._attempts = attempts

    def read(self) -> DiceRolls:
        """Rolls that passed every health test, with at least the minimum count.

        Raises BadInput when `attempts` sets in a row failed, and Interrupted if input ends.
        """
        self._introduce()
        failure = ""
        for attempt in range(self._attempts):
            if attempt:
                self._say(f"roll again: set {attempt + 1} of {self._attempts}, from the first roll")
            rolls, report = self._read_set()
            if report.passed:
                self._say(
                    f"dice accepted: {rolls.count} rolls of a d{self._sides}, "
                    f"{rolls.bits:.1f} bits; every health test passed"
                )
                return rolls
            failure = report.failures[0].explanation
            self._say(f"the {rolls.count} rolls were discarded.")
            self._say(f"hint: {RETRY_HINT}")
        raise BadInput(
            f"dice health tests failed {self._attempts} times; last: {failure}",
            "check the dice (a worn or loaded die fails again and again) and start the step "
            "again with other dice",
        )

    # -- one set ------------------------------------------------------------------------

    def _read_set(self) -> tuple[DiceRolls, HealthReport]:
        """Lines until the witness is done with enough rolls, or a health test fails."""
        lines: list[tuple[int, ...]] = []
        while True:
            count = sum(len(line) for line in lines)
            typed = self._line(f"rolls {count} of {self._needed}: ")
            command = typed.strip().lower()
            if command in DONE:
                if count < self._needed:
                    self._say(
                        f"{count} of {self._needed} rolls so far; "
                        f"{self._needed - count} more are needed"
                    )
                    continue
                rolls = self._collect(lines)
                report = assess(rolls, self._strength)
                self._show_verdicts(report)
                return rolls, report
            if command == UNDO:
                if lines:
                    removed = lines.pop()
                    self._say(f"removed the last line ({len(removed)} rolls)")
                    self._status(self._collect(lines))
                else:
                    self._say("nothing to undo")
                continue
            try:
                new = parse_rolls(typed, self._sides)
            except BadInput as exc:
                self._say(f"line not kept: {exc.message}")
                self._say(f"hint: {exc.hint}")
                continue
            if not new:
                continue
            lines.append(new)
            rolls = self._collect(lines)
            report = self._status(rolls)
            if any(v.verdict is Verdict.FAIL and v.test in LIVE_TESTS for v in report.verdicts):
                self._show_verdicts(report)
                return rolls, report

    def _collect(self, lines: list[tuple[int, ...]]) -> DiceRolls:
        return DiceRolls(self._sides, tuple(roll for line in lines for roll in line))

    # -- showing ------------------------------------------------------------------------

    def _introduce(self) -> None:
        if self._sides <= SINGLE_DIGIT_MAX_SIDES:
            form = f"digits 1 to {self._sides}, spaces and several per line are fine"
        else:
            form = f"numbers 1 to {self._sides}, separated by spaces or commas"
        self._say(
            f"Type the rolls of the d{self._sides} ({form}). {self._strength} bits need at "
            f"least {self._needed} rolls."
        )
        self._say("Type 'undo' to remove the last line, and an empty line or 'done' to finish.")

    def _status(self, rolls: DiceRolls) -> HealthReport:
        """One line: counts, bits, and the verdicts that mean something at this count."""
        report = assess(rolls, self._strength)
        line = Text(
            f"{rolls.count} of {self._needed} rolls, {rolls.bits:.1f} of {self._strength} bits"
        )
        for verdict in report.verdicts:
            line.append(" · ")
            if verdict.test in LIVE_TESTS or rolls.count >= self._needed:
                line.append(f"{verdict.test} ")
                line.append(verdict.verdict.value, style=STYLES[verdict.verdict])
            else:
                line.append(f"{verdict.test} after {self._needed} rolls")
        self._console.print(line, highlight=False)
        return report

    def _show_verdicts(self, report: HealthReport) -> None:
        for verdict in report.verdicts:
            line = Text(f"{verdict.test}: ")
            line.append(verdict.verdict.value, style=STYLES[verdict.verdict])
            line.append(f": {verdict.explanation}")
            self._console.print(line, highlight=False)

    def _line(self, prompt: str) -> str:
        try:
            return self._read_line(prompt)
        except EOFError:
            raise Interrupted(
                "input ended before the dice rolls were accepted",
                "nothing was kept; start the step again and type all the rolls",
            ) from None

    def _say(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False)


def enter_dice(
    read_line: ReadLine,
    console: Console,
    *,
    strength_bits: int,
    sides: int = 6,
    attempts: int = 3,
) -> DiceRolls:
    """Read one healthy set of rolls at the terminal (see `DiceEntry`)."""
    entry = DiceEntry(
        read_line, console, strength_bits=strength_bits, sides=sides, attempts=attempts
    )
    return entry.read()
