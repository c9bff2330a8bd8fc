"""Entropy: the published mixing formula (known answers, recomputed by hand), dice-only mode, reports."""

from __future__ import annotations

import hashlib
import hmac
import inspect
import json
import secrets
from collections.abc import Callable

import pytest

from ceremony.core.dice import DiceRolls
from ceremony.core.entropy import (
    DICE_ONLY_WARNING,
    MIX_INFO,
    EntropySource,
    dice_digest,
    make_master_secret,
    mix,
)
from ceremony.errors import BadInput
from ceremony.model.scheme import SecretKind

# The same fixed good d6 rolls as tests/test_dice.py (drawn once with `secrets`).
GOOD = (
    "5464115633556214536222235154114412656313443664262346"
    "323635532665653614633151264236154165164632123113"
)
GOOD_50 = GOOD[:50]


def counting(data: bytes) -> tuple[list[int], Callable[[int], bytes]]:
    calls: list[int] = []

    def rng(n: int) -> bytes:
        calls.append(n)
        return data[:n]

    return calls, rng


def fixed_rng(n: int) -> bytes:
    """00 01 02 ...: the CSPRNG part of the worked example in the README."""
    return bytes(range(n))


def refusing_rng(n: int) -> bytes:
    raise AssertionError("the random generator must not be used in dice-only mode")


def hkdf_by_hand(ikm: bytes, info: bytes, length: int) -> bytes:
    """RFC 5869 with HMAC-SHA256 and no salt (32 zero bytes), written out to cross-check."""
    prk = hmac.new(b"\x00" * 32, ikm, hashlib.sha256).digest()
    okm, block, counter = b"", b"", 1
    while len(okm) < length:
        block = hmac.new(prk, block + info + bytes([counter]), hashlib.sha256).digest()
        okm += block
        counter += 1
    return okm[:length]


# -- the formula -----------------------------------------------------------------------------


def test_the_info_string_is_published() -> None:
    assert MIX_INFO == b"ceremony/v1/master-secret"


def test_dice_digest_is_sha256_of_the_dice_string() -> None:
    """What `printf %s 5464...4623 | sha256sum` prints (the README's worked example)."""
    digest = dice_digest(DiceRolls.from_text(GOOD_50))
    assert digest == hashlib.sha256(GOOD_50.encode("ascii")).digest()
    assert digest.hex() == "993232d290baf0978d26e7c05d137d5e878090ad41871f7fd1b3b5b52da0e0be"


@pytest.mark.parametrize("length", [16, 20, 32])
@pytest.mark.parametrize("csprng", [b"", bytes(range(16)), bytes(range(32))])
def test_mix_is_hkdf_sha256_as_written_by_hand(length: int, csprng: bytes) -> None:
    digest = hashlib.sha256(b"123456").digest()
    assert mix(digest, csprng, length) == hkdf_by_hand(digest + csprng, MIX_INFO, length)


def test_known_answer_dice_and_csprng_128() -> None:
    dice = DiceRolls.from_text(GOOD_50)
    secret, report = make_master_secret(128, dice=dice, rng=fixed_rng)
    expected = hkdf_by_hand(
        hashlib.sha256(GOOD_50.encode()).digest() + bytes(range(16)), MIX_INFO, 16
    )
    assert secret.reveal() == expected
    assert secret.reveal().hex() == "c2563192b9ea592e358a6dddfd9dce43"
    assert report.source is EntropySource.CSPRNG_AND_DICE
    assert report.csprng_bytes == 16


def test_known_answer_dice_and_csprng_256() -> None:
    secret, _ = make_master_secret(256, dice=DiceRolls.from_text(GOOD), rng=fixed_rng)
    assert secret.reveal() == hkdf_by_hand(
        hashlib.sha256(GOOD.encode()).digest() + bytes(range(32)), MIX_INFO, 32
    )
    assert secret.reveal().hex() == (
        "a82b809d740cfe714cb1501f918e74fe98cc2b8ab706508734658565c8417fbc"
    )


def test_the_csprng_part_is_strength_bytes_and_changes_the_secret() -> None:
    calls, rng = counting(bytes(range(100, 132)))
    dice = DiceRolls.from_text(GOOD_50)
    mixed, _ = make_master_secret(128, dice=dice, rng=rng)
    assert calls == [16]
    plain, _ = make_master_secret(128, dice=dice, rng=fixed_rng)
    assert mixed.reveal() != plain.reveal()


# -- dice-only -------------------------------------------------------------------------------


def test_dice_only_known_answers() -> None:
    secret, report = make_master_secret(
        128, dice=DiceRolls.from_text(GOOD_50), dice_only=True, rng=refusing_rng
    )
    assert secret.reveal() == hkdf_by_hand(hashlib.sha256(GOOD_50.encode()).digest(), MIX_INFO, 16)
    assert secret.reveal().hex() == "b9e4327c030ff76fd39c8138fc53bbf9"
    assert report.source is EntropySource.DICE_ONLY
    assert report.csprng_bytes == 0
    secret, _ = make_master_secret(256, dice=DiceRolls.from_text(GOOD), dice_only=True)
    assert secret.reveal().hex() == (
        "12cfe94f27e928e16c9cd313b7a2fa0d9bfc024f3e3106c5056c8292ba3862fc"
    )


