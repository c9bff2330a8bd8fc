"""Records with a tiny time lock made without a ceremony (a split and a record on disk), the
shares they stand for, and the session steps recovery tests share."""

from __future__ import annotations

import atexit
import hashlib
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from pathlib import Path

from ceremony.core.sealed import Passphrase
from ceremony.model.record import Record, TimeLockInfo
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.workflows import recovery as rec
from ceremony.workflows.kit import build_record, default_holders
from ceremony.workflows.split import SplitResult, split_sealed, split_secret
from tests.helpers.kits import seeded

T = 3000
"""Required work in most tests: a few thousand VDF iterations or squarings."""
WHEN = datetime(2031, 5, 6, 7, 8, 9, tzinfo=UTC)
SCHEME = Scheme(
    group_threshold=2,
    groups=(GroupSpec("treasury", 2, 3), GroupSpec("family", 2, 3), GroupSpec("lawyer", 1, 1)),
    strength_bits=128,
    iteration_exponent=0,
)


@dataclass(frozen=True)
class Kit:
    """A ceremony's record on disk and, kept aside, the shares and secret it stands for."""

    directory: Path
    record: Record
    split: SplitResult = field(repr=False)
    secret_hex: str = field(repr=False)
    consent: Passphrase | None = field(default=None, repr=False)

    @property
    def record_path(self) -> Path:
        return self.directory / "record.json"

    def shares(self, *picks: tuple[int, int]) -> list[Share]:
        """Shares by (group index, member index)."""
        return [self.split.groups[g][m] for g, m in picks]

    def quorum(self) -> list[Share]:
        """treasury 1 and 3, and the lawyer: two complete groups."""
        return self.shares((0, 0), (0, 2), (2, 0))


def make_kit(
    parent: Path,
    *,
    mode: str = "evidenced",
    work: int = T,
    rate: float = 50.0,
    passphrase: bytes = b"",
    kind: SecretKind = SecretKind.SLIP39,
    seed: bytes = b"kit",
    name: str = "kit",
) -> Kit:
    """A record with a time lock of `work` (tiny) and the shares of its split."""
    rng = seeded(seed)
    scheme = replace(SCHEME, kind=kind)
    consent = None
    modulus_hex = ""
    version = "ceremony/v1/vdf-chain"
    if mode == "sealed":
        sealed = split_sealed(scheme, rng(16), work, rng=rng)
        split, consent = sealed.result, sealed.consent
        modulus_hex, version = f"{sealed.lock.modulus:x}", sealed.lock.version
        secret_hex = ""
    else:
        value = rng(16)
        split = split_secret(scheme, Secret(value, kind), passphrase, rng=rng)
        secret_hex = value.hex()
    timelock = TimeLockInfo(
        mode=mode,
        iterations=work,
        rate_per_second=rate,
        attacker_speedup=10.0,
        expected_seconds=round(work / rate, 3),
        minimum_seconds=round(work / rate / 10, 3),
        description=f"test lock of {work}",
        modulus_hex=modulus_hex,
        version=version,
        consent_card=consent is not None,
    )
    record = build_record(
        split,
        ceremony_name="Acme treasury",
        holders=default_holders(split),
        plan_sha256=hashlib.sha256(seed).hexdigest(),
        plan_source="command-line",
        passphrase_used=bool(passphrase),
        demo=False,
        ceremony_id=f"{seed.hex()[:4].upper():0>4}-0000-0001",
        clock=lambda: WHEN,
        timelock=timelock,
    )
    directory = parent / name
    directory.mkdir()
    (directory / "record.json").write_text(record.to_json())
    return Kit(directory, record, split, secret_hex, consent)


def start(kit: Kit, seed: bytes = b"notice", **options: object) -> rec.Session:
    return rec.start(kit.record_path, clock=lambda: WHEN, rng=seeded(seed), **options)  # type: ignore[arg-type]


def finish_wait(session: rec.Session, segment: int = 1000) -> rec.Session:
    plan = rec.plan_wait(session, segment_iterations=segment)
    rec.run_wait(session, plan)
    return rec.Session.open(session.path)


_WAITED: dict[tuple[bytes, bytes, tuple[tuple[str, str], ...]], Path] = {}


def waited(kit: Kit, seed: bytes = b"notice", **options: str) -> rec.Session:
    """`finish_wait(start(kit, seed, **options))`, for a test that starts from a finished wait.

    A record, a notice seed and the options give the same notice (a fixed clock, seeded
    randomness) and so the same chain: the session is started and its wait computed once per
    test process, beside a copy of the record, and each caller gets a copy of that session (file
    modes kept) in its own kit. The tests of the wait itself call `start` and `finish_wait`."""
    key = (kit.record_path.read_bytes(), seed, tuple(sorted(options.items())))
    if key not in _WAITED:
        folder = Path(tempfile.mkdtemp(prefix="ceremony-test-waited-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        shutil.copy2(kit.record_path, folder / "record.json")
        _WAITED[key] = finish_wait(start(replace(kit, directory=folder), seed, **options)).path
    made = _WAITED[key]
    copy = kit.directory / made.parent.name / made.name
    copy.parent.mkdir(exist_ok=True)
    shutil.copytree(made, copy)
    return rec.Session.open(copy)


class StopAfter:
    """A progress observer that presses Ctrl-C once `count` reports with new work have come."""

    def __init__(self, count: int) -> None:
        self.count = count
        self.seen: list[int] = []

    def advanced(self, done: int, total: int) -> None:
        if done and (not self.seen or done != self.seen[-1]):
            self.seen.append(done)
            if len(self.seen) >= self.count:
                raise KeyboardInterrupt
