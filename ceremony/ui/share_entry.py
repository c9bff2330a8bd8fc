"""The one prompt that reads a share from a person: ceremony re-entry, recovery, checks, repair.

Rules it keeps:
- words are typed at a hidden prompt (`read_line`), one or several per line, and are never echoed:
  feedback names positions only ("word 7: ok");
- each word is checked against the SLIP-39 list as it is typed, and accepted by its first four
  letters;
- the checksum is checked at the end; a repair (one wrong word, up to three '?' words) is named by
  positions only: a word that looks wrong is read again from the card and typed (hidden), and the
  correction is taken when the new reading fits; an unreadable word is restored, unseen, only when
  the person says yes. No letter of a corrected word is ever shown (`ceremony repair` shows them,
  because there the person asks);
- with an issued share to compare against, a differing word is named by its position and read
  again from the card.

The I/O is injected, so tests drive it with scripted lines and a console writing to a buffer.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ceremony.core import rs1024
from ceremony.core.repair import Repair, RepairCandidate, repair
from ceremony.core.slip39 import valid_length
from ceremony.core.words import UNREADABLE, UnknownWord, mnemonic, word_index
from ceremony.errors import BadInput, Interrupted, NotVerified

if TYPE_CHECKING:  # rich is loaded only when a terminal is used
    from rich.console import Console

ReadLine = Callable[[str], str]
"""Reads one line after showing a prompt, like `getpass.getpass`."""

SHORTEST_SHARE = 20
LONGEST_SHARE = 110
"""Shares of 1024-bit secrets; 59-word (512-bit) shares are what other tools write at most."""
USUAL_LONGEST = 33
"""The longest share this tool writes (256 bits). At 33 words a share whose checksum fails but
that one corrected word would fix ends there (the correction is offered): the first 33 words of a
longer share fit that way only about 3 times in 100,000."""
"""Shares of 128- to 256-bit secrets: the range this project makes and reads."""


@dataclass(frozen=True)
class EnteredShare:
    """A share as typed and confirmed. Its words are secret; repr shows only what was corrected."""

    words: tuple[int, ...] = field(repr=False)
    corrected: tuple[int, ...]
    """Positions (zero-based) where the person accepted a correction or restored word."""

    def mnemonic(self) -> str:
        """The share's words. Every caller is a place where a share can leak."""
        return mnemonic(self.words)


