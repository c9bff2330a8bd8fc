"""SECRET HANDLING. The one adapter over the SLIP-39 reference package `shamir_mnemonic`.

Everything else in the project talks to SLIP-39 through this module, so the reference package can be
audited (or replaced) at one boundary. The reference package's own error messages are never shown:
some quote words of a share. Errors here quote at most the first four words.
"""

from __future__ import annotations

import contextlib
import secrets
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field, replace
from functools import cache

from shamir_mnemonic import cipher, shamir
from shamir_mnemonic.share import Share as ReferenceShare
from shamir_mnemonic.utils import MnemonicError
from shamir_mnemonic.wordlist import WORDLIST

from ceremony.core import rs1024
from ceremony.errors import BadInput
from ceremony.model.scheme import Scheme
from ceremony.model.share import Share
from ceremony.model.sources import Rng

MIN_WORDS = 20
"""A 128-bit secret: the shortest SLIP-39 share."""
MAX_WORDS = 110
"""A 1024-bit secret (see model.scheme.MAX_READ_STRENGTH); this tool writes at most 33 (256 bits),
other tools write 59 (512 bits)."""
REPAIR_HINT = (
    "compare each word with the card; `ceremony repair` finds one wrong word "
    "or restores up to three unreadable ones"
)


@cache
def wordlist() -> tuple[str, ...]:
    """The 1024 SLIP-39 English words, in index order."""
    return tuple(WORDLIST)


METADATA_WORDS = 4
"""Identifier, flag, exponent, group and member fields: the first four words (40 bits)."""
MIN_SECRET_BITS = 128
"""The spec's shortest share value."""
MAX_PADDING_BITS = 8
"""The share value is padded to a multiple of 10 bits; more than 8 padding bits is malformed."""


def valid_length(word_count: int) -> bool:
    """Whether a share of this many words can exist (value of at least 128 bits, padding <= 8):
    a prompt uses it to know when a share may end, and repair to know what it can fill in."""
    value_bits = rs1024.RADIX_BITS * (word_count - METADATA_WORDS - rs1024.CHECKSUM_WORDS)
    padding = value_bits % 16
    return padding <= MAX_PADDING_BITS and value_bits - padding >= MIN_SECRET_BITS


def share_from_indices(indices: Sequence[int]) -> Share:
    """Build one share from its word indices (as a prompt or a repair holds them), checking
    length, checksum, padding and parameters. Typed text goes through `words.parse_share`."""
    if not indices:
        raise BadInput("the share is empty", "type or paste the share's words, separated by spaces")
    if not all(0 <= index < len(wordlist()) for index in indices):
        raise BadInput(
            "a word index is outside the SLIP-39 list",
            "this is a bug in the caller; word indices run from 0 to 1023",
        )
    words = tuple(wordlist()[index] for index in indices)
    prefix = " ".join(words[:4]) + " ..."
    if len(words) > MAX_WORDS and valid_length(len(words)):
        raise BadInput(
            f"the share {prefix!r} has {len(words)} words: this tool reads shares of up to "
            f"{MAX_WORDS} words (1024-bit secrets)",
            "recover this set with the reference `shamir` command",
        )
    if not (len(words) >= MIN_WORDS and valid_length(len(words))):
        raise BadInput(
            f"the share {prefix!r} has {len(words)} words, a length no SLIP-39 share has "
            "(20 for 128-bit, 33 for 256-bit and 59 for 512-bit secrets)",
            "check that no word is missing or doubled, and that one share is on each line",
        )
    try:
        ref = ReferenceShare.from_mnemonic(" ".join(words))
    except MnemonicError as exc:
        text_ = str(exc)
        if "checksum" in text_:
            raise BadInput(f"the share {prefix!r} fails its checksum", REPAIR_HINT) from None
        if "padding" in text_:
            raise BadInput(
                f"the share {prefix!r} has invalid padding: it is not a well-formed share",
                REPAIR_HINT,
            ) from None
        if "length" in text_:
            raise BadInput(
                f"the share {prefix!r} has {len(words)} words, a length SLIP-39 does not use",
                "check that no word is missing or doubled",
            ) from None
        if "threshold" in text_:
            raise BadInput(
                f"the share {prefix!r} claims a group threshold above its group count",
                "this is not a valid share; check the first four words",
            ) from None
        raise BadInput(f"the share {prefix!r} is not a valid SLIP-39 share", REPAIR_HINT) from None
    return _from_reference(ref, words)


def _from_reference(ref: ReferenceShare, words: tuple[str, ...] | None = None) -> Share:
    if words is None:
        words = tuple(ref.words())
    return Share(
        identifier=ref.identifier,
        extendable=ref.extendable,
        iteration_exponent=ref.iteration_exponent,
        group_index=ref.group_index,
        group_threshold=ref.group_threshold,
        group_count=ref.group_count,
        member_index=ref.index,
        member_threshold=ref.member_threshold,
        value=bytes(ref.value),
        words=words,
    )


