"""The printed recovery notice: what stakeholders receive when a recovery starts.

It says who asked and why, by the requesting machine's clock (labelled as its claim), what kind of
delay stands between the request and the secret, and both bounds of that delay. Its hash, as hex,
as twelve words and as a QR code holding exactly that hex, lets anyone compare two copies by voice
and ties every later proof to this one notice. Public: it holds no secret. Deterministic bytes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields
from functools import partial

from reportlab.pdfgen.canvas import Canvas

from ceremony.errors import BadInput
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.document import Document, add_fact, heading, sign_row, titled
from ceremony.paper.fonts import Fonts
from ceremony.paper.layout import (
    INK,
    SOFT_INK,
    Block,
    Flow,
    Run,
    Size,
    place_block,
    prose,
)
from ceremony.paper.qr import QrCode
from ceremony.paper.wording import Wording

LABEL = 40 * MM
"""Width of the label column in the facts table."""
MODULE = 2.0
"""QR module size in points."""
HEX_LINE = 32
"""Hex digits per printed line of the notice hash: two lines, in groups of four."""
_HEX = re.compile(r"^[0-9a-f]+$")


@dataclass(frozen=True)
class NoticeSheet:
    """The values a printed notice shows, all public, already checked by whoever built them."""

    notice_id: str
    ceremony_name: str
    ceremony_id: str
    requester: str
    reason: str
    clock_time: str
    mode: str
    required_iterations: int
    rate: str
    speedup: str
    expected: str
    """The expected delay on the ceremony machine, in words ("3 days")."""
    minimum: str
    """The guaranteed minimum against faster hardware, in words, rounded down."""
    record_sha256: str
    fingerprint: str
    commitment: str
    nonce: str
    notice_sha256: str
    notice_words: str
    demo: bool = False
    calibration: str = ""
    """How the rate was measured, from the record ("the fastest of 3 samples; they spread 4.2%"),
    printed beside the rate; empty when the record does not say."""

    def __post_init__(self) -> None:
        if self.mode not in tuple(TimeLockMode):
            raise _bad("the mode is evidenced or sealed")
        for name, length in (
            ("record_sha256", 64),
            ("commitment", 64),
            ("nonce", 64),
            ("notice_sha256", 64),
            ("fingerprint", 8),
        ):
            value = getattr(self, name)
            if len(value) != length or not _HEX.match(value):
                raise _bad(f"{name} must be {length} lower-case hex digits")
        if len(self.notice_words.split()) != 12:
            raise _bad("the notice hash is printed as 12 words")


def _bad(message: str) -> BadInput:
    return BadInput(message, "this is a bug in the caller of the paper module; please report it")


def template_values(sheet: NoticeSheet, wording: Wording) -> dict[str, object]:
    values: dict[str, object] = {field.name: getattr(sheet, field.name) for field in fields(sheet)}
    values["required_iterations"] = f"{sheet.required_iterations:,}"
    missing = wording.text("not_given")
    values["requester"] = sheet.requester or missing
    values["reason"] = sheet.reason or missing
    values["calibration"] = f", {sheet.calibration}" if sheet.calibration else ""
    return values


def render_notice(sheet: NoticeSheet, size: PaperSize) -> bytes:
    """The notice's PDF: deterministic bytes."""
    doc = Document.start("notice.toml", size, demo=sheet.demo)
    flow, fonts, wording = doc.flow, doc.fonts, doc.wording
    values = template_values(sheet, wording)

    titled(
        flow,
        fonts,
        f"{wording.text('title')}  {values['notice_id']}",
        wording.text("public_tag"),
        wording.text("public_note", values),
        size=Size.PROSE,
        leading=12.5,
        gray=INK,
    )
    _facts(flow, sheet, fonts, wording, values)
    _hash(flow, sheet, fonts, wording, values)
    style = doc.prose(Size.TABLE, 12, 1 * MM)
    for note in wording.tables("notes"):
        if note.has("mode") and note.text("mode") != sheet.mode:
            continue
        heading(flow, fonts, note.text("heading", values), size=Size.LEAD, leading=15, keep=3 * 12)
        prose(flow, note.text("body", values), style)
    _received(flow, fonts, wording, values)

    footer = wording.text("footer", {**values, "document": wording.text("document")})
    return doc.pdf(
        footer=footer,
        title=f"{wording.text('title')} {sheet.notice_id}: {sheet.ceremony_name}",
        subject=(
            f"ceremony {sheet.ceremony_id}; notice sha256 {sheet.notice_sha256}; "
            f"{wording.text('public_tag')}"
        ),
    )


