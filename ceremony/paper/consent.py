"""The consent card: the sealed time lock's passphrase P on paper, for the owner or a veto holder.

SECRET: with a quorum of shares it opens the lock at once. P is printed large, in a fixed-width face
that tells 0 from O, in groups of four; its check code (the start of SHA-256(P)) is what the recovery
tool shows when it reads P back, so a mistyped P is caught before anything else. The card is one
page with deterministic bytes and never carries a QR code of P.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from ceremony.errors import BadInput
from ceremony.model.passphrase import CONSENT_ALPHABET, CONSENT_CHARS, consent_check_code
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.document import Document, heading, label_run, sign_here, title_with_tag
from ceremony.paper.fonts import Fonts
from ceremony.paper.layout import (
    INK,
    SHADE,
    SOFT_INK,
    Block,
    Flow,
    Run,
    Size,
    place_block,
    prose,
)
from ceremony.paper.wording import Wording

PASSPHRASE_CHARS = CONSENT_CHARS
GROUP = 4
LABEL = 32 * MM


@dataclass(frozen=True)
class ConsentCard:
    """What the card shows. The passphrase is secret: repr leaves it out."""

    ceremony_name: str
    ceremony_id: str
    passphrase: str = field(repr=False)
    squarings: int = 0
    fingerprint: str = ""
    """The master fingerprint a wallet must show after opening the shares with P ("" leaves it out)."""
    demo: bool = False

    def __post_init__(self) -> None:
        text = self.passphrase
        if len(text) != PASSPHRASE_CHARS or any(c not in CONSENT_ALPHABET for c in text):
            raise BadInput(
                f"a consent card holds a {PASSPHRASE_CHARS}-character hex passphrase",
                "this is a bug in the caller of the paper module; please report it",
            )

    @property
    def check_code(self) -> str:
        """First 8 hex digits of SHA-256(P), upper-case, as XXXX-XXXX."""
        return consent_check_code(self.passphrase)

    @property
    def groups(self) -> list[str]:
        return [self.passphrase[i : i + GROUP] for i in range(0, len(self.passphrase), GROUP)]


def template_values(card: ConsentCard) -> dict[str, object]:
    return {
        "ceremony_name": card.ceremony_name,
        "ceremony_id": card.ceremony_id,
        "check_code": card.check_code,
        "squarings": f"{card.squarings:,}",
    }


def render_card(card: ConsentCard, size: PaperSize) -> bytes:
    """The card's PDF: one page, deterministic bytes. SECRET."""
    doc = Document.start("consent.toml", size, demo=card.demo)
    flow, fonts, wording = doc.flow, doc.fonts, doc.wording
    values = template_values(card)

    _title(flow, fonts, wording)
    _about(flow, card, fonts, wording)
    _passphrase(flow, card, fonts, wording, values)
    style = doc.prose(Size.PROSE, 13, 1.5 * MM)
    for note in wording.tables("notes"):
        heading(flow, fonts, note.text("heading", values))
        prose(flow, note.text("body", values), style)
    _handover(flow, fonts, wording)

    footer = wording.text("footer", {**values, "document": wording.text("document")})
    return doc.pdf(
        footer=footer,
        title=f"{wording.text('title')}: {card.ceremony_name}",
        subject=f"ceremony {card.ceremony_id}; {wording.text('secret_tag')}",
    )


def _title(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    title_with_tag(flow, fonts, wording.text("title"), wording.text("secret_tag"), filled=True)
    flow.gap(2 * MM)
    statement = Block(flow.geometry.content_width)
    statement.wrapped(wording.text("statement"), fonts.sans_bold, Size.STATEMENT, leading=20)
    statement.wrapped(wording.text("statement_note"), fonts.sans, Size.PROSE, leading=12.5)
    place_block(flow, statement)
    flow.gap(4 * MM)


def _about(flow: Flow, card: ConsentCard, fonts: Fonts, wording: Wording) -> None:
    block = Block(flow.geometry.content_width)
    rows = [
        ("ceremony", card.ceremony_name, fonts.sans_bold, Size.NAME),
        ("ceremony_id", card.ceremony_id, fonts.mono_bold, Size.LEAD),
        ("fingerprint", card.fingerprint, fonts.mono_bold, Size.LEAD),
    ]
    for key, text, font, size in rows:
        if text:
            block.wrapped(
                text, font, size, leading=16, x=LABEL, label=label_run(wording.text(key), fonts)
            )
    place_block(flow, block)
    flow.gap(4 * MM)


def _passphrase(
    flow: Flow, card: ConsentCard, fonts: Fonts, wording: Wording, values: Mapping[str, object]
) -> None:
    """P in a shaded box, four groups of four to a line, then its check code."""
    width = flow.geometry.content_width
    inner = width - 2 * 5 * MM
    block = Block(inner)
    block.wrapped(wording.text("passphrase"), fonts.sans_bold, Size.BODY, leading=14)
    block.wrapped(
        wording.text("passphrase_note"), fonts.sans, Size.SMALL, leading=10.5, gray=SOFT_INK
    )
    block.space(3 * MM)
    groups = card.groups
    for start in range(0, len(groups), 4):
        block.add(
            Run("  ".join(groups[start : start + 4]), fonts.mono_bold, Size.SECRET), leading=34
        )
    block.space(3 * MM)
    block.wrapped(
        card.check_code,
        fonts.mono_bold,
        Size.DISPLAY,
        leading=18,
        x=LABEL,
        label=label_run(wording.text("check_code"), fonts),
    )
    block.wrapped(
        wording.text("check_note", values),
        fonts.sans,
        Size.NOTE,
        leading=10,
        x=LABEL,
        gray=SOFT_INK,
    )
    place_block(flow, block, pad=5 * MM, fill=SHADE, stroke=INK, line_width=1.4)
    flow.gap(5 * MM)


def _handover(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("handover.heading"), fonts.sans_bold, Size.HEADING, leading=17)
    slot = 14 * MM
    flow.need(head.height + slot)
    place_block(flow, head)
    left = flow.geometry.left
    signature_x = left + width * 0.45
    date_x = left + width * 0.8
    top = flow.place(slot)
    line_y = top - slot + 5 * MM
    sign_here(
        flow,
        fonts,
        line_y,
        [
            (left, wording.text("handover.given_to")),
            (signature_x, wording.text("handover.signature")),
            (date_x, wording.text("handover.date")),
        ],
    )