def _to_reference(share: Share) -> ReferenceShare:
    return ReferenceShare(
        share.identifier,
        share.extendable,
        share.iteration_exponent,
        share.group_index,
        share.group_threshold,
        share.group_count,
        share.member_index,
        share.member_threshold,
        share.value,
    )


@dataclass(frozen=True)
class EncryptedSecret:
    """A SLIP-39 encrypted master secret (EMS) and what is needed to decrypt it."""

    identifier: int
    extendable: bool
    iteration_exponent: int
    ciphertext: bytes = field(repr=False)

    def decrypt(self, passphrase: bytes) -> bytes:
        """The master secret, given the passphrase (b"" for none); a wrong passphrase gives a
        different secret, not an error, which is why recovery checks the commitment."""
        return decrypt_ems(
            self.ciphertext,
            identifier=self.identifier,
            extendable=self.extendable,
            iteration_exponent=self.iteration_exponent,
            passphrase=passphrase,
        )


@contextlib.contextmanager
def _randomness(rng: Rng) -> Iterator[None]:
    """The reference package reads its randomness from a module attribute; lend it ours."""
    saved = shamir.RANDOM_BYTES
    shamir.RANDOM_BYTES = rng
    try:
        yield
    finally:
        shamir.RANDOM_BYTES = saved


def new_identifier(rng: Rng = secrets.token_bytes) -> int:
    """A random 15-bit share-set identifier."""
    return int.from_bytes(rng(2), "big") & 0x7FFF


def encrypt(
    master_secret: bytes,
    scheme: Scheme,
    passphrase: bytes,
    *,
    rng: Rng = secrets.token_bytes,
) -> EncryptedSecret:
    """Encrypt a master secret under a fresh random identifier: the first step of a split, kept
    apart so that the encrypted secret can be split again (reshare) without decrypting it."""
    identifier = new_identifier(rng)
    return EncryptedSecret(
        identifier=identifier,
        extendable=scheme.extendable,
        iteration_exponent=scheme.iteration_exponent,
        ciphertext=encrypt_master_secret(
            master_secret,
            identifier=identifier,
            extendable=scheme.extendable,
            iteration_exponent=scheme.iteration_exponent,
            passphrase=passphrase,
        ),
    )


def split_ems(
    ems: EncryptedSecret, scheme: Scheme, *, rng: Rng = secrets.token_bytes
) -> tuple[tuple[Share, ...], ...]:
    """Split an encrypted master secret into shares, one tuple per group, in plan order."""
    reference_ems = shamir.EncryptedMasterSecret(
        ems.identifier, ems.extendable, ems.iteration_exponent, ems.ciphertext
    )
    with _randomness(rng):
        groups = shamir.split_ems(
            scheme.group_threshold,
            [(g.threshold, g.count) for g in scheme.groups],
            reference_ems,
        )
    return tuple(tuple(_from_reference(s) for s in group) for group in groups)


def recover_ems(shares: Sequence[Share]) -> EncryptedSecret:
    """Rebuild the EMS from a minimal qualifying set (exactly the thresholds, already checked)."""
    groups: dict[int, shamir.ShareGroup] = {}
    for share in shares:
        groups.setdefault(share.group_index, shamir.ShareGroup()).add(_to_reference(share))
    try:
        ems = shamir.recover_ems(groups)
    except MnemonicError:
        raise BadInput(
            "the shares do not rebuild a secret (their digest does not match)",
            "one of the shares is wrong or belongs to another set; "
            "run `ceremony verify-shares` to find it",
        ) from None
    return EncryptedSecret(ems.identifier, ems.extendable, ems.iteration_exponent, ems.ciphertext)


def decrypt_ems(
    ciphertext: bytes,
    *,
    identifier: int,
    extendable: bool,
    iteration_exponent: int,
    passphrase: bytes,
) -> bytes:
    """Decrypt a SLIP-39 encrypted master secret with a passphrase (the Feistel cipher of the spec)."""
    return bytes(cipher.decrypt(ciphertext, passphrase, iteration_exponent, identifier, extendable))


def encrypt_master_secret(
    master_secret: bytes,
    *,
    identifier: int,
    extendable: bool,
    iteration_exponent: int,
    passphrase: bytes,
) -> bytes:
    """Encrypt a master secret into an EMS (the inverse of `decrypt_ems`)."""
    return bytes(
        cipher.encrypt(master_secret, passphrase, iteration_exponent, identifier, extendable)
    )


def share_at(template: Share, member_index: int, value: bytes) -> Share:
    """A share of the same set and group as `template`, at another member index, with `value`
    (a point of the group's member polynomial). Its words come from the reference encoder, so
    the checksum and padding are the standard's. Used to extend a group (SECRET)."""
    if not 0 <= member_index <= 15:
        raise BadInput(
            f"member {member_index + 1} is beyond SLIP-39's 16 members per group",
            "a group holds at most 16 shares; to add more holders, reshare under a new scheme",
        )
    if len(value) != len(template.value):
        raise BadInput(
            "the new share's value has another length than its group's shares",
            "this is a bug; do not use the new share",
        )
    return _from_reference(_to_reference(replace(template, member_index=member_index, value=value)))
