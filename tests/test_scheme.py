"""Every SLIP-39 limit is refused with a precise message and a hint."""

from __future__ import annotations

import pytest

from ceremony.errors import BadInput
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret


def groups(n: int) -> tuple[GroupSpec, ...]:
    return tuple(GroupSpec(f"g{i}", 2, 3) for i in range(n))


@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda: Scheme(2, groups(17)), "17 groups; SLIP-39 allows at most 16"),
        (lambda: GroupSpec("treasury", 4, 3), "threshold 4 is above its 3 members"),
        (lambda: GroupSpec("treasury", 1, 3), "threshold of 1 with 3 members"),
        (lambda: Scheme(4, groups(3)), "group threshold 4 is above the 3 groups"),
        (lambda: Scheme(1, groups(1), strength_bits=100), "strength 100 bits"),
        (lambda: Scheme(1, groups(1), strength_bits=144, kind=SecretKind.BIP39), "no BIP-39"),
        (lambda: GroupSpec("big", 2, 17), "17 members; SLIP-39 allows 1 to 16"),
        (lambda: Scheme(1, (GroupSpec("a", 2, 3), GroupSpec("A", 2, 3))), "used twice"),
        (lambda: Scheme(1, groups(1), iteration_exponent=16), "iteration exponent 16"),
        (lambda: GroupSpec.from_text("treasury=2/3"), "cannot read group"),
        (lambda: GroupSpec("bad name!", 2, 3), "not usable"),
        (lambda: Scheme(1, ()), "no groups"),
    ],
)
def test_invalid_scheme(make, message) -> None:  # type: ignore[no-untyped-def]
    with pytest.raises(BadInput) as info:
        make()
    assert message in info.value.message
    assert info.value.hint


def test_group_text_round_trip() -> None:
    spec = GroupSpec.from_text(" Treasury = 2 of 3 ")
    assert spec.to_text() == "Treasury=2of3"


def test_words_per_share() -> None:
    assert Scheme(1, groups(1), strength_bits=128).words_per_share == 20
    assert Scheme(1, groups(1), strength_bits=256).words_per_share == 33


def test_secret_is_redacted() -> None:
    secret = Secret(bytes(range(32)))
    text = f"{secret!r} {secret} {secret:x}"
    assert bytes(range(32)).hex() not in text
    assert "redacted" in text
