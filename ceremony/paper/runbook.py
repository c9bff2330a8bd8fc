"""A runbook as a PDF to work through with a pen: every numbered step in a row with a box to tick,
a time and initials; tables with space to write in; exception sheets; signature lines; and on every
page the runbook hash, so a loose page can be matched to its runbook and its ceremony.

The PDF is drawn from a parsed `Runbook` only: what it says was decided when the Markdown was
filled (`ceremony.model.runbook.fill`), and the hash printed is the SHA-256 of that filled text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import assert_never

from reportlab.pdfgen.canvas import Canvas

from ceremony.model.hashwords import hash_words
from ceremony.model.runbook import (
    Block,
    Bullets,
    Code,
    Numbered,
    Paragraph,
    Runbook,
    RunbookStep,
    Section,
    Steps,
    Table,
    is_blank,
)
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts, register
from ceremony.paper.layout import (
    INK,
    RULE,
    SHADE,
    SOFT_INK,
    Flow,
    Geometry,
    Run,
    render_framed,
    text_width,
)
from ceremony.paper.qr import QrCode

LABELS = {
    "done": "Done",
    "step": "Step",
    "action": "Action, and what the witness checks",
    "time": "Time",
    "initials": "Initials",
    "check": "Check: ",
    "hash": "Runbook hash",
    "hash_note": (
        "SHA-256 of this runbook's filled-in text (format ceremony-runbook/v1): the Markdown "
        "source with this ceremony's facts. `ceremony runbook render --markdown` writes that "
        "text, so `sha256sum` recomputes this hash; `ceremony runbook render --check` "
        "compares a printed kit with the record."
    ),
    "sheet": "Exception sheet {number} of {count}",
    "sheet_note": "{title} · ceremony {ceremony_id}. Attach this sheet to the runbook, used or not.",
    "sheet_columns": "Step|Time|What happened|Action taken|Initials",
    "footer": (
        "{title} · ceremony {ceremony_id} · runbook hash {short} "
        "(SHA-256 of the filled-in runbook text; ceremony runbook render --check verifies it)"
    ),
    "page": "page {page} of {pages}",
    "demo": "DEMO · NOT A REAL SECRET · DO NOT USE · DEMO",
}
"""The few words the PDF adds around the runbook's own text."""

BODY = 10.0
LEADING = 14.0
SMALL = 8.5
CODE = 9.0
WRITE_ROW = 10 * MM
"""Height of a table row left for handwriting."""
SIGN_ROW = 15 * MM
STEP_ROW = 11 * MM
"""Least height of a step row: room for initials and a time written by hand."""
SHEET_ROW = 16 * MM
SHEET_KEEP = 110 * MM
"""Room kept below the heading of a section with exception sheets, for its note and a first sheet."""
PAD = 1.6 * MM
MODULE = 1.8


@dataclass(frozen=True)
class RunbookMeta:
    """What the frame of every page says besides the runbook itself."""

    ceremony_name: str
    ceremony_id: str
    demo: bool = False


def render_runbook(runbook: Runbook, meta: RunbookMeta, size: PaperSize) -> bytes:
    """The runbook's PDF: deterministic bytes for the same runbook, meta and paper size."""
    fonts = register()
    geometry = Geometry.for_size(size, demo=meta.demo)
    flow = Flow(geometry)
    page = _Page(flow, fonts)
    page.title(runbook, meta)
    for block in runbook.intro:
        page.block(block)
    for section in runbook.sections:
        page.section(section, runbook, meta)

    short = f"{runbook.sha256[:8]} {runbook.sha256[8:16]}"
    footer = LABELS["footer"].format(title=runbook.title, ceremony_id=meta.ceremony_id, short=short)
    band = LABELS["demo"] if meta.demo else None

    return render_framed(
        flow,
        size,
        geometry,
        fonts,
        footer=footer,
        page_label=lambda number, pages: LABELS["page"].format(page=number, pages=pages),
        band=band,
        title=f"{runbook.title}: {meta.ceremony_name}",
        subject=f"ceremony {meta.ceremony_id}; runbook hash {runbook.sha256}",
    )


