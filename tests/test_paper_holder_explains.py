"""A holder kit explains itself to whoever finds it: what a SLIP-39 share is, the recovery rule of
every group, where recovery software comes from, what else is needed (never the passphrase itself),
and whom to contact, with lines to write on where the plan gives no details."""

from __future__ import annotations

import dataclasses
import io

import pypdf
import pytest

from ceremony.core.slip39 import wordlist
from ceremony.paper.content import HolderKit, PaperSize
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.specimen import SpecimenGroup, specimen_kits

GROUPS = (
    SpecimenGroup("north-vault", 3, 5),
    SpecimenGroup("south-vault", 2, 3),
    SpecimenGroup("notary", 1, 1),
)


def text_of(kit: HolderKit, size: PaperSize = PaperSize.A4) -> list[str]:
    pdf = render_holder_kit(kit, size)
    return [
        " ".join(page.extract_text().split()) for page in pypdf.PdfReader(io.BytesIO(pdf)).pages
    ]


def kit(**changes: object) -> HolderKit:
    base = specimen_kits(wordlist(), GROUPS, 2)[1]
    rule = tuple((g.name, g.threshold, g.count) for g in GROUPS)
    defaults: dict[str, object] = {"rule": rule, "administrator": "Amara Okafor"}
    defaults.update(changes)
    return dataclasses.replace(base, **defaults)  # type: ignore[arg-type]


def test_the_card_alone_says_what_it_is_and_what_a_finder_does() -> None:
    card = text_of(kit())[0]
    assert "SLIP-39 standard (SLIP-0039)" in card
    assert "Found it? Do not use, copy or photograph it." in card
    assert "return it to" in card
    assert "Amara Okafor, who ran the ceremony" in card


def test_the_instructions_give_the_rule_of_every_group_and_the_software() -> None:
    text = " ".join(text_of(kit())[1:])
    assert "shares of 2 of these 3 groups" in text
    assert "group north-vault: 3 of its 5 shares" in text
    assert "group south-vault: 2 of its 3 shares" in text
    assert "group notary: its one share" in text
    assert "SLIP-39 shares" in text
    assert "recover.py" in text
    assert "Python 3" in text
    assert "If you found this kit" in text
    assert "No passphrase is needed" in text


def test_a_passphrase_is_announced_never_printed() -> None:
    text = " ".join(text_of(kit(passphrase=True))[1:])
    assert "A passphrase is also needed" in text
    assert "different, empty one" in text
    assert "No passphrase is needed" not in text


def test_a_bip39_secret_and_a_sealed_lock_are_explained() -> None:
    text = " ".join(text_of(kit(bip39=True, sealed=True, consent_card=True))[1:])
    assert "BIP-39 recovery phrase" in text
    assert "--kind bip39" in text
    assert "the shares alone, typed into any wallet, open a different, empty wallet" in text
    assert "consent card" in text
    plain = " ".join(text_of(kit())[1:])
    assert "BIP-39 recovery phrase" not in plain
    assert "sealed by a time lock" not in plain


@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_contacts_without_details_get_lines_to_write_on(size: PaperSize) -> None:
    contacts = (("administrator", "Olivia Admin", "+1 555 0199"), ("witness", "Wendy Witness", ""))
    text = " ".join(text_of(kit(contacts=contacts), size)[1:])
    assert "Olivia Admin +1 555 0199" in text
    assert "Wendy Witness" in text
    assert "write in how to reach that person" in text
    full = (("administrator", "Olivia Admin", "+1 555 0199"),)
    assert "write in how to reach" not in " ".join(text_of(kit(contacts=full), size)[1:])


def test_no_contacts_at_all_leaves_rows_to_fill_in() -> None:
    text = " ".join(text_of(kit(contacts=()))[1:])
    assert "The ceremony plan names no contacts" in text
    assert "How to reach them" in text
