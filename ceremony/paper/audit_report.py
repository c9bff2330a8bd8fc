"""The printed audit report: every check with its result and reason, and lines for the auditor to sign.

It is filed beside the ceremony record, so it says which kit and ceremony it audited, shows the
transcript head as words for comparison with the initialled record, puts failures where nobody can
miss them (a black band, the FAIL cells reversed out), and keeps each check's row whole on a page.
Rendered from plain values, deterministic: the same results give byte-identical PDFs, with no date
in them (the auditor writes it beside their signature).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from functools import partial

from ceremony.errors import BadInput
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.document import Document, add_fact, heading, sign_here, titled
from ceremony.paper.fonts import Fonts
from ceremony.paper.layout import (
    INK,
    SOFT_INK,
    Block,
    Flow,
    Run,
    Size,
    draw_fill,
    place_block,
    prose,
    wrap,
)
from ceremony.paper.wording import Wording

STATUSES = ("pass", "fail", "skipped")
LABEL = 38 * MM
"""Width of the label column in the facts table."""
STATUS_WIDTH = 17 * MM
NAME_WIDTH = 62 * MM
ROW_SIZE = Size.SMALL
ROW_LEADING = 10.5
PAD = 2.0


@dataclass(frozen=True)
class AuditRow:
    """One check as printed: its stable name, pass/fail/skipped, and the one-line reason."""

    name: str
    status: str
    detail: str

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise _bad(f"a check's status is one of {', '.join(STATUSES)}")


@dataclass(frozen=True)
class AuditSheet:
    """What the audit report shows. Public: names, hashes and reasons, never a share."""

    kit: str
    ceremony_name: str
    ceremony_id: str
    plan_hash_hex: str
    plan_hash_words: str
    transcript_head_words: str
    tool: str
    rows: tuple[AuditRow, ...]
    demo: bool = False
    unanchored: tuple[str, ...] = ()
    """What no anchor covered; an audit without failures is "anchored" only when this is empty."""

    def __post_init__(self) -> None:
        if not self.rows:
            raise _bad("an audit report lists at least one check")

    def count(self, status: str) -> int:
        return sum(1 for row in self.rows if row.status == status)

    @property
    def passed(self) -> bool:
        return self.count("fail") == 0


def _bad(message: str) -> BadInput:
    return BadInput(message, "this is a bug in the caller of the paper module; please report it")


def template_values(sheet: AuditSheet, wording: Wording) -> dict[str, object]:
    unknown = wording.text("unknown")
    values: dict[str, object] = {
        field.name: getattr(sheet, field.name) for field in fields(sheet) if field.name != "rows"
    }
    values["ceremony_name"] = sheet.ceremony_name or unknown
    values["ceremony_id"] = sheet.ceremony_id or unknown
    values.update(
        checks=len(sheet.rows),
        passed=sheet.count("pass"),
        failed=sheet.count("fail"),
        skipped=sheet.count("skipped"),
    )
    return values


def render_audit_report(sheet: AuditSheet, size: PaperSize) -> bytes:
    """The audit report's PDF: deterministic bytes, as many pages as the checks need."""
    doc = Document.start("audit.toml", size, demo=sheet.demo)
    flow, fonts, wording = doc.flow, doc.fonts, doc.wording
    values = template_values(sheet, wording)

    titled(
        flow,
        fonts,
        wording.text("title"),
        wording.text("public_tag"),
        wording.text("public_note", values),
    )
    _facts(flow, sheet, fonts, wording, values)
    _verdict(flow, sheet, fonts, wording, values)
    _checks(flow, sheet, fonts, wording, values)
    style = doc.prose(Size.TABLE, 12.5, MM)
    for note in wording.tables("notes"):
        heading(flow, fonts, note.text("heading", values))
        prose(flow, note.text("body", values), style)
    flow.gap(3 * MM)
    _signature(flow, fonts, wording, values)

    footer = doc.footer(
        wording.text("document"), values["ceremony_id"], sheet.plan_hash_words or "-"
    )
    return doc.pdf(
        footer=footer,
        title=f"{wording.text('title')}: {values['ceremony_name']}",
        subject=f"ceremony {values['ceremony_id']}; {wording.text('public_tag')}",
    )


