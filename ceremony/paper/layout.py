"""Pages as lists of drawing steps: laid out first, drawn second.

Laying out before drawing lets every page say "page 2 of 5", and lets a block that must stay whole
(the share words, a table row) move to the next page instead of splitting. Drawing goes through one
canvas set up for byte-identical output, so the same content always gives the same PDF and its
SHA-256 can be recorded.
"""

from __future__ import annotations

import contextlib
import io
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import partial

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ceremony.model.runbook import Piece
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts
from ceremony.paper.textops import write_runs

Draw = Callable[[Canvas], None]
"""One drawing step, with its coordinates already fixed by the layout."""

Frame = Callable[[Canvas, int, int], None]
"""Draws what every page carries (header band, footer), given the page number and page count."""

INK = 0.0
SOFT_INK = 0.35
RULE = 0.55
SHADE = 0.92
"""Grey levels (0 black, 1 white): everything prints on a black-and-white laser printer."""

MARGIN = 15 * MM
"""Left and right margin."""
EDGE = 12 * MM
"""Top and bottom margin: well inside what office printers can reach (about 5 mm)."""
BAND = 9 * MM
"""Height of the DEMO band at the top of every page of a demonstration kit."""
FOOTER = 9 * MM
KEEP_TOGETHER = 5
"""Paragraphs of at most this many lines are never split across pages."""


class Size:
    """The type scale, in points: every font size on paper is one of these steps (or a fixed
    fraction of one, such as inline code at 92 % of its text). Named by their usual use."""

    MICRO = 6.5
    """Labels inside a dense table row (the record's hash labels)."""
    CAPTION = 7.0
    """Captions under a line to write on; column heads of a runbook's step table."""
    NOTE = 7.5
    """Grey notes under a value; the page footer."""
    SMALL = 8.0
    LABEL = 8.5
    """Labels in front of values; table headings; small notes."""
    TABLE = 9.0
    """Table cells, code, the listing, dense prose."""
    PROSE = 9.5
    BODY = 10.0
    STRONG = 10.5
    LEAD = 11.0
    NAME = 11.5
    HEADING = 12.0
    QUORUM = 12.5
    DISPLAY = 13.0
    """The DEMO band; values read aloud (hash words, check codes on a notice)."""
    SHEET = 14.0
    STATEMENT = 15.0
    SUBTITLE = 16.0
    TITLE = 20.0
    SECRET = 24.0
    """The consent passphrase."""


@dataclass(frozen=True)
class Run:
    """A piece of text in one font; a line is a sequence of runs."""

    text: str
    font: str
    size: float
    gray: float = INK

    @property
    def width(self) -> float:
        return text_width(self.text, self.font, self.size)


@dataclass(frozen=True)
class Geometry:
    """Where content may go on a page of the given size (PDF origin: bottom left)."""

    width: float
    height: float
    left: float
    right: float
    top: float
    bottom: float

    @classmethod
    def for_size(cls, size: PaperSize, *, demo: bool) -> Geometry:
        width, height = size.points
        top = height - EDGE - (BAND + 3 * MM if demo else 0)
        return cls(width, height, MARGIN, width - MARGIN, top, EDGE + FOOTER)

    @property
    def content_width(self) -> float:
        return self.right - self.left


_widths: dict[tuple[str, str, float], float] | None = None
_lines: dict[tuple[str, str, float, float], tuple[str, ...]] | None = None
"""Widths and line breaks measured inside `shared_measures`, else None (nothing remembered)."""


@contextlib.contextmanager
def shared_measures() -> Iterator[None]:
    """Remember every width and line break measured in this block: the kits of one ceremony repeat
    most of their text (instructions, headings, the ceremony's names), so each is measured once.
    What is remembered includes share words, so it is forgotten when the block ends, however it
    ends. The results are the very same numbers, so the PDFs are byte for byte the same."""
    global _widths, _lines
    if _widths is not None:  # already inside one: the outer block forgets
        yield
        return
    _widths, _lines = {}, {}
    try:
        yield
    finally:
        _widths.clear()
        _lines.clear()
        _widths = _lines = None