class SharePrompt:
    """Reads one share at a terminal, word by word, with checks and confirmed repairs."""

    def __init__(
        self,
        read_line: ReadLine,
        console: Console,
        *,
        read_answer: ReadLine | None = None,
        expected_words: int | None = None,
        expected: Sequence[int] | None = None,
        attempts: int = 3,
    ) -> None:
        """`read_line` reads hidden input; `read_answer` reads a yes/no (defaults to `read_line`).

        `expected_words` fixes the length when the caller knows it; otherwise the share ends at
        an empty line, or by itself when a valid length has a correct checksum or 33 words are in.
        `expected` is the issued share, for re-entry at the ceremony.
        """
        if expected is not None:
            expected_words = len(expected)
        if expected_words is not None and not valid_length(expected_words):
            raise ValueError(f"{expected_words} words is not a SLIP-39 share length")
        if attempts < 1:
            raise ValueError("attempts must be at least 1")
        self._read_line = read_line
        self._read_answer = read_answer or read_line
        self._console = console
        self._expected_words = expected_words
        self._expected = tuple(expected) if expected is not None else None
        self._attempts = attempts

    def read(self) -> EnteredShare:
        """A complete share with a correct checksum, as confirmed by the person.

        Raises BadInput (or NotVerified when it differs from the issued share) after `attempts`
        tries, and Interrupted if input ends.
        """
        failure: BadInput | NotVerified | None = None
        for attempt in range(self._attempts):
            if attempt:
                self._say("type the share again, from the first word")
            words = self.read_words()
            try:
                return self._settle(words)
            except (BadInput, NotVerified) as exc:
                failure = exc
                self._say(exc.message)
                self._say(f"hint: {exc.hint}")
        assert failure is not None
        if isinstance(failure, NotVerified):
            raise failure
        raise BadInput(
            f"the share could not be read after {self._attempts} attempts",
            failure.hint,
        )

    def read_words(self) -> list[int | None]:
        """The words as typed, each checked against the list; None where '?' was typed."""
        words: list[int | None] = []
        while not self._complete(words):
            line = self._line(self._prompt(words))
            tokens = line.split()
            if not tokens:
                if self._may_end(words):
                    break
                self._say(f"{len(words)} words so far; go on with word {len(words) + 1}")
                continue
            self._take(tokens, words)
        return words

    # -- reading words --------------------------------------------------------------------

    def _take(self, tokens: list[str], words: list[int | None]) -> None:
        for offset, token in enumerate(tokens):
            position = len(words) + 1
            if self._full(words):
                self._say(
                    f"word {position} and after were not kept: the share has {len(words)} words"
                )
                return
            if token == UNREADABLE:
                words.append(None)
                self._say(f"word {position}: marked unreadable")
                continue
            try:
                words.append(word_index(token, position))
            except UnknownWord:
                self._say(f"word {position}: not a SLIP-39 word, type it again")
                if offset + 1 < len(tokens):
                    self._say(
                        f"the words after it on that line were not kept; go on from word {position}"
                    )
                return
            self._say(f"word {position}: ok")

    def _prompt(self, words: list[int | None]) -> str:
        position = len(words) + 1
        if self._expected_words is not None:
            return f"word {position} of {self._expected_words}: "
        if self._may_end(words):
            return f"word {position} (or Enter if the share has {len(words)} words): "
        return f"word {position}: "

    def _full(self, words: list[int | None]) -> bool:
        limit = self._expected_words if self._expected_words is not None else LONGEST_SHARE
        return len(words) >= limit

    def _may_end(self, words: list[int | None]) -> bool:
        return (
            self._expected_words is None
            and len(words) >= SHORTEST_SHARE
            and valid_length(len(words))
        )

    def _complete(self, words: list[int | None]) -> bool:
        if self._full(words):
            return True
        # A complete share of unknown length: a correct checksum at a valid length ends it
        # (a longer share's first words pass by chance about once in 10**9).
        if not self._may_end(words) or None in words:
            return False
        known = [w for w in words if w is not None]
        return rs1024.verify_share(known) or (len(words) == USUAL_LONGEST and _one_word_off(known))

    def _line(self, prompt: str) -> str:
        try:
            return self._read_line(prompt)
        except EOFError:
            raise Interrupted(
                "input ended before the share was complete",
                "nothing was kept; run the command again and type the whole share",
            ) from None

    # -- checking the whole share ---------------------------------------------------------

    def _settle(self, words: list[int | None]) -> EnteredShare:
        result = repair(words)
        if result.needed:
            chosen = self._offer(words, result)
        else:
            self._say("checksum: ok")
            chosen = RepairCandidate(tuple(w for w in words if w is not None), (), False)
        if self._expected is not None:
            chosen = self._compare(chosen)
        return EnteredShare(chosen.words, chosen.changed)

    def _compare(self, chosen: RepairCandidate) -> RepairCandidate:
        """Against the issued share: each differing word is read again from the card, by number."""
        assert self._expected is not None
        settled = list(chosen.words)
        for position, (typed, issued) in enumerate(zip(chosen.words, self._expected, strict=True)):
            if typed == issued:
                continue
            self._say(
                f"word {position + 1} differs from the issued share: read word {position + 1} "
                "again from the card and type it"
            )
            again = self._read_again(position)
            if again != issued:
                raise NotVerified(
                    f"word {position + 1} still differs from the issued share",
                    f"read word {position + 1} on the card letter by letter; if the card itself "
                    "differs, it is misprinted: record an exception and have it printed again",
                )
            self._say(f"word {position + 1}: now matches the issued share")
            settled[position] = again
        self._say("the share matches the issued share")
        changed = tuple(p for p in range(len(settled)) if settled[p] != chosen.words[p])
        return RepairCandidate(tuple(settled), tuple(sorted({*chosen.changed, *changed})), False)

    def _offer(self, words: list[int | None], result: Repair) -> RepairCandidate:
        """Confirm a correction without showing it: a doubtful word is read again from the card.

        The checksum names positions only. A word that looks wrong is typed again (hidden); the
        correction is taken when the new reading is the word that fits. An unreadable word is
        restored only after a yes, and is not shown (`ceremony repair` shows it, when asked).
        """
        count = len(result.candidates)
        self._say(
            "the checksum does not fit: "
            + (
                f"{count} different corrections fit; reading the words again picks the right one"
                if count > 1
                else "one correction fits"
            )
        )
        if any(position < 2 for position in result.erased):
            self._say("the first two words are the same on every share of this set")
        readings: dict[int, int | None] = {}
        for number, candidate in enumerate(result.candidates, start=1):
            if count > 1:
                self._say(f"correction {number} of {count}:")
            exhausted = result.redundancy_left == 0
            if self._confirmed(words, candidate, readings, alone=count == 1, exhausted=exhausted):
                return candidate
        raise BadInput(
            "no correction was applied",
            "read the share again from the card and type it again; type '?' for a word you "
            "cannot read",
        )

    def _confirmed(
        self,
        words: list[int | None],
        candidate: RepairCandidate,
        readings: dict[int, int | None],
        *,
        alone: bool,
        exhausted: bool,
    ) -> bool:
        restored = [p for p in candidate.changed if words[p] is None]
        for position in candidate.changed:
            if words[position] is None:
                continue
            if position not in readings:
                self._say(
                    f"word {position + 1} looks wrong: read word {position + 1} again from the "
                    "card and type it"
                )
                readings[position] = self._read_again(position)
            if readings[position] != candidate.words[position]:
                self._say(f"word {position + 1} as read again does not fit this correction")
                return False
            self._say(f"word {position + 1} as read again fits the checksum")
        if not restored:
            return True
        if not alone and len(restored) == len(candidate.changed):
            self._say(
                "these corrections differ only in unreadable words, which are not shown here: "
                "use `ceremony repair`, which shows them"
            )
            return False
        listed = ", ".join(str(p + 1) for p in restored)
        self._say(
            f"unreadable word {listed} can be restored from the checksum (not shown here)"
            if len(restored) == 1
            else f"unreadable words {listed} can be restored from the checksum (not shown here)"
        )
        if exhausted:
            self._say(
                "this correction used all three check words, so a mistake in another word "
                "would not be noticed: check every word against the paper"
            )
        return _yes(self._answer("Use this correction? [y/N] "))

    def _read_again(self, position: int) -> int | None:
        """One word typed again at the hidden prompt; None when it is not a SLIP-39 word."""
        tokens = self._line(f"word {position + 1} again: ").split()
        if len(tokens) != 1:
            self._say(f"word {position + 1}: type exactly one word")
            return None
        try:
            return word_index(tokens[0], position + 1)
        except UnknownWord:
            self._say(f"word {position + 1}: not a SLIP-39 word")
            return None

    def _answer(self, prompt: str) -> str:
        try:
            return self._read_answer(prompt)
        except EOFError:
            raise Interrupted(
                "input ended before the correction was confirmed",
                "nothing was kept; run the command again",
            ) from None

    def _say(self, text: str) -> None:
        self._console.print(text, markup=False, highlight=False)


def _yes(answer: str) -> bool:
    return answer.strip().lower() in {"y", "yes"}


def _one_word_off(words: list[int]) -> bool:
    """Whether one corrected word gives a well-formed share (a typo in a complete share)."""
    try:
        return repair(list[int | None](words)).needed
    except BadInput:
        return False