def _facts(
    flow: Flow, sheet: AuditSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    facts = Block(flow.geometry.content_width)

    def fact(key: str, text: str, font: str, size: float, *, note: str | None = None) -> None:
        add_fact(facts, fonts, wording.text(f"facts.{key}"), text, font, size, x=LABEL, note=note)

    fact("ceremony", str(values["ceremony_name"]), fonts.sans_bold, Size.LEAD)
    fact("ceremony_id", str(values["ceremony_id"]), fonts.mono_bold, Size.STRONG)
    fact("kit", sheet.kit, fonts.mono, Size.TABLE)
    if sheet.plan_hash_hex:
        fact("plan_hash", sheet.plan_hash_hex, fonts.mono, Size.LABEL)
        fact("plan_words", sheet.plan_hash_words, fonts.sans, Size.PROSE)
    if sheet.transcript_head_words:
        fact(
            "transcript_head",
            sheet.transcript_head_words,
            fonts.mono_bold,
            Size.LEAD,
            note=wording.text("facts.transcript_note", values),
        )
    fact("tool", sheet.tool, fonts.sans, Size.PROSE)
    place_block(flow, facts)
    flow.gap(3 * MM)


def _verdict(
    flow: Flow, sheet: AuditSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """One line that cannot be missed: all passed, or how many failed (reversed out in black)."""
    width = flow.geometry.content_width
    block = Block(width - 6 * MM)
    key = "verdict.failed"
    if sheet.passed:
        key = "verdict.unanchored" if sheet.unanchored else "verdict.anchored"
    gray = INK if sheet.passed else 1.0
    block.wrapped(wording.text(key, values), fonts.sans_bold, Size.HEADING, leading=16, gray=gray)
    if sheet.passed and sheet.unanchored:
        note = wording.text("verdict.unanchored_note", values)
        for line in (note, *(f"• {item}" for item in sheet.unanchored)):
            block.wrapped(line, fonts.sans, Size.LABEL, leading=11, gray=INK)
    if sheet.count("skipped"):
        block.wrapped(
            wording.text("verdict.skipped_note", values),
            fonts.sans,
            Size.LABEL,
            leading=11,
            gray=SOFT_INK if sheet.passed else 1.0,
        )
    place_block(
        flow,
        block,
        pad=3 * MM,
        fill=None if sheet.passed else INK,
        stroke=INK,
        line_width=1.4,
    )
    flow.gap(5 * MM)


def _checks(
    flow: Flow, sheet: AuditSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """One row per check: result, name, reason. A row stays whole; the header repeats per page."""
    width = flow.geometry.content_width
    note = Block(width)
    note.wrapped(
        wording.text("checks.note", values), fonts.sans, Size.LABEL, leading=11, gray=SOFT_INK
    )
    flow.need(17 + note.height + HEADER_HEIGHT + 3 * ROW_LEADING)
    heading(flow, fonts, wording.text("checks.heading", values))
    place_block(flow, note)
    flow.gap(1.5 * MM)
    pages_with_header: set[int] = set()
    for index, row in enumerate(sheet.rows):
        names = wrap(row.name, fonts.mono, Size.NOTE, NAME_WIDTH - 2 * PAD)
        details = wrap(row.detail, fonts.sans, ROW_SIZE, width - DETAIL_X - 2 * PAD)
        height = max(len(names), len(details)) * ROW_LEADING + 2 * PAD
        flow.need(height + (0 if flow.page_count in pages_with_header else HEADER_HEIGHT))
        if flow.page_count not in pages_with_header:
            _checks_header(flow, fonts, wording)
            pages_with_header.add(flow.page_count)
        _check_row(flow, index, row, names, details, height, fonts, wording)
    flow.gap(5 * MM)


HEADER_HEIGHT = 14.0
DETAIL_X = STATUS_WIDTH + NAME_WIDTH


def _checks_header(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    width = flow.geometry.content_width
    top = flow.place(HEADER_HEIGHT)
    left = flow.geometry.left
    for x, key in (
        (0.0, "checks.status"),
        (STATUS_WIDTH, "checks.name"),
        (DETAIL_X, "checks.detail"),
    ):
        flow.text(left + x + PAD, top - 10, (Run(wording.text(key), fonts.sans_bold, Size.LABEL),))
    flow.rule(left, left + width, top - HEADER_HEIGHT, gray=INK, width=0.8)


def _check_row(
    flow: Flow,
    index: int,
    row: AuditRow,
    names: Sequence[str],
    details: Sequence[str],
    height: float,
    fonts: Fonts,
    wording: Wording,
) -> None:
    """A check's row: a failure's status reversed out of black, every other row shaded."""
    width = flow.geometry.content_width
    top = flow.place(height)
    left = flow.geometry.left
    failed = row.status == "fail"
    if failed:  # inset a little, so that two failures in a row stay two black boxes
        flow.draw(
            partial(
                draw_fill,
                x=left,
                y=top - height + 0.8,
                width=STATUS_WIDTH,
                height=height - 1.6,
                gray=INK,
            )
        )
    elif index % 2:
        flow.draw(partial(draw_fill, x=left, y=top - height, width=width, height=height))
    baseline = top - PAD - ROW_LEADING + 2.5
    gray = 1.0 if failed else (SOFT_INK if row.status == "skipped" else INK)
    status = Run(wording.text(f"checks.{row.status}"), fonts.sans_bold, Size.LABEL, gray)
    flow.text(left + PAD, baseline, (status,))
    name_font = fonts.mono_bold if failed else fonts.mono
    for number, line in enumerate(names):
        flow.text(
            left + STATUS_WIDTH + PAD,
            baseline - number * ROW_LEADING,
            (Run(line, name_font, Size.NOTE),),
        )
    for number, line in enumerate(details):
        flow.text(
            left + DETAIL_X + PAD,
            baseline - number * ROW_LEADING,
            (Run(line, fonts.sans, ROW_SIZE),),
        )
    flow.rule(left, left + width, top - height, width=0.4)


def _signature(flow: Flow, fonts: Fonts, wording: Wording, values: Mapping[str, object]) -> None:
    """The auditor's statement, and a line each for name, signature and date."""
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("signatures.heading"), fonts.sans_bold, Size.HEADING, leading=17)
    head.wrapped(wording.text("signatures.statement", values), fonts.sans, Size.TABLE, leading=12)
    head.space(2 * MM)
    slot = 18 * MM
    flow.need(head.height + slot)
    place_block(flow, head)
    left = flow.geometry.left
    name_x = left + 24 * MM
    signature_x = left + width * 0.52
    date_x = left + width * 0.82
    top = flow.place(slot)
    line_y = top - slot + 5 * MM
    flow.text(
        left, line_y + 3, (Run(wording.text("signatures.auditor"), fonts.sans_bold, Size.PROSE),)
    )
    sign_here(
        flow,
        fonts,
        line_y,
        [
            (name_x, wording.text("signatures.name")),
            (signature_x, wording.text("signatures.signature")),
            (date_x, wording.text("signatures.date")),
        ],
    )
