"""Holder kits: every word on its own card, in order, and nowhere else; the card fits one page."""

from __future__ import annotations

import dataclasses
import io
import os
import re
import subprocess
import sys
from collections.abc import Sequence

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from ceremony.core.slip39 import wordlist
from ceremony.paper.content import HolderKit, PaperSize
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.layout import Geometry
from ceremony.paper.specimen import SpecimenGroup, specimen_kits

GROUPS = (
    SpecimenGroup("north-vault", 3, 5),
    SpecimenGroup("south-vault", 2, 3),
    SpecimenGroup("notary", 1, 1),
)
LONG_HOLDER = "Maximiliane Wolfeschlegelsteinhausenberg"
LONG_GROUP = "international-board-of-trustees-europe-1"


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def runs_of(words: Sequence[str], length: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def contains_run(text: str, words: Sequence[str], length: int = 3) -> bool:
    return bool(runs_of(tokens(text), length) & runs_of(words, length))


def in_order(text: str, words: Sequence[str]) -> bool:
    found = tokens(text)
    n = len(words)
    return any(found[i : i + n] == list(words) for i in range(len(found) - n + 1))


def with_names(kit: HolderKit, *, holder: str | None = None, group: str | None = None) -> HolderKit:
    card = dataclasses.replace(
        kit.card, holder=holder or kit.card.holder, group=group or kit.card.group
    )
    return dataclasses.replace(kit, card=card)


@pytest.fixture(scope="module")
def kits() -> tuple[HolderKit, ...]:
    return specimen_kits(wordlist(), GROUPS, 2, words=33, demo=False)


@pytest.fixture(scope="module")
def pdfs(kits: tuple[HolderKit, ...]) -> list[bytes]:
    return [render_holder_kit(kit, PaperSize.A4) for kit in kits]


def test_every_word_is_on_its_card_in_order(kits: tuple[HolderKit, ...], pdfs: list[bytes]) -> None:
    for kit, pdf in zip(kits, pdfs, strict=True):
        card_page = pages_text(pdf)[0]
        assert in_order(card_page, kit.card.words), kit.card.holder
        for number in range(1, len(kit.card.words) + 1):
            assert f"{number}. " in card_page


def test_words_appear_on_no_other_page_of_any_kit(
    kits: tuple[HolderKit, ...], pdfs: list[bytes]
) -> None:
    texts = [pages_text(pdf) for pdf in pdfs]
    for index, kit in enumerate(kits):
        for other, pages in enumerate(texts):
            for number, text in enumerate(pages):
                if other == index and number == 0:
                    continue
                assert not contains_run(text, kit.card.words), (kit.card.holder, other, number)


def test_card_says_where_the_share_fits(kits: tuple[HolderKit, ...], pdfs: list[bytes]) -> None:
    card = pages_text(pdfs[1])[0]
    assert "Share 2 of 5 in group north-vault, 3 needed; 2 of 3 groups needed." in card
    assert kits[1].card.holder in card
    assert kits[1].card.check_code in card
    assert "Tamper-evident bag serial" in card
    assert "Never photograph" in card


def test_single_group_card_says_so() -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1, words=20)
    card = pages_text(render_holder_kit(kit, PaperSize.A4))[0]
    assert "Share 1 of 1 in group solo, 1 needed; this is the only group." in card


def test_card_leaks_no_other_group(pdfs: list[bytes]) -> None:
    north = "\n".join(pages_text(pdfs[0]))
    assert "north-vault" in north
    assert "south-vault" not in north
    assert "notary" not in north


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
@pytest.mark.parametrize("count", [20, 26, 33])
@pytest.mark.parametrize("demo", [False, True], ids=["real", "demo"])
def test_card_fits_one_page_with_long_names(size: PaperSize, count: int, demo: bool) -> None:
    groups = [SpecimenGroup(LONG_GROUP, 16, 16)] + [
        SpecimenGroup(f"g{index}", 2, 2) for index in range(15)
    ]
    kit = specimen_kits(wordlist(), groups, 16, words=count, demo=demo)[15]
    kit = with_names(kit, holder=LONG_HOLDER)
    assert len(kit.card.holder) == 40
    assert len(kit.card.group) == 40
    pages = pages_text(render_holder_kit(kit, size))
    card = pages[0]
    assert in_order(card, kit.card.words)
    assert LONG_HOLDER in card
    assert "Share 16 of 16 in group" in card
    assert "16 of 16 groups needed" in card
    assert kit.card.check_code in card
    assert "Handle with care" in card
    assert pages[1].count("Instructions for") == 1


def test_words_are_large_and_their_first_four_letters_bold(kits: tuple[HolderKit, ...]) -> None:
    kit = kits[0]
    reader = pypdf.PdfReader(io.BytesIO(render_holder_kit(kit, PaperSize.LETTER)))
    pieces: list[tuple[str, str, float]] = []

    def visit(text: str, cm: object, tm: object, font: object, size: float) -> None:
        if text.strip() and isinstance(font, dict):
            pieces.append((text, str(font.get("/BaseFont", "")), size))

    reader.pages[0].extract_text(visitor_text=visit)
    heads = [(t, f, s) for t, f, s in pieces if f.endswith("DejaVuSansMono-Bold") and len(t) == 4]
    assert [t for t, _, _ in heads] == [word[:4] for word in kit.card.words]
    assert all(size >= 14 for _, _, size in heads)
    tails = [(t, s) for t, f, s in pieces if f.endswith("DejaVuSansMono") and t.isalpha()]
    expected_tails = [word[4:] for word in kit.card.words if len(word) > 4]
    assert [t for t, _ in tails] == expected_tails
    assert all(size >= 14 for _, size in tails)


