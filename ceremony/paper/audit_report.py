"""The printed audit report: every check with its result and reason, and lines for the auditor to sign.

It is filed beside the ceremony record, so it says which kit and ceremony it audited, shows the
transcript head as words for comparison with the initialled record, puts failures where nobody can
miss them (a black band, the FAIL cells reversed out), and keeps each check's row whole on a page.
Rendered from plain values, deterministic: the same results give byte-identical PDFs, with no date
in them (the auditor writes it beside their signature).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import partial

from reportlab.pdfgen.canvas import Canvas

from ceremony.errors import BadInput
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts, register
from ceremony.paper.layout import (
    INK,
    SHADE,
    SOFT_INK,
    Block,
    Flow,
    Geometry,
    Prose,
    Run,
    add_fact,
    place_block,
    prose,
    render_document,
    title_with_tag,
    wrap,
)
from ceremony.paper.wording import Wording, load

STATUSES = ("pass", "fail", "skipped")
LABEL = 38 * MM
"""Width of the label column in the facts table."""
STATUS_WIDTH = 17 * MM
NAME_WIDTH = 62 * MM
ROW_SIZE = 8.0
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
    fonts = register()
    wording = load("paper", "audit.toml")
    common = load("paper", "common.toml")
    values = template_values(sheet, wording)
    geometry = Geometry.for_size(size, demo=sheet.demo)
    flow = Flow(geometry)

    _title(flow, fonts, wording, values)
    _facts(flow, sheet, fonts, wording, values)
    _verdict(flow, sheet, fonts, wording, values)
    _checks(flow, sheet, fonts, wording, values)
    style = Prose(
        font=fonts.sans, mono=fonts.mono, bold_mono=fonts.mono_bold, size=9, leading=12.5, gap=MM
    )
    for note in wording.tables("notes"):
        _heading(flow, note.text("heading", values), fonts)
        prose(flow, note.text("body", values), style)
    flow.gap(3 * MM)
    _signature(flow, fonts, wording, values)

    footer = common.text(
        "footer",
        {
            "document": wording.text("document"),
            "ceremony_id": values["ceremony_id"],
            "plan_hash_words": sheet.plan_hash_words or "-",
        },
    )
    return render_document(
        flow,
        size,
        geometry,
        fonts,
        common,
        demo=sheet.demo,
        footer=footer,
        title=f"{wording.text('title')}: {values['ceremony_name']}",
        subject=f"ceremony {values['ceremony_id']}; {wording.text('public_tag')}",
    )


def _title(flow: Flow, fonts: Fonts, wording: Wording, values: Mapping[str, object]) -> None:
    title_with_tag(flow, fonts, wording.text("title"), wording.text("public_tag"))
    note = Block(flow.geometry.content_width)
    note.wrapped(wording.text("public_note", values), fonts.sans, 9, leading=12, gray=SOFT_INK)
    place_block(flow, note)
    flow.gap(3 * MM)


def _facts(
    flow: Flow, sheet: AuditSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    facts = Block(flow.geometry.content_width)

    def fact(key: str, text: str, font: str, size: float, *, note: str | None = None) -> None:
        add_fact(facts, fonts, wording.text(f"facts.{key}"), text, font, size, x=LABEL, note=note)

    fact("ceremony", str(values["ceremony_name"]), fonts.sans_bold, 11)
    fact("ceremony_id", str(values["ceremony_id"]), fonts.mono_bold, 10.5)
    fact("kit", sheet.kit, fonts.mono, 9)
    if sheet.plan_hash_hex:
        fact("plan_hash", sheet.plan_hash_hex, fonts.mono, 8.5)
        fact("plan_words", sheet.plan_hash_words, fonts.sans, 9.5)
    if sheet.transcript_head_words:
        fact(
            "transcript_head",
            sheet.transcript_head_words,
            fonts.mono_bold,
            11,
            note=wording.text("facts.transcript_note", values),
        )
    fact("tool", sheet.tool, fonts.sans, 9.5)
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
    block.wrapped(wording.text(key, values), fonts.sans_bold, 12, leading=16, gray=gray)
    if sheet.passed and sheet.unanchored:
        note = wording.text("verdict.unanchored_note", values)
        for line in (note, *(f"• {item}" for item in sheet.unanchored)):
            block.wrapped(line, fonts.sans, 8.5, leading=11, gray=INK)
    if sheet.count("skipped"):
        block.wrapped(
            wording.text("verdict.skipped_note", values),
            fonts.sans,
            8.5,
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


def _heading(flow: Flow, text: str, fonts: Fonts) -> None:
    """A section heading, kept on the same page as what follows it."""
    flow.need(17 + 3 * 13)
    block = Block(flow.geometry.content_width)
    block.wrapped(text, fonts.sans_bold, 12, leading=17)
    place_block(flow, block)


def _checks(
    flow: Flow, sheet: AuditSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """One row per check: result, name, reason. A row stays whole; the header repeats per page."""
    width = flow.geometry.content_width
    note = Block(width)
    note.wrapped(wording.text("checks.note", values), fonts.sans, 8.5, leading=11, gray=SOFT_INK)
    header_height = 14.0
    flow.need(17 + note.height + header_height + 3 * ROW_LEADING)
    _heading(flow, wording.text("checks.heading", values), fonts)
    place_block(flow, note)
    flow.gap(1.5 * MM)
    name_x = STATUS_WIDTH
    detail_x = STATUS_WIDTH + NAME_WIDTH
    detail_width = width - detail_x
    pages_with_header: set[int] = set()

    def header() -> None:
        top = flow.place(header_height)
        left = flow.geometry.left
        for x, key in (
            (0.0, "checks.status"),
            (name_x, "checks.name"),
            (detail_x, "checks.detail"),
        ):
            flow.text(left + x + PAD, top - 10, (Run(wording.text(key), fonts.sans_bold, 8.5),))
        flow.rule(left, left + width, top - header_height, gray=INK, width=0.8)
        pages_with_header.add(flow.page_count)

    for index, row in enumerate(sheet.rows):
        names = wrap(row.name, fonts.mono, ROW_SIZE - 0.5, NAME_WIDTH - 2 * PAD)
        details = wrap(row.detail, fonts.sans, ROW_SIZE, detail_width - 2 * PAD)
        height = max(len(names), len(details)) * ROW_LEADING + 2 * PAD
        flow.need(height + (0 if flow.page_count in pages_with_header else header_height))
        if flow.page_count not in pages_with_header:
            header()
        top = flow.place(height)
        left = flow.geometry.left
        failed = row.status == "fail"
        if failed:  # inset a little, so that two failures in a row stay two black boxes
            box = partial(
                _box, x=left, y=top - height + 0.8, width=STATUS_WIDTH, height=height - 1.6
            )
            flow.draw(box)
        elif index % 2:
            flow.draw(partial(_box, x=left, y=top - height, width=width, height=height, gray=SHADE))
        baseline = top - PAD - ROW_LEADING + 2.5
        status = Run(
            wording.text(f"checks.{row.status}"),
            fonts.sans_bold,
            ROW_SIZE + 0.5,
            1.0 if failed else (SOFT_INK if row.status == "skipped" else INK),
        )
        flow.text(left + PAD, baseline, (status,))
        for number, line in enumerate(names):
            flow.text(
                left + name_x + PAD,
                baseline - number * ROW_LEADING,
                (Run(line, fonts.mono_bold if failed else fonts.mono, ROW_SIZE - 0.5),),
            )
        for number, line in enumerate(details):
            flow.text(
                left + detail_x + PAD,
                baseline - number * ROW_LEADING,
                (Run(line, fonts.sans, ROW_SIZE),),
            )
        flow.rule(left, left + width, top - height, width=0.4)
    flow.gap(5 * MM)


def _box(
    canvas: Canvas, x: float, y: float, width: float, height: float, gray: float = INK
) -> None:
    canvas.setFillGray(gray)
    canvas.rect(x, y, width, height, stroke=0, fill=1)


def _signature(flow: Flow, fonts: Fonts, wording: Wording, values: Mapping[str, object]) -> None:
    """The auditor's statement, and a line each for name, signature and date."""
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("signatures.heading"), fonts.sans_bold, 12, leading=17)
    head.wrapped(wording.text("signatures.statement", values), fonts.sans, 9, leading=12)
    head.space(2 * MM)
    slot = 18 * MM
    flow.need(head.height + slot)
    place_block(flow, head)
    left, right = flow.geometry.left, flow.geometry.right
    name_x = left + 24 * MM
    signature_x = left + width * 0.52
    date_x = left + width * 0.82
    top = flow.place(slot)
    line_y = top - slot + 5 * MM
    flow.text(left, line_y + 3, (Run(wording.text("signatures.auditor"), fonts.sans_bold, 9.5),))
    flow.rule(name_x, signature_x - 4 * MM, line_y, gray=INK)
    flow.rule(signature_x, date_x - 4 * MM, line_y, gray=INK)
    flow.rule(date_x, right, line_y, gray=INK)
    for x, key in (
        (name_x, "signatures.name"),
        (signature_x, "signatures.signature"),
        (date_x, "signatures.date"),
    ):
        flow.text(x, line_y - 9, (Run(wording.text(key), fonts.sans, 7, SOFT_INK),))
