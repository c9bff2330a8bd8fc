"""Every document of a stress plan, on Letter and A4, read back from the PDF as a reader sees it:
16 groups, two of 8 holders, 40-character names, 64-character bag serials. Fails on text outside
the printable area or over other text, text that runs across the edge of its table cell or box, a
check code broken across lines, a heading alone at the foot of a page, or a page of another paper
size."""

from __future__ import annotations

import bisect

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw
import pytest

from ceremony.paper.content import MM, PaperSize
from tests.helpers.stress import (
    documents,
    stress_record,
)

MARGIN = 8 * MM
"""Nothing may print closer to the paper's edge: office printers lose about 5 mm."""
FOOT = 21 * MM
"""Below this, a page holds only its footer."""

Rect = tuple[float, float, float, float]


def crossing_edges(page: pdfium.PdfPage) -> list[Rect]:
    """Lines of text that run across the edge of a box, a table rule or a cell border: one text
    object is one line in one cell, so its box must lie on one side of every edge."""
    texts: list[Rect] = []
    vertical: list[tuple[float, float, float]] = []
    horizontal: list[tuple[float, float, float]] = []
    for obj in page.get_objects():
        left, bottom, right, top = obj.get_bounds()
        if obj.type == pdfium_raw.FPDF_PAGEOBJ_TEXT:
            slack = 0.25 * (top - bottom)  # the font's ascent and descent, beyond the glyphs
            texts.append((left + 0.5, bottom + slack, right - 0.5, top - slack))
        elif obj.type == pdfium_raw.FPDF_PAGEOBJ_PATH:
            if right - left < 2:
                vertical.append(((left + right) / 2, bottom, top))
            elif top - bottom < 2:
                horizontal.append(((bottom + top) / 2, left, right))
            else:
                vertical += [(left, bottom, top), (right, bottom, top)]
                horizontal += [(bottom, left, right), (top, left, right)]
    vertical.sort()
    horizontal.sort()
    found = []
    for box in texts:
        left, bottom, right, top = box
        for edges, low, high, start, end in (
            (vertical, left, right, bottom, top),
            (horizontal, bottom, top, left, right),
        ):
            first = bisect.bisect_right(edges, (low, float("inf"), float("inf")))
            for at, edge_start, edge_end in edges[first:]:
                if at >= high:
                    break
                if edge_start < end and edge_end > start:
                    found.append(box)
                    break
    return found


def overprinted(rects: list[Rect]) -> list[tuple[Rect, Rect]]:
    found = []
    for a, (l1, b1, r1, t1) in enumerate(rects):
        for l2, b2, r2, t2 in rects[a + 1 :]:
            w, h = min(r1, r2) - max(l1, l2), min(t1, t2) - max(b1, b2)
            small = min((r1 - l1) * (t1 - b1), (r2 - l2) * (t2 - b2))
            if w > 1 and h > 1 and w * h > 0.3 * small:
                found.append(((l1, b1, r1, t1), (l2, b2, r2, t2)))
    return found


def alone_at_foot(text: pdfium.PdfTextPage, rects: list[Rect], heading: str) -> bool:
    """Whether `heading` is the lowest text of the page above its footer."""
    searcher = text.search(heading, match_case=True, match_whole_word=False)
    found = searcher.get_next()
    while found is not None:
        start, count = found
        bottom = min(text.get_charbox(i)[1] for i in range(start, start + count))
        body = [b for _, b, _, t in rects if t > FOOT and b < bottom - 1]
        if not body:
            return True
        found = searcher.get_next()
    return False


@pytest.mark.slow
@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_every_document_of_a_stress_plan_reads_cleanly(size: PaperSize) -> None:
    record = stress_record()
    codes = [entry.check_code for entry in record.shares]
    problems: list[str] = []
    for name, pdf_bytes, headings in documents(size):
        pdf = pdfium.PdfDocument(pdf_bytes)
        whole = ""
        for index in range(len(pdf)):
            page = pdf[index]
            where = f"{name}, page {index + 1}"
            width, height = page.get_size()
            if abs(width - size.points[0]) > 0.5 or abs(height - size.points[1]) > 0.5:
                problems.append(f"{where}: {width:.0f} x {height:.0f} pt, not {size.value}")
            text = page.get_textpage()
            rects = [text.get_rect(i) for i in range(text.count_rects())]
            for left, bottom, right, top in rects:
                if (
                    left < MARGIN
                    or right > width - MARGIN
                    or bottom < MARGIN
                    or top > height - MARGIN
                ):
                    problems.append(f"{where}: text outside the printable area at x={right:.0f}")
                    break
            for first, _ in overprinted(rects)[:1]:
                problems.append(f"{where}: text printed over other text at {first[:2]}")
            for box in crossing_edges(page)[:1]:
                line = text.get_text_bounded(*box)
                problems.append(f"{where}: {line!r} runs across the edge of its cell or box")
            if index < len(pdf) - 1:
                for heading in headings:
                    if alone_at_foot(text, rects, heading):
                        problems.append(f"{where}: heading {heading!r} alone at the foot")
            whole += text.get_text_range()
        if name in ("record", "ceremony-script"):
            broken = [code for code in codes if code not in whole]
            if broken:
                problems.append(f"{name}: check code {broken[0]} broken across lines")
    assert not problems, "\n".join(problems[:20])


def test_text_across_a_cell_edge_is_found() -> None:
    """The overflow check itself: a line that runs past its box is found, one inside is not."""
    import io

    from reportlab.pdfgen.canvas import Canvas

    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=PaperSize.A4.points, invariant=1)
    canvas.rect(100, 600, 100, 30, stroke=1, fill=0)
    canvas.drawString(105, 610, "fits")
    canvas.rect(100, 500, 100, 30, stroke=1, fill=0)
    canvas.drawString(105, 510, "this text is far too long for its box")
    canvas.line(300, 300, 300, 400)
    canvas.drawString(250, 350, "across a rule")
    canvas.save()
    page = pdfium.PdfDocument(buffer.getvalue())[0]
    found = crossing_edges(page)
    text = page.get_textpage()
    assert sorted(text.get_text_bounded(*box) for box in found) == [
        "across a rule",
        "this text is far too long for its box",
    ]
