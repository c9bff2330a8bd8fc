"""`textops.write_runs` writes the operators reportlab's text object writes, byte for byte, with the
same effect on the document's fonts (subset assignments, registration order), on awkward text."""

from __future__ import annotations

import io

import pytest
from reportlab.pdfgen.canvas import Canvas

from ceremony.paper import layout, textops
from ceremony.paper.fonts import MONO, SANS, SANS_BOLD, register
from ceremony.paper.layout import Run

AWKWARD = (
    "plain ASCII words: academic acid acne",
    "",
    "brackets (and) back\\slash \\( ) ((",
    "Zoë Łukasz José · • – “quoted” ½",
    "tab\tand\nnewline and \x7f delete",
    "non-breaking\xa0space",
    "not in the font: \ue000\U0001f600",
    "Ελληνικά кириллица",
)


def _page(lines: list[tuple[float, float, tuple[Run, ...]]], *, fast: bool) -> bytes:
    register()
    buffer = io.BytesIO()
    canvas = Canvas(buffer, pagesize=(595, 842), invariant=1, pageCompression=1)
    canvas.setFont(SANS, 10)
    for x, y, runs in lines:
        if fast:
            assert textops.write_runs(canvas, x, y, runs)
        else:
            layout.draw_runs_reportlab(canvas, x, y, runs)
    canvas.showPage()
    canvas.save()
    return buffer.getvalue()


def test_awkward_text_gives_reportlabs_bytes() -> None:
    lines = []
    for number, text in enumerate(AWKWARD):
        runs = (
            Run(text, (SANS, MONO, SANS_BOLD)[number % 3], 7.5 + number, 0.35 * (number % 2)),
            Run(f" {text[::-1]}", MONO, 9.0),
        )
        lines.append((15.0 + number / 3, 800.0 - 20 * number, runs))
    assert _page(lines, fast=True) == _page(lines, fast=False)


def test_many_characters_spill_into_more_subsets_in_the_same_order() -> None:
    rare = "".join(chr(code) for code in range(0x100, 0x100 + 600) if chr(code).isprintable())
    lines = [
        (20.0, 700.0 - 12 * n, (Run(rare[n * 90 : (n + 1) * 90], SANS, 8.0),)) for n in range(7)
    ]
    assert _page(lines, fast=True) == _page(lines, fast=False)


def test_a_standard_font_is_left_to_reportlab() -> None:
    canvas = Canvas(io.BytesIO())
    assert not textops.write_runs(canvas, 0.0, 0.0, (Run("x", "Helvetica", 10.0),))


@pytest.mark.parametrize("text", ["", "ascii", "Zoë"])
def test_draw_runs_takes_the_fast_path_for_packaged_fonts(text: str) -> None:
    register()
    canvas = Canvas(io.BytesIO(), invariant=1)
    before = len(canvas._code)
    layout.draw_runs(canvas, 1.0, 2.0, (Run(text, SANS, 10.0),))
    assert len(canvas._code) == before + 1
    assert canvas._code[-1].startswith("BT 1 0 0 1 1 2 Tm")
