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
from ceremony.terminal_text import safe
from ceremony.ui.console import say
from ceremony.workflows.ceremony import bag_serial_problem
from ceremony.workflows.passphrase_advice import Judge
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
        """Read an answers file strictly: known keys only, each of exactly its type and size."""
        data = _load(path)
        unknown = sorted(set(data) - KNOWN)
        if unknown:
            raise BadInput(
                f"answers file {path}: unknown key(s) {', '.join(safe(k) for k in unknown)}",
                f"known keys: {', '.join(sorted(KNOWN))}",
            )
        answers = _Answers(path, data)
        if answers.text("reentry", "issued", limit=16) != "issued":
            raise BadInput(
                f'answers file {path}: reentry must be "issued"',
                "scripted re-entry can only replay the issued shares",
            )
        return cls(
            confirm_all=answers.flag("confirm", True),
            accept_preflight_failures=answers.flag("accept_preflight_failures", False),
            dice=answers.text("dice", "", limit=MAX_DICE_CHARS),
            passphrase=answers.text("passphrase", "", limit=MAX_PASSPHRASE_CHARS),
            bag_serials=answers.serials(),
            bag_serial_prefix=answers.prefix(),
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

    def read_passphrase(self, judge: Judge) -> bytes:
        raw = check_passphrase(self.passphrase.encode("utf-8"))
        verdict = judge(raw)
        self._say(f"   {'warning' if verdict.weak else 'passphrase'}: {verdict.text}")
        return raw

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


MAX_ANSWERS_BYTES = 64 * 1024
MAX_DICE_CHARS = 4096
MAX_PASSPHRASE_CHARS = 1024
MAX_SERIAL = 64
MAX_SERIALS = 16 * 16
MAX_PREFIX = 32


def _load(path: Path) -> dict[str, object]:
    try:
        with path.open("rb") as handle:
            raw = handle.read(MAX_ANSWERS_BYTES + 1)
    except FileNotFoundError:
        raise BadInput(f"answers file {path} does not exist", "check the path") from None
    except OSError as exc:
        raise BadInput(
            f"cannot read the answers file {path}: {exc.strerror or exc}", "check the path"
        ) from None
    if len(raw) > MAX_ANSWERS_BYTES:
        raise BadInput(
            f"answers file {path} is larger than {MAX_ANSWERS_BYTES // 1024} KiB",
            "an answers file is a few lines of TOML; check that this is the right file",
        )
    try:
        return tomllib.loads(raw.decode("utf-8"))
    except (tomllib.TOMLDecodeError, UnicodeDecodeError, RecursionError) as exc:
        reason = "it nests too deeply" if isinstance(exc, RecursionError) else str(exc)
        raise BadInput(
            f"answers file {path} is not valid TOML: {reason}",
            "fix the file; see `ceremony run --help` for its format",
        ) from None


@dataclass(frozen=True)
class _Answers:
    """The keys of one answers file, each checked for its exact type: "false" is not false."""

    path: Path
    data: dict[str, object]

    def fail(self, key: str, problem: str, example: str) -> BadInput:
        return BadInput(f"answers file {self.path}: {key} {problem}", f"write it as: {example}")

    def flag(self, key: str, default: bool) -> bool:
        value = self.data.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(key, "must be true or false (without quotes)", f"{key} = true")
        return value

    def text(self, key: str, default: str, *, limit: int) -> str:
        value = self.data.get(key, default)
        if not isinstance(value, str):
            raise self.fail(key, "must be text in double quotes", f'{key} = "..."')
        if len(value) > limit:
            raise self.fail(key, f"is longer than {limit} characters", f'{key} = "..."')
        return value

    def prefix(self) -> str:
        prefix = self.text("bag_serial_prefix", "BAG-", limit=MAX_PREFIX)
        problem = bag_serial_problem(prefix + "001") if prefix else None
        if problem:
            raise self.fail(
                "bag_serial_prefix",
                f"does not make a serial: {problem}",
                'bag_serial_prefix = "BAG-"',
            )
        return prefix

    def serials(self) -> list[str]:
        value = self.data.get("bag_serials", [])
        example = 'bag_serials = ["BAG-001", "BAG-002"]'
        if not isinstance(value, list):
            raise self.fail("bag_serials", "must be a list of serials", example)
        if len(value) > MAX_SERIALS:
            raise self.fail("bag_serials", f"lists more than {MAX_SERIALS} serials", example)
        for number, serial in enumerate(value, start=1):
            if not isinstance(serial, str):
                raise self.fail(f"bag_serials[{number}]", "must be text in quotes", example)
            problem = bag_serial_problem(serial)
            if problem:
                raise self.fail(f"bag_serials[{number}]", problem, example)
        return [str(serial) for serial in value]
