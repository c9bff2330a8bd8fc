"""The plan printed for review before the ceremony: the file's exact text with line numbers (the same
numbers `ceremony plan check` uses in its errors), and the plan hash as hex and words on every page, so
that reviewers can confirm that the paper they signed is the file the ceremony will run.

Rendered from plain values, deterministic: the same plan gives byte-identical PDFs.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas

from ceremony.paper.fonts import Fonts
from ceremony.paper.layout import Size

MM = 72 / 25.4
SIZES = {"a4": (210 * MM, 297 * MM), "letter": (8.5 * 72, 11 * 72)}
MARGIN = 15 * MM
HEADER = 30 * MM
FOOTER = 12 * MM
TEXT_SIZE = 8.5
LEADING = 11.0
TAB = 4


@dataclass(frozen=True)
class PlanSheet:
    """What the review copy shows."""

    title: str
    """The ceremony's name."""
    text: str
    """The plan file's text, exactly."""
    sha256: str
    hash_words: str
    paper: str = "a4"
    """"a4" or "letter" (any case)."""
    demo: bool = False

    def __post_init__(self) -> None:
        if self.paper.lower() not in SIZES:
            raise ValueError(f"unknown paper size {self.paper!r}")


def _lines(text: str, columns: int) -> list[tuple[str, str]]:
    """(line number or "", text) per printed line; long lines continue without a number."""
    out: list[tuple[str, str]] = []
    # Split on "\n" only, as TOML and `plan check` count lines; splitlines() would also split on
    # characters such as U+2028 that TOML allows inside comments and strings.
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    for number, raw in enumerate(physical, start=1):
        line = raw.removesuffix("\r").expandtabs(TAB)
        pieces = _wrap(line, columns)
        out.append((str(number), pieces[0]))
        out.extend(("", piece) for piece in pieces[1:])
    return out


