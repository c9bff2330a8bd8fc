"""The values the paper renders from refuse what the layout cannot print correctly."""

from __future__ import annotations

import dataclasses

import pytest

from ceremony.core.slip39 import wordlist
from ceremony.errors import BadInput
from ceremony.paper.content import PaperSize, ShareCard, ShareRow
from ceremony.paper.fonts import register
from ceremony.paper.layout import text_width, wrap
from ceremony.paper.specimen import SpecimenGroup, specimen_kits, specimen_record


@pytest.fixture(scope="module")
def card() -> ShareCard:
    return specimen_kits(wordlist(), [SpecimenGroup("treasury", 2, 3)], 1, words=20)[0].card


@pytest.mark.parametrize(
    "change",
    [
        {"words": ("acid",) * 19},
        {"words": ("acid",) * 34},
        {"words": ("Acid",) * 20},
        {"check_code": "abcd-1234"},
        {"check_code": "ABCD1234"},
        {"member_number": 4},
        {"member_threshold": 4},
        {"group_threshold": 2},
        {"group_count": 17, "group_threshold": 1},
        {"holder": "  "},
    ],
)
def test_card_refuses_what_it_cannot_print(card: ShareCard, change: dict[str, object]) -> None:
    with pytest.raises(BadInput):
        dataclasses.replace(card, **change)  # type: ignore[arg-type]


def test_card_repr_hides_the_words(card: ShareCard) -> None:
    shown = repr(card)
    assert card.holder in shown
    assert not any(word in shown.split() for word in card.words[4:])
    assert "20 hidden" in shown


def test_share_row_checks_its_hashes() -> None:
    kits = specimen_kits(wordlist(), [SpecimenGroup("treasury", 2, 3)], 1)
    sheet = specimen_record(kits, ["a" * 64] * 3, wordlist(), groups=[SpecimenGroup("t", 2, 3)])
    row = sheet.shares[0]
    with pytest.raises(BadInput):
        dataclasses.replace(row, kit_sha256="A" * 64)
    with pytest.raises(BadInput):
        dataclasses.replace(row, share_commitment="ab")
    with pytest.raises(BadInput):
        dataclasses.replace(sheet, shares=())
    with pytest.raises(BadInput):
        dataclasses.replace(sheet, secret_kind="bip32")
    assert isinstance(row, ShareRow)


def test_paper_size_from_text() -> None:
    assert PaperSize.from_text(" Letter ") is PaperSize.LETTER
    assert PaperSize.A4.points[0] == pytest.approx(595.28, abs=0.01)
    with pytest.raises(BadInput):
        PaperSize.from_text("a5")


def test_wrap_never_overflows() -> None:
    font = register().mono
    text = "x" * 90 + " a short tail " + "0123456789abcdef" * 4
    lines = wrap(text, font, 9, 120)
    assert all(text_width(line, font, 9) <= 120 for line in lines)
    assert "".join(lines).replace(" ", "") == text.replace(" ", "")
