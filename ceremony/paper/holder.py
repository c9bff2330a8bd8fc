"""A holder's kit: the share card on page 1, then that holder's own instructions.

The card is made to be copied by a tired or shaking hand, in a vault, decades from now: large
fixed-width words, numbered, the identifying first four letters in bold, generous rows; the sentence
that says where the share fits ("share 2 of 5 in group treasury, 3 needed; 2 of 3 groups needed"),
and nothing about other groups beyond those counts. No QR code carries the words.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from ceremony.errors import OutputFailed
from ceremony.paper.content import MM, HolderKit, PaperSize, ShareCard
from ceremony.paper.document import Document, heading, label_run, title_with_tag
from ceremony.paper.fonts import Fonts
from ceremony.paper.layout import (
    INK,
    RULE,
    SHADE,
    SOFT_INK,
    Block,
    Flow,
    Prose,
    Run,
    Size,
    place_block,
    prose,
    text_width,
    wrap,
)
from ceremony.paper.wording import Wording


@dataclass(frozen=True)
class CardStyle:
    """Sizes on the card. Larger is easier to copy; smaller styles make room for long names."""

    word: float
    number: float
    row: float
    gap: float
    name: float


STYLES = (
    CardStyle(word=19, number=13, row=29, gap=10, name=17),
    CardStyle(word=18, number=12.5, row=27, gap=9, name=16),
    CardStyle(word=17, number=12, row=25, gap=8, name=16),
    CardStyle(word=16, number=11.5, row=23, gap=6, name=15),
    CardStyle(word=15, number=11, row=21, gap=5, name=14),
    CardStyle(word=15, number=11, row=19.5, gap=4, name=13),
)
"""Tried in order: the largest that fits on one page wins (words never below 15 pt)."""

LABEL = 24 * MM
"""Indent of values after their labels ("Holder", "Group") in the card's header box."""


def render_holder_kit(kit: HolderKit, size: PaperSize) -> bytes:
    """The holder's PDF: deterministic bytes, one card page, then the instructions."""
    doc = Document.start("holder.toml", size, demo=kit.demo)
    fonts, wording = doc.fonts, doc.wording
    values = template_values(kit, wording)
    for style in STYLES:
        doc.flow = Flow(doc.geometry)
        _card(doc.flow, kit.card, style, fonts, wording, values)
        if doc.flow.page_count == 1:
            break
    else:
        raise OutputFailed(
            f"the share card for {kit.card.holder!r} does not fit on one page",
            "shorten the ceremony, holder or group name in the plan",
        )
    doc.flow.new_page()
    _instructions(doc.flow, kit, fonts, wording, values)
    return doc.pdf(
        footer=doc.footer(
            wording.text("document", values), kit.card.ceremony_id, kit.plan_hash_words
        ),
        title=f"{wording.text('card.title')}: {kit.card.holder} ({kit.card.ceremony_name})",
        subject=f"ceremony {kit.card.ceremony_id}; {wording.text('card.secret_tag')}",
    )


def quorum_sentence(card: ShareCard, wording: Wording) -> str:
    """ "share 2 of 5 in group treasury, 3 needed; 2 of 3 groups needed" (or "the only group")."""
    key = "card.quorum_one_group" if card.group_count == 1 else "card.quorum"
    return wording.text(key, _card_values(card))


def template_values(kit: HolderKit, wording: Wording) -> dict[str, object]:
    """Every placeholder the holder wording may use."""
    values = _card_values(kit.card)
    values["quorum"] = quorum_sentence(kit.card, wording)
    values["fingerprint"] = kit.fingerprint
    values["plan_hash_words"] = kit.plan_hash_words
    if kit.time_lock:
        summary = kit.time_lock.strip()
        if not summary.endswith((".", "!", "?")):
            summary += "."  # the wording continues with a new sentence
        values["time_lock"] = wording.text("time_lock.locked", {"summary": summary})
    else:
        values["time_lock"] = wording.text("time_lock.unlocked")
    values["administrator"] = kit.administrator
    values["recovery_rule"] = "\n".join(
        "- "
        + wording.text(
            "rule_line" if count > 1 else "rule_line_one",
            {"group": name, "member_threshold": needed, "member_count": count},
        )
        for name, needed, count in kit.rule
    ) or wording.text("rule_unknown")
    values["secret_notes"] = "\n\n".join(secret_notes(kit, wording))
    return values


