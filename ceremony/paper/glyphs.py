"""Whether the kit's fonts can print a text exactly as written: no tofu, ever.

A name printed as boxes (□□□), or an Arabic name printed unjoined and reversed, makes the card
differ from the plan people signed. The paper draws text glyph by glyph, left to right, without
shaping, so it can print a character only if the embedded fonts have a glyph for it and it needs
no shaping: right-to-left letters (Hebrew, Arabic) and combining marks are refused, like
characters outside the fonts. `ceremony plan check` names the first such character, and the plan
can give a transliteration that the paper prints instead.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from reportlab.pdfbase import pdfmetrics

from ceremony.paper.fonts import Fonts, register

RIGHT_TO_LEFT = frozenset({"R", "AL", "AN"})
"""Bidirectional classes of characters that are written right to left (or need Arabic shaping)."""


@dataclass(frozen=True)
class Unprintable:
    """The first character of a text that the paper cannot print as written, and why."""

    char: str
    reason: str

    @property
    def label(self) -> str:
        """'李' (U+674E CJK UNIFIED IDEOGRAPH-674E)"""
        name = unicodedata.name(self.char, "unnamed character")
        return f"{self.char!r} (U+{ord(self.char):04X} {name})"


@cache
def _coverage(font: str) -> frozenset[int]:
    face = pdfmetrics.getFont(font).face
    return frozenset(face.charToGlyph)


def covered(char: str, fonts: Fonts, *, mono: bool = False) -> bool:
    """Whether the regular and bold faces (sans, or mono) both have a glyph for `char`."""
    names = (fonts.mono, fonts.mono_bold) if mono else (fonts.sans, fonts.sans_bold)
    return all(ord(char) in _coverage(name) for name in names)


def unprintable(text: str, *, mono: bool = False) -> Unprintable | None:
    """The first character of `text` the paper cannot print as written, or None."""
    fonts = register()
    for char in text:
        if char in " \t":
            continue
        if unicodedata.bidirectional(char) in RIGHT_TO_LEFT:
            return Unprintable(char, "is written right to left, which the paper cannot shape")
        if unicodedata.category(char).startswith("M"):
            return Unprintable(char, "is a combining mark, which the paper cannot place")
        if not covered(char, fonts, mono=mono):
            return Unprintable(char, "is not in the kit's fonts (DejaVu Sans)")
    return None
