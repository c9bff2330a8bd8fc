"""The consent file: the sealed lock's passphrase P for one ceremony, the fast path past the delay.

SECRET. Its check code (the start of SHA-256(P)) is printed on the consent card, so a mistyped P is
seen before anything else.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path

from ceremony.core.sealed import Passphrase
from ceremony.errors import BadInput
from ceremony.model.record import Record
from ceremony.workflows.inputs import decode_text, read_bounded
from ceremony.workflows.kit import CONSENT_FORMAT


@dataclass(frozen=True)
class Consent:
    """A consent file: P for one ceremony. SECRET: with a quorum it skips the whole time lock."""

    ceremony_id: str
    passphrase: Passphrase = field(repr=False)

    @property
    def check_code(self) -> str:
        """First 8 hex digits of SHA-256(P), as printed on the consent card, to compare."""
        return consent_check_code(self.passphrase.reveal())

    def to_text(self) -> str:
        return (
            f"{CONSENT_FORMAT}\nceremony_id: {self.ceremony_id}\n"
            f"passphrase: {self.passphrase.reveal()}\n"
        )

    @classmethod
    def from_text(cls, text: str) -> Consent:
        lines = [line.strip() for line in text.splitlines() if line.strip()]
        fields_: dict[str, str] = {}
        for line in lines[1:]:
            key, _, value = line.partition(":")
            fields_[key.strip()] = value.strip()
        if not lines or lines[0] != CONSENT_FORMAT or set(fields_) != {"ceremony_id", "passphrase"}:
            raise BadInput(
                f"this is not a consent file ({CONSENT_FORMAT})",
                "give the consent.txt written at the ceremony, or type P from the consent card "
                "into a file in that form",
            )
        return cls(fields_["ceremony_id"], Passphrase.from_text(fields_["passphrase"]))


def consent_check_code(passphrase: str) -> str:
    head = hashlib.sha256(passphrase.encode("ascii")).hexdigest()[:8].upper()
    return f"{head[:4]}-{head[4:]}"


def read_consent(path: Path, record: Record) -> Consent:
    """The consent file for this ceremony; one for another ceremony is refused by its id."""
    consent = Consent.from_text(decode_text(read_bounded(path, "consent"), "consent"))
    if consent.ceremony_id != record.ceremony_id:
        raise BadInput(
            f"the consent file is for ceremony {consent.ceremony_id}, not {record.ceremony_id}",
            "give the consent card of this ceremony, or leave out --consent-file to solve the "
            "time lock",
        )
    return consent