def test_dice_only_is_deterministic_like_two_machines() -> None:
    """The same rolls typed differently (spaces, lines) on two machines give the same secret."""
    machine_a = DiceRolls.from_text(GOOD)
    machine_b = DiceRolls.from_text(" ".join(GOOD[i : i + 10] for i in range(0, 100, 10)))
    first, _ = make_master_secret(256, dice=machine_a, dice_only=True, rng=secrets.token_bytes)
    second, _ = make_master_secret(256, dice=machine_b, dice_only=True, rng=refusing_rng)
    assert first.reveal() == second.reveal()
    one_changed = GOOD[:-1] + ("1" if GOOD[-1] != "1" else "2")
    third, _ = make_master_secret(256, dice=DiceRolls.from_text(one_changed), dice_only=True)
    assert third.reveal() != first.reveal()


def test_dice_only_warns() -> None:
    _, report = make_master_secret(128, dice=DiceRolls.from_text(GOOD_50), dice_only=True)
    assert report.warning == DICE_ONLY_WARNING
    assert "only as good as the dice and the people who rolled them" in DICE_ONLY_WARNING
    _, mixed = make_master_secret(128, dice=DiceRolls.from_text(GOOD_50))
    assert mixed.warning is None


def test_dice_only_needs_dice() -> None:
    with pytest.raises(BadInput) as caught:
        make_master_secret(128, dice_only=True, rng=refusing_rng)
    assert "--dice-file" in caught.value.hint


# -- the CSPRNG alone ------------------------------------------------------------------------


def test_without_dice_the_secret_is_the_csprng_bytes() -> None:
    calls, rng = counting(bytes(range(200, 232)))
    secret, report = make_master_secret(256, rng=rng)
    assert calls == [32]
    assert secret.reveal() == bytes(range(200, 232))
    assert report.source is EntropySource.CSPRNG
    assert report.to_record() == {
        "source": "csprng",
        "strength_bits": 256,
        "csprng_bytes": 32,
        "mixing": "none: the secret is the CSPRNG bytes",
    }


def test_the_default_generator_is_the_os_csprng() -> None:
    default = inspect.signature(make_master_secret).parameters["rng"].default
    assert default is secrets.token_bytes
    first, _ = make_master_secret(128)
    second, _ = make_master_secret(128)
    assert first.reveal() != second.reveal()


def test_a_short_read_from_the_generator_is_an_error() -> None:
    with pytest.raises(ValueError, match="exactly 16 bytes"):
        make_master_secret(128, rng=lambda n: b"\x00" * (n - 1))
    with pytest.raises(ValueError, match="exactly 16 bytes"):
        make_master_secret(128, dice=DiceRolls.from_text(GOOD_50), rng=lambda n: b"")


# -- checks before anything is drawn ---------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "bits", "message"),
    [
        (GOOD[:49], 128, "128 bits need at least 50 rolls"),
        (GOOD, 512, "not allowed"),
        ("1" * 50, 128, "9 times in a row"),
        ("123" * 17, 128, "too unevenly"),
    ],
)
def test_bad_dice_stop_before_the_generator_is_used(text: str, bits: int, message: str) -> None:
    for dice_only in (False, True):
        with pytest.raises(BadInput, match=message):
            make_master_secret(
                bits, dice=DiceRolls.from_text(text), dice_only=dice_only, rng=refusing_rng
            )


def test_bip39_strengths_are_checked_for_the_kind() -> None:
    with pytest.raises(BadInput, match="no BIP-39 phrase"):
        make_master_secret(144, kind=SecretKind.BIP39)
    secret, _ = make_master_secret(
        128, kind=SecretKind.BIP39, dice=DiceRolls.from_text(GOOD_50), rng=fixed_rng
    )
    assert secret.kind is SecretKind.BIP39
    assert secret.reveal().hex() == "c2563192b9ea592e358a6dddfd9dce43"


# -- the report ------------------------------------------------------------------------------


def test_the_report_has_counts_and_verdicts_never_rolls() -> None:
    secret, report = make_master_secret(256, dice=DiceRolls.from_text(GOOD), rng=fixed_rng)
    record = report.to_record()
    assert record == {
        "source": "csprng+dice",
        "strength_bits": 256,
        "csprng_bytes": 32,
        "mixing": (
            "HKDF-SHA256(ikm = SHA256(dice string) || csprng, info = ceremony/v1/master-secret)"
        ),
        "dice": {
            "rolls": 100,
            "sides": 6,
            "bits": "258.50",
            "health": {
                "repetition count": "pass",
                "adaptive proportion": "pass",
                "chi-square": "pass",
            },
        },
    }
    shown = json.dumps(record) + report.summary() + repr(report) + repr(secret)
    for start in range(0, 90, 10):
        assert GOOD[start : start + 10] not in shown
    assert secret.reveal().hex() not in shown
    assert dice_digest(DiceRolls.from_text(GOOD)).hex() not in shown
    assert report.summary() == (
        "entropy: OS random generator mixed with 100 rolls of a d6 (258.5 bits); health: "
        "repetition count pass, adaptive proportion pass, chi-square pass"
    )


def test_a_report_is_frozen() -> None:
    _, report = make_master_secret(128)
    with pytest.raises(AttributeError):
        report.source = EntropySource.DICE_ONLY  # type: ignore[misc]
