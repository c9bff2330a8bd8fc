"""SECRET HANDLING. Public identifiers of a secret: the BIP-32 master fingerprint and a commitment.

- The fingerprint is what wallets show for a seed (first 4 bytes of HASH160 of the master public
  key), so anyone can confirm in their own wallet that a recovery gave the right wallet. For kind
  slip39 the master secret is the BIP-32 seed; for kind bip39 the seed is the BIP-39 seed of the
  phrase for the entropy, with the same passphrase.
- The commitment is SHA-256 over a domain tag, the kind and the secret. The secret has at least
  128 bits of entropy, so the commitment reveals nothing useful about it, yet pins it exactly.
"""

from __future__ import annotations

import hashlib
import unicodedata

from ceremony.model.scheme import SecretKind
from ceremony.model.secret import Secret

COMMITMENT_TAG = b"ceremony/v1/commitment\x00"


def commitment(secret: Secret) -> str:
    """A public SHA-256 commitment to the secret, recorded so that a recovery can prove it
    rebuilt the same secret without the record revealing it (the tag keeps it apart from other
    hashes of the same bytes)."""
    tag = COMMITMENT_TAG + secret.kind.value.encode() + b"\x00"
    return hashlib.sha256(tag + secret.reveal()).hexdigest()


def bip39_phrase(secret: Secret) -> str:
    """The BIP-39 English phrase for the secret's bytes taken as entropy."""
    from mnemonic import Mnemonic

    return str(Mnemonic("english").to_mnemonic(secret.reveal()))


def bip39_entropy(phrase: str) -> bytes:
    """The entropy of a BIP-39 English phrase; raises on unknown words or a bad checksum."""
    from mnemonic import Mnemonic

    from ceremony.errors import BadInput

    words = unicodedata.normalize("NFKD", phrase).lower().split()
    helper = Mnemonic("english")
    if len(words) not in (12, 15, 18, 21, 24):
        raise BadInput(
            f"a BIP-39 phrase has 12, 15, 18, 21 or 24 words, not {len(words)}",
            "check that no word is missing",
        )
    for position, word in enumerate(words, start=1):
        if word not in helper.wordlist:
            raise BadInput(
                f"word {position} of the BIP-39 phrase is not in the English list",
                "check the spelling of that word",
            )
    if not helper.check(" ".join(words)):
        raise BadInput(
            "the BIP-39 phrase fails its checksum",
            "a word is wrong or the words are out of order",
        )
    return bytes(helper.to_entropy(words))


def wallet_seed(secret: Secret, passphrase: bytes) -> bytes:
    """The BIP-32 seed of the wallet the secret opens."""
    if secret.kind is SecretKind.SLIP39:
        return secret.reveal()
    from mnemonic import Mnemonic

    return bytes(Mnemonic.to_seed(bip39_phrase(secret), passphrase.decode("ascii")))


def master_fingerprint(secret: Secret, passphrase: bytes) -> str:
    """The BIP-32 master key fingerprint, 8 lower-case hex digits."""
    from bip32 import BIP32

    return bytes(BIP32.from_seed(wallet_seed(secret, passphrase)).get_fingerprint()).hex()
