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
from ceremony.model.record import Record
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
    label_run,
    place_block,
    prose,
    render_document,
    title_with_tag,
)
from ceremony.paper.wording import Wording, load

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


def render_consent_card(record: Record, passphrase: str, size: PaperSize) -> bytes:
    """The consent card of a sealed record (what the ceremony writes into the kit). SECRET."""
    lock = record.timelock
    card = ConsentCard(
        ceremony_name=record.ceremony_name,
        ceremony_id=record.ceremony_id,
        passphrase=passphrase,
        squarings=lock.iterations if lock is not None else 0,
        fingerprint=record.fingerprint,
        demo=record.demo,
    )
    return render_card(card, size)


def template_values(card: ConsentCard) -> dict[str, object]:
    return {
        "ceremony_name": card.ceremony_name,
        "ceremony_id": card.ceremony_id,
        "check_code": card.check_code,
        "squarings": f"{card.squarings:,}",
    }


def render_card(card: ConsentCard, size: PaperSize) -> bytes:
    """The card's PDF: one page, deterministic bytes. SECRET."""
    fonts = register()
    wording = load("paper", "consent.toml")
    common = load("paper", "common.toml")
    values = template_values(card)
    geometry = Geometry.for_size(size, demo=card.demo)
    flow = Flow(geometry)

    _title(flow, fonts, wording)
    _about(flow, card, fonts, wording)
    _passphrase(flow, card, fonts, wording, values)
    style = Prose(
        font=fonts.sans,
        mono=fonts.mono,
        bold_mono=fonts.mono_bold,
        size=9.5,
        leading=13,
        gap=1.5 * MM,
    )
    for note in wording.tables("notes"):
        heading = Block(flow.geometry.content_width)
        heading.wrapped(note.text("heading", values), fonts.sans_bold, 12, leading=17)
        flow.need(heading.height + 3 * 13)
        place_block(flow, heading)
        prose(flow, note.text("body", values), style)
    _handover(flow, fonts, wording)

    footer = wording.text("footer", {**values, "document": wording.text("document")})
    return render_document(
        flow,
        size,
        geometry,
        fonts,
        common,
        demo=card.demo,
        footer=footer,
        title=f"{wording.text('title')}: {card.ceremony_name}",
        subject=f"ceremony {card.ceremony_id}; {wording.text('secret_tag')}",
    )


def _title(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    title_with_tag(flow, fonts, wording.text("title"), wording.text("secret_tag"), filled=True)
    flow.gap(2 * MM)
    statement = Block(flow.geometry.content_width)
    statement.wrapped(wording.text("statement"), fonts.sans_bold, 15, leading=20)
    statement.wrapped(wording.text("statement_note"), fonts.sans, 9.5, leading=12.5)
    place_block(flow, statement)
    flow.gap(4 * MM)


def _about(flow: Flow, card: ConsentCard, fonts: Fonts, wording: Wording) -> None:
    block = Block(flow.geometry.content_width)
    block.wrapped(
        card.ceremony_name,
        fonts.sans_bold,
        11.5,
        leading=16,
        x=LABEL,
        label=label_run(wording.text("ceremony"), fonts),
    )
    block.wrapped(
        card.ceremony_id,
        fonts.mono_bold,
        11,
        leading=16,
        x=LABEL,
        label=label_run(wording.text("ceremony_id"), fonts),
    )
    if card.fingerprint:
        block.wrapped(
            card.fingerprint,
            fonts.mono_bold,
            11,
            leading=16,
            x=LABEL,
            label=label_run(wording.text("fingerprint"), fonts),
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
    block.wrapped(wording.text("passphrase"), fonts.sans_bold, 10, leading=14)
    block.wrapped(wording.text("passphrase_note"), fonts.sans, 8, leading=10.5, gray=SOFT_INK)
    block.space(3 * MM)
    groups = card.groups
    for start in range(0, len(groups), 4):
        block.add(Run("  ".join(groups[start : start + 4]), fonts.mono_bold, 24), leading=34)
    block.space(3 * MM)
    block.wrapped(
        card.check_code,
        fonts.mono_bold,
        13,
        leading=18,
        x=LABEL,
        label=label_run(wording.text("check_code"), fonts),
    )
    block.wrapped(
        wording.text("check_note", values), fonts.sans, 7.5, leading=10, x=LABEL, gray=SOFT_INK
    )
    place_block(flow, block, pad=5 * MM, fill=SHADE, stroke=INK, line_width=1.4)
    flow.gap(5 * MM)


def _handover(flow: Flow, fonts: Fonts, wording: Wording) -> None:
    width = flow.geometry.content_width
    head = Block(width)
    head.wrapped(wording.text("handover.heading"), fonts.sans_bold, 12, leading=17)
    slot = 14 * MM
    flow.need(head.height + slot)
    place_block(flow, head)
    left, right = flow.geometry.left, flow.geometry.right
    signature_x = left + width * 0.45
    date_x = left + width * 0.8
    top = flow.place(slot)
    line_y = top - slot + 5 * MM
    flow.rule(left, signature_x - 4 * MM, line_y, gray=INK)
    flow.rule(signature_x, date_x - 4 * MM, line_y, gray=INK)
    flow.rule(date_x, right, line_y, gray=INK)
    for x, key in (
        (left, "handover.given_to"),
        (signature_x, "handover.signature"),
        (date_x, "handover.date"),
    ):
        flow.text(x, line_y - 9, (Run(wording.text(key), fonts.sans, 7, SOFT_INK),))
