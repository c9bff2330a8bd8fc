"""The parts the ceremony's documents share, built on the layout engine: a document's start and
finish (fonts, wording, frame), its title with a PUBLIC or SECRET tag, tables of facts, section
headings, and lines to sign on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from reportlab.pdfgen.canvas import Canvas

from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts, register
from ceremony.paper.layout import (
    INK,
    SOFT_INK,
    Block,
    Flow,
    Geometry,
    Prose,
    Run,
    Size,
    draw_runs,
    place_block,
    render_framed,
    text_width,
)
from ceremony.paper.wording import Wording, load


@dataclass
class Document:
    """One document being laid out: its fonts, its wording (templates/paper/NAME.toml), the
    shared wording (common.toml), and the flow of its pages."""

    fonts: Fonts
    wording: Wording
    common: Wording
    size: PaperSize
    geometry: Geometry
    flow: Flow
    demo: bool

    @classmethod
    def start(cls, template: str, size: PaperSize, *, demo: bool) -> Document:
        geometry = Geometry.for_size(size, demo=demo)
        return cls(
            fonts=register(),
            wording=load("paper", template),
            common=load("paper", "common.toml"),
            size=size,
            geometry=geometry,
            flow=Flow(geometry),
            demo=demo,
        )

    def prose(self, size: float, leading: float, gap: float) -> Prose:
        """The style of template prose in this document."""
        return Prose.of(self.fonts, size, leading, gap)

    def footer(self, document: str, ceremony_id: object, plan_hash_words: str) -> str:
        """The shared footer: which document, of which ceremony and plan."""
        values = {
            "document": document,
            "ceremony_id": ceremony_id,
            "plan_hash_words": plan_hash_words,
        }
        return self.common.text("footer", values)

    def pdf(self, *, footer: str, title: str, subject: str) -> bytes:
        """The laid-out pages as PDF bytes, with the DEMO band and "page N of M"."""
        return render_document(
            self.flow,
            self.size,
            self.geometry,
            self.fonts,
            self.common,
            demo=self.demo,
            footer=footer,
            title=title,
            subject=subject,
        )


def titled(
    flow: Flow,
    fonts: Fonts,
    title: str,
    tag: str,
    note: str,
    *,
    size: float = Size.TABLE,
    leading: float = 12.0,
    gray: float = SOFT_INK,
) -> None:
    """The title with its tag, then a note under it (what the document is, who may see it)."""
    title_with_tag(flow, fonts, title, tag)
    block = Block(flow.geometry.content_width)
    block.wrapped(note, fonts.sans, size, leading=leading, gray=gray)
    place_block(flow, block)
    flow.gap(3 * MM)


def heading(
    flow: Flow,
    fonts: Fonts,
    text: str,
    *,
    size: float = Size.HEADING,
    leading: float = 17.0,
    keep: float = 3 * 13.0,
) -> None:
    """A section heading, kept on the same page as the first `keep` points that follow it."""
    flow.need(leading + keep)
    block = Block(flow.geometry.content_width)
    block.wrapped(text, fonts.sans_bold, size, leading=leading)
    place_block(flow, block)


def sign_here(
    flow: Flow, fonts: Fonts, line_y: float, columns: Sequence[tuple[float, str]]
) -> None:
    """Lines to write on, side by side at the height `line_y`: each starts at its x and ends
    4 mm before the next (the last at the right margin), with its caption under it."""
    ends = [x - 4 * MM for x, _ in columns[1:]] + [flow.geometry.right]
    for (x, _), end in zip(columns, ends, strict=True):
        flow.rule(x, end, line_y, gray=INK)
    for x, caption in columns:
        flow.text(x, line_y - 9, (Run(caption, fonts.sans, Size.CAPTION, SOFT_INK),))


def title_with_tag(flow: Flow, fonts: Fonts, title: str, tag: str, *, filled: bool = False) -> None:
    """A document's title at the left and its PUBLIC / SECRET tag in a box at the right (a filled,
    reversed-out box for secret documents, so they are told apart at a glance)."""
    top = flow.place(26)
    left, right = flow.geometry.left, flow.geometry.right

    def draw(canvas: Canvas) -> None:
        draw_runs(canvas, left, top - 19, [Run(title, fonts.sans_bold, Size.TITLE)])
        tag_width = text_width(tag, fonts.sans_bold, Size.LEAD) + 6 * MM
        if filled:
            canvas.setFillGray(INK)
            canvas.rect(right - tag_width, top - 22, tag_width, 20, stroke=0, fill=1)
            canvas.setFillGray(1.0)
            canvas.setFont(fonts.sans_bold, Size.LEAD)
            canvas.drawString(right - tag_width + 3 * MM, top - 16, tag)
        else:
            canvas.setLineWidth(1.4)
            canvas.rect(right - tag_width, top - 22, tag_width, 20, stroke=1, fill=0)
            draw_runs(
                canvas, right - tag_width + 3 * MM, top - 16, [Run(tag, fonts.sans_bold, Size.LEAD)]
            )

    flow.draw(draw)


def label_run(text: str, fonts: Fonts) -> Run:
    """The small grey label in front of a value in a table of facts."""
    return Run(text, fonts.sans, Size.LABEL, SOFT_INK)


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
        block.wrapped(note, fonts.sans, Size.NOTE, leading=10, x=x, gray=SOFT_INK)
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
