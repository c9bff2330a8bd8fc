"""The sealed time lock: the slow path opens what the fast path sealed, and SLIP-39 wallets agree."""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable
from typing import TypedDict

import pytest
import shamir_mnemonic
from shamir_mnemonic.shamir import EncryptedMasterSecret, split_ems

from ceremony.core import sealed
from ceremony.core.sealed import Passphrase, PuzzleCheckpoint, PuzzleSolver, SealedLock
from ceremony.errors import BadInput, NotVerified
from tests.helpers.kits import seeded

T = 3000
M0 = bytes(range(16))


class EmsParams(TypedDict):
    identifier: int
    extendable: bool
    iteration_exponent: int


EMS_PARAMS = EmsParams(identifier=4321, extendable=True, iteration_exponent=0)


@pytest.fixture(scope="module")
def locked() -> tuple[SealedLock, Passphrase]:
    return sealed.seal(M0, T, rng=seeded(b"lock"))


class Recorder:
    def __init__(self) -> None:
        self.calls: list[tuple[int, int]] = []

    def advanced(self, done: int, total: int) -> None:
        self.calls.append((done, total))


def test_the_lock_has_a_fresh_2048_bit_modulus(locked: tuple[SealedLock, Passphrase]) -> None:
    lock, _ = locked
    assert lock.modulus.bit_length() == 2048
    assert lock.squarings == T
    assert lock.version == "ceremony/v1/sealed"
    other, _ = sealed.seal(M0, T, rng=seeded(b"other"))
    assert other.modulus != lock.modulus


