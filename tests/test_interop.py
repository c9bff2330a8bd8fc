"""Interoperability both ways with the SLIP-39 reference package."""

from __future__ import annotations

import secrets

import shamir_mnemonic
from hypothesis import given, settings
from hypothesis import strategies as st

from ceremony.core.words import parse_share
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret
from ceremony.workflows.combine import combine_shares
from ceremony.workflows.split import split_secret
from tests.helpers.cli import run_cli


@settings(max_examples=15, deadline=None)
@given(
    strength=st.sampled_from([128, 160, 256]),
    passphrase=st.sampled_from([b"", b"TREZOR", b"correct horse"]),
    extendable=st.booleans(),
)
def test_reference_recovers_what_we_split(
    strength: int, passphrase: bytes, extendable: bool
) -> None:
    scheme = Scheme(
        2,
        (GroupSpec("a", 2, 3), GroupSpec("b", 1, 1), GroupSpec("c", 3, 5)),
        strength_bits=strength,
        iteration_exponent=0,
        extendable=extendable,
    )
    secret = Secret(secrets.token_bytes(strength // 8))
    result = split_secret(scheme, secret, passphrase)
    quorum = [s.mnemonic() for s in (*result.groups[0][1:], *result.groups[2][:3])]
    assert shamir_mnemonic.combine_mnemonics(quorum, passphrase) == secret.reveal()


def test_reference_recovers_cli_output() -> None:
    out = run_cli(["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--reveal"]).out
    shares = [line for line in out.splitlines() if line and not line.startswith("#")]
    secret = shamir_mnemonic.combine_mnemonics(shares[:2])
    again = shamir_mnemonic.combine_mnemonics(shares[1:])
    assert secret == again


@settings(max_examples=15, deadline=None)
@given(
    strength=st.sampled_from([16, 20, 32]),
    passphrase=st.sampled_from([b"", b"TREZOR"]),
    extendable=st.booleans(),
)
def test_we_recover_what_the_reference_splits(
    strength: int, passphrase: bytes, extendable: bool
) -> None:
    secret = secrets.token_bytes(strength)
    groups = shamir_mnemonic.generate_mnemonics(
        2, [(3, 5), (2, 2), (1, 1)], secret, passphrase, extendable, 0
    )
    chosen = [*groups[0][2:], *groups[2]]
    shares = [parse_share(m) for m in chosen]
    assert combine_shares(shares, passphrase, SecretKind.SLIP39).secret.reveal() == secret


def test_cli_combine_of_reference_shares(tmp_path) -> None:  # type: ignore[no-untyped-def]
    secret = secrets.token_bytes(16)
    groups = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], secret, b"", True, 0)
    path = tmp_path / "shares.txt"
    path.write_text("# two of three\n\n" + "\n".join(groups[0][:2]) + "\n")
    result = run_cli(["combine", str(path), "--reveal", "--json"])
    assert result.code == 0, result.err
    assert f'"secret_hex": "{secret.hex()}"' in result.out
