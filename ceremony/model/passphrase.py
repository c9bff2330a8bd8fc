"""The SLIP-39 passphrase: printable ASCII only, as the standard requires."""

from __future__ import annotations

from ceremony.errors import BadInput


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
