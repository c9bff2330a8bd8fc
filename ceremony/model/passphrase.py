"""The SLIP-39 passphrase (printable ASCII only, as the standard requires), and the one format of
the sealed time lock's consent passphrase P, shared by the consent card, the consent file,
`ceremony recover unlock` and (re-implemented) recover.py."""

from __future__ import annotations

from ceremony.errors import BadInput, NotVerified


def check_passphrase(raw: bytes) -> bytes:
    """Return the passphrase bytes if SLIP-39 accepts them; never quote the passphrase."""
    for position, byte in enumerate(raw, start=1):
        if not 32 <= byte <= 126:
            raise BadInput(
                f"the passphrase has a character SLIP-39 does not allow (position {position}); "
                "only printable ASCII letters, digits, punctuation and spaces are allowed",
                "choose a passphrase of plain ASCII characters (no accents, emoji or tabs)",
            )
    return raw


CONSENT_FORMAT = "ceremony-consent/v1"
CONSENT_CHARS = 32
CONSENT_ALPHABET = "0123456789abcdef"
"""P is 32 lower-case hex characters: no letter a wallet could take for another (no o, l or i),
and typed in lower case, exactly, it is the SLIP-39 passphrase every wallet reads."""
CONSENT_SEPARATORS = " -\t"
_HINT = (
    "copy the 32 characters from the consent card again; the spaces between groups may be left out"
)


def consent_check_code(passphrase: str) -> str:
    """The consent card's check code: the first 8 hex digits of SHA-256(P), upper-case,
    as XXXX-XXXX. Public (it is in the record): 32 bits of a hash of a 128-bit P."""
    import hashlib

    head = hashlib.sha256(passphrase.encode("ascii")).hexdigest()[:8].upper()
    return f"{head[:4]}-{head[4:]}"


def normalise_consent(text: str) -> str:
    """P as a person types it from the card: with or without the group spaces (or dashes), any
    case. Raises unless it is 32 characters of 0-9 and a-f; never quotes what was typed."""
    value = "".join(c for c in text.strip().lower() if c not in CONSENT_SEPARATORS)
    if len(value) != CONSENT_CHARS or any(c not in CONSENT_ALPHABET for c in value):
        raise BadInput(
            f"a time-lock passphrase is {CONSENT_CHARS} characters of 0-9 and a-f "
            f"(this has {len(value)} characters once the spaces are left out)",
            _HINT,
        )
    return value


def parse_consent_text(text: str) -> tuple[str | None, str, str | None]:
    """Read a consent file: the kit's consent.txt, the form printed on the card (three lines, or
    four with the check code), or P alone on one line as printed. Returns (ceremony id or None, P,
    check code or None); a P that does not match a given check code is refused here, before
    anything is decrypted or solved."""
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    if len(lines) == 1 and lines[0] != CONSENT_FORMAT:
        return None, normalise_consent(lines[0]), None
    fields: dict[str, str] = {}
    for line in lines[1:]:
        key, _, value = line.partition(":")
        fields[key.strip().lower()] = value.strip()
    known = {"ceremony_id", "passphrase", "check_code"}
    if not lines or lines[0] != CONSENT_FORMAT or not {"ceremony_id", "passphrase"} <= set(fields):
        raise BadInput(
            f"this is not a consent file ({CONSENT_FORMAT})",
            "give the consent.txt written at the ceremony, or type the lines printed on the "
            "consent card into a file",
        )
    if set(fields) - known:
        raise BadInput(
            f"the consent file has an unknown line ({sorted(set(fields) - known)[0]})",
            "write only the lines printed on the consent card",
        )
    passphrase = normalise_consent(fields["passphrase"])
    code = fields.get("check_code")
    if code is not None:
        check_consent_code(passphrase, code)
    return fields["ceremony_id"], passphrase, code


def check_consent_code(passphrase: str, code: str) -> None:
    """Refuse a typed time-lock passphrase whose check code differs from the card's: a typo is
    caught before anything is decrypted with it."""
    if code.strip().upper() != consent_check_code(passphrase):
        raise NotVerified(
            f"the time-lock passphrase does not match the check code {code.strip().upper()} "
            f"(it gives {consent_check_code(passphrase)})",
            "a character is mistyped: compare the passphrase with the consent card group by "
            "group; nothing was decrypted",
        )
