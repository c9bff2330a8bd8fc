"""The public record: every identifier readable and scannable, every share listed, no share words."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import re
from collections.abc import Sequence

import pypdf
import pypdfium2 as pdfium
import pytest
import zxingcpp

from ceremony.core.slip39 import wordlist
from ceremony.paper.content import HolderKit, PaperSize, RecordSheet
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.record import hex_lines, render_record
from ceremony.paper.specimen import SpecimenGroup, specimen_kits, specimen_record

GROUPS = (
    SpecimenGroup("north-vault", 3, 5),
    SpecimenGroup("south-vault", 2, 3),
    SpecimenGroup("notary", 1, 1),
)


def pages_text(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages]


def tokens(text: str) -> list[str]:
    return re.findall(r"[a-z]+", text.lower())


def runs_of(words: Sequence[str], length: int = 3) -> set[tuple[str, ...]]:
    return {tuple(words[i : i + length]) for i in range(len(words) - length + 1)}


def fake_hash(index: int) -> str:
    return hashlib.sha256(f"kit {index}".encode()).hexdigest()


def sheet_for(
    groups: Sequence[SpecimenGroup], group_threshold: int, *, demo: bool = False, words: int = 33
) -> tuple[tuple[HolderKit, ...], RecordSheet]:
    kits = specimen_kits(wordlist(), groups, group_threshold, words=words, demo=demo)
    hashes = [fake_hash(index) for index in range(len(kits))]
    return kits, specimen_record(kits, hashes, wordlist(), groups=groups)


@pytest.fixture(scope="module")
def small() -> tuple[tuple[HolderKit, ...], RecordSheet, bytes]:
    kits = specimen_kits(wordlist(), GROUPS, 2, words=33, demo=False)
    hashes = [hashlib.sha256(render_holder_kit(kit, PaperSize.A4)).hexdigest() for kit in kits]
    sheet = specimen_record(kits, hashes, wordlist(), groups=GROUPS)
    return kits, sheet, render_record(sheet, PaperSize.A4)


def test_record_states_every_fact(small: tuple[tuple[HolderKit, ...], RecordSheet, bytes]) -> None:
    _, sheet, pdf = small
    text = "\n".join(pages_text(pdf))
    flat = " ".join(text.split())
    assert "PUBLIC" in text
    for value in (
        sheet.ceremony_name,
        sheet.ceremony_id,
        sheet.clock_time,
        sheet.plan_hash_hex,
        sheet.plan_hash_words,
        sheet.fingerprint,
        sheet.commitment,
    ):
        assert value in flat, value
    assert "Time (machine's clock)" in text
    for line in sheet.scheme_lines + sheet.time_lock_lines:
        assert line in flat
    assert "slip39: the master secret is the wallet seed" in flat
    for role in ("Administrator", "Witness", "Auditor"):
        assert role in text
    for name in (sheet.administrator, *sheet.witnesses):
        assert name in text


def test_every_share_row_is_listed(small: tuple[tuple[HolderKit, ...], RecordSheet, bytes]) -> None:
    _, sheet, pdf = small
    text = "\n".join(pages_text(pdf))
    for row in sheet.shares:
        assert row.holder in text
        assert text.count(row.check_code) == 1
        assert row.share_commitment in text
        assert row.kit_sha256 in text
        if row.bag_serial:
            assert row.bag_serial in text
        assert f"{row.member_number} of {row.member_count}" in text


def test_no_share_word_run_in_the_record(
    small: tuple[tuple[HolderKit, ...], RecordSheet, bytes],
) -> None:
    kits, _, pdf = small
    found = runs_of(tokens("\n".join(pages_text(pdf))))
    for kit in kits:
        assert not found & runs_of(kit.card.words), kit.card.holder


def decoded(pdf: bytes, page: int = 0) -> set[str]:
    """QR codes on a page, rendered at 2.5 px per point (a module is 5.5 px)."""
    image = pdfium.PdfDocument(pdf)[page].render(scale=2.5, grayscale=True).to_pil()
    return {barcode.text for barcode in zxingcpp.read_barcodes(image)}


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_qr_codes_read_back_to_the_printed_text(size: PaperSize) -> None:
    _, sheet = sheet_for(GROUPS, 2, demo=True)
    pdf = render_record(sheet, size)
    identifiers = {sheet.ceremony_id, sheet.plan_hash_hex, sheet.fingerprint, sheet.commitment}
    assert decoded(pdf) == identifiers
    first_page = pages_text(pdf)[0]
    for value in identifiers:
        printed = "\n".join(hex_lines(value)) if len(value) == 64 else value
        assert printed in first_page, value


def test_hex_lines_split_evenly() -> None:
    assert hex_lines("ab" * 32) == ["ab" * 8] * 4
    assert "".join(hex_lines("0123456789abcdef0123")) == "0123456789abcdef0123"


def test_largest_scheme_spans_pages_cleanly() -> None:
    groups = [SpecimenGroup(f"group-{index:02d}", 9, 16) for index in range(16)]
    _, sheet = sheet_for(groups, 9)
    assert len(sheet.shares) == 256
    pdf = render_record(sheet, PaperSize.LETTER)
    pages = pages_text(pdf)
    assert 8 < len(pages) < 30
    total = len(pages)
    for number, text in enumerate(pages, start=1):
        assert f"page {number} of {total}" in text
        if any(row.check_code in text for row in sheet.shares):
            assert "Check code" in text, number
            assert "Bag serial" in text, number
    text = "\n".join(pages)
    for row in sheet.shares:
        assert text.count(row.check_code) == 1
        assert text.count(row.share_commitment) == 1
        assert text.count(row.kit_sha256) == 1
    assert "Signatures" in pages[-1]


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_long_names_stay_whole(size: PaperSize) -> None:
    holder = "Maximiliane Wolfeschlegelsteinhausenberg"
    group = "international-board-of-trustees-europe-1"
    _, sheet = sheet_for([SpecimenGroup(group, 2, 3)], 1)
    rows = tuple(dataclasses.replace(row, holder=holder) for row in sheet.shares)
    pdf = render_record(dataclasses.replace(sheet, shares=rows), size)
    text = "\n".join(pages_text(pdf))
    assert text.count(holder) == 3
    assert text.count(group) >= 3


@pytest.mark.parametrize("demo", [True, False], ids=["demo", "real"])
def test_demo_mark_on_every_page_and_only_then(demo: bool) -> None:
    groups = [SpecimenGroup(f"g{index}", 9, 16) for index in range(4)]
    _, sheet = sheet_for(groups, 2, demo=demo)
    pages = pages_text(render_record(sheet, PaperSize.A4))
    assert len(pages) >= 3
    for text in pages:
        assert ("DEMO" in text) is demo


def test_same_content_gives_the_same_bytes(
    small: tuple[tuple[HolderKit, ...], RecordSheet, bytes],
) -> None:
    _, sheet, pdf = small
    assert render_record(sheet, PaperSize.A4) == pdf
    assert render_record(dataclasses.replace(sheet, auditor="Hana Sato"), PaperSize.A4) != pdf


def test_transcript_words_printed_or_space_left(
    small: tuple[tuple[HolderKit, ...], RecordSheet, bytes],
) -> None:
    _, sheet, pdf = small
    blank = " ".join(" ".join(pages_text(pdf)).split())
    assert "Write down the words" in blank
    words = "abandon ability able about above absent absorb abstract absurd abuse access accident"
    printed = render_record(dataclasses.replace(sheet, transcript_head_words=words), PaperSize.A4)
    flat = " ".join(" ".join(pages_text(printed)).split())
    assert words in flat
    assert "Write down the words" not in flat


def test_bip39_record_warns_about_different_wallets(
    small: tuple[tuple[HolderKit, ...], RecordSheet, bytes],
) -> None:
    _, sheet, _ = small
    pdf = render_record(dataclasses.replace(sheet, secret_kind="bip39"), PaperSize.A4)
    flat = " ".join(" ".join(pages_text(pdf)).split())
    assert "open DIFFERENT wallets" in flat


def test_no_time_lock_is_said_plainly(
    small: tuple[tuple[HolderKit, ...], RecordSheet, bytes],
) -> None:
    _, sheet, _ = small
    pdf = render_record(dataclasses.replace(sheet, time_lock_lines=()), PaperSize.A4)
    assert "not time-locked" in " ".join(" ".join(pages_text(pdf)).split())
