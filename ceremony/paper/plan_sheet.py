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
        canvas.setFont(fonts.sans_bold, 13)
        canvas.drawString(MARGIN, top - 12, heading)
        canvas.setFont(fonts.sans, 10)
        canvas.drawString(MARGIN, top - 27, _fit(sheet.title, fonts.sans, 10, width - 2 * MARGIN))
        # Six words a line: twelve words of up to eight letters would not fit on one.
        words = sheet.hash_words.split()
        canvas.setFont(fonts.mono_bold, 9.5)
        canvas.drawString(MARGIN, top - 43, "plan words:  " + " ".join(words[:6]))
        canvas.drawString(MARGIN, top - 55, "             " + " ".join(words[6:]))
        canvas.setFont(fonts.mono, 8)
        canvas.drawString(MARGIN, top - 68, f"plan sha256: {sheet.sha256}")
        canvas.setStrokeGray(0.55)
        canvas.setLineWidth(0.5)
        canvas.line(MARGIN, top - HEADER + 8, width - MARGIN, top - HEADER + 8)

        y = top - HEADER - LEADING
        for number, text in page:
            canvas.setFillGray(0.45)
            canvas.setFont(fonts.mono, TEXT_SIZE)
            canvas.drawRightString(MARGIN + number_width - char_width, y, number)
            canvas.setFillGray(0.0)
            canvas.drawString(MARGIN + number_width, y, text)
            y -= LEADING

        canvas.setFillGray(0.35)
        canvas.setFont(fonts.sans, 7.5)
        footer = "Check it: `ceremony plan check FILE` must show the same plan words."
        if sheet.demo:
            footer = "DEMO plan: never keep value under a secret made from it. " + footer
        canvas.drawString(MARGIN, MARGIN, footer)
        canvas.drawRightString(width - MARGIN, MARGIN, f"page {index} of {len(pages)}")
        canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def _fit(text: str, font: str, size: float, room: float) -> str:
    if stringWidth(text, font, size) <= room:
        return text
    while text and stringWidth(text + "...", font, size) > room:
        text = text[:-1]
    return text + "..."
