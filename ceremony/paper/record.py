"""The public ceremony record: every claim an auditor can re-check, and never a share word.

It is read by people comparing strings with a screen, a wallet or another paper, so identifiers are
set in a fixed-width face, long hashes are broken into equal lines, and each identifier has a QR code
that holds exactly the text printed under it. The share table spans as many pages as it needs, its
header repeated, each row kept whole.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import partial

from ceremony.paper.content import MM, PaperSize, RecordSheet, ShareRow
from ceremony.paper.document import Document, add_fact, heading, label_run, sign_here, titled
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
    text_width,
    wrap,
)
from ceremony.paper.qr import QrCode
from ceremony.paper.wording import Wording

LABEL = 38 * MM
"""Width of the label column in the facts table."""
HEX_LINE = 16
"""Characters per line when a hash is printed under its QR code: four equal lines for SHA-256."""
MODULE = 2.2
"""QR module size in points (0.78 mm): scans from paper with any phone, prints on any laser."""


def render_record(sheet: RecordSheet, size: PaperSize) -> bytes:
    """The record's PDF: deterministic bytes, as many pages as the share table needs."""
    doc = Document.start("record.toml", size, demo=sheet.demo)
    flow, fonts, wording = doc.flow, doc.fonts, doc.wording
    values = template_values(sheet)

    titled(
        flow,
        fonts,
        wording.text("title"),
        wording.text("public_tag"),
        wording.text("public_note", values),
    )
    _facts(flow, sheet, fonts, wording, values)
    _identifiers(flow, sheet, fonts, wording, values)
    _time_lock(flow, sheet, fonts, wording)
    _shares(flow, sheet.shares, fonts, wording)
    style = doc.prose(Size.PROSE, 13, 1.5 * MM)
    for note in wording.tables("notes"):
        heading(flow, fonts, note.text("heading", values))
        prose(flow, note.text("body", values), style)
    flow.gap(3 * MM)
    _transcript(flow, sheet, fonts, wording)
    _signatures(flow, sheet, fonts, wording, values)

    return doc.pdf(
        footer=doc.footer(
            wording.text("document", values), sheet.ceremony_id, sheet.plan_hash_words
        ),
        title=f"{wording.text('title')}: {sheet.ceremony_name}",
        subject=f"ceremony {sheet.ceremony_id}; {wording.text('public_tag')}",
    )


def template_values(sheet: RecordSheet) -> dict[str, object]:
    """Every placeholder the record wording may use."""
    return {
        "ceremony_name": sheet.ceremony_name,
        "ceremony_id": sheet.ceremony_id,
        "clock_time": sheet.clock_time,
        "plan_hash_hex": sheet.plan_hash_hex,
        "plan_hash_words": sheet.plan_hash_words,
        "secret_kind": sheet.secret_kind,
        "fingerprint": sheet.fingerprint,
        "commitment": sheet.commitment,
        "share_count": len(sheet.shares),
    }


def hex_lines(text: str) -> list[str]:
    """A long identifier in equal lines, so it can be compared a line at a time."""
    return [text[index : index + HEX_LINE] for index in range(0, len(text), HEX_LINE)] or [""]