# ---------------------------------------------------------------- inline text


@dataclass(frozen=True)
class Piece:
    text: str
    kind: str
    """'plain', 'bold', 'code' or 'soft' (Markdown emphasis, printed in grey)."""


def inline(text: str) -> list[Piece]:
    """`**bold**`, `` `code` ``, `*emphasis*` and backslash escapes, as pieces of one style each."""
    pieces: list[Piece] = []
    buffer: list[str] = []
    kind = "plain"
    bold = soft = False
    index = 0

    def flush(next_kind: str) -> None:
        nonlocal kind
        if buffer:
            pieces.append(Piece("".join(buffer), kind))
            buffer.clear()
        kind = next_kind

    while index < len(text):
        char = text[index]
        if kind == "code":
            if char == "`":
                flush("bold" if bold else "soft" if soft else "plain")
            else:
                buffer.append(char)
            index += 1
            continue
        if char == "\\" and index + 1 < len(text):
            buffer.append(text[index + 1])
            index += 2
            continue
        if char == "`":
            flush("code")
        elif text.startswith("**", index):
            bold = not bold
            flush("bold" if bold else "soft" if soft else "plain")
            index += 1
        elif char == "*":
            soft = not soft
            flush("bold" if bold else "soft" if soft else "plain")
        else:
            buffer.append(char)
        index += 1
    flush("plain")
    return pieces


def plain_text(text: str) -> str:
    return "".join(piece.text for piece in inline(text))


@dataclass(frozen=True)
class TextStyle:
    """Fonts and size for one kind of running text."""

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
        parts = re.split(r"( +)", piece.text)
        for part in parts:
            if not part:
                continue
            if part.startswith(" "):
                words.append([])
            else:
                words[-1].append(Piece(part, piece.kind))
    words = [word for word in words if word]
    space = text_width(" ", style.fonts.sans, style.size)
    lines: list[list[Piece]] = []
    current: list[Piece] = []
    used = 0.0
    for word in words:
        for chunk in _cut(word, style, width):
            size = _width(chunk, style)
            if current and used + space + size > width:
                lines.append(current)
                current, used = [], 0.0
            if current:
                current.append(
                    Piece(" ", current[-1].kind if chunk[0].kind == current[-1].kind else "plain")
                )
                used += space
            current.extend(chunk)
            used += size
    if current or not lines:
        lines.append(current)
    return [_merge(line, style) for line in lines]


def _width(word: Sequence[Piece], style: TextStyle) -> float:
    return sum(style.run(piece.text, piece.kind).width for piece in word)


def _cut(word: list[Piece], style: TextStyle, width: float) -> list[list[Piece]]:
    """A word wider than the line, cut into pieces that fit (long hashes, paths)."""
    if _width(word, style) <= width:
        return [word]
    chars = [(char, piece.kind) for piece in word for char in piece.text]
    chunks: list[list[Piece]] = []
    current: list[tuple[str, str]] = []
    for char, kind in chars:
        trial = [*current, (char, kind)]
        if current and _width([Piece(c, k) for c, k in trial], style) > width:
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


# ---------------------------------------------------------------- the page


@dataclass(frozen=True)
class _Cell:
    lines: tuple[tuple[Run, ...], ...]
    leading: float

    @property
    def height(self) -> float:
        return len(self.lines) * self.leading