def secret_notes(kit: HolderKit, wording: Wording) -> list[str]:
    """What the shares alone do not say: a passphrase, a BIP-39 phrase, a sealed lock."""
    notes = [wording.text("notes.passphrase" if kit.passphrase else "notes.no_passphrase")]
    if kit.bip39:
        notes.append(wording.text("notes.bip39"))
    if kit.sealed:
        notes.append(wording.text("notes.sealed"))
        if kit.consent_card:
            notes.append(wording.text("notes.sealed_consent"))
    return notes


def _card_values(card: ShareCard) -> dict[str, object]:
    return {
        "ceremony_name": card.ceremony_name,
        "ceremony_id": card.ceremony_id,
        "holder": card.holder,
        "group": card.group,
        "member_number": card.member_number,
        "member_count": card.member_count,
        "member_threshold": card.member_threshold,
        "group_count": card.group_count,
        "group_threshold": card.group_threshold,
        "word_count": len(card.words),
        "check_code": card.check_code,
    }


def _card(
    flow: Flow,
    card: ShareCard,
    style: CardStyle,
    fonts: Fonts,
    wording: Wording,
    values: Mapping[str, object],
) -> None:
    width = flow.geometry.content_width
    _title(flow, fonts, wording)
    flow.gap(style.gap / 2)
    place_block(flow, _about(card, fonts, wording, width))
    flow.gap(style.gap / 2)
    place_block(flow, _who(card, style, fonts, wording, values, width), pad=3 * MM, fill=SHADE)
    flow.gap(style.gap)

    heading = Block(width)
    heading.add(
        Run(wording.text("card.words", values), fonts.sans_bold, Size.LEAD),
        Run("   " + wording.text("card.words_note"), fonts.sans, Size.LABEL, SOFT_INK),
        leading=16,
    )
    place_block(flow, heading)
    _words(flow, card.words, style, fonts)
    flow.gap(style.gap)

    _check_and_bag(flow, card, fonts, wording)
    flow.gap(style.gap)
    warnings = _warnings(fonts, wording, values, width)
    place_block(flow, warnings, pad=3 * MM, stroke=INK, line_width=1.2)


def _about(card: ShareCard, fonts: Fonts, wording: Wording, width: float) -> Block:
    about = Block(width)
    for key, text, font, size in (
        ("card.ceremony", card.ceremony_name, fonts.sans_bold, Size.NAME),
        ("card.ceremony_id", card.ceremony_id, fonts.mono, Size.LEAD),
    ):
        about.wrapped(
            text, font, size, leading=15, x=LABEL, label=label_run(wording.text(key), fonts)
        )
    return about


def _who(
    card: ShareCard,
    style: CardStyle,
    fonts: Fonts,
    wording: Wording,
    values: Mapping[str, object],
    width: float,
) -> Block:
    """Whose share this is, of which group, and the quorum sentence."""
    who = Block(width - 2 * 3 * MM)
    who.wrapped(
        card.holder,
        fonts.sans_bold,
        style.name,
        leading=style.name * 1.3,
        x=LABEL,
        label=label_run(wording.text("card.holder"), fonts),
    )
    who.wrapped(
        card.group,
        fonts.sans_bold,
        style.name - 2,
        leading=style.name * 1.25,
        x=LABEL,
        label=label_run(wording.text("card.group"), fonts),
    )
    who.space(3)
    who.wrapped(str(values["quorum"]), fonts.sans_bold, Size.QUORUM, leading=16)
    return who


