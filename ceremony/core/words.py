"""SECRET HANDLING. Words of a SLIP-39 share typed by a person, turned into word indices.

A word is accepted whole or by its first four letters (unique in the SLIP-39 list by design), or by
any longer start of it. '?' marks a word that cannot be read, for repair to restore.

An unknown word is a misspelling of a secret word, so it never appears in a message; the close
words from the list are kept on the error (`UnknownWord.suggestions`) for a caller that shows them
to the person at a terminal, and nowhere else.
"""

from __future__ import annotations

from functools import cache

from ceremony.core.slip39 import share_from_indices, wordlist
from ceremony.errors import BadInput
from ceremony.model.share import Share

UNREADABLE = "?"
"""What a person types for a word they cannot read."""

PREFIX_LETTERS = 4
"""Letters that identify a SLIP-39 word."""


class UnknownWord(BadInput):
    """A typed word that is not in the SLIP-39 list, with its (1-based) position."""

    def __init__(self, position: int | None, suggestions: tuple[str, ...]) -> None:
        where = f"word {position}" if position is not None else "the word"
        super().__init__(
            f"{where} is not a SLIP-39 word",
            "check its spelling on the paper: every SLIP-39 word is known by its first four "
            "letters; type '?' for a word you cannot read",
        )
        self.position = position
        self.suggestions = suggestions


@cache
def _index() -> dict[str, int]:
    return {word: position for position, word in enumerate(wordlist())}


@cache
def _prefixes() -> dict[str, int]:
    return {word[:PREFIX_LETTERS]: position for position, word in enumerate(wordlist())}


def word_index(text: str, position: int | None = None) -> int:
    """The index of a typed word (whole, or at least its first four letters), case-insensitive.

    `position` (1-based) only names the word in the error.
    """
    typed = text.strip().lower()
    exact = _index().get(typed)
    if exact is not None:
        return exact
    if len(typed) >= PREFIX_LETTERS:
        candidate = _prefixes().get(typed[:PREFIX_LETTERS])
        if candidate is not None and wordlist()[candidate].startswith(typed):
            return candidate
    raise UnknownWord(position, close_words(typed))


def parse_words(text: str) -> list[int | None]:
    """A whole share from text: words separated by white space, '?' for an unreadable word."""
    indices: list[int | None] = []
    for position, token in enumerate(text.split(), start=1):
        indices.append(None if token == UNREADABLE else word_index(token, position))
    return indices


def parse_share(text: str) -> Share:
    """One share from typed or pasted text: each word becomes its index once, and the share is
    built from the indices; an unknown word is named by its position, never quoted."""
    tokens = text.split()
    return share_from_indices(
        [word_index(token, position) for position, token in enumerate(tokens, start=1)]
    )


def word_text(index: int) -> str:
    """The word for an index. A share's words are secret: show them only when asked."""
    return wordlist()[index]


def word_prefix(index: int) -> str:
    """The four letters that identify a word: what a correction offer shows."""
    return wordlist()[index][:PREFIX_LETTERS]


def mnemonic(indices: tuple[int, ...] | list[int]) -> str:
    """A share's words, lower-case and single-spaced, as the share commitment hashes them."""
    return " ".join(wordlist()[index] for index in indices)


def close_words(typed: str, limit: int = 3) -> tuple[str, ...]:
    """Up to `limit` list words nearest to `typed` by edit distance (transpositions count as 1).

    A word is also compared by its first letters alone, so that a short start such as 'acd'
    finds 'acid'.
    """
    typed = typed.strip().lower()
    if not typed or len(typed) > 2 * max(len(word) for word in wordlist()):
        return ()
    scored = []
    for word in wordlist():
        distance = min(_distance(typed, word), _distance(typed, word[: max(len(typed), 4)]) + 1)
        scored.append((distance, word))
    scored.sort()
    best = [word for distance, word in scored[:limit] if distance <= max(2, len(typed) // 3)]
    return tuple(best)


def _distance(a: str, b: str) -> int:
    """Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps."""
    previous2: list[int] = []
    previous = list(range(len(b) + 1))
    for i in range(1, len(a) + 1):
        current = [i] + [0] * len(b)
        for j in range(1, len(b) + 1):
            cost = 0 if a[i - 1] == b[j - 1] else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and a[i - 1] == b[j - 2] and a[i - 2] == b[j - 1]:
                current[j] = min(current[j], previous2[j - 2] + 1)
        previous2, previous = previous, current
    return previous[len(b)]
