"""The official SLIP-39 and BIP-39 vectors (../shared/vectors, see PROVENANCE.md there)."""

from __future__ import annotations

from typing import Any

import pytest
from bip32 import BIP32

from ceremony.core import fingerprint
from ceremony.core.words import parse_share
from ceremony.errors import CeremonyError
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret
from ceremony.workflows.combine import combine_shares
from ceremony.workflows.split import split_secret
from tests.helpers.vectors import vector_params


def slip39_vectors() -> list[Any]:
    return vector_params(
        "slip39-vectors.json", lambda data: [pytest.param(*v, id=v[0]) for v in data], 4
    )


def bip39_vectors() -> list[Any]:
    return vector_params(
        "bip39-vectors.json",
        lambda data: [
            pytest.param(*v, id=f"{len(v[0]) * 4}-bit {v[0][:8]}") for v in data["english"]
        ],
        4,
    )


@pytest.mark.parametrize(("description", "mnemonics", "secret_hex", "xprv"), slip39_vectors())
def test_slip39_vector(description: str, mnemonics: list[str], secret_hex: str, xprv: str) -> None:
    if secret_hex:
        shares = [parse_share(m) for m in mnemonics]
        recovered = combine_shares(shares, b"TREZOR", SecretKind.SLIP39)
        assert recovered.secret.reveal().hex() == secret_hex
        expected = BIP32.from_xpriv(xprv)
        assert recovered.fingerprint == expected.get_fingerprint().hex()
        assert BIP32.from_seed(recovered.secret.reveal()).get_xpriv() == xprv
    else:

        def attempt() -> None:
            shares = [parse_share(m) for m in mnemonics]
            combine_shares(shares, b"TREZOR", SecretKind.SLIP39)

        with pytest.raises(CeremonyError) as info:
            attempt()
        # errors quote at most the first four words of any share
        for mnemonic in mnemonics:
            assert " ".join(mnemonic.split()[:5]) not in info.value.message


@pytest.mark.parametrize(("entropy_hex", "phrase", "seed_hex", "xprv"), bip39_vectors())
def test_bip39_vector(entropy_hex: str, phrase: str, seed_hex: str, xprv: str) -> None:
    secret = Secret(bytes.fromhex(entropy_hex), SecretKind.BIP39)
    assert fingerprint.bip39_phrase(secret) == phrase
    assert fingerprint.wallet_seed(secret, b"TREZOR").hex() == seed_hex
    assert (
        fingerprint.master_fingerprint(secret, b"TREZOR")
        == BIP32.from_xpriv(xprv).get_fingerprint().hex()
    )
    assert fingerprint.bip39_entropy(phrase) == bytes.fromhex(entropy_hex)
    if len(entropy_hex) * 4 >= 128:
        scheme = Scheme(
            1, (GroupSpec("solo", 2, 3),), strength_bits=len(entropy_hex) * 4, kind=SecretKind.BIP39
        )
        result = split_secret(scheme, secret, b"TREZOR")
        back = combine_shares(list(result.groups[0][1:]), b"TREZOR", SecretKind.BIP39)
        assert fingerprint.bip39_phrase(back.secret) == phrase
        assert back.fingerprint == BIP32.from_xpriv(xprv).get_fingerprint().hex()