def _facts(
    flow: Flow, sheet: RecordSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """The facts as a two-column table: what each value is, then the value."""
    width = flow.geometry.content_width
    facts = Block(width)

    def fact(key: str, text: str, font: str, size: float, *, note: str | None = None) -> None:
        add_fact(facts, fonts, wording.text(f"facts.{key}"), text, font, size, x=LABEL, note=note)

    fact("ceremony", sheet.ceremony_name, fonts.sans_bold, Size.LEAD)
    fact("ceremony_id", sheet.ceremony_id, fonts.mono_bold, Size.STRONG)
    fact(
        "clock_time",
        sheet.clock_time,
        fonts.sans,
        Size.BODY,
        note=wording.text("facts.clock_note", values),
    )
    fact("plan_hash", sheet.plan_hash_hex, fonts.mono, Size.TABLE)
    fact("plan_words", sheet.plan_hash_words, fonts.sans_bold, Size.STRONG)
    fact(
        "secret_kind",
        wording.text(f"facts.kind_{sheet.secret_kind}", values),
        fonts.sans,
        Size.PROSE,
    )
    fact(
        "fingerprint",
        sheet.fingerprint,
        fonts.mono_bold,
        Size.HEADING,
        note=wording.text("facts.fingerprint_note", values),
    )
    fact("commitment", sheet.commitment, fonts.mono, Size.TABLE)
    label: Run | None = label_run(wording.text("facts.scheme"), fonts)
    for line in sheet.scheme_lines:
        facts.wrapped(line, fonts.sans, Size.PROSE, leading=13, x=LABEL, label=label)
        label = None
    for key, text in sheet.conduct:
        mono = key in ("recover_py", "consent_card")
        add_fact(
            facts,
            fonts,
            wording.text(f"conduct.{key}"),
            text,
            fonts.mono if mono else fonts.sans,
            9 if mono else 9.5,
            x=LABEL,
        )
    place_block(flow, facts)
    flow.gap(4 * MM)


@dataclass(frozen=True)
class _Identifier:
    label: str
    text: str
    code: QrCode


def _identifiers(
    flow: Flow, sheet: RecordSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """Four QR codes side by side, each labelled above and spelled out below."""
    items = [
        _Identifier(wording.text(f"identifiers.{key}"), text, QrCode.encode(text))
        for key, text in (
            ("ceremony_id", sheet.ceremony_id),
            ("plan_hash", sheet.plan_hash_hex),
            ("fingerprint", sheet.fingerprint),
            ("commitment", sheet.commitment),
        )
    ]
    width = flow.geometry.content_width
    cell = width / len(items)
    side = max(item.code.side(MODULE) for item in items)
    text_size = Size.LABEL
    text_leading = 11
    cell_lines = [wrap(item.text, fonts.mono, text_size, cell - 2 * MM) for item in items]
    cell_lines = [
        hex_lines(item.text) if len(item.text) > HEX_LINE and _is_hex(item.text) else lines
        for item, lines in zip(items, cell_lines, strict=True)
    ]
    text_height = max(len(lines) for lines in cell_lines) * text_leading
    height = 14 + side + text_height + 2 * MM

    head = Block(width)
    head.wrapped(
        wording.text("identifiers.heading", values), fonts.sans_bold, Size.HEADING, leading=17
    )
    head.wrapped(
        wording.text("identifiers.note", values), fonts.sans, Size.LABEL, leading=11, gray=SOFT_INK
    )
    flow.need(head.height + height)
    place_block(flow, head)
    top = flow.place(height)
    for index, (item, lines) in enumerate(zip(items, cell_lines, strict=True)):
        centre = flow.geometry.left + cell * index + cell / 2
        label_width = text_width(item.label, fonts.sans_bold, Size.TABLE)
        flow.text(
            centre - label_width / 2, top - 10, (Run(item.label, fonts.sans_bold, Size.TABLE),)
        )
        code_side = item.code.side(MODULE)
        code_top = top - 14 - (side - code_side) / 2
        corner_x, corner_y = centre - code_side / 2, code_top - code_side
        flow.draw(partial(item.code.draw, x=corner_x, y=corner_y, module=MODULE))
        y = top - 14 - side - text_leading + 2
        for line in lines:
            line_width = text_width(line, fonts.mono, text_size)
            flow.text(centre - line_width / 2, y, (Run(line, fonts.mono, text_size),))
            y -= text_leading
    flow.gap(4 * MM)


def _is_hex(text: str) -> bool:
    return all(char in "0123456789abcdef" for char in text)


def _time_lock(flow: Flow, sheet: RecordSheet, fonts: Fonts, wording: Wording) -> None:
    heading(flow, fonts, wording.text("time_lock.heading"))
    block = Block(flow.geometry.content_width)
    lines = sheet.time_lock_lines or (wording.text("time_lock.none"),)
    for line in lines:
        block.wrapped(line, fonts.sans, Size.PROSE, leading=13, x=4 * MM, bullet="•")
    place_block(flow, block)
    flow.gap(4 * MM)


@dataclass(frozen=True)
class _Columns:
    """x offsets of the share table's columns, from the left edge."""

    number: float
    holder: float
    member: float
    check: float
    bag: float
    end: float


def _columns(width: float) -> _Columns:
    bag = width - 30 * MM
    check = bag - 22 * MM
    member = check - 17 * MM
    return _Columns(number=1.5 * MM, holder=10 * MM, member=member, check=check, bag=bag, end=width)


def _who(row: ShareRow, fonts: Fonts, size: float, width: float) -> list[tuple[Run, ...]]:
    """Holder in bold and group after a dot on one line when they fit, else on lines of their own."""
    holder = wrap(row.holder, fonts.sans_bold, size, width)
    group = f"  ·  {row.group}"
    if len(holder) == 1 and text_width(holder[0] + group, fonts.sans, size) <= width:
        return [(Run(holder[0], fonts.sans_bold, size), Run(group, fonts.sans, size, SOFT_INK))]
    lines: list[tuple[Run, ...]] = [(Run(line, fonts.sans_bold, size),) for line in holder]
    lines.extend(
        (Run(line, fonts.sans, size, SOFT_INK),)
        for line in wrap(row.group, fonts.sans, size, width)
    )
    return lines


def _shares(flow: Flow, rows: Sequence[ShareRow], fonts: Fonts, wording: Wording) -> None:
    """One block per share: who and which share, check code, bag serial, then the two hashes."""
    note = Block(flow.geometry.content_width)
    note.wrapped(wording.text("shares.note"), fonts.sans, Size.LABEL, leading=11, gray=SOFT_INK)
    flow.need(17 + note.height + 2 * MM + SHARES_HEADER + 60)  # heading stays with a first row
    heading(flow, fonts, wording.text("shares.heading"))
    place_block(flow, note)
    flow.gap(2 * MM)
    columns = _columns(flow.geometry.content_width)
    pages_with_header: set[int] = set()
    for index, row in enumerate(rows, start=1):
        who = _who(row, fonts, Size.TABLE, columns.member - columns.holder - 3 * MM)
        bag_width = columns.end - columns.bag - 3 * MM
        serial = (
            wrap(row.bag_serial, fonts.mono_bold, Size.PROSE, bag_width) if row.bag_serial else []
        )
        height = max(len(who) * SHARE_LINE + 2 * HASH_LINE, len(serial) * BAG_LINE) + 2 * SHARE_PAD
        flow.need(height + (0 if flow.page_count in pages_with_header else SHARES_HEADER))
        if flow.page_count not in pages_with_header:
            _shares_header(flow, columns, fonts, wording)
            pages_with_header.add(flow.page_count)
        _share_row(flow, index, row, who, serial, height, columns, fonts, wording)
    flow.gap(5 * MM)


SHARES_HEADER = 16.0
SHARE_LINE = 12.0
HASH_LINE = 9.5
SHARE_PAD = 2.5


def _shares_header(flow: Flow, columns: _Columns, fonts: Fonts, wording: Wording) -> None:
    top = flow.place(SHARES_HEADER)
    left = flow.geometry.left
    cells = (
        (columns.number, "shares.number"),
        (columns.holder, "shares.holder"),
        (columns.member, "shares.member"),
        (columns.check, "shares.check_code"),
        (columns.bag + 1.5 * MM, "shares.bag_serial"),
    )
    for x, key in cells:
        flow.text(left + x, top - 11, (Run(wording.text(key), fonts.sans_bold, Size.LABEL),))
    flow.rule(left, left + columns.end, top - SHARES_HEADER, gray=INK, width=0.8)


def _share_row(
    flow: Flow,
    index: int,
    row: ShareRow,
    who: Sequence[tuple[Run, ...]],
    serial: Sequence[str],
    height: float,
    columns: _Columns,
    fonts: Fonts,
    wording: Wording,
) -> None:
    top = flow.place(height)
    left = flow.geometry.left
    if index % 2 == 0:
        flow.draw(partial(draw_fill, x=left, y=top - height, width=columns.end, height=height))
    baseline = top - SHARE_PAD - SHARE_LINE + 3
    member = wording.text(
        "shares.member_of",
        {"member_number": row.member_number, "member_count": row.member_count},
    )
    flow.text(left + columns.number, baseline, (Run(str(index), fonts.sans, Size.TABLE),))
    for number, runs in enumerate(who):
        flow.text(left + columns.holder, baseline - number * SHARE_LINE, runs)
    flow.text(left + columns.member, baseline, (Run(member, fonts.sans, Size.TABLE),))
    flow.text(left + columns.check, baseline, (Run(row.check_code, fonts.mono_bold, Size.PROSE),))
    y = baseline - len(who) * SHARE_LINE + (SHARE_LINE - HASH_LINE)
    for key, value in (
        ("shares.commitment", row.share_commitment),
        ("shares.kit_sha256", row.kit_sha256),
    ):
        label = Run(wording.text(key), fonts.sans, Size.MICRO, SOFT_INK)
        flow.text(left + columns.holder, y, (label,))
        flow.text(left + columns.holder + 23 * MM, y, (Run(value, fonts.mono, Size.NOTE),))
        y -= HASH_LINE
    bag_x = left + columns.bag
    if serial:  # a long serial wraps inside its column, never past the page edge
        for number, piece in enumerate(serial):
            run = (Run(piece, fonts.mono_bold, Size.PROSE),)
            flow.text(bag_x + 1.5 * MM, baseline - number * BAG_LINE, run)
    else:
        flow.rule(bag_x + 1.5 * MM, left + columns.end - 1.5 * MM, top - height + 3 * MM)
    flow.rule(left, left + columns.end, top - height, width=0.4)


BAG_LINE = 11.0
"""Line height of a bag serial that wraps in its column."""


def _transcript(flow: Flow, sheet: RecordSheet, fonts: Fonts, wording: Wording) -> None:
    """The transcript's head hash as words, or ruled space to write them, with initials."""
    width = flow.geometry.content_width
    block = Block(width)
    block.wrapped(wording.text("transcript.heading"), fonts.sans_bold, Size.HEADING, leading=17)
    key = "transcript.printed" if sheet.transcript_head_words else "transcript.blank"
    block.wrapped(wording.text(key), fonts.sans, Size.TABLE, leading=12, gray=SOFT_INK)
    block.space(2 * MM)
    if sheet.transcript_head_words:
        block.wrapped(
            sheet.transcript_head_words, fonts.mono_bold, Size.HEADING, leading=17, x=4 * MM
        )
    writing = 0.0 if sheet.transcript_head_words else 2 * 10 * MM
    initials = 12 * MM
    flow.need(block.height + writing + initials + 4 * MM)
    place_block(flow, block)
    left, right = flow.geometry.left, flow.geometry.right
    if writing:
        for _ in range(2):
            top = flow.place(10 * MM)
            flow.rule(left, right, top - 10 * MM + 1 * MM, gray=INK)
    roles = [wording.text("signatures.administrator")]
    roles.extend(wording.text("signatures.witness") for _ in sheet.witnesses)
    roles.append(wording.text("signatures.auditor"))
    top = flow.place(initials)
    label = wording.text("transcript.initials")
    line_y = top - initials + 5 * MM
    flow.text(left, line_y + 1, (Run(label, fonts.sans, Size.LABEL, SOFT_INK),))
    start = left + text_width(label, fonts.sans, Size.LABEL) + 4 * MM
    box = min(26 * MM, (right - start) / len(roles))
    for number, role in enumerate(roles):
        x = start + number * box
        flow.rule(x + 2 * MM, x + box - 2 * MM, line_y, gray=INK)
        flow.text(x + 2 * MM, line_y - 8, (Run(role, fonts.sans, Size.MICRO, SOFT_INK),))
    flow.gap(5 * MM)


def _signatures(
    flow: Flow, sheet: RecordSheet, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """One signature line per role: administrator, each witness, the auditor."""
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("signatures.heading"), fonts.sans_bold, Size.HEADING, leading=17)
    head.wrapped(wording.text("signatures.statement", values), fonts.sans, Size.TABLE, leading=12)
    head.space(2 * MM)
    people = [(wording.text("signatures.administrator"), sheet.administrator)]
    people.extend((wording.text("signatures.witness"), name) for name in sheet.witnesses)
    people.append((wording.text("signatures.auditor"), sheet.auditor))
    slot = 17 * MM
    flow.need(head.height + slot * len(people))
    place_block(flow, head)
    left = flow.geometry.left
    name_x = left + 28 * MM
    signature_x = left + width * 0.52
    date_x = left + width * 0.82
    for role, name in people:
        top = flow.place(slot)
        line_y = top - slot + 5 * MM
        flow.text(left, line_y + 3, (Run(role, fonts.sans_bold, Size.PROSE),))
        if name:
            room = signature_x - 6 * MM - name_x
            size = next(
                (
                    s
                    for s in (Size.STRONG, Size.PROSE, Size.LABEL)
                    if text_width(name, fonts.sans, s) <= room
                ),
                Size.SMALL,
            )
            lines = wrap(name, fonts.sans, size, room)
            for number, piece in enumerate(reversed(lines)):
                flow.text(
                    name_x, line_y + 3 + number * (size + 1.5), (Run(piece, fonts.sans, size),)
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