def test_sealing_is_deterministic_given_the_randomness(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    assert sealed.seal(M0, T, rng=seeded(b"lock")) == locked


def test_the_derivations_follow_the_published_definition(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    """Written out from the definition with the standard library only, as recover.py will."""
    lock, passphrase = locked
    nb = lock.modulus.to_bytes(256, "big")
    x = int.from_bytes(hashlib.shake_256(b"ceremony/v1/sealed/x\x00" + nb + M0).digest(288), "big")
    x %= lock.modulus
    y = pow(x, 2**T, lock.modulus)
    p = hashlib.sha256(b"ceremony/v1/sealed/passphrase\x00" + y.to_bytes(256, "big")).hexdigest()
    assert sealed.derive_x(lock.modulus, M0) == x
    assert sealed.derive_passphrase(y, lock.modulus).reveal() == p[:32]
    assert passphrase.reveal() == p[:32]


def test_the_slow_solver_finds_the_fast_passphrase(locked: tuple[SealedLock, Passphrase]) -> None:
    lock, passphrase = locked
    progress = Recorder()
    solver = PuzzleSolver(lock, M0, chunk=256, checkpoint_every=1000, progress=progress)
    assert solver.solve() == passphrase
    assert progress.calls[0] == (0, T)
    assert progress.calls[-1] == (T, T)
    assert [done for done, _ in progress.calls] == sorted(done for done, _ in progress.calls)


def test_another_m0_gives_another_passphrase(locked: tuple[SealedLock, Passphrase]) -> None:
    lock, passphrase = locked
    assert PuzzleSolver(lock, bytes(16)).solve() != passphrase


def test_resume_from_a_checkpoint_gives_the_same_passphrase(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    lock, passphrase = locked
    saved: list[PuzzleCheckpoint] = []

    class Interrupting:
        def advanced(self, done: int, total: int) -> None:
            if done >= 2200:
                raise KeyboardInterrupt

    solver = PuzzleSolver(
        lock,
        M0,
        chunk=100,
        checkpoint_every=1000,
        on_checkpoint=saved.append,
        progress=Interrupting(),
    )
    with pytest.raises(KeyboardInterrupt):
        solver.solve()
    assert [c.done for c in saved] == [1000, 2000, 2200]  # and one at the interruption

    on_disk = PuzzleCheckpoint.from_json(saved[-1].to_json())
    finished: list[PuzzleCheckpoint] = []
    progress = Recorder()
    resumed = PuzzleSolver(lock, M0, chunk=100, on_checkpoint=finished.append, progress=progress)
    assert resumed.solve(on_disk) == passphrase
    assert progress.calls[0] == (2200, T)
    assert [c.done for c in finished] == [T]
    assert resumed.solve(finished[-1]) == passphrase  # a finished checkpoint opens at once


@pytest.mark.parametrize(
    "damage",
    [
        lambda c: PuzzleCheckpoint(c.done + 1, c.value, c.tag),
        lambda c: PuzzleCheckpoint(c.done, c.value ^ 1, c.tag),
        lambda c: PuzzleCheckpoint(
            c.done, c.value, c.tag[:-1] + ("0" if c.tag[-1] != "0" else "1")
        ),
        lambda c: PuzzleCheckpoint(T + 1, c.value, c.tag),
        lambda c: PuzzleCheckpoint(-1, c.value, c.tag),
        lambda c: PuzzleCheckpoint(c.done, c.value, "é" * 64),
    ],
    ids=["count", "value", "tag", "past-the-end", "negative", "non-ascii-tag"],
)
def test_a_damaged_checkpoint_is_detected(
    locked: tuple[SealedLock, Passphrase], damage: Callable[[PuzzleCheckpoint], PuzzleCheckpoint]
) -> None:
    lock, _ = locked
    saved: list[PuzzleCheckpoint] = []
    solver = PuzzleSolver(lock, M0, chunk=500, checkpoint_every=1000, on_checkpoint=saved.append)
    solver.solve()
    with pytest.raises(NotVerified, match="checkpoint is damaged"):
        solver.solve(damage(saved[0]))


def test_a_checkpoint_from_another_quorum_or_lock_is_refused(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    lock, _ = locked
    saved: list[PuzzleCheckpoint] = []
    PuzzleSolver(
        lock, bytes(16), chunk=500, checkpoint_every=1000, on_checkpoint=saved.append
    ).solve()
    with pytest.raises(NotVerified):
        PuzzleSolver(lock, M0).check(saved[0])
    other, _ = sealed.seal(M0, T, rng=seeded(b"other"))
    with pytest.raises(NotVerified):
        PuzzleSolver(other, M0).check(saved[0])


@pytest.mark.parametrize(
    "text",
    [
        "not json",
        "[]",
        '{"version": "ceremony/v1/sealed/checkpoint"}',
        '{"version": "ceremony/v1/sealed/checkpoint", "done": 1, "value": "zz", "tag": ""}',
        '{"version": "other", "done": 1, "value": "00", "tag": ""}',
    ],
)
def test_a_malformed_checkpoint_file_is_bad_input(text: str) -> None:
    with pytest.raises(BadInput):
        PuzzleCheckpoint.from_json(text)


def test_checkpoints_and_passphrases_do_not_show_their_values(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    lock, passphrase = locked
    saved: list[PuzzleCheckpoint] = []
    PuzzleSolver(lock, M0, on_checkpoint=saved.append).solve()
    assert format(saved[-1].value, "x") not in repr(saved[-1])
    for shown in (repr(passphrase), str(passphrase), f"{passphrase}"):
        assert passphrase.reveal() not in shown
    with pytest.raises(TypeError):
        pickle.dumps(passphrase)


def test_the_fast_and_slow_paths_open_the_same_secret() -> None:
    ems = seeded(b"ems")(16)
    made = sealed.seal_ems(ems, T, rng=seeded(b"ceremony"), **EMS_PARAMS)
    m0 = sealed.m0_from_ems(ems, **EMS_PARAMS)
    passphrase = PuzzleSolver(made.lock, m0).solve()
    assert passphrase == made.passphrase
    secret = sealed.secret_from_ems(ems, passphrase, **EMS_PARAMS)
    assert secret == made.secret
    assert secret.reveal() != m0
    assert made.passphrase.reveal() not in repr(made)


def test_the_reference_package_recovers_the_secret_with_p() -> None:
    """Shares are plain SLIP-39 of the EMS: any wallet recovers S from a quorum plus P."""
    ems = seeded(b"ems-2")(32)
    made = sealed.seal_ems(ems, T, rng=seeded(b"ceremony-2"), **EMS_PARAMS)
    groups = split_ems(
        2,
        [(2, 3), (1, 1), (3, 5)],
        EncryptedMasterSecret(
            EMS_PARAMS["identifier"],
            EMS_PARAMS["extendable"],
            EMS_PARAMS["iteration_exponent"],
            ems,
        ),
    )
    quorum = [share.mnemonic() for share in (*groups[0][:2], *groups[2][1:4])]
    passphrase = made.passphrase.slip39_bytes()
    assert shamir_mnemonic.combine_mnemonics(quorum, passphrase) == made.secret.reveal()
    m0 = shamir_mnemonic.combine_mnemonics(quorum, b"")
    assert m0 == sealed.m0_from_ems(ems, **EMS_PARAMS)
    assert PuzzleSolver(made.lock, m0).solve() == made.passphrase


def test_the_lock_round_trips_through_the_record(locked: tuple[SealedLock, Passphrase]) -> None:
    lock, _ = locked
    data = lock.to_dict()
    assert data["version"] == "ceremony/v1/sealed"
    assert len(str(data["modulus"])) == 512
    assert SealedLock.from_dict(data) == lock


@pytest.mark.parametrize(
    "change",
    [
        {"version": "ceremony/v2/sealed"},
        {"modulus": "00" * 256},
        {"modulus": "zz" * 256},
        {"modulus": "ff" * 255},
        {"squarings": 0},
        {"squarings": "3000"},
        {"squarings": True},
    ],
)
def test_a_bad_lock_in_a_record_is_bad_input(
    locked: tuple[SealedLock, Passphrase], change: dict[str, object]
) -> None:
    with pytest.raises(BadInput):
        SealedLock.from_dict({**locked[0].to_dict(), **change})


def test_a_consent_card_passphrase_is_read_forgivingly(
    locked: tuple[SealedLock, Passphrase],
) -> None:
    _, passphrase = locked
    text = passphrase.reveal().upper()
    typed = " ".join(text[i : i + 4] for i in range(0, 32, 4))
    assert Passphrase.from_text(typed) == passphrase
    assert Passphrase.from_text("-".join(text[i : i + 8] for i in range(0, 32, 8))) == passphrase
    for bad in ("", text[:-1], text + "0", "g" * 32):
        with pytest.raises(BadInput):
            Passphrase.from_text(bad)


def test_bad_sealing_requests_are_bad_input() -> None:
    with pytest.raises(BadInput):
        sealed.seal(M0, 0)
    with pytest.raises(BadInput):
        sealed.seal(b"", 10)