def test_accented_names_are_embedded_and_extractable() -> None:
    groups = [SpecimenGroup("treasury", 2, 3)]
    kits = specimen_kits(wordlist(), groups, 1, words=20)
    names = ("José Álvarez", "Zoë Brontë", "Łukasz Nowak")
    for kit, name in zip(kits, names, strict=True):
        pdf = render_holder_kit(with_names(kit, holder=name), PaperSize.A4)
        text = "\n".join(pages_text(pdf))
        assert name in text
        assert f"Instructions for {name}" in text
        reader = pypdf.PdfReader(io.BytesIO(pdf))
        for page in reader.pages:
            for font in page["/Resources"]["/Font"].values():
                font = font.get_object()
                descriptor = font["/FontDescriptor"].get_object()
                assert "/FontFile2" in descriptor, font["/BaseFont"]


@pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
def test_demo_mark_on_every_page_and_only_then(demo: bool) -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1, demo=demo)
    pages = pages_text(render_holder_kit(kit, PaperSize.A4))
    assert len(pages) >= 2
    for text in pages:
        assert ("DEMO" in text) is demo


def test_demo_band_is_above_the_words() -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1, demo=True)
    reader = pypdf.PdfReader(io.BytesIO(render_holder_kit(kit, PaperSize.LETTER)))
    band_y: list[float] = []
    word_y: list[float] = []

    def visit(text: str, cm: list[float], tm: list[float], font: object, size: float) -> None:
        y = tm[5] * cm[3] + cm[5]
        if "DEMO" in text:
            band_y.append(y)
        elif text.strip() in {word[:4] for word in kit.card.words}:
            word_y.append(y)

    reader.pages[0].extract_text(visitor_text=visit)
    top = Geometry.for_size(PaperSize.LETTER, demo=True).top
    assert band_y
    assert min(band_y) > top
    assert len(word_y) == len(kit.card.words)
    assert max(word_y) < top


def test_same_content_gives_the_same_bytes(kits: tuple[HolderKit, ...], pdfs: list[bytes]) -> None:
    assert render_holder_kit(kits[0], PaperSize.A4) == pdfs[0]
    assert render_holder_kit(kits[1], PaperSize.A4) == pdfs[1]
    assert pdfs[0] != pdfs[1]
    assert render_holder_kit(kits[0], PaperSize.LETTER) != pdfs[0]


def test_same_bytes_in_another_process(pdfs: list[bytes]) -> None:
    """A fresh interpreter with another hash seed renders the same file (no dict-order luck)."""
    script = (
        "import sys, hashlib\n"
        "from ceremony.core.slip39 import wordlist\n"
        "from ceremony.paper.content import PaperSize\n"
        "from ceremony.paper.holder import render_holder_kit\n"
        "from ceremony.paper.specimen import SpecimenGroup, specimen_kits\n"
        "groups = [SpecimenGroup('north-vault', 3, 5), SpecimenGroup('south-vault', 2, 3),\n"
        "          SpecimenGroup('notary', 1, 1)]\n"
        "kit = specimen_kits(wordlist(), groups, 2, words=33, demo=False)[0]\n"
        "sys.stdout.write(hashlib.sha256(render_holder_kit(kit, PaperSize.A4)).hexdigest())\n"
    )
    env = {**os.environ, "PYTHONHASHSEED": "12345"}
    out = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    ).stdout
    import hashlib

    assert out == hashlib.sha256(pdfs[0]).hexdigest()


def test_no_qr_code_on_the_card(pdfs: list[bytes]) -> None:
    document = pdfium.PdfDocument(pdfs[0])
    image = document[0].render(scale=2, grayscale=True).to_pil()
    assert zxingcpp.read_barcodes(image) == []


def test_instructions_are_the_holders_own(kits: tuple[HolderKit, ...], pdfs: list[bytes]) -> None:
    kit = kits[2]
    text = "\n".join(pages_text(pdfs[2])[1:])
    flat = " ".join(text.split())
    assert f"Instructions for {kit.card.holder}" in text
    assert "ceremony check-share" in text
    assert kit.card.check_code in text
    assert kit.fingerprint in text
    assert kit.plan_hash_words in flat
    for role, name, reach in kit.contacts:
        assert role in flat
        assert name in flat
        assert reach in flat
    assert "Recovery is time-locked" in flat


def test_instructions_without_contacts_or_time_lock() -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1)
    kit = dataclasses.replace(kit, contacts=(), time_lock=None)
    flat = " ".join(" ".join(pages_text(render_holder_kit(kit, PaperSize.A4))).split())
    assert "names no contacts" in flat
    assert "not time-locked" in flat


def test_braces_in_names_are_printed_as_they_are() -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1)
    kit = with_names(kit, holder="Ann {holder} {0}")
    text = "\n".join(pages_text(render_holder_kit(kit, PaperSize.A4)))
    assert "Ann {holder} {0}" in text


def test_time_lock_summary_reads_as_a_sentence() -> None:
    (kit,) = specimen_kits(wordlist(), [SpecimenGroup("solo", 1, 1)], 1)
    kit = dataclasses.replace(kit, time_lock="recovery waits for 2^30 VDF iterations")
    flat = " ".join(" ".join(pages_text(render_holder_kit(kit, PaperSize.A4))).split())
    assert "waits for 2^30 VDF iterations. This delay is deliberate" in flat