def text_width(text: str, font: str, size: float) -> float:
    if _widths is None:
        return float(stringWidth(text, font, size))
    key = (text, font, size)
    width = _widths.get(key)
    if width is None:
        width = _widths[key] = float(stringWidth(text, font, size))
    return width


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width`; words too long for a line are cut."""
    if _lines is None:
        return _wrap(text, font, size, width)
    key = (text, font, size, width)
    lines = _lines.get(key)
    if lines is None:
        lines = _lines[key] = tuple(_wrap(text, font, size, width))
    return list(lines)


def _wrap(text: str, font: str, size: float, width: float) -> list[str]:
    lines: list[str] = []
    current = ""
    for word in text.split():
        candidate = f"{current} {word}" if current else word
        if text_width(candidate, font, size) <= width:
            current = candidate
            continue
        if current:
            lines.append(current)
        while text_width(word, font, size) > width:
            cut = len(word) - 1
            while cut > 1 and text_width(word[:cut], font, size) > width:
                cut -= 1
            lines.append(word[:cut])
            word = word[cut:]
        current = word
    if current or not lines:
        lines.append(current)
    return lines


def draw_runs(canvas: Canvas, x: float, y: float, runs: Sequence[Run]) -> None:
    """Draw runs side by side in one text object, so text extraction reads them as one line
    (the operators written directly where `textops` can, as reportlab would write them)."""
    if not write_runs(canvas, x, y, runs):
        draw_runs_reportlab(canvas, x, y, runs)


def draw_runs_reportlab(canvas: Canvas, x: float, y: float, runs: Sequence[Run]) -> None:
    """`draw_runs` through reportlab's text object: the same bytes, more slowly."""
    text = canvas.beginText(x, y)
    for run in runs:
        text.setFont(run.font, run.size)
        text.setFillGray(run.gray)
        text.textOut(run.text)
    canvas.drawText(text)


@dataclass(frozen=True)
class TextStep:
    """A drawing step that draws one line of runs (`draw_runs`), known to `render` as such."""

    x: float
    y: float
    runs: tuple[Run, ...]

    def __call__(self, canvas: Canvas) -> None:
        draw_runs(canvas, self.x, self.y, self.runs)

    def write(self, canvas: Canvas) -> bool:
        """The step with the graphics state saved around it ('q' ... 'Q'), as `render` draws
        every step, written straight into the page (`textops`); False where it cannot be."""
        return write_runs(canvas, self.x, self.y, self.runs, saved=True)


def draw_rule(
    canvas: Canvas, x0: float, x1: float, y: float, gray: float = RULE, width: float = 0.6
) -> None:
    """A horizontal line, as under a space to write in."""
    canvas.setStrokeGray(gray)
    canvas.setLineWidth(width)
    canvas.line(x0, y, x1, y)


class Flow:
    """Places blocks from the top of a page down, starting a new page when one is full."""

    def __init__(self, geometry: Geometry) -> None:
        self.geometry = geometry
        self.pages: list[list[Draw]] = [[]]
        self.y = geometry.top

    @property
    def page_count(self) -> int:
        return len(self.pages)

    @property
    def at_top(self) -> bool:
        return self.y == self.geometry.top

    @property
    def room(self) -> float:
        return self.y - self.geometry.bottom

    def new_page(self) -> None:
        self.pages.append([])
        self.y = self.geometry.top

    def need(self, height: float) -> None:
        """Make sure `height` points fit below the cursor, moving to a new page if not."""
        if height > self.room and not self.at_top:
            self.new_page()

    def draw(self, step: Draw) -> None:
        self.pages[-1].append(step)

    def place(self, height: float) -> float:
        """Reserve a block that must stay whole; returns its top edge."""
        self.need(height)
        top = self.y
        self.y -= height
        return top

    def text(self, x: float, baseline: float, runs: Sequence[Run]) -> None:
        """Runs at a fixed position on the current page."""
        self.draw(TextStep(x, baseline, tuple(runs)))

    def rule(
        self, x0: float, x1: float, y: float, *, gray: float = RULE, width: float = 0.6
    ) -> None:
        self.draw(partial(draw_rule, x0=x0, x1=x1, y=y, gray=gray, width=width))

    def gap(self, height: float) -> None:
        """Vertical space between blocks; dropped at the top of a page."""
        if not self.at_top:
            self.y -= min(height, self.room)

    def runs(self, runs: Sequence[Run], *, leading: float, x: float | None = None) -> None:
        """One line made of runs, its glyphs centred in a slot `leading` points high."""
        self.need(leading)
        left = self.geometry.left if x is None else x
        baseline = self.y - leading / 2 - 0.36 * max(run.size for run in runs)
        self.text(left, baseline, runs)
        self.y -= leading

    def paragraph(
        self,
        text: str,
        font: str,
        size: float,
        *,
        leading: float | None = None,
        indent: float = 0.0,
        gray: float = INK,
        bullet: str | None = None,
        width: float | None = None,
    ) -> None:
        """Wrapped text; lines flow onto the next page when this one is full.

        A bullet hangs in the indent, so wrapped lines align with the text, not the bullet.
        """
        step = leading or size * 1.35
        available = (width or self.geometry.content_width) - indent
        x = self.geometry.left + indent
        lines = wrap(text, font, size, available)
        if len(lines) <= KEEP_TOGETHER:
            self.need(len(lines) * step)
        for index, line in enumerate(lines):
            body = Run(line, font, size, gray)
            if bullet and index == 0:
                marker = Run(f"{bullet} ", font, size, gray)
                self.runs([marker, body], leading=step, x=x - marker.width)
            else:
                self.runs([body], leading=step, x=x)


# ---------------------------------------------------------------- styled text


@dataclass(frozen=True)
class TextStyle:
    """Fonts and size for one kind of running text whose pieces may be bold, code or soft."""

    fonts: Fonts
    size: float
    gray: float = INK
    bold: bool = False

    def run(self, text: str, kind: str) -> Run:
        if kind == "code":
            return Run(text, self.fonts.mono, self.size * 0.92, self.gray)
        if kind == "bold" or self.bold:
            return Run(text, self.fonts.sans_bold, self.size, self.gray)
        if kind == "soft":
            return Run(text, self.fonts.sans, self.size, SOFT_INK)
        return Run(text, self.fonts.sans, self.size, self.gray)


def wrap_runs(pieces: Sequence[Piece], style: TextStyle, width: float) -> list[tuple[Run, ...]]:
    """Break styled text into lines no wider than `width`; a word too long for a line is cut."""
    words: list[list[Piece]] = [[]]
    for piece in pieces:
        for part in re.split(r"( +)", piece.text):
            if part.startswith(" "):
                words.append([])
            elif part:
                words[-1].append(Piece(part, piece.kind))
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0.0
    for word in (word for word in words if word):
        for chunk in _cut(word, style, width):
            size = pieces_width(chunk, style)
            # A space inside code is a fixed-width space: measured as it will be printed.
            joint = Piece(
                " ", current[-1].kind if current and chunk[0].kind == current[-1].kind else "plain"
            )
            space = pieces_width([joint], style)
            if current and used + space + size > width:
                lines.append(current)
                current, used = [], 0.0
            if current:
                current.append(joint)
                used += space
            current.extend(chunk)
            used += size
    if current or not lines:
        lines.append(current)
    return [_merge(line, style) for line in lines]


def pieces_width(word: Sequence[Piece], style: TextStyle) -> float:
    """The printed width of styled text on one line."""
    return sum(style.run(piece.text, piece.kind).width for piece in word)


def _cut(word: list[Piece], style: TextStyle, width: float) -> list[list[Piece]]:
    """A word wider than the line, cut into pieces that fit (long hashes, paths)."""
    if pieces_width(word, style) <= width:
        return [word]
    chars = [(char, piece.kind) for piece in word for char in piece.text]
    chunks: list[list[Piece]] = []
    current: list[tuple[str, str]] = []
    for char, kind in chars:
        trial = [*current, (char, kind)]
        if current and pieces_width([Piece(c, k) for c, k in trial], style) > width:
            chunks.append([Piece(c, k) for c, k in current])
            current = [(char, kind)]
        else:
            current = trial
    if current:
        chunks.append([Piece(c, k) for c, k in current])
    return chunks


def _merge(line: Sequence[Piece], style: TextStyle) -> tuple[Run, ...]:
    merged: list[Piece] = []
    for piece in line:
        if merged and merged[-1].kind == piece.kind:
            merged[-1] = Piece(merged[-1].text + piece.text, piece.kind)
        else:
            merged.append(piece)
    return tuple(style.run(piece.text, piece.kind) for piece in merged)


# ---------------------------------------------------------------- boxes and rules


def draw_box(
    canvas: Canvas, x: float, y: float, width: float, height: float, gray: float = INK
) -> None:
    """An outline, one point wide by default... drawn in `gray`."""
    canvas.setStrokeGray(gray)
    canvas.setLineWidth(1.0)
    canvas.rect(x, y, width, height, stroke=1, fill=0)


def draw_fill(
    canvas: Canvas, x: float, y: float, width: float, height: float, gray: float = SHADE
) -> None:
    """A filled rectangle without outline: a shaded row, or a reversed-out cell."""
    canvas.setFillGray(gray)
    canvas.rect(x, y, width, height, stroke=0, fill=1)


def draw_grid(
    canvas: Canvas, x: float, top: float, widths: tuple[float, ...], height: float
) -> None:
    """A table row's outline with the rules between its cells."""
    canvas.setStrokeGray(RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(x, top - height, sum(widths), height, stroke=1, fill=0)
    edge = x
    for width in widths[:-1]:
        edge += width
        canvas.line(edge, top, edge, top - height)


def draw_checkbox(canvas: Canvas, x: float, y: float, side: float) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1.1)
    canvas.rect(x, y, side, side, stroke=1, fill=0)


# ---------------------------------------------------------------- a page of styled text and tables

CELL_PAD = 1.6 * MM
"""Space inside a table cell, around its text."""


@dataclass(frozen=True)
class Cell:
    """A table cell's wrapped lines, all at one leading."""

    lines: tuple[tuple[Run, ...], ...]
    leading: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


class Page:
    """Styled text, lists, headings, code and table rows laid out on a Flow, in one body style.

    The documents drawn from Markdown (runbooks) and the listing's prose use it; a document adds
    its own parts (a runbook's step table, exception sheets) on top.
    """

    def __init__(self, flow: Flow, fonts: Fonts, *, body: float = Size.BODY, leading: float = 14.0):
        self.flow = flow
        self.fonts = fonts
        self.body = TextStyle(fonts, body)
        self.leading = leading

    @property
    def left(self) -> float:
        return self.flow.geometry.left

    @property
    def width(self) -> float:
        return self.flow.geometry.content_width

    def lines(
        self,
        lines: Sequence[tuple[Run, ...]],
        leading: float,
        *,
        x: float = 0.0,
        keep: bool = False,
    ) -> None:
        """Lines of runs, kept on one page when there are few of them."""
        if keep or len(lines) <= 4:
            self.flow.need(len(lines) * leading)
        for runs in lines:
            self.flow.runs(runs, leading=leading, x=self.left + x)

    def text(
        self, pieces: Sequence[Piece], style: TextStyle | None = None, *, indent: float = 0.0
    ) -> None:
        style = style or self.body
        wrapped = wrap_runs(pieces, style, self.width - indent)
        self.lines(wrapped, style.size * 1.4, x=indent)

    def marked(self, marker: str, pieces: Sequence[Piece], indent: float) -> None:
        """A list item: the marker hangs left of the text, which wraps under itself."""
        wrapped = wrap_runs(pieces, self.body, self.width - indent)
        self.flow.need((len(wrapped) if len(wrapped) <= 4 else 3) * self.leading)
        first = Run(marker, self.fonts.sans, self.body.size)
        baseline = self.flow.y - self.leading / 2 - 0.36 * self.body.size
        self.flow.text(self.left + indent - first.width - 1.5 * MM, baseline, (first,))
        self.lines(wrapped, self.leading, x=indent)

    def heading(self, pieces: Sequence[Piece], size: float, *, before: float, keep: float) -> None:
        """A bold heading, kept on the page of the first `keep` points that follow it."""
        self.flow.gap(before)
        wrapped = wrap_runs(pieces, TextStyle(self.fonts, size, bold=True), self.width)
        self.flow.need(len(wrapped) * size * 1.35 + keep)
        self.lines(wrapped, size * 1.35)
        self.flow.gap(1.5 * MM)

    def code(self, lines: Sequence[str], size: float = Size.TABLE) -> None:
        """Fixed-width lines on a shaded ground, split across pages in shaded chunks."""
        style = TextStyle(self.fonts, size)
        wrapped: list[tuple[Run, ...]] = []
        for line in lines or ("",):
            pieces = [Piece(line or " ", "code")]
            wrapped.extend(wrap_runs(pieces, style, self.width - 6 * MM))
        leading = size * 1.45
        start = 0
        while start < len(wrapped):
            self.flow.need(min(len(wrapped) - start, 3) * leading + 2 * CELL_PAD)
            fits = max(1, int((self.flow.room - 2 * CELL_PAD) // leading))
            chunk = wrapped[start : start + fits]
            height = len(chunk) * leading + 2 * CELL_PAD
            top = self.flow.place(height)
            self.flow.draw(
                partial(draw_fill, x=self.left, y=top - height, width=self.width, height=height)
            )
            y = top - CELL_PAD
            for runs in chunk:
                self.flow.text(self.left + 3 * MM, y - leading / 2 - 0.36 * size, runs)
                y -= leading
            start += len(chunk)
        self.flow.gap(3 * MM)

    def row(
        self, cells: Sequence[Cell], widths: Sequence[float], height: float, *, shade: bool = False
    ) -> None:
        """One table row, kept whole: a grid, shaded for a header, each cell's lines inside."""
        top = self.flow.place(height)
        left = self.left
        if shade:
            self.flow.draw(
                partial(draw_fill, x=left, y=top - height, width=sum(widths), height=height)
            )
        self.flow.draw(partial(draw_grid, x=left, top=top, widths=tuple(widths), height=height))
        x = left
        for cell, width in zip(cells, widths, strict=True):
            y = top - CELL_PAD
            for runs in cell.lines:
                size = max(run.size for run in runs)
                self.flow.text(x + CELL_PAD, y - cell.leading / 2 - 0.36 * size, runs)
                y -= cell.leading
            x += width


@dataclass(frozen=True)
class Line:
    """One line of a block: runs drawn from `x` (relative to the block's inner left edge)."""

    runs: tuple[Run, ...]
    leading: float
    x: float = 0.0
    label: Run | None = None
    """Drawn at the block's left edge on the same baseline, as in "Holder   José Álvarez"."""


@dataclass
class Block:
    """Lines that stay together on one page, optionally in a shaded or outlined box."""

    width: float
    lines: list[Line] = field(default_factory=list)

    @property
    def height(self) -> float:
        return sum(line.leading for line in self.lines)

    def add(self, *runs: Run, leading: float, x: float = 0.0) -> None:
        self.lines.append(Line(tuple(runs), leading, x))

    def space(self, height: float) -> None:
        self.lines.append(Line((), height))

    def wrapped(
        self,
        text: str,
        font: str,
        size: float,
        *,
        leading: float,
        x: float = 0.0,
        gray: float = INK,
        bullet: str | None = None,
        label: Run | None = None,
    ) -> None:
        """Wrapped text starting at `x`; a label sits left of the first line, and a bullet hangs
        to the left of `x`."""
        available = self.width - x
        for index, line in enumerate(wrap(text, font, size, available)):
            body = Run(line, font, size, gray)
            if index == 0 and bullet:
                marker = Run(f"{bullet} ", font, size, gray)
                self.add(marker, body, leading=leading, x=x - marker.width)
            elif index == 0 and label:
                self.lines.append(Line((body,), leading, x, label))
            else:
                self.add(body, leading=leading, x=x)


def place_block(
    flow: Flow,
    block: Block,
    *,
    pad: float = 0.0,
    fill: float | None = None,
    stroke: float | None = None,
    line_width: float = 0.8,
    x: float | None = None,
    top: float | None = None,
) -> float:
    """Draw a block, boxed if asked; returns its outer height. With `top`, it is drawn at that
    height without moving the flow (for blocks side by side)."""
    outer = block.height + 2 * pad
    if top is None:
        top = flow.place(outer)
    left = flow.geometry.left if x is None else x
    width = block.width + 2 * pad
    if fill is not None or stroke is not None:

        def box(canvas: Canvas, top: float = top) -> None:
            if fill is not None:
                canvas.setFillGray(fill)
            if stroke is not None:
                canvas.setStrokeGray(stroke)
                canvas.setLineWidth(line_width)
            canvas.rect(
                left,
                top - outer,
                width,
                outer,
                stroke=int(stroke is not None),
                fill=int(fill is not None),
            )

        flow.draw(box)
    y = top - pad
    for line in block.lines:
        if line.runs:
            sizes = [run.size for run in line.runs]
            baseline = y - line.leading / 2 - 0.36 * max(sizes)
            runs = line.runs
            start = left + pad + line.x
            if line.label is not None:
                flow.text(left + pad, baseline, (line.label,))
            flow.text(start, baseline, runs)
        y -= line.leading
    return outer


@dataclass(frozen=True)
class Prose:
    """Fonts and sizes for running text: paragraphs, bullets, and commands in a fixed-width face."""

    font: str
    mono: str
    bold_mono: str
    size: float
    leading: float
    gap: float

    @classmethod
    def of(cls, fonts: Fonts, size: float, leading: float, gap: float) -> Prose:
        return cls(fonts.sans, fonts.mono, fonts.mono_bold, size, leading, gap)


def prose(flow: Flow, text: str, style: Prose) -> None:
    """Lay out template prose: blank lines part paragraphs, "- " starts a bullet, "$ " a command,
    "> " a value to compare (a fingerprint, a check code), set apart in bold fixed-width type.

    Lines of one paragraph are joined, so templates can be wrapped freely in the file. A lead-in
    ("must show this fingerprint:") is kept on the page of the value it introduces.
    """
    blocks = [_items(block) for block in text.strip().split("\n\n")]
    blocks = [items for items in blocks if items]
    flat = [(b, i) for b, items in enumerate(blocks) for i in range(len(items))]
    for position, (b, i) in enumerate(flat):
        kind, body = blocks[b][i]
        following = flat[position + 1] if position + 1 < len(flat) else None
        if following is not None and kind != ">" and blocks[following[0]][following[1]][0] == ">":
            lead = len(wrap(body, style.font, style.size, flow.geometry.content_width))
            flow.need(lead * style.leading + style.leading * 1.4 + style.gap)
        _item(flow, kind, body, style)
        if i == len(blocks[b]) - 1:
            flow.gap(style.gap)


def _items(block: str) -> list[tuple[str, str]]:
    lines = [line.strip() for line in block.strip().splitlines() if line.strip()]
    items: list[tuple[str, str]] = []
    for line in lines:
        if line.startswith(("- ", "$ ", "> ")):
            items.append((line[0], line[2:].strip()))
        elif items:
            items[-1] = (items[-1][0], f"{items[-1][1]} {line}")
        else:
            items.append(("", line))
    return items


def _item(flow: Flow, kind: str, body: str, style: Prose) -> None:
    if kind == "-":
        flow.paragraph(
            body, style.font, style.size, leading=style.leading, indent=1.4 * style.size, bullet="•"
        )
    elif kind == "$":
        flow.paragraph(body, style.mono, style.size, leading=style.leading, indent=2.5 * style.size)
    elif kind == ">":
        flow.paragraph(
            body,
            style.bold_mono,
            style.size * 1.3,
            leading=style.leading * 1.4,
            indent=2.5 * style.size,
        )
    else:
        flow.paragraph(body, style.font, style.size, leading=style.leading)


def draw_frame(
    canvas: Canvas,
    geometry: Geometry,
    *,
    band: str | None,
    footer: str,
    page: str,
    fonts: tuple[str, str],
) -> None:
    """What every page carries: the DEMO band (if any) in the top margin, and a footer that ties
    the page to its ceremony and plan, with its page number.

    The band sits above the content area, so it can never cover share words.
    """
    regular, bold = fonts
    canvas.saveState()
    if band is not None:
        top = geometry.height - EDGE
        canvas.setFillGray(0.12)
        canvas.rect(geometry.left, top - BAND, geometry.content_width, BAND, stroke=0, fill=1)
        canvas.setFillGray(1.0)
        canvas.setFont(bold, Size.DISPLAY)
        canvas.drawCentredString(geometry.width / 2, top - BAND / 2 - 4.6, band)
    canvas.setStrokeGray(RULE)
    canvas.setLineWidth(0.5)
    rule = EDGE + FOOTER - 2 * MM
    canvas.line(geometry.left, rule, geometry.right, rule)
    canvas.setFillGray(SOFT_INK)
    size = Size.NOTE
    page_width = text_width(page, regular, size)
    lines = wrap(footer, regular, size, geometry.content_width - page_width - 6 * MM)
    y = rule - 3.2 * MM
    for line in lines[:2]:
        canvas.setFont(regular, size)
        canvas.drawString(geometry.left, y, line)
        y -= size * 1.3
    canvas.setFont(regular, size)
    canvas.drawRightString(geometry.right, rule - 3.2 * MM, page)
    canvas.restoreState()


@dataclass(frozen=True)
class DocumentInfo:
    """PDF metadata: what the file is, shown by viewers. Never anything secret."""

    title: str
    subject: str
    font: str
    """Font a text object starts in; set so that no unembedded standard font is referenced."""


def render(
    pages: Sequence[Sequence[Draw]], size: PaperSize, info: DocumentInfo, frame: Frame
) -> bytes:
    """Draw laid-out pages into PDF bytes that depend only on the content.

    `invariant=1` fixes the creation date and derives the document ID from the content, which is
    what makes two renderings byte-identical.
    """
    buffer = io.BytesIO()
    canvas = Canvas(
        buffer, pagesize=size.points, invariant=1, pageCompression=1, initialFontName=info.font
    )
    canvas.setTitle(info.title)
    canvas.setSubject(info.subject)
    canvas.setAuthor("ceremony")
    canvas.setCreator("ceremony")
    total = len(pages)
    for number, steps in enumerate(pages, start=1):
        frame(canvas, number, total)
        for step in steps:
            # a line of text changes no state of the canvas: only the operators are written
            if type(step) is TextStep and step.write(canvas):
                continue
            canvas.saveState()
            step(canvas)
            canvas.restoreState()
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def render_framed(
    flow: Flow,
    size: PaperSize,
    geometry: Geometry,
    fonts: Fonts,
    *,
    footer: str,
    page_label: Callable[[int, int], str],
    band: str | None,
    title: str,
    subject: str,
) -> bytes:
    """`render` with the usual frame on every page: DEMO band, footer and "page N of M"."""

    def frame(canvas: Canvas, number: int, count: int) -> None:
        draw_frame(
            canvas,
            geometry,
            band=band,
            footer=footer,
            page=page_label(number, count),
            fonts=(fonts.sans, fonts.sans_bold),
        )

    info = DocumentInfo(title=title, subject=subject, font=fonts.sans)
    return render(flow.pages, size, info, frame)