class _Page:
    """Lays out one runbook on a Flow."""

    def __init__(self, flow: Flow, fonts: Fonts) -> None:
        self.flow = flow
        self.fonts = fonts
        self.body = TextStyle(fonts, BODY)
        self.after_sheets = False
        """An exception sheet filled the last page: what follows starts on a new one."""

    @property
    def left(self) -> float:
        return self.flow.geometry.left

    @property
    def width(self) -> float:
        return self.flow.geometry.content_width

    # -- text

    def lines(
        self,
        lines: Sequence[tuple[Run, ...]],
        leading: float,
        *,
        x: float = 0.0,
        keep: bool = False,
    ) -> None:
        if keep or len(lines) <= 4:
            self.flow.need(len(lines) * leading)
        for runs in lines:
            self.flow.runs(runs, leading=leading, x=self.left + x)

    def text(self, text: str, style: TextStyle | None = None, *, indent: float = 0.0) -> None:
        style = style or self.body
        wrapped = wrap_runs(inline(text), style, self.width - indent)
        self.lines(wrapped, style.size * 1.4, x=indent)

    def marked(self, marker: str, text: str, indent: float) -> None:
        """A list item: the marker hangs left of the text, which wraps under itself."""
        wrapped = wrap_runs(inline(text), self.body, self.width - indent)
        self.flow.need((len(wrapped) if len(wrapped) <= 4 else 3) * LEADING)
        first = Run(marker, self.fonts.sans, BODY)
        baseline = self.flow.y - LEADING / 2 - 0.36 * BODY
        self.flow.text(self.left + indent - first.width - 1.5 * MM, baseline, (first,))
        self.lines(wrapped, LEADING, x=indent)

    def heading(self, text: str, size: float, *, before: float, keep: float) -> None:
        self.flow.gap(before)
        wrapped = wrap_runs(inline(text), TextStyle(self.fonts, size, bold=True), self.width)
        self.flow.need(len(wrapped) * size * 1.35 + keep)
        self.lines(wrapped, size * 1.35)
        self.flow.gap(1.5 * MM)

    # -- the first page

    def title(self, runbook: Runbook, meta: RunbookMeta) -> None:
        flow = self.flow
        self.lines(
            wrap_runs(inline(runbook.title), TextStyle(self.fonts, 20, bold=True), self.width), 26
        )
        subtitle = f"{meta.ceremony_name} · ceremony {meta.ceremony_id}"
        self.text(subtitle, TextStyle(self.fonts, 11, SOFT_INK))
        flow.gap(2 * MM)
        code = QrCode.encode(runbook.sha256)
        side = code.side(MODULE)
        inner = self.width - side - 4 * MM
        mono = TextStyle(self.fonts, 9.5)
        lines: list[tuple[Run, ...]] = [(Run(LABELS["hash"], self.fonts.sans_bold, 9.5),)]
        digest = runbook.sha256
        lines.append(
            (Run(" ".join(digest[i : i + 8] for i in range(0, 64, 8)), self.fonts.mono, 9.5),)
        )
        lines.extend(wrap_runs(inline(hash_words(bytes.fromhex(digest))), mono, inner))
        note = TextStyle(self.fonts, 7.5, SOFT_INK)
        lines.extend(wrap_runs(inline(LABELS["hash_note"]), note, inner))
        height = max(side, 13 + 12 * 2 + (len(lines) - 3) * 10) + 2 * PAD
        top = flow.place(height)
        left = self.left
        flow.draw(partial(_box, x=left, y=top - height, width=self.width, height=height))
        y = top - PAD - 10
        for index, runs in enumerate(lines):
            flow.text(left + 2 * MM, y, runs)
            y -= 12 if index < 3 else 10
        flow.draw(
            partial(
                code.draw,
                x=left + self.width - side,
                y=top - height + (height - side) / 2,
                module=MODULE,
            )
        )
        flow.gap(4 * MM)

    # -- blocks

    def section(self, section: Section, runbook: Runbook, meta: RunbookMeta) -> None:
        if self.after_sheets:
            self.flow.new_page()
            self.after_sheets = False
        size = 13.0 if section.level == 2 else 11.0
        if section.title.lower().startswith("attestation"):
            self.flow.need(95 * MM)
        keep = (
            80.0 if any(isinstance(block, Steps | Table) for block in section.blocks[:1]) else 30.0
        )
        if section.exception_sheets:
            keep = SHEET_KEEP  # the heading, its note and a first sheet stay together
        self.heading(
            section.title, size, before=5 * MM if section.level == 2 else 3 * MM, keep=keep
        )
        for block in section.blocks:
            self.block(block)
        for number in range(1, section.exception_sheets + 1):
            self.exception_sheet(
                number, section.exception_sheets, runbook, meta, fresh_page=number > 1
            )

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.text(block.text)
            self.flow.gap(2 * MM)
        elif isinstance(block, Bullets):
            for item in block.items:
                self.marked("•", item.replace("\n", " "), 5 * MM)
            self.flow.gap(2 * MM)
        elif isinstance(block, Numbered):
            for number, item in block.items:
                self.marked(f"{number}.", item.replace("\n", " "), 7 * MM)
            self.flow.gap(2 * MM)
        elif isinstance(block, Code):
            self.code(block.lines)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Steps):
            self.steps(block.steps)
        else:
            assert_never(block)

    def code(self, lines: Sequence[str]) -> None:
        style = TextStyle(self.fonts, CODE)
        wrapped: list[tuple[Run, ...]] = []
        for line in lines or ("",):
            pieces = [Piece(line, "code")] if line else [Piece(" ", "code")]
            wrapped.extend(wrap_runs(pieces, style, self.width - 6 * MM))
        leading = CODE * 1.45
        start = 0
        while start < len(wrapped):
            self.flow.need(min(len(wrapped) - start, 3) * leading + 2 * PAD)
            fits = max(1, int((self.flow.room - 2 * PAD) // leading))
            chunk = wrapped[start : start + fits]
            height = len(chunk) * leading + 2 * PAD
            top = self.flow.place(height)
            self.flow.draw(
                partial(_shade, x=self.left, y=top - height, width=self.width, height=height)
            )
            y = top - PAD
            for runs in chunk:
                self.flow.text(self.left + 3 * MM, y - leading / 2 - 0.36 * CODE, runs)
                y -= leading
            start += len(chunk)
        self.flow.gap(3 * MM)

    # -- tables

    def table(self, table: Table) -> None:
        columns = len(table.header)
        widths = self._column_widths(table)
        head_style = TextStyle(self.fonts, SMALL, bold=True)
        cell_style = TextStyle(self.fonts, 9.0)
        minimum = SIGN_ROW if table.kind == "signatures" else WRITE_ROW

        def cells(row: Sequence[str], style: TextStyle) -> list[_Cell]:
            return [
                _Cell(
                    tuple(wrap_runs(inline(text), style, width - 2 * PAD))
                    if not is_blank(text)
                    else (),
                    style.size * 1.35,
                )
                for text, width in zip(row, widths, strict=True)
            ]

        header = cells(table.header, head_style)
        header_height = max(cell.height for cell in header) + 2 * PAD
        pages: set[int] = set()

        def draw_header() -> None:
            self._row(header, widths, header_height, shade=True)
            pages.add(self.flow.page_count)

        for row in table.rows:
            body = cells((*row, *("",) * columns)[:columns], cell_style)
            height = max(cell.height for cell in body) + 2 * PAD
            if any(is_blank(text) for text in row):
                height = max(height, minimum)
            extra = 0.0 if self.flow.page_count in pages else header_height
            self.flow.need(height + extra)
            if self.flow.page_count not in pages:
                draw_header()
            self._row(body, widths, height)
        if not table.rows:
            draw_header()
        self.flow.gap(4 * MM)

    def _column_widths(self, table: Table) -> list[float]:
        """Each column gets what its longest word needs (and room to write, if it has blanks),
        then the rest of the width in proportion to how much more its text would take. A word,
        or a code such as a check code or "3 of 8", is never broken while the words fit at all."""
        style = TextStyle(self.fonts, 9.0)
        bold = TextStyle(self.fonts, 9.0, bold=True)
        natural: list[float] = []
        least: list[float] = []
        words: list[float] = []
        for index, heading in enumerate(table.header):
            texts = [heading, *(row[index] for row in table.rows if index < len(row))]
            blank = any(is_blank(row[index]) for row in table.rows if index < len(row))
            longest = max(_width(inline(text), style) for text in texts) + 2 * PAD
            word = max(
                _width(inline(part), bold if text is heading else style)
                for text in texts
                if not is_blank(text)
                for part in _words(text)
            )
            floor = 22 * MM if blank else 14 * MM
            natural.append(max(longest, floor))
            words.append(
                min(natural[-1], max(word + 2 * PAD, floor) if blank else word + 2 * PAD, LONG_WORD)
            )
            least.append(min(natural[-1], max(word + 2 * PAD, floor, 25 * MM)))
        spare = self.width - sum(least)
        extra = [n - m for n, m in zip(natural, least, strict=True)]
        if spare <= 0:
            room = self.width - sum(words)
            if room <= 0:
                return [w * self.width / sum(words) for w in words]
            give = [m - w for m, w in zip(least, words, strict=True)]
            return [w + room * g / sum(give) for w, g in zip(words, give, strict=True)]
        if sum(extra) <= spare:
            blanks = [
                i
                for i in range(len(natural))
                if any(is_blank(r[i]) for r in table.rows if i < len(r))
            ]
            share = blanks or list(range(len(natural)))
            left = spare - sum(extra)
            return [n + (left / len(share) if i in share else 0.0) for i, n in enumerate(natural)]
        return [m + spare * e / sum(extra) for m, e in zip(least, extra, strict=True)]

    def _row(
        self, cells: Sequence[_Cell], widths: Sequence[float], height: float, *, shade: bool = False
    ) -> None:
        top = self.flow.place(height)
        left = self.left
        if shade:
            self.flow.draw(
                partial(_shade, x=left, y=top - height, width=sum(widths), height=height)
            )
        self.flow.draw(partial(_grid, x=left, top=top, widths=tuple(widths), height=height))
        x = left
        for cell, width in zip(cells, widths, strict=True):
            y = top - PAD
            for runs in cell.lines:
                size = max(run.size for run in runs)
                self.flow.text(x + PAD, y - cell.leading / 2 - 0.36 * size, runs)
                y -= cell.leading
            x += width

    # -- steps

    def steps(self, steps: Sequence[RunbookStep]) -> None:
        box, ident, time, initials = 11 * MM, 11 * MM, 17 * MM, 17 * MM
        text_width_ = self.width - box - ident - time - initials
        widths = (box, ident, text_width_, time, initials)
        head = TextStyle(self.fonts, 7, SOFT_INK, bold=True)
        labels = (
            LABELS["done"],
            LABELS["step"],
            LABELS["action"],
            LABELS["time"],
            LABELS["initials"],
        )
        header = [
            _Cell(tuple(wrap_runs(inline(label), head, w - 2 * PAD)), 10)
            for label, w in zip(labels, widths, strict=True)
        ]
        header_height = max(cell.height for cell in header) + 2 * PAD
        pages: set[int] = set()
        for step in steps:
            cell = self._step_cell(step, text_width_ - 2 * PAD)
            height = max(STEP_ROW, cell.height + 2 * PAD)
            self.flow.need(height + (0.0 if self.flow.page_count in pages else header_height))
            if self.flow.page_count not in pages:
                self._row(header, widths, header_height, shade=True)
                pages.add(self.flow.page_count)
            top = self.flow.y
            ident_cell = _Cell(((Run(step.id, self.fonts.mono_bold, 10.5),),), 14)
            self._row([_Cell((), 0), ident_cell, cell, _Cell((), 0), _Cell((), 0)], widths, height)
            self.flow.draw(
                partial(
                    _checkbox,
                    x=self.left + (box - 4.2 * MM) / 2,
                    y=top - PAD - 5.2 * MM,
                    side=4.2 * MM,
                )
            )
        self.flow.gap(4 * MM)

    def _step_cell(self, step: RunbookStep, width: float) -> _Cell:
        """Who (and when), the action, then the check in smaller type: as one column of lines."""
        lines: list[tuple[Run, ...]] = []
        label = " · ".join(part for part in (step.who.upper(), step.note) if part)
        if label:
            lines.append((Run(label, self.fonts.sans_bold, 7, SOFT_INK),))
        lines.extend(wrap_runs(inline(step.text), self.body, width))
        if step.check:
            check = TextStyle(self.fonts, SMALL, SOFT_INK)
            pieces = [Piece(LABELS["check"].strip(), "bold"), *inline(" " + step.check)]
            lines.extend(wrap_runs(pieces, check, width))
        # One leading for all lines keeps the arithmetic simple; small lines sit a little apart.
        return _Cell(tuple(lines), 13.0)

    # -- exception sheets

    def exception_sheet(
        self,
        number: int,
        count: int,
        runbook: Runbook,
        meta: RunbookMeta,
        *,
        fresh_page: bool = True,
    ) -> None:
        if fresh_page or self.flow.room < SHEET_KEEP - 20 * MM:
            self.flow.new_page()
        self.heading(LABELS["sheet"].format(number=number, count=count), 14, before=4 * MM, keep=0)
        self.text(
            LABELS["sheet_note"].format(title=runbook.title, ceremony_id=meta.ceremony_id),
            TextStyle(self.fonts, 9, SOFT_INK),
        )
        self.flow.gap(2 * MM)
        header = tuple(LABELS["sheet_columns"].split("|"))
        widths_share = (0.09, 0.1, 0.38, 0.31, 0.12)
        widths = [self.width * share for share in widths_share]
        head = TextStyle(self.fonts, SMALL, bold=True)
        cells = [
            _Cell(tuple(wrap_runs(inline(text), head, w - 2 * PAD)), 11)
            for text, w in zip(header, widths, strict=True)
        ]
        header_height = max(cell.height for cell in cells) + 2 * PAD
        self._row(cells, widths, header_height, shade=True)
        empty = [_Cell((), 0)] * len(header)
        while self.flow.room >= SHEET_ROW:
            self._row(empty, widths, SHEET_ROW)
        self.after_sheets = True


LONG_WORD = 25 * MM
"""A word wider than this (a long name, a long bag serial) may break; shorter ones never do."""
UNBROKEN = re.compile(r"^(\d+ of \d+|[0-9A-F]{4}-[0-9A-F]{4})$")
"""Cell texts kept on one line as a whole: a share's place ("3 of 8") and a check code."""


def _words(text: str) -> list[str]:
    """The pieces a cell may break between."""
    if UNBROKEN.match(text.strip()):
        return [text.strip()]
    return text.split() or [""]


# ---------------------------------------------------------------- drawing


def _box(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1.0)
    canvas.rect(x, y, width, height, stroke=1, fill=0)


def _shade(canvas: Canvas, x: float, y: float, width: float, height: float) -> None:
    canvas.setFillGray(SHADE)
    canvas.rect(x, y, width, height, stroke=0, fill=1)


def _grid(canvas: Canvas, x: float, top: float, widths: tuple[float, ...], height: float) -> None:
    canvas.setStrokeGray(RULE)
    canvas.setLineWidth(0.6)
    canvas.rect(x, top - height, sum(widths), height, stroke=1, fill=0)
    edge = x
    for width in widths[:-1]:
        edge += width
        canvas.line(edge, top, edge, top - height)


def _checkbox(canvas: Canvas, x: float, y: float, side: float) -> None:
    canvas.setStrokeGray(INK)
    canvas.setLineWidth(1.1)
    canvas.rect(x, y, side, side, stroke=1, fill=0)
