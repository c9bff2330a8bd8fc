"""The one sanitiser for text shown on a terminal: what a terminal would act on is made visible.

Names, fields and messages can come from files anyone could have edited (record.json, plans,
notices, sessions, transcripts, file names). Written raw, an escape sequence can move the cursor,
rewrite what the witnesses read, or put text on the clipboard (OSC 52); a bidirectional override
shows "abc" as "cba"; a zero-width space makes two different names look the same; U+2028 breaks
a line where a reader expects one. So every character a terminal or a reader would not show as
itself becomes `<U+XXXX>`:

- control characters (C0, DEL, C1: ESC, CSI, OSC, BEL, carriage return, ...), except a line feed
  and a tab where the caller keeps them (multi-line chatter of our own);
- format characters (Unicode category Cf: bidi embeddings, overrides and isolates, zero-width
  space and joiners, word joiner, byte-order mark, soft hyphen);
- line and paragraph separators (U+2028, U+2029), surrogates, private-use and unassigned code
  points.

Everything else, accented letters and other scripts included, is shown as it is. Every output path
of the command line goes through `safe` (`ceremony.ui.console` and `ceremony.cli.app.report`).
This module depends on nothing, so every layer may use it.
"""

from __future__ import annotations

import unicodedata
from functools import lru_cache

HIDDEN_CATEGORIES = frozenset({"Cc", "Cf", "Zl", "Zp", "Cs", "Co", "Cn"})
"""Unicode categories a terminal acts on or a reader cannot see."""

KEPT_LINES = frozenset("\n\t")


@lru_cache(maxsize=4096)
def _hidden(char: str) -> bool:
    return unicodedata.category(char) in HIDDEN_CATEGORIES


def visible_form(char: str) -> str:
    """How one hidden character is shown: `<U+001B>`."""
    return f"<U+{ord(char):04X}>"


def safe(text: str, *, keep_lines: bool = False) -> str:
    """`text` with every hidden character made visible; line feeds and tabs kept if `keep_lines`."""
    if text.isascii() and text.isprintable():
        return text  # the common case, fast: printable ASCII has nothing to hide
    kept = KEPT_LINES if keep_lines else frozenset()
    return "".join(
        visible_form(char) if char not in kept and _hidden(char) else char for char in text
    )


def hidden_characters(text: str) -> list[str]:
    """The hidden characters in `text`, as shown (for validation messages)."""
    return [visible_form(char) for char in text if _hidden(char)]
