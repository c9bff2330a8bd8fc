"""The consent file: the sealed lock's passphrase P for one ceremony, the fast path past the delay.

SECRET. One format everywhere (`ceremony.model.passphrase`): the kit's consent.txt, the lines printed
on the consent card (three, or four with the check code), or P alone as printed, with or without the
group spaces. A P that does not match the card's check code (in the file, or in the record) is
refused before anything is decrypted or solved.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from ceremony.core.sealed import Passphrase
from ceremony.errors import BadInput
from ceremony.model.passphrase import (
    CONSENT_FORMAT,
    check_consent_code,
    consent_check_code,
    parse_consent_text,
)
from ceremony.model.record import Record
from ceremony.workflows.inputs import decode_text, read_bounded

__all__ = ["Consent", "consent_check_code", "read_consent"]


@dataclass(frozen=True)
class Consent:
    """A consent file: P for one ceremony. SECRET: with a quorum it skips the whole time lock.

    `ceremony_id` is "" when only P was given (typed alone from the card)."""

    ceremony_id: str
    passphrase: Passphrase = field(repr=False)

    @property
    def check_code(self) -> str:
        """First 8 hex digits of SHA-256(P), as printed on the consent card, to compare."""
        return consent_check_code(self.passphrase.reveal())

    def to_text(self) -> str:
        """The consent card's text; it holds the passphrase, so it is written only to the consent
        card."""
        return (
            f"{CONSENT_FORMAT}\nceremony_id: {self.ceremony_id}\n"
            f"passphrase: {self.passphrase.reveal()}\ncheck_code: {self.check_code}\n"
        )

    @classmethod
    def from_text(cls, text: str) -> Consent:
        """Read a consent card back; a card with no ceremony ID gives an empty one, for the caller
        to compare."""
        ceremony_id, passphrase, _code = parse_consent_text(text)
        return cls(ceremony_id or "", Passphrase(passphrase))


def read_consent(path: Path, record: Record) -> Consent:
    """The consent file for this ceremony; one for another ceremony is refused by its id, and a P
    that is not the card's (by the check code the record keeps) before anything is opened."""
    consent = Consent.from_text(decode_text(read_bounded(path, "consent"), "consent"))
    if consent.ceremony_id and consent.ceremony_id != record.ceremony_id:
        raise BadInput(
            f"the consent file is for ceremony {consent.ceremony_id}, not {record.ceremony_id}",
            "give the consent card of this ceremony, or leave out --consent-file to solve the "
            "time lock",
        )
    lock = record.timelock
    if lock is not None and lock.consent_check_code:
        check_consent_code(consent.passphrase.reveal(), lock.consent_check_code)
    return consent
