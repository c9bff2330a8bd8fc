"""A line of text written into a reportlab canvas as the very operators reportlab writes for it.

reportlab draws a line through a text object (`beginText`, then `setFont`, `setFillGray` and
`textOut` for each run, then `drawText`), which builds Python state for every call: the text
cursor, its width, the font's metrics. The PDF needs only the operators, so for runs in embedded
TrueType fonts on a bottom-up canvas (all that ceremony prints) this module writes those operators
itself: the same strings, in the same order, with the same side effects on the document (each
font's subset assignments and its registration, through the font's own `splitString` and
`getSubsetInternalName`). The PDFs are byte for byte the same (`tests/test_golden_pdfs.py`, and
`tests/test_paper_textops.py` against reportlab's text object on awkward text); anything else is
left to reportlab (`write_runs` returns False).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from typing import Protocol

from reportlab.lib.rl_accel import fp_str
from reportlab.pdfbase.pdfmetrics import getFont
from reportlab.pdfbase.ttfonts import TTFont
from reportlab.pdfgen.canvas import Canvas


class TextRun(Protocol):
    """What a run needs for drawing (`ceremony.paper.layout.Run`)."""

    @property
    def text(self) -> str: ...
    @property
    def font(self) -> str: ...
    @property
    def size(self) -> float: ...
    @property
    def gray(self) -> float: ...


LEADING = 1.2
"""reportlab's leading when `setFont` is given none: 1.2 times the size (written, never used)."""


def write_runs(
    canvas: Canvas, x: float, y: float, runs: Sequence[TextRun], *, saved: bool = False
) -> bool:
    """Append one text object with `runs` side by side from (x, y) to the canvas's current page,
    exactly as reportlab's text object would; False (nothing written) where it cannot be sure.
    `saved`: inside the operators of `saveState` and `restoreState` ('q' and 'Q'), which save
    nothing else here since a text object changes no state of the canvas."""
    if not canvas.bottomup or type(canvas._code) is not list:
        return False
    fonts = []
    for run in runs:
        font = getFont(run.font)
        if not isinstance(font, TTFont) or type(run.text) is not str:
            return False  # a standard font, or shaped text: reportlab's own path
        fonts.append(font)
    doc = canvas._doc
    escape = canvas._escape
    parts = ["BT", f"1 0 0 1 {fp_str(x, y)} Tm"]
    for run, font in zip(runs, fonts, strict=True):
        parts.append(_gray(run.gray))
        shown: list[str] = []
        current = -1
        for subset, chunk in font.splitString(run.text, doc):
            if subset != current:
                shown.append(f"{font.getSubsetInternalName(subset, doc)} {_size(run.size)}")
                current = subset
            shown.append(f"({escape(chunk)}) Tj")
        parts.append(" ".join(shown))
    parts.append("ET")
    if saved:
        canvas._code += ("q", " ".join(parts), "Q")
    else:
        canvas._code.append(" ".join(parts))
    return True


@functools.lru_cache(maxsize=256)
def _gray(gray: float) -> str:
    """`setFillGray`'s operator (a handful of grey levels: each formatted once)."""
    return f"{fp_str(gray)} g"


@functools.lru_cache(maxsize=256)
def _size(size: float) -> str:
    """The operands after the font's name in `setFont`'s operator, for one size."""
    return f"{fp_str(size)} Tf {fp_str(size * LEADING)} TL"
