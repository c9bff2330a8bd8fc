"""Lifecycle arithmetic: extending a group at unused member indexes, and resharing one EMS.

Interop both ways: the reference implementation recovers mixes of old and new shares we made, we
recover mixes from shares the reference split and we extended, and recover.py recovers a mix.
"""

from __future__ import annotations

import itertools
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.core import slip39
from ceremony.core.lifecycle import extend_group, rebuild_ems, reshare
from ceremony.core.verify import verify_shares
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret
from ceremony.workflows.combine import combine_shares
from ceremony.workflows.split import SplitResult, split_secret
from ceremony.workflows.standalone import render_recover_py

PASS = b"TREZOR"


def _split(extendable: bool = True, strength: int = 128) -> tuple[SplitResult, Secret]:
    scheme = Scheme(
        2,
        (GroupSpec("a", 2, 3), GroupSpec("b", 3, 4), GroupSpec("c", 1, 1)),
        strength_bits=strength,
        iteration_exponent=0,
        extendable=extendable,
    )
    secret = Secret(secrets.token_bytes(strength // 8))
    return split_secret(scheme, secret, PASS), secret


def test_new_shares_mix_with_old_in_the_reference() -> None:
    split, secret = _split()
    group_b = split.groups[1]
    extension = extend_group(group_b[1:4], used=range(4), new_members=[4, 5, 15])
    assert extension.members == (4, 5, 15)
    new = extension.shares
    # every qualifying set of group b, old and new together, with a share of group a
    members = [*group_b, *new]
    for trio in itertools.combinations(members, 3):
        quorum = [s.mnemonic() for s in (*trio, *split.groups[0][:2])]
        assert shamir_mnemonic.combine_mnemonics(quorum, PASS) == secret.reveal()
    # and the whole scheme, old and new, is one consistent set with a quorum
    proof = verify_shares([*split.all_shares(), *new])
    assert proof.ems is not None
    assert proof.ems.decrypt(PASS) == secret.reveal()


def test_we_extend_what_the_reference_split() -> None:
    secret = secrets.token_bytes(16)
    groups = shamir_mnemonic.generate_mnemonics(2, [(2, 3), (2, 2)], secret, PASS, True, 0)
    typed = [parse_share(m) for m in groups[1]]
    new = extend_group(typed, used=range(2), new_members=[2, 3]).shares
    mix = [new[0].mnemonic(), typed[0].mnemonic(), *groups[0][1:]]
    parsed = [parse_share(m) for m in mix]
    assert combine_shares(parsed, PASS, SecretKind.SLIP39).secret.reveal() == secret
    assert shamir_mnemonic.combine_mnemonics([n.mnemonic() for n in new] + groups[0][:2], PASS) == (
        secret
    )


def test_recover_py_recovers_a_mix(tmp_path: Path) -> None:
    split, secret = _split()
    new = extend_group(split.groups[0][:2], used=range(3), new_members=[3]).shares
    program = tmp_path / "recover.py"
    program.write_text(render_recover_py(), encoding="utf-8")
    mix = [new[0], split.groups[0][2], *split.groups[1][:3]]
    (tmp_path / "shares.txt").write_text("\n".join(s.mnemonic() for s in mix) + "\n")
    (tmp_path / "pass.txt").write_bytes(PASS + b"\n")
    result = subprocess.run(
        [sys.executable, "-I", str(program), "--passphrase-file", "pass.txt", "shares.txt"],
        cwd=tmp_path,
        env={},
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert secret.reveal().hex() in result.stdout


def test_below_threshold_is_refused() -> None:
    split, _ = _split()
    with pytest.raises(BadInput, match="threshold is 3"):
        extend_group(split.groups[1][:2], used=range(4), new_members=[4])


def test_shares_of_two_groups_are_refused() -> None:
    split, _ = _split()
    with pytest.raises(BadInput, match="two groups"):
        extend_group([split.groups[0][0], split.groups[1][0]], used=range(3), new_members=[5])


def test_shares_of_two_ceremonies_are_refused() -> None:
    first, _ = _split()
    second, _ = _split()
    with pytest.raises(BadInput, match="two ceremonies"):
        extend_group([first.groups[0][0], second.groups[0][1]], used=range(3), new_members=[3])


def test_a_used_member_index_is_refused() -> None:
    split, _ = _split()
    with pytest.raises(BadInput, match="member 3 of group 1 is already used"):
        extend_group(split.groups[0][:2], used=range(3), new_members=[2])


def test_a_seventeenth_member_is_refused() -> None:
    split, _ = _split()
    with pytest.raises(BadInput, match="at most 16 members"):
        extend_group(split.groups[0][:2], used=range(3), new_members=[16])


def test_a_threshold_one_group_is_refused() -> None:
    split, _ = _split()
    with pytest.raises(Refused, match="threshold of 1"):
        extend_group(split.groups[2], used=range(1), new_members=[1])


def test_an_altered_share_is_caught_before_anything_is_made() -> None:
    split, _ = _split()
    good = split.groups[0]
    forged = slip39.share_at(good[1], good[1].member_index, bytes(len(good[1].value)))
    with pytest.raises(NotVerified):
        extend_group([good[0], forged], used=range(3), new_members=[3])


@pytest.mark.parametrize("passphrase", [b"", PASS, b"another"])
def test_a_reshare_opens_the_same_wallet_for_every_passphrase(passphrase: bytes) -> None:
    split, secret = _split()
    old = [*split.groups[0][:2], split.groups[2][0]]
    ems = rebuild_ems(old)
    scheme = Scheme(3, tuple(GroupSpec(n, 2, 3) for n in "xyzw"), 128, iteration_exponent=0)
    result = reshare(ems, scheme)
    assert result.ems.identifier != split.identifier
    quorum = [s.mnemonic() for g in result.groups[:3] for s in g[:2]]
    before = shamir_mnemonic.combine_mnemonics([s.mnemonic() for s in old], passphrase)
    assert shamir_mnemonic.combine_mnemonics(quorum, passphrase) == before
    if passphrase == PASS:
        assert before == secret.reveal()


def test_a_reshare_of_non_extendable_shares_is_refused() -> None:
    split, _ = _split(extendable=False)
    with pytest.raises(Refused, match="extendable-backup flag"):
        rebuild_ems([*split.groups[0][:2], split.groups[2][0]])


def test_a_reshare_needs_a_quorum() -> None:
    split, _ = _split()
    with pytest.raises(BadInput, match="not a quorum"):
        rebuild_ems(list(split.groups[0][:2]))


def test_a_reshare_keeps_the_iteration_exponent() -> None:
    split, _ = _split()
    ems = rebuild_ems([*split.groups[0][:2], split.groups[2][0]])
    scheme = Scheme(1, (GroupSpec("x", 2, 3),), 128, iteration_exponent=2)
    with pytest.raises(BadInput, match="iteration exponent"):
        reshare(ems, scheme)
