"""The paper's speed-ups change no byte: packaged fonts that make each embedded subset (and its
character map and widths) once, text operators written without reportlab's text objects, and
widths and line breaks shared by the kits of one ceremony (and forgotten afterwards)."""

from __future__ import annotations

import pytest
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ceremony.core.slip39 import wordlist
from ceremony.paper import layout
from ceremony.paper.content import HolderKit, PaperSize
from ceremony.paper.fonts import FILES, PackagedFont, register
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.specimen import SpecimenGroup, specimen_kits


def _kits() -> tuple[HolderKit, ...]:
    groups = [SpecimenGroup("treasury", 2, 3), SpecimenGroup("Zoë Łukasz", 1, 1)]  # not only ASCII
    return specimen_kits(wordlist(), groups, 2)


def _plain(monkeypatch: pytest.MonkeyPatch) -> None:
    """Make the packaged fonts behave as plain reportlab TTFonts (subsets made every time)."""
    for name in FILES:
        font = pdfmetrics.getFont(name)
        assert isinstance(font, PackagedFont)
        monkeypatch.setattr(font.face, "makeSubset", font._make_subset)
        monkeypatch.setattr(font, "addObjects", TTFont.addObjects.__get__(font))
        monkeypatch.setattr(font, "splitString", TTFont.splitString.__get__(font))
    # reportlab's own text objects, not the operators ceremony writes itself
    monkeypatch.setattr(layout, "write_runs", lambda *args, **kwargs: False)


def test_cached_font_subsets_give_the_bytes_of_plain_reportlab(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    register()
    kits = _kits()
    cached = [render_holder_kit(kit, size) for kit in kits for size in PaperSize]
    _plain(monkeypatch)
    assert [render_holder_kit(kit, size) for kit in kits for size in PaperSize] == cached


def test_shared_measures_give_the_same_bytes_and_are_forgotten() -> None:
    kit = _kits()[-1]
    alone = render_holder_kit(kit, PaperSize.A4)
    with layout.shared_measures():
        with layout.shared_measures():  # nested: the outer block owns what is remembered
            assert render_holder_kit(kit, PaperSize.A4) == alone
        assert layout._widths  # kept until the outer block ends
        assert render_holder_kit(kit, PaperSize.A4) == alone
    assert layout._widths is None
    assert layout._lines is None


def test_shared_measures_are_forgotten_on_an_error() -> None:
    register()

    def interrupted() -> None:
        with layout.shared_measures():
            layout.text_width("secret words", "CeremonySans", 10.0)
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        interrupted()
    assert layout._widths is None
