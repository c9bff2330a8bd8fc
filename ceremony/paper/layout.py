"""Pages as lists of drawing steps: laid out first, drawn second.

Laying out before drawing lets every page say "page 2 of 5", and lets a block that must stay whole
(the share words, a table row) move to the next page instead of splitting. Drawing goes through one
canvas set up for byte-identical output, so the same content always gives the same PDF and its
SHA-256 can be recorded.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts
from ceremony.paper.wording import Wording

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


def text_width(text: str, font: str, size: float) -> float:
    return float(stringWidth(text, font, size))


def wrap(text: str, font: str, size: float, width: float) -> list[str]:
    """Break `text` into lines no wider than `width`; words too long for a line are cut."""
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
    """Draw runs side by side in one text object, so text extraction reads them as one line."""
    text = canvas.beginText(x, y)
    for run in runs:
        text.setFont(run.font, run.size)
        text.setFillGray(run.gray)
        text.textOut(run.text)
    canvas.drawText(text)


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
        self.draw(partial(draw_runs, x=x, y=baseline, runs=tuple(runs)))

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
        canvas.setFont(bold, 13)
        canvas.drawCentredString(geometry.width / 2, top - BAND / 2 - 4.6, band)
    canvas.setStrokeGray(RULE)
    canvas.setLineWidth(0.5)
    rule = EDGE + FOOTER - 2 * MM
    canvas.line(geometry.left, rule, geometry.right, rule)
    canvas.setFillGray(SOFT_INK)
    size = 7.5
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


def title_with_tag(flow: Flow, fonts: Fonts, title: str, tag: str, *, filled: bool = False) -> None:
    """A document's title at the left and its PUBLIC / SECRET tag in a box at the right (a filled,
    reversed-out box for secret documents, so they are told apart at a glance)."""
    top = flow.place(26)
    left, right = flow.geometry.left, flow.geometry.right

    def draw(canvas: Canvas) -> None:
        draw_runs(canvas, left, top - 19, [Run(title, fonts.sans_bold, 20)])
        tag_width = text_width(tag, fonts.sans_bold, 11) + 6 * MM
        if filled:
            canvas.setFillGray(INK)
            canvas.rect(right - tag_width, top - 22, tag_width, 20, stroke=0, fill=1)
            canvas.setFillGray(1.0)
            canvas.setFont(fonts.sans_bold, 11)
            canvas.drawString(right - tag_width + 3 * MM, top - 16, tag)
        else:
            canvas.setLineWidth(1.4)
            canvas.rect(right - tag_width, top - 22, tag_width, 20, stroke=1, fill=0)
            draw_runs(canvas, right - tag_width + 3 * MM, top - 16, [Run(tag, fonts.sans_bold, 11)])

    flow.draw(draw)


def label_run(text: str, fonts: Fonts) -> Run:
    """The small grey label in front of a value in a table of facts."""
    return Run(text, fonts.sans, 8.5, SOFT_INK)


def add_fact(
    block: Block,
    fonts: Fonts,
    label: str,
    text: str,
    font: str,
    size: float,
    *,
    x: float,
    note: str | None = None,
    leading: float = 1.45,
    space: float = 2.5,
) -> None:
    """One row of a two-column table of facts: what the value is, the value, and an optional note
    in small grey type under it."""
    block.wrapped(text, font, size, leading=size * leading, x=x, label=label_run(label, fonts))
    if note:
        block.wrapped(note, fonts.sans, 7.5, leading=10, x=x, gray=SOFT_INK)
    block.space(space)


def render_document(
    flow: Flow,
    size: PaperSize,
    geometry: Geometry,
    fonts: Fonts,
    common: Wording,
    *,
    demo: bool,
    footer: str,
    title: str,
    subject: str,
) -> bytes:
    """`render_framed` for the ceremony's documents: "page N of M" and the DEMO band come from
    the shared wording (templates/paper/common.toml)."""
    return render_framed(
        flow,
        size,
        geometry,
        fonts,
        footer=footer,
        page_label=lambda page, pages: common.text("page", {"page": page, "pages": pages}),
        band=common.text("demo_band") if demo else None,
        title=title,
        subject=subject,
    )
