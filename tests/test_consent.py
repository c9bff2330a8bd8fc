"""The consent card: P large and grouped, its check code, the warnings, one deterministic page;
and the consent file the recovery reads, with the same check code."""

from __future__ import annotations

import hashlib
from io import BytesIO
from pathlib import Path

import pypdfium2 as pdfium
import pytest
import zxingcpp
from pypdf import PdfReader

from ceremony.core.sealed import Passphrase
from ceremony.errors import BadInput
from ceremony.paper.consent import ConsentCard, render_card
from ceremony.paper.content import PaperSize
from ceremony.workflows.kit import consent_card
from ceremony.workflows.recovery import Consent, consent_check_code
from tests.helpers.recovery import Kit, make_kit

P = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    return make_kit(tmp_path_factory.mktemp("consent"), mode="sealed", seed=b"consent")


def pages(pdf: bytes) -> list[str]:
    return [page.extract_text() for page in PdfReader(BytesIO(pdf)).pages]


def expected_code(passphrase: str) -> str:
    head = hashlib.sha256(passphrase.encode()).hexdigest()[:8].upper()
    return f"{head[:4]}-{head[4:]}"


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_the_card_holds_p_grouped_with_its_check_code(kit: Kit, size: PaperSize) -> None:
    assert kit.consent is not None
    passphrase = kit.consent.reveal()
    pdf = render_card(consent_card(kit.record, passphrase), size)
    texts = pages(pdf)
    assert len(texts) == 1
    text = texts[0]
    groups = [passphrase[i : i + 4] for i in range(0, 32, 4)]
    assert "  ".join(groups[:4]) in text
    assert "  ".join(groups[4:]) in text
    assert expected_code(passphrase) in text
    assert kit.record.ceremony_name in text
    assert kit.record.ceremony_id in text
    assert "This card unlocks the sealed time lock at once." in text
    assert "SECRET" in text
    assert kit.record.fingerprint in text
    assert "Keep this card away from every share" in text
    assert f"ceremony_id: {kit.record.ceremony_id}" in text
    image = pdfium.PdfDocument(pdf)[0].render(scale=2.5, grayscale=True).to_pil()
    assert zxingcpp.read_barcodes(image) == []  # P is never put in a code


def test_the_card_is_deterministic_and_marks_demos() -> None:
    card = ConsentCard("Acme", "AAAA-BBBB-CCCC", P, squarings=1000)
    assert render_card(card, PaperSize.A4) == render_card(card, PaperSize.A4)
    assert "DEMO" not in pages(render_card(card, PaperSize.A4))[0]
    demo = ConsentCard("Acme", "AAAA-BBBB-CCCC", P, demo=True)
    assert "DEMO" in pages(render_card(demo, PaperSize.A4))[0]


def test_the_card_hides_p_from_repr_and_refuses_other_text() -> None:
    assert P not in repr(ConsentCard("Acme", "AAAA", P))
    for bad in ("", P.upper(), P[:-1], P + "0", "g" * 32):
        with pytest.raises(BadInput):
            ConsentCard("Acme", "AAAA", bad)


def test_card_and_recovery_show_the_same_check_code() -> None:
    card = ConsentCard("Acme", "AAAA-BBBB-CCCC", P)
    consent = Consent("AAAA-BBBB-CCCC", Passphrase(P))
    assert card.check_code == consent.check_code == consent_check_code(P) == expected_code(P)


def test_look(tmp_path: Path, kit: Kit) -> None:
    """Renders the card as PNG for a person to look at (kept in the test's temporary folder)."""
    assert kit.consent is not None
    pdf = render_card(consent_card(kit.record, kit.consent.reveal()), PaperSize.A4)
    image = pdfium.PdfDocument(pdf)[0].render(scale=1.0).to_pil()
    image.save(tmp_path / "consent.png")
    assert image.size[0] > 500
