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

from ceremony.model.hashwords import hash_words
from ceremony.model.runbook import (
    Block,
    Bullets,
    Code,
    Numbered,
    Paragraph,
    Piece,
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
    CELL_PAD,
    SOFT_INK,
    Cell,
    Flow,
    Geometry,
    Page,
    Run,
    Size,
    TextStyle,
    draw_box,
    draw_checkbox,
    pieces_width,
    render_framed,
    wrap_runs,
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

BODY = Size.BODY
LEADING = 14.0
SMALL = Size.LABEL
CODE = Size.TABLE
WRITE_ROW = 10 * MM
"""Height of a table row left for handwriting."""
SIGN_ROW = 15 * MM
STEP_ROW = 11 * MM
"""Least height of a step row: room for initials and a time written by hand."""
SHEET_ROW = 16 * MM
SHEET_KEEP = 110 * MM
"""Room kept below the heading of a section with exception sheets, for its note and a first sheet."""
PAD = CELL_PAD
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


# ---------------------------------------------------------------- the page


class _Page(Page):
    """Lays out one runbook on a Flow."""

    def __init__(self, flow: Flow, fonts: Fonts) -> None:
        super().__init__(flow, fonts, body=BODY, leading=LEADING)
        self.after_sheets = False
        """An exception sheet filled the last page: what follows starts on a new one."""

    # -- the first page

    def title(self, runbook: Runbook, meta: RunbookMeta) -> None:
        flow = self.flow
        self.lines(
            wrap_runs(
                inline(runbook.title), TextStyle(self.fonts, Size.TITLE, bold=True), self.width
            ),
            26,
        )
        subtitle = f"{meta.ceremony_name} · ceremony {meta.ceremony_id}"
        self.text(inline(subtitle), TextStyle(self.fonts, Size.LEAD, SOFT_INK))
        flow.gap(2 * MM)
        code = QrCode.encode(runbook.sha256)
        side = code.side(MODULE)
        inner = self.width - side - 4 * MM
        mono = TextStyle(self.fonts, Size.PROSE)
        lines: list[tuple[Run, ...]] = [(Run(LABELS["hash"], self.fonts.sans_bold, Size.PROSE),)]
        digest = runbook.sha256
        lines.append(
            (
                Run(
                    " ".join(digest[i : i + 8] for i in range(0, 64, 8)),
                    self.fonts.mono,
                    Size.PROSE,
                ),
            )
        )
        lines.extend(wrap_runs(inline(hash_words(bytes.fromhex(digest))), mono, inner))
        note = TextStyle(self.fonts, Size.NOTE, SOFT_INK)
        lines.extend(wrap_runs(inline(LABELS["hash_note"]), note, inner))
        height = max(side, 13 + 12 * 2 + (len(lines) - 3) * 10) + 2 * PAD
        top = flow.place(height)
        left = self.left
        flow.draw(partial(draw_box, x=left, y=top - height, width=self.width, height=height))
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
        size = Size.DISPLAY if section.level == 2 else Size.LEAD
        if section.title.lower().startswith("attestation"):
            self.flow.need(95 * MM)
        keep = (
            80.0 if any(isinstance(block, Steps | Table) for block in section.blocks[:1]) else 30.0
        )
        if section.exception_sheets:
            keep = SHEET_KEEP  # the heading, its note and a first sheet stay together
        self.heading(
            inline(section.title), size, before=5 * MM if section.level == 2 else 3 * MM, keep=keep
        )
        for block in section.blocks:
            self.block(block)
        for number in range(1, section.exception_sheets + 1):
            self.exception_sheet(
                number, section.exception_sheets, runbook, meta, fresh_page=number > 1
            )

    def block(self, block: Block) -> None:
        if isinstance(block, Paragraph):
            self.text(inline(block.text))
            self.flow.gap(2 * MM)
        elif isinstance(block, Bullets):
            for item in block.items:
                self.marked("•", inline(item.replace("\n", " ")), 5 * MM)
            self.flow.gap(2 * MM)
        elif isinstance(block, Numbered):
            for number, item in block.items:
                self.marked(f"{number}.", inline(item.replace("\n", " ")), 7 * MM)
            self.flow.gap(2 * MM)
        elif isinstance(block, Code):
            self.code(block.lines, CODE)
        elif isinstance(block, Table):
            self.table(block)
        elif isinstance(block, Steps):
            self.steps(block.steps)
        else:
            assert_never(block)

    # -- tables

    def table(self, table: Table) -> None:
        columns = len(table.header)
        widths = self._column_widths(table)
        head_style = TextStyle(self.fonts, SMALL, bold=True)
        cell_style = TextStyle(self.fonts, Size.TABLE)
        minimum = SIGN_ROW if table.kind == "signatures" else WRITE_ROW

        def cells(row: Sequence[str], style: TextStyle) -> list[Cell]:
            return [
                Cell(
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
            self.row(header, widths, header_height, shade=True)
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
            self.row(body, widths, height)
        if not table.rows:
            draw_header()
        self.flow.gap(4 * MM)

    def _column_widths(self, table: Table) -> list[float]:
        """Each column gets what its longest word needs (and room to write, if it has blanks),
        then the rest of the width in proportion to how much more its text would take. A word,
        or a code such as a check code or "3 of 8", is never broken while the words fit at all."""
        style = TextStyle(self.fonts, Size.TABLE)
        bold = TextStyle(self.fonts, Size.TABLE, bold=True)
        natural: list[float] = []
        least: list[float] = []
        words: list[float] = []
        for index, heading in enumerate(table.header):
            texts = [heading, *(row[index] for row in table.rows if index < len(row))]
            blank = any(is_blank(row[index]) for row in table.rows if index < len(row))
            longest = max(pieces_width(inline(text), style) for text in texts) + 2 * PAD
            word = max(
                pieces_width(inline(part), bold if text is heading else style)
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

    # -- steps

    def steps(self, steps: Sequence[RunbookStep]) -> None:
        box, ident, time, initials = 11 * MM, 11 * MM, 17 * MM, 17 * MM
        text_width_ = self.width - box - ident - time - initials
        widths = (box, ident, text_width_, time, initials)
        head = TextStyle(self.fonts, Size.CAPTION, SOFT_INK, bold=True)
        labels = (
            LABELS["done"],
            LABELS["step"],
            LABELS["action"],
            LABELS["time"],
            LABELS["initials"],
        )
        header = [
            Cell(tuple(wrap_runs(inline(label), head, w - 2 * PAD)), 10)
            for label, w in zip(labels, widths, strict=True)
        ]
        header_height = max(cell.height for cell in header) + 2 * PAD
        pages: set[int] = set()
        for step in steps:
            cell = self._step_cell(step, text_width_ - 2 * PAD)
            height = max(STEP_ROW, cell.height + 2 * PAD)
            self.flow.need(height + (0.0 if self.flow.page_count in pages else header_height))
            if self.flow.page_count not in pages:
                self.row(header, widths, header_height, shade=True)
                pages.add(self.flow.page_count)
            top = self.flow.y
            ident_cell = Cell(((Run(step.id, self.fonts.mono_bold, Size.STRONG),),), 14)
            self.row([Cell((), 0), ident_cell, cell, Cell((), 0), Cell((), 0)], widths, height)
            self.flow.draw(
                partial(
                    draw_checkbox,
                    x=self.left + (box - 4.2 * MM) / 2,
                    y=top - PAD - 5.2 * MM,
                    side=4.2 * MM,
                )
            )
        self.flow.gap(4 * MM)

    def _step_cell(self, step: RunbookStep, width: float) -> Cell:
        """Who (and when), the action, then the check in smaller type: as one column of lines."""
        lines: list[tuple[Run, ...]] = []
        label = " · ".join(part for part in (step.who.upper(), step.note) if part)
        if label:
            lines.append((Run(label, self.fonts.sans_bold, Size.CAPTION, SOFT_INK),))
        lines.extend(wrap_runs(inline(step.text), self.body, width))
        if step.check:
            check = TextStyle(self.fonts, SMALL, SOFT_INK)
            pieces = [Piece(LABELS["check"].strip(), "bold"), *inline(" " + step.check)]
            lines.extend(wrap_runs(pieces, check, width))
        # One leading for all lines keeps the arithmetic simple; small lines sit a little apart.
        return Cell(tuple(lines), 13.0)

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
        self.heading(
            inline(LABELS["sheet"].format(number=number, count=count)),
            Size.SHEET,
            before=4 * MM,
            keep=0,
        )
        self.text(
            inline(LABELS["sheet_note"].format(title=runbook.title, ceremony_id=meta.ceremony_id)),
            TextStyle(self.fonts, Size.TABLE, SOFT_INK),
        )
        self.flow.gap(2 * MM)
        header = tuple(LABELS["sheet_columns"].split("|"))
        widths_share = (0.09, 0.1, 0.38, 0.31, 0.12)
        widths = [self.width * share for share in widths_share]
        head = TextStyle(self.fonts, SMALL, bold=True)
        cells = [
            Cell(tuple(wrap_runs(inline(text), head, w - 2 * PAD)), 11)
            for text, w in zip(header, widths, strict=True)
        ]
        header_height = max(cell.height for cell in cells) + 2 * PAD
        self.row(cells, widths, header_height, shade=True)
        empty = [Cell((), 0)] * len(header)
        while self.flow.room >= SHEET_ROW:
            self.row(empty, widths, SHEET_ROW)
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