def _facts(
    flow: Flow, sheet: NoticeSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    facts = Block(flow.geometry.content_width)

    def fact(key: str, text: str, font: str, size: float, *, note: str | None = None) -> None:
        add_fact(
            facts,
            fonts,
            wording.text(f"facts.{key}"),
            text,
            font,
            size,
            x=LABEL,
            note=note,
            leading=1.38,
            space=1.5,
        )

    fact("ceremony", sheet.ceremony_name, fonts.sans_bold, Size.LEAD)
    fact("ceremony_id", sheet.ceremony_id, fonts.mono_bold, Size.STRONG)
    fact("requester", str(values["requester"]), fonts.sans_bold, Size.STRONG)
    fact("reason", str(values["reason"]), fonts.sans, Size.BODY)
    fact(
        "clock_time",
        sheet.clock_time,
        fonts.sans,
        Size.BODY,
        note=wording.text("facts.clock_note", values),
    )
    fact("mode", wording.text(f"facts.mode_{sheet.mode}", values), fonts.sans, Size.PROSE)
    fact("work", wording.text(f"facts.work_{sheet.mode}", values), fonts.sans_bold, Size.STRONG)
    fact("expected", wording.text("facts.expected_text", values), fonts.sans, Size.BODY)
    fact("minimum", wording.text("facts.minimum_text", values), fonts.sans_bold, Size.STRONG)
    fact(
        "fingerprint",
        sheet.fingerprint,
        fonts.mono_bold,
        Size.HEADING,
        note=wording.text("facts.fingerprint_note", values),
    )
    fact("record", sheet.record_sha256, fonts.mono, Size.LABEL)
    fact("nonce", sheet.nonce, fonts.mono, Size.LABEL)
    place_block(flow, facts)
    flow.gap(4 * MM)


def _hash(
    flow: Flow, sheet: NoticeSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """The notice hash: words in large type, the hex in equal lines, and its QR code."""
    width = flow.geometry.content_width
    code = QrCode.encode(sheet.notice_sha256)
    side = code.side(MODULE)
    text_width_ = width - side - 4 * MM
    block = Block(text_width_)
    block.wrapped(wording.text("hash.heading"), fonts.sans_bold, Size.HEADING, leading=16)
    block.wrapped(
        wording.text("hash.note", values), fonts.sans, Size.SMALL, leading=10, gray=SOFT_INK
    )
    block.space(1.5 * MM)
    words = sheet.notice_words.split()
    for start in range(0, len(words), 4):
        block.add(
            Run(" ".join(words[start : start + 4]), fonts.mono_bold, Size.DISPLAY),
            leading=17,
            x=2 * MM,
        )
    block.space(1.5 * MM)
    for start in range(0, len(sheet.notice_sha256), HEX_LINE):
        chunk = sheet.notice_sha256[start : start + HEX_LINE]
        spaced = " ".join(chunk[i : i + 4] for i in range(0, len(chunk), 4))
        block.add(Run(spaced, fonts.mono, Size.PROSE), leading=12.5, x=2 * MM)
    height = max(block.height, side) + 6 * MM
    top = flow.place(height)
    left = flow.geometry.left

    def frame_box(canvas: Canvas) -> None:
        canvas.setStrokeGray(INK)
        canvas.setLineWidth(1.2)
        canvas.rect(left, top - height, width, height, stroke=1, fill=0)

    flow.draw(frame_box)
    place_block(flow, block, x=left + 3 * MM, top=top - 3 * MM)
    corner_x = left + width - side - 1 * MM
    corner_y = top - 3 * MM - side
    flow.draw(partial(code.draw, x=corner_x, y=corner_y, module=MODULE))
    flow.gap(3 * MM)


def _received(flow: Flow, fonts: Fonts, wording: Wording, values: Mapping[str, object]) -> None:
    """Lines for stakeholders to acknowledge receipt: name, signature, date."""
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("received.heading"), fonts.sans_bold, Size.LEAD, leading=15)
    head.wrapped(wording.text("received.statement", values), fonts.sans, Size.LABEL, leading=11)
    slot = 11 * MM
    rows = 2 if flow.room >= head.height + 2 * slot else 1  # a US Letter page has room for one
    flow.need(head.height + slot * rows)
    place_block(flow, head)
    for _ in range(rows):
        sign_row(
            flow,
            fonts,
            wording,
            slot,
            [(0.0, "received.name"), (0.45, "received.signature"), (0.8, "received.date")],
        )
