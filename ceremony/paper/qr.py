"""QR codes for public identifiers, drawn as vector rectangles.

Only non-secret text (ceremony id, plan hash, fingerprint, commitment) is ever encoded; the printed
text below each code is the same, so nobody has to trust a scanner. The code is built with `segno`
and drawn from its module matrix: vectors stay sharp at any printer resolution and the PDF bytes stay
deterministic. Dark modules of one row are merged into one rectangle, and all rectangles are filled
as one path, so no hairline seams appear between modules when a viewer anti-aliases.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import segno
from reportlab.pdfgen.canvas import Canvas

QUIET_ZONE = 4
"""Blank modules around the code that scanners need (the QR standard asks for 4)."""


@dataclass(frozen=True)
class QrCode:
    """A QR code's dark modules, row by row from the top, without the quiet zone."""

    text: str
    rows: tuple[tuple[bool, ...], ...]

    @classmethod
    def encode(cls, text: str) -> QrCode:
        return cls(text, _modules(text))

    @property
    def modules(self) -> int:
        """Modules per side, without the quiet zone."""
        return len(self.rows)

    def side(self, module: float) -> float:
        """Side in points, quiet zone included, for a module of `module` points."""
        return (self.modules + 2 * QUIET_ZONE) * module

    def draw(self, canvas: Canvas, x: float, y: float, module: float) -> None:
        """Draw with the quiet zone's bottom-left corner at (x, y)."""
        left = x + QUIET_ZONE * module
        top = y + self.side(module) - QUIET_ZONE * module
        path = canvas.beginPath()
        for index, row in enumerate(self.rows):
            bottom = top - (index + 1) * module
            column = 0
            while column < len(row):
                if not row[column]:
                    column += 1
                    continue
                start = column
                while column < len(row) and row[column]:
                    column += 1
                path.rect(left + start * module, bottom, (column - start) * module, module)
        canvas.saveState()
        canvas.setFillGray(0.0)
        canvas.drawPath(path, stroke=0, fill=1)
        canvas.restoreState()


@lru_cache(maxsize=64)
def _modules(text: str) -> tuple[tuple[bool, ...], ...]:
    """The code's matrix, computed once per text in a process: choosing the mask is a large share of the
    cost of a record page, and the audit re-renders the record twice (as written, and as closed)."""
    code = segno.make(text, error="m", micro=False, boost_error=False)
    return tuple(tuple(bool(cell) for cell in row) for row in code.matrix)
