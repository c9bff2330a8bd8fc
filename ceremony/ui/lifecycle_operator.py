"""The people in the room at a lifecycle ceremony (extend, replace, reshare): the key ceremony's
operators, plus a holder typing a share the tool does not know yet, and the fate of a retired card.

At the terminal a refused share (another group, another ceremony, typed twice) is explained by
position and holder only, never by its words, and the holder may type again.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from rich.text import Text

from ceremony.core import slip39
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, CeremonyError, Interrupted
from ceremony.model.share import Share
from ceremony.ui.answers import KNOWN, ScriptedOperator
from ceremony.ui.ceremony_screen import ScreenOperator, _hidden
from ceremony.ui.share_entry import SharePrompt
from ceremony.workflows.inputs import decode_text, read_bounded, share_lines
from ceremony.workflows.lifecycle.base import ShareCheck

FATES = ("destroyed", "not returned")
LIFECYCLE_KEYS = {"share_file", "fates"}


@dataclass
class ScriptedLifecycleOperator(ScriptedOperator):
    """Answers from a file: the shares brought come from `share_file` (one per line, SECRET)."""

    shares: list[str] = field(default_factory=list, repr=False)
    fates: list[str] = field(default_factory=list)
    _shares_used: int = 0
    _fates_used: int = 0

    @classmethod
    def from_lifecycle_file(cls, path: Path) -> ScriptedLifecycleOperator:
        try:
            data = tomllib.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise BadInput(f"answers file {path} does not exist", "check the path") from None
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            raise BadInput(f"answers file {path} is not valid TOML: {exc}", "fix it") from None
        unknown = sorted(set(data) - KNOWN - LIFECYCLE_KEYS)
        if unknown:
            raise BadInput(
                f"answers file {path}: unknown key(s) {', '.join(unknown)}",
                f"known keys: {', '.join(sorted(KNOWN | LIFECYCLE_KEYS))}",
            )
        shares: list[str] = []
        if "share_file" in data:
            source = path.parent / str(data["share_file"])
            text = decode_text(read_bounded(source, "shares"), "shares")
            shares = [line for _, line in share_lines(text)]
        fates = [str(f) for f in data.get("fates", [])]
        for fate in fates:
            if fate not in FATES:
                raise BadInput(
                    f"answers file {path}: unknown fate {fate!r}",
                    'use "destroyed" or "not returned"',
                )
        return cls(
            confirm_all=bool(data.get("confirm", True)),
            accept_preflight_failures=bool(data.get("accept_preflight_failures", False)),
            bag_serials=[str(s) for s in data.get("bag_serials", [])],
            bag_serial_prefix=str(data.get("bag_serial_prefix", "BAG-")),
            shares=shares,
            fates=fates,
        )

    def read_share(self, who: str, words: int, check: ShareCheck) -> Share:
        if self._shares_used >= len(self.shares):
            raise BadInput(
                f"the answers have no share for {who}",
                "add the shares brought to the share file, one per line",
            )
        text = self.shares[self._shares_used]
        self._shares_used += 1
        share = parse_share(text)
        self._say(f"   share brought: {check(share)} (scripted)")
        return share

    def read_fate(self, holder: str, bag_serial: str) -> str:
        index = self._fates_used
        self._fates_used += 1
        fate = self.fates[index] if index < len(self.fates) else "destroyed"
        self._say(f"   retired: {holder} (bag {bag_serial}): {fate}")
        return fate


class ScreenLifecycleOperator(ScreenOperator):
    """At the ceremony machine's terminal."""

    def read_share(self, who: str, words: int, check: ShareCheck) -> Share:
        while True:
            self.console.print(
                Text(
                    f"{who}: type your share from your card. Nothing you type is shown. The first "
                    "four letters of a word are enough.",
                    style="bold",
                )
            )
            try:
                entered = SharePrompt(
                    _hidden, self.console, read_answer=self._ask, expected_words=words
                ).read()
                share = slip39.share_from_indices(entered.words)
                summary = check(share)
            except CeremonyError as exc:
                if isinstance(exc, Interrupted):
                    raise
                self.console.print(Text(f"refused: {exc.message}\nhint: {exc.hint}"))
                again = self._ask("Try again? [y = type a share again, n = stop the ceremony] ")
                if again.strip().lower() in ("n", "no"):
                    raise Interrupted(
                        f"no usable share for {who}", "record an exception; run it again later"
                    ) from None
                continue
            self.console.print(Text(f"accepted: {summary}", style="green"))
            return share

    def read_fate(self, holder: str, bag_serial: str) -> str:
        while True:
            answer = self._ask(
                f"{holder}'s old card (bag {bag_serial}): d = destroyed in front of the "
                "witnesses, r = not returned: "
            )
            choice = answer.strip().lower()
            if choice in ("d", "destroyed"):
                return "destroyed"
            if choice in ("r", "not returned"):
                return "not returned"
            self.console.print("please answer d or r")