def _warnings(fonts: Fonts, wording: Wording, values: Mapping[str, object], width: float) -> Block:
    """What never to do with the card, and what a finder should do."""
    warnings = Block(width - 2 * 3 * MM)
    warnings.add(Run(wording.text("card.warnings"), fonts.sans_bold, Size.STRONG), leading=15)
    for line in wording.texts("card.warning_lines", values):
        warnings.wrapped(line, fonts.sans, Size.TABLE, leading=12, x=4 * MM, bullet="•")
    warnings.space(4)
    warnings.add(Run(wording.text("card.finder"), fonts.sans_bold, Size.STRONG), leading=15)
    key = (
        "card.finder_lines" if values.get("administrator") else "card.finder_lines_no_administrator"
    )
    for line in wording.texts(key, values):
        warnings.wrapped(line, fonts.sans, Size.TABLE, leading=12)
    return warnings


def _title(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    title_with_tag(flow, fonts, wording.text("card.title"), wording.text("card.secret_tag"))


def _words(flow: Flow, words: tuple[str, ...], style: CardStyle, fonts: Fonts) -> None:
    """The words in numbered columns, read down each column; alternate rows shaded to guide the
    eye across. Numbers, then the first four letters in bold, then the rest."""
    columns = 2 if len(words) <= 20 else 3
    rows = -(-len(words) // columns)
    pad = 2 * MM
    height = rows * style.row + 2 * pad
    top = flow.place(height)
    left = flow.geometry.left
    width = flow.geometry.content_width
    column_width = width / columns

    def frame(canvas: Canvas) -> None:
        canvas.setFillGray(SHADE)
        for row in range(1, rows, 2):
            y = top - pad - (row + 1) * style.row
            canvas.rect(left, y, width, style.row, stroke=0, fill=1)
        canvas.setStrokeGray(RULE)
        canvas.setLineWidth(0.6)
        for column in range(1, columns):
            x = left + column * column_width
            canvas.line(x, top, x, top - height)
        canvas.setStrokeGray(INK)
        canvas.setLineWidth(1.2)
        canvas.rect(left, top - height, width, height, stroke=1, fill=0)

    flow.draw(frame)
    number_width = text_width("00. ", fonts.mono, style.number)
    word_width = text_width("m" * 8, fonts.mono, style.word)
    inset = max(2 * MM, (column_width - number_width - word_width) / 2)
    for index, word in enumerate(words):
        column, row = divmod(index, rows)
        x = left + column * column_width + inset
        baseline = top - pad - row * style.row - style.row / 2 - 0.36 * style.word
        runs = (
            Run(f"{index + 1:>2}. ", fonts.mono, style.number, SOFT_INK),
            Run(word[:4], fonts.mono_bold, style.word),
            Run(word[4:], fonts.mono, style.word),
        )
        flow.text(x, baseline, runs)


def _check_and_bag(flow: Flow, card: ShareCard, fonts: Fonts, wording: Wording) -> None:
    """Check code and bag serial side by side, as two boxes of equal height."""
    gutter = 4 * MM
    pad = 3 * MM
    total = flow.geometry.content_width
    left_width = total * 0.42 - pad * 2
    right_width = total - total * 0.42 - gutter - pad * 2

    check = Block(left_width)
    check.add(Run(wording.text("card.check_code"), fonts.sans_bold, Size.PROSE), leading=13)
    check.add(Run(card.check_code, fonts.mono_bold, Size.TITLE), leading=26)
    check.wrapped(
        wording.text("card.check_code_note"), fonts.sans, Size.NOTE, leading=9.5, gray=SOFT_INK
    )

    bag = Block(right_width)
    bag.add(Run(wording.text("card.bag_serial"), fonts.sans_bold, Size.PROSE), leading=13)
    bag.space(26)
    bag.wrapped(
        wording.text("card.bag_serial_note"), fonts.sans, Size.NOTE, leading=9.5, gray=SOFT_INK
    )

    inner = max(check.height, bag.height)
    for block in (check, bag):
        block.space(inner - block.height)
    top = flow.place(inner + 2 * pad)
    left = flow.geometry.left
    place_block(flow, check, pad=pad, stroke=INK, line_width=1.2, top=top)
    bag_left = left + total * 0.42 + gutter
    place_block(flow, bag, pad=pad, stroke=INK, line_width=1.2, top=top, x=bag_left)
    rule_y = top - pad - 13 - 22
    flow.rule(bag_left + pad, bag_left + pad + right_width, rule_y)


def _instructions(
    flow: Flow, kit: HolderKit, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    width = flow.geometry.content_width
    title = Block(width)
    title.wrapped(
        wording.text("instructions.title", values), fonts.sans_bold, Size.SUBTITLE, leading=21
    )
    title.wrapped(
        wording.text("instructions.subtitle", values),
        fonts.sans,
        Size.PROSE,
        leading=13,
        gray=SOFT_INK,
    )
    place_block(flow, title)
    flow.gap(4 * MM)
    style = Prose.of(fonts, Size.BODY, 14, 2 * MM)
    for section in wording.tables("instructions.sections"):
        heading(flow, fonts, section.text("heading", values), leading=18, keep=3 * 14)
        prose(flow, section.text("body", values), style)
        flow.gap(2 * MM)
    rows = _contact_rows(kit, fonts, wording, width)
    flow.need(18 + 4 * 14 + sum(row[3] for row in rows))  # heading, intro and table together
    heading(flow, fonts, wording.text("instructions.contacts", values), leading=18, keep=3 * 14)
    if kit.contacts:
        prose(flow, wording.text("instructions.contacts_intro", values), style)
        if not all(reach.strip() for _, _, reach in kit.contacts):
            prose(flow, wording.text("instructions.contacts_write_in", values), style)
    else:
        prose(flow, wording.text("instructions.contacts_none", values), style)
    _contacts(flow, rows)


WRITE_IN = 10 * MM
"""Height of a row with a blank to write in by hand."""
SPARE_ROWS = 2
"""Empty contact rows after those the plan names, for people added later."""


ContactRow = tuple[list[list[str]], str, float, float]
"""Wrapped cells, font, grey and height of one row of the contacts table."""


def _contact_rows(kit: HolderKit, fonts: Fonts, wording: Wording, width: float) -> list[ContactRow]:
    headers = (
        wording.text("instructions.contact_role"),
        wording.text("instructions.contact_name"),
        wording.text("instructions.contact_reach"),
    )
    cells: list[tuple[tuple[str, str, str], str, float]] = [(headers, fonts.sans_bold, SOFT_INK)]
    cells.extend((contact, fonts.sans, INK) for contact in kit.contacts)
    spare = SPARE_ROWS + 4 * (not kit.contacts)
    cells.extend((("", "", ""), fonts.sans, INK) for _ in range(spare))
    rows: list[ContactRow] = []
    for index, (texts, font, gray) in enumerate(cells):
        wrapped = [
            wrap(text, font, Size.BODY, width * share - 2 * MM)
            for text, share in zip(texts, COLUMNS, strict=True)
        ]
        height = max(len(lines) for lines in wrapped) * 13.5 + 2 * MM
        if index > 0 and not texts[2].strip():
            height = max(height, WRITE_IN)
        rows.append((wrapped, font, gray, height))
    return rows


COLUMNS = (0.28, 0.30, 0.42)
"""Shares of the width: role, name, how to reach them."""


def _contacts(flow: Flow, rows: list[ContactRow]) -> None:
    """Contacts as a table, each row kept whole; details the plan does not give, and a few spare
    rows, are ruled lines to write on."""
    width = flow.geometry.content_width
    for wrapped, font, gray, height in rows:
        top = flow.place(height)
        x = flow.geometry.left
        for lines, share in zip(wrapped, COLUMNS, strict=True):
            for line_index, line in enumerate(lines):
                baseline = top - 1 * MM - (line_index + 1) * 13.5 + 3.6
                flow.text(x, baseline, (Run(line, font, Size.BODY, gray),))
            x += width * share
        flow.rule(flow.geometry.left, flow.geometry.right, top - height, width=0.5)
