"""The recovery notice: canonical bytes and hash, an id that comes from the nonce, strict reading,
and the printed notice (every fact, the hash as hex, words and a QR code that reads back)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import replace
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from ceremony.errors import BadInput, NotVerified
from ceremony.model.hashwords import hash_words
from ceremony.paper.content import PaperSize
from ceremony.paper.notice import render_notice
from ceremony.workflows.notice import FORMAT, RecoveryNotice, canonical_json, notice_id_of
from ceremony.workflows.recovery import notice_sheet
from tests.helpers.kits import seeded
from tests.helpers.recovery import WHEN, Kit, make_kit


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    return make_kit(tmp_path_factory.mktemp("notice"), work=259_200_000, rate=1000.0)


def issue(kit: Kit, seed: bytes = b"nonce", **text: str) -> RecoveryNotice:
    return RecoveryNotice.issue(
        kit.record,
        kit.record_path.read_bytes(),
        requester=text.get("requester", "José Álvarez"),
        reason=text.get("reason", "the treasurer retired"),
        clock=lambda: WHEN,
        rng=seeded(seed),
    )


def test_notice_bytes_are_canonical_json(kit: Kit) -> None:
    notice = issue(kit)
    data = notice.to_bytes()
    assert data.endswith(b"\n")
    assert data.count(b"\n") == 1
    value = json.loads(data)
    assert data == (json.dumps(value, sort_keys=True, separators=(",", ":")) + "\n").encode()
    assert value["format"] == FORMAT
    assert value["requester"] == "José Álvarez"
    assert b"\\u00e9" in data
    assert notice.sha256 == hashlib.sha256(data).digest()
    assert notice.hash_words == hash_words(notice.sha256)
    assert set(value) == {
        "format",
        "notice_id",
        "ceremony_id",
        "ceremony_name",
        "record_sha256",
        "fingerprint",
        "commitment",
        "requester",
        "reason",
        "clock_untrusted",
        "nonce",
        "mode",
        "required_iterations",
        "rate_per_second",
        "attacker_speedup",
        "expected_seconds",
        "minimum_seconds",
    }


def test_notice_values_come_from_the_record(kit: Kit) -> None:
    notice = issue(kit)
    lock = kit.record.timelock
    assert lock is not None
    assert notice.record_sha256 == hashlib.sha256(kit.record_path.read_bytes()).hexdigest()
    assert (notice.ceremony_id, notice.ceremony_name) == (
        kit.record.ceremony_id,
        kit.record.ceremony_name,
    )
    assert (notice.mode, notice.required_iterations) == ("evidenced", 259_200_000)
    assert notice.rate_per_second == "1000.000"
    assert notice.attacker_speedup == "10.000"
    assert notice.expected_seconds == "259200.000"
    assert notice.minimum_seconds == "25920.000"
    assert notice.clock_untrusted == "2031-05-06T07:08:09+00:00"
    assert len(notice.nonce) == 64
    assert (
        notice.notice_id
        == notice_id_of(notice.nonce)
        == (f"{notice.nonce[:4]}-{notice.nonce[4:8]}".upper())
    )


def test_the_nonce_makes_every_notice_unique(kit: Kit) -> None:
    assert issue(kit, b"a") == issue(kit, b"a")
    assert issue(kit, b"a").sha256 != issue(kit, b"b").sha256


def test_reading_back_is_strict(kit: Kit) -> None:
    notice = issue(kit)
    data = notice.to_bytes()
    assert RecoveryNotice.from_bytes(data) == notice
    pretty = json.dumps(json.loads(data), indent=2).encode()
    with pytest.raises(NotVerified, match="canonical"):
        RecoveryNotice.from_bytes(pretty)
    value = json.loads(data)
    for change in (
        {"notice_id": "0000-0000"},
        {"required_iterations": 0},
        {"required_iterations": "5"},
        {"mode": "instant"},
        {"fingerprint": "xyz"},
        {"rate_per_second": "1000"},
        {"reason": "two\nlines"},
        {"extra": 1},
        {"format": "something/v9"},
    ):
        edited = canonical_json({**value, **change})
        with pytest.raises((BadInput, NotVerified)):
            RecoveryNotice.from_bytes(edited)
    with pytest.raises(BadInput, match="not valid JSON"):
        RecoveryNotice.from_bytes(b"{")


def test_requester_and_reason_are_one_printed_line(kit: Kit) -> None:
    with pytest.raises(BadInput, match="one line"):
        issue(kit, reason="line one\nline two")
    with pytest.raises(BadInput, match="at most 200"):
        issue(kit, requester="x" * 201)


def test_check_record_pins_the_record_bytes(kit: Kit) -> None:
    notice = issue(kit)
    notice.check_record(kit.record, kit.record_path.read_bytes())
    with pytest.raises(NotVerified, match="not the one notice"):
        notice.check_record(kit.record, kit.record_path.read_bytes() + b" ")


# -- the printed notice -------------------------------------------------------------------------


def render(kit: Kit, size: PaperSize = PaperSize.A4, **changes: object) -> bytes:
    sheet = notice_sheet(issue(kit), kit.record)
    return render_notice(replace(sheet, **changes), size)  # type: ignore[arg-type]


def text_of(pdf: bytes) -> str:
    from io import BytesIO

    return "\n".join(page.extract_text() for page in PdfReader(BytesIO(pdf)).pages)


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_printed_notice_states_every_fact(kit: Kit, size: PaperSize) -> None:
    notice = issue(kit)
    pdf = render(kit, size)
    text = text_of(pdf)
    for value in (
        notice.notice_id,
        kit.record.ceremony_name,
        kit.record.ceremony_id,
        "José Álvarez",
        "the treasurer retired",
        notice.clock_untrusted,
        "259,200,000 VDF iterations",
        "about 3 days on the ceremony machine",
        "at least 7 hours against hardware 10× faster",
        kit.record.fingerprint,
        notice.record_sha256,
        notice.nonce,
    ):
        assert value in text, value
    words = notice.hash_words.split()
    for start in range(0, 12, 4):
        assert " ".join(words[start : start + 4]) in text
    hex_ = notice.sha256.hex()
    for start in range(0, 64, 16):
        chunk = hex_[start : start + 16]
        assert " ".join(chunk[i : i + 4] for i in range(0, 16, 4)) in text
    image = pdfium.PdfDocument(pdf)[0].render(scale=2.5, grayscale=True).to_pil()
    assert {code.text for code in zxingcpp.read_barcodes(image)} == {hex_}
    assert len(PdfReader(__import__("io").BytesIO(pdf)).pages) == 1


def test_printed_notice_is_deterministic_and_marks_demos(kit: Kit) -> None:
    assert render(kit) == render(kit)
    assert "DEMO" not in text_of(render(kit))
    assert "DEMO" in text_of(render(kit, demo=True))


def test_sealed_notice_says_what_it_waits_for(tmp_path: Path) -> None:
    kit = make_kit(tmp_path, mode="sealed", seed=b"sealed notice")
    notice = RecoveryNotice.issue(
        kit.record, kit.record_path.read_bytes(), requester="", reason="", rng=seeded(b"s")
    )
    text = text_of(render_notice(notice_sheet(notice, kit.record), PaperSize.A4))
    assert "sequential squarings" in text
    assert "consent card" in text
    assert "(not given)" in text
