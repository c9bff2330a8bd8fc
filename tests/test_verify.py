"""The algebraic share-set proof, cross-checked against brute-force enumeration of every
qualifying subset with the reference package (the enumerator lives here only)."""

from __future__ import annotations

import itertools
import secrets
from collections.abc import Sequence

import pytest
import shamir_mnemonic
from hypothesis import given, settings
from hypothesis import strategies as st
from shamir_mnemonic.shamir import ShareGroup, recover_ems
from shamir_mnemonic.share import Share as RefShare
from shamir_mnemonic.utils import MnemonicError

from ceremony.core.verify import verify_shares
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, NotVerified
from ceremony.model.share import Share


def qualifying_subsets(shares: Sequence[Share]) -> list[list[Share]]:
    """Every subset made of exactly-threshold members of exactly group-threshold groups.

    Larger qualifying subsets rebuild the same value as one of these (the reference combine
    takes exactly the thresholds), so these decide whether all qualifying subsets agree.
    """
    by_group: dict[int, list[Share]] = {}
    for share in shares:
        by_group.setdefault(share.group_index, []).append(share)
    gt = shares[0].group_threshold
    choices_per_group = {
        g: [list(c) for c in itertools.combinations(m, m[0].member_threshold)]
        for g, m in by_group.items()
        if len(m) >= m[0].member_threshold
    }
    subsets = []
    for groups in itertools.combinations(sorted(choices_per_group), gt):
        for parts in itertools.product(*(choices_per_group[g] for g in groups)):
            subsets.append([s for part in parts for s in part])
    return subsets


def brute_force_agree(shares: Sequence[Share]) -> bool:
    """True when every minimal qualifying subset recovers, without error, the same EMS.

    Each subset goes through the reference `recover_ems` (interpolation and digest check) on
    shares parsed once; the decryption (PBKDF2) is the same bijection for every subset of one
    share set, so comparing the encrypted master secrets decides it, as `combine_mnemonics`
    would, at a fraction of the cost."""
    reference = {id(s): RefShare.from_mnemonic(s.mnemonic()) for s in shares}
    results = set()
    for subset in qualifying_subsets(shares):
        groups: dict[int, ShareGroup] = {}
        try:
            for share in subset:
                groups.setdefault(share.group_index, ShareGroup()).add(reference[id(share)])
            results.add(recover_ems(groups).ciphertext)
        except MnemonicError:
            return False
    return len(results) <= 1


def altered(share: Share, byte: int, flip: int) -> Share:
    """The share with one value byte changed and a fresh, valid checksum."""
    value = bytearray(share.value)
    value[byte % len(value)] ^= flip
    ref = RefShare(
        share.identifier,
        share.extendable,
        share.iteration_exponent,
        share.group_index,
        share.group_threshold,
        share.group_count,
        share.member_index,
        share.member_threshold,
        bytes(value),
    )
    return parse_share(ref.mnemonic())


schemes = st.lists(
    st.tuples(st.integers(1, 4), st.integers(0, 2)).map(
        lambda tc: (1, 1) if tc[0] == 1 else (tc[0], tc[0] + tc[1])
    ),
    min_size=1,
    max_size=3,
).flatmap(lambda groups: st.tuples(st.integers(1, len(groups)), st.just(groups)))


def make_shares(group_threshold: int, groups: list[tuple[int, int]]) -> list[Share]:
    mnemonics = shamir_mnemonic.generate_mnemonics(
        group_threshold, groups, secrets.token_bytes(16), b"", True, 0
    )
    return [parse_share(m) for group in mnemonics for m in group]


@settings(max_examples=40, deadline=None)
@given(scheme=schemes)
def test_proof_agrees_with_enumeration_on_honest_sets(scheme) -> None:  # type: ignore[no-untyped-def]
    shares = make_shares(*scheme)
    proof = verify_shares(shares)
    assert proof.quorum
    assert brute_force_agree(shares)


@settings(max_examples=60, deadline=None)
@given(
    scheme=schemes, which=st.integers(0, 1000), byte=st.integers(0, 15), flip=st.integers(1, 255)
)
def test_proof_agrees_with_enumeration_on_altered_sets(scheme, which, byte, flip) -> None:  # type: ignore[no-untyped-def]
    shares = make_shares(*scheme)
    index = which % len(shares)
    shares[index] = altered(shares[index], byte, flip)
    honest = brute_force_agree(shares)
    if honest:
        verify_shares(shares)
    else:
        with pytest.raises(NotVerified):
            verify_shares(shares)


def test_names_the_altered_share() -> None:
    shares = make_shares(1, [(2, 5)])
    shares[3] = altered(shares[3], 0, 1)
    with pytest.raises(NotVerified, match="group 1, member 4"):
        verify_shares(shares)


def test_names_the_inconsistent_group() -> None:
    shares = make_shares(2, [(1, 1), (1, 1), (1, 1)])
    shares[2] = altered(shares[2], 3, 9)
    with pytest.raises(NotVerified, match="group 3"):
        verify_shares(shares)


def test_duplicate_share_is_refused() -> None:
    shares = make_shares(1, [(2, 3)])
    with pytest.raises(BadInput, match="twice"):
        verify_shares([shares[0], shares[1], shares[0]])


def test_partial_set_reports_progress_without_quorum() -> None:
    shares = make_shares(2, [(2, 3), (3, 5)])
    proof = verify_shares([shares[0], shares[3], shares[4]])
    assert not proof.quorum
    assert [(g.present, g.threshold) for g in proof.groups] == [(1, 2), (2, 3)]


def test_largest_scheme_verifies() -> None:
    shares = make_shares(8, [(8, 16)] * 16)
    assert len(shares) == 256
    proof = verify_shares(shares)
    assert proof.quorum
    assert proof.complete_groups == 16
