"""Scripted answers for `ceremony run --answers FILE` and `ceremony demo`: no terminal needed.

The answers file is TOML:

    confirm = true                 # answer yes to every confirmation
    accept_preflight_failures = false
    dice = "3615..."               # the rolls, when the plan asks for dice
    passphrase = ""                # when the plan's passphrase policy is "prompt"
    reentry = "issued"             # re-enter each share from the issued share (recorded as scripted)
    bag_serials = ["DEMO-001", ...] # or bag_serial_prefix = "DEMO-"

Re-entry from a file cannot show that a person read the card: the transcript records it as
"scripted", so an auditor can tell a demonstration from a witnessed ceremony.
"""

from __future__ import annotations

import tomllib
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ceremony.core.dice import DiceRolls, check_health
from ceremony.errors import BadInput, Interrupted
from ceremony.model.passphrase import check_passphrase
from ceremony.model.share import Share
from ceremony.model.steps import Act, Step
from ceremony.ui.console import say
from ceremony.workflows.preflight import Check

KNOWN = {
    "confirm",
    "accept_preflight_failures",
    "dice",
    "passphrase",
    "reentry",
    "bag_serials",
    "bag_serial_prefix",
}


@dataclass
class ScriptedOperator:
    confirm_all: bool = True
    accept_preflight_failures: bool = False
    dice: str = ""
    passphrase: str = field(default="", repr=False)
    bag_serials: list[str] = field(default_factory=list)
    bag_serial_prefix: str = "BAG-"
    quiet: bool = False
    _serials_used: int = 0

    @classmethod
    def from_file(cls, path: Path) -> ScriptedOperator:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BadInput(f"answers file {path} does not exist", "check the path") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(
                f"answers file {path} is not valid TOML: {exc}",
                "fix the file; see `ceremony run --help` for its format",
            ) from None
        unknown = sorted(set(data) - KNOWN)
        if unknown:
            raise BadInput(
                f"answers file {path}: unknown key(s) {', '.join(unknown)}",
                f"known keys: {', '.join(sorted(KNOWN))}",
            )
        if data.get("reentry", "issued") != "issued":
            raise BadInput(
                f'answers file {path}: reentry must be "issued"',
                "scripted re-entry can only replay the issued shares",
            )
        return cls(
            confirm_all=bool(data.get("confirm", True)),
            accept_preflight_failures=bool(data.get("accept_preflight_failures", False)),
            dice=str(data.get("dice", "")),
            passphrase=str(data.get("passphrase", "")),
            bag_serials=[str(s) for s in data.get("bag_serials", [])],
            bag_serial_prefix=str(data.get("bag_serial_prefix", "BAG-")),
        )

    def _say(self, text: str) -> None:
        if not self.quiet:
            say(text)

    def begin_act(self, act: Act) -> None:
        self._say(f"-- Act {act.number}: {act.title}")

    def begin_step(self, step: Step) -> None:
        self._say(f"Step {step.id} ({step.who}) {step.action}")

    def confirm(self, step: Step, question: str) -> None:
        if not self.confirm_all:
            raise Interrupted(
                f"the answers file stops the ceremony at step {step.id}",
                "set confirm = true in the answers file to go on",
            )

    def show_facts(self, title: str, facts: Sequence[tuple[str, str]]) -> None:
        for name, value in facts:
            self._say(f"   {title.lower()}: {name}: {value}")

    def warn(self, text: str) -> None:
        self._say(f"   warning: {text}")

    def show_checks(self, checks: Sequence[Check]) -> None:
        for check in checks:
            self._say(f"   preflight: {check.status.value:<4} {check.name}: {check.detail}")

    def accept_failures(self, checks: Sequence[Check]) -> bool:
        return self.accept_preflight_failures

    def read_dice(self, sides: int, strength_bits: int) -> DiceRolls:
        if not self.dice:
            raise BadInput(
                "the plan asks for dice but the answers file has no `dice`",
                'add dice = "..." with the rolls to the answers file',
            )
        rolls = DiceRolls.from_text(self.dice, sides)
        check_health(rolls, strength_bits)
        return rolls

    def read_passphrase(self) -> bytes:
        return check_passphrase(self.passphrase.encode("utf-8"))

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        self._say(f"   re-entry: {holder}: scripted (replayed from the issued share)")
        return "scripted"

    def read_bag_serial(self, holder: str) -> str:
        index = self._serials_used
        self._serials_used += 1
        if index < len(self.bag_serials):
            return self.bag_serials[index]
        return f"{self.bag_serial_prefix}{index + 1:03d}"

    def confirm_bag_serial(self, holder: str, serial: str) -> bool:
        self._say(f"   bag serial: {holder}: {serial}")
        return True

    def refuse_bag_serial(self, holder: str, problem: str) -> None:
        raise BadInput(
            f"the answers file's bag serial for {holder} cannot be recorded: {problem}",
            "give every card its own serial in bag_serials",
        )