def _wrap(line: str, columns: int) -> list[str]:
    """Break a long line at a space where one is near the end, else mid-word."""
    pieces = []
    while len(line) > columns:
        cut = line.rfind(" ", columns // 2, columns)
        cut = cut + 1 if cut > 0 else columns
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def render_plan_sheet(sheet: PlanSheet) -> bytes:
    from ceremony.paper.fonts import register

    fonts = register()
    width, height = SIZES[sheet.paper.lower()]
    number_width = stringWidth("0000 ", fonts.mono, TEXT_SIZE)
    char_width = stringWidth("M", fonts.mono, TEXT_SIZE)
    columns = max(20, int((width - 2 * MARGIN - number_width) // char_width))
    per_page = int((height - HEADER - FOOTER - 2 * MARGIN) // LEADING)
    lines = _lines(sheet.text, columns)
    pages = [lines[i : i + per_page] for i in range(0, len(lines), per_page)] or [[]]
    if (per_page - len(pages[-1])) * LEADING < SIGNATURE_HEIGHT + LEADING:
        pages.append([])  # the signatures need a page of their own

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(width, height), invariant=1, pageCompression=1)
    canvas.setTitle(f"Ceremony plan: {sheet.title}")
    canvas.setSubject(f"plan sha256 {sheet.sha256}")
    canvas.setAuthor("ceremony")
    canvas.setCreator("ceremony")
    for index, page in enumerate(pages, start=1):
        top = height - MARGIN
        canvas.setFillGray(0.0)
        heading = "Ceremony plan for review"
        if sheet.demo:
            heading = "DEMO  " + heading + "  DEMO"
        canvas.setFont(fonts.sans_bold, Size.DISPLAY)
        canvas.drawString(MARGIN, top - 12, heading)
        canvas.setFont(fonts.sans, Size.BODY)
        canvas.drawString(
            MARGIN, top - 27, _fit(sheet.title, fonts.sans, Size.BODY, width - 2 * MARGIN)
        )
        # Six words a line: twelve words of up to eight letters would not fit on one.
        words = sheet.hash_words.split()
        canvas.setFont(fonts.mono_bold, Size.PROSE)
        canvas.drawString(MARGIN, top - 43, "plan words:  " + " ".join(words[:6]))
        canvas.drawString(MARGIN, top - 55, "             " + " ".join(words[6:]))
        canvas.setFont(fonts.mono, Size.SMALL)
        canvas.drawString(MARGIN, top - 68, f"plan sha256: {sheet.sha256}")
        canvas.setStrokeGray(0.55)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - HEADER + 8, width - MARGIN, top - HEADER + 8)

        y = top - HEADER - LEADING
        for number, text in page:
            canvas.setFillGray(0.45)
            canvas.setFont(fonts.mono, TEXT_SIZE)
            canvas.drawRightString(MARGIN + number_width - char_width, y, number)
            _draw_line(canvas, MARGIN + number_width, y, text)
            y -= LEADING
        if index == len(pages):
            _signatures(canvas, y - LEADING, width)

        canvas.setFillGray(0.35)
        canvas.setFont(fonts.sans, Size.NOTE)
        footer = FOOTER_TEXT
        if sheet.demo:
            footer = "DEMO plan: never keep value under a secret made from it. " + footer
        page_label = f"page {index} of {len(pages)}"
        room = width - 2 * MARGIN - stringWidth(page_label, fonts.sans, Size.NOTE) - 6 * MM
        canvas.drawString(MARGIN, MARGIN, _fit(footer, fonts.sans, Size.NOTE, room))
        canvas.drawRightString(width - MARGIN, MARGIN, page_label)
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


FOOTER_TEXT = "Check it: ceremony plan check FILE must show the same plan words."
SIGNATURE_ROWS = 4
SIGNATURE_HEIGHT = 24 + SIGNATURE_ROWS * 9 * MM
"""Room the review signatures take on the last page."""


def _signatures(canvas: Canvas, top: float, width: float) -> None:
    """Lines for the reviewers to print their name, sign and date: what they approved is this
    text, with these plan words."""
    from ceremony.paper.fonts import register

    fonts = register()
    canvas.setFillGray(0.0)
    canvas.setFont(fonts.sans_bold, Size.BODY)
    canvas.drawString(
        MARGIN, top - 10, "Reviewed and approved: this text, with the plan words above"
    )
    columns = (("Name", 0.0), ("Role", 0.36), ("Signature", 0.56), ("Date", 0.84))
    inner = width - 2 * MARGIN
    canvas.setFont(fonts.sans, Size.SMALL)
    canvas.setFillGray(0.35)
    for label, share in columns:
        canvas.drawString(MARGIN + inner * share, top - 24, label)
    canvas.setStrokeGray(0.55)
    canvas.setLineWidth(0.6)
    for row in range(1, SIGNATURE_ROWS + 1):
        y = top - 24 - row * 9 * MM
        canvas.line(MARGIN, y, width - MARGIN, y)


def _draw_line(canvas: Canvas, x: float, y: float, text: str) -> None:
    """One line of the plan: in the fixed-width face, except characters it lacks, which are drawn
    in the sans face, or spelled out as <U+XXXX> when no embedded font has them (never a box)."""
    from ceremony.paper.fonts import register

    fonts = register()
    line = canvas.beginText(x, y)
    line.setFillGray(0.0)
    for font, piece in _runs(text, fonts):
        if font == "escape":
            line.setFont(fonts.mono, TEXT_SIZE)
            line.setFillGray(0.45)
            line.textOut(piece)
            line.setFillGray(0.0)
        else:
            line.setFont(font, TEXT_SIZE)
            line.textOut(piece)
    canvas.drawText(line)


def _runs(text: str, fonts: Fonts) -> list[tuple[str, str]]:
    from ceremony.paper.glyphs import covered

    runs: list[tuple[str, str]] = []
    for char in text:
        if char == " " or covered(char, fonts, mono=True):
            font, piece = fonts.mono, char
        elif covered(char, fonts):
            font, piece = fonts.sans, char
        else:
            font, piece = "escape", f"<U+{ord(char):04X}>"
        if runs and runs[-1][0] == font:
            runs[-1] = (font, runs[-1][1] + piece)
        else:
            runs.append((font, piece))
    return runs


def _fit(text: str, font: str, size: float, room: float) -> str:
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text + "..."
