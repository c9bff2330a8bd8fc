"""SECRET HANDLING. The sealed time lock (v1): a secret that exists only after T sequential squarings.

Definition (fixed for the whole project; `recover.py` re-implements it with the standard library):

    EMS random; M0 = SLIP-39 decrypt(EMS, passphrase b"")
    N   an RSA-2048 modulus, Nb its 256 bytes big-endian
    x   = int(shake_256(b"ceremony/v1/sealed/x\\x00" + Nb + M0).digest(288)) mod N
    y   = x^(2^T) mod N
    P   = sha256(b"ceremony/v1/sealed/passphrase\\x00" + y as 256 bytes).hexdigest()[:32]
    S   = SLIP-39 decrypt(EMS, P)

At the ceremony `seal` knows the factors of N and computes y at once; it then lets them go. Python
cannot wipe memory, so "destroyed" means: never written, never returned, dropped as soon as y is known.
At recovery a quorum yields EMS, hence M0 and x, and `PuzzleSolver` grinds out the T squarings.
Only a quorum can start that clock: x depends on M0.

The shares stay plain SLIP-39 of EMS, so any SLIP-39 wallet recovers S from a quorum plus P.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from types import ModuleType
from typing import TYPE_CHECKING, Any, NoReturn

from ceremony.core import slip39
from ceremony.errors import BadInput, NotVerified
from ceremony.model import strict_json
from ceremony.model.secret import Secret
from ceremony.model.sources import Rng
from ceremony.process import deferred_interrupts

if TYPE_CHECKING:
    from ceremony.core.vdf import Progress

SEALED_VERSION = "ceremony/v1/sealed"
CHECKPOINT_VERSION = "ceremony/v1/sealed/checkpoint"
MODULUS_BITS = 2048
MODULUS_BYTES = MODULUS_BITS // 8
PASSPHRASE_CHARS = 32
_X_DOMAIN = b"ceremony/v1/sealed/x\x00"
_X_BYTES = 288  # 32 bytes more than N, so x mod N is uniform to within 2^-256
_P_DOMAIN = b"ceremony/v1/sealed/passphrase\x00"
_CHECKPOINT_DOMAIN = b"ceremony/v1/sealed/checkpoint\x00"
_SELF_CHECK_SQUARINGS = 2 * MODULUS_BITS  # past the size of p - 1, so the shortcut really is used

DEFAULT_CHUNK = 1 << 17
"""Squarings per gmpy2 call (~0.13 s here): progress and Ctrl-C granularity, at under 1% cost."""

DEFAULT_CHECKPOINT_SECONDS = 30.0
"""About how often a checkpoint is written while solving, by the clock (whatever this machine's
speed): the most work a crash or a power cut can cost. Ctrl-C, SIGTERM and SIGHUP write one at once
and lose nothing."""

Mpz = Any  # gmpy2 ships no type information


def _gmpy2() -> ModuleType:
    """gmpy2, imported on first use: only the sealed time lock needs it, and the commands that
    merely import this module (split, audit, the kit writer) start faster without it."""
    import gmpy2

    module: ModuleType = gmpy2
    return module


@dataclass(frozen=True)
class SealedLock:
    """The public parameters of a sealed time lock, as the ceremony record carries them."""

    modulus: int
    squarings: int
    version: str = SEALED_VERSION

    def __post_init__(self) -> None:
        if self.version != SEALED_VERSION:
            raise BadInput(
                f"unknown time-lock version {self.version!r}",
                f"this tool opens {SEALED_VERSION} locks; use the tool version that made the record",
            )
        if self.modulus.bit_length() != MODULUS_BITS or self.modulus % 2 == 0:
            raise BadInput(
                f"the time-lock modulus is not an odd {MODULUS_BITS}-bit number",
                "check that the record was copied without changes",
            )
        if self.squarings < 1:
            raise BadInput("a time lock needs at least one squaring", "check the record")

    def to_dict(self) -> dict[str, object]:
        """The public lock as the record stores it; the factors of the modulus are not in it."""
        return {
            "version": self.version,
            "modulus": format(self.modulus, f"0{2 * MODULUS_BYTES}x"),
            "squarings": self.squarings,
        }

    @classmethod
    def from_dict(cls, data: object) -> SealedLock:
        """A lock from a record anyone could have edited: each field is checked, nothing trusted."""
        hint = "check that the record's time lock was copied without changes"
        if not isinstance(data, dict):
            raise BadInput("the time lock is not a JSON object", hint)
        version, modulus, squarings = (
            data.get("version"),
            data.get("modulus"),
            data.get("squarings"),
        )
        if not isinstance(version, str):
            raise BadInput("the time lock has no version", hint)
        if not isinstance(squarings, int) or isinstance(squarings, bool):
            raise BadInput("the time lock's squaring count is not a whole number", hint)
        if not isinstance(modulus, str) or len(modulus) != 2 * MODULUS_BYTES:
            raise BadInput(f"the time-lock modulus is not {2 * MODULUS_BYTES} hex digits", hint)
        try:
            value = int(modulus, 16)
        except ValueError:
            raise BadInput("the time-lock modulus is not hex", hint) from None
        return cls(modulus=value, squarings=squarings, version=version)

    @property
    def modulus_bytes(self) -> bytes:
        """The modulus at its fixed width, as checkpoint keys hash it."""
        return self.modulus.to_bytes(MODULUS_BYTES, "big")


@dataclass(frozen=True)
class Passphrase:
    """P: the SLIP-39 passphrase that turns a quorum's EMS into the secret. It is what the consent
    card holds, so it is as good as a quorum's worth of waiting: redacted repr, no pickling."""

    _value: str = field(repr=False)

    def __post_init__(self) -> None:
        text = self._value
        if len(text) != PASSPHRASE_CHARS or any(c not in "0123456789abcdef" for c in text):
            raise BadInput(
                f"a time-lock passphrase is {PASSPHRASE_CHARS} hex characters",
                "copy it again from the consent card (spaces and dashes are ignored)",
            )

    @classmethod
    def from_text(cls, text: str) -> Passphrase:
        """Read P as a person types it from a consent card: any case, spaces and dashes ignored."""
        from ceremony.model.passphrase import normalise_consent

        return cls(normalise_consent(text))

    def reveal(self) -> str:
        """The 32 characters. Every caller of this is a place where P can leak."""
        return self._value

    def slip39_bytes(self) -> bytes:
        """P as the SLIP-39 passphrase bytes (what `combine_mnemonics(..., passphrase)` takes)."""
        return self._value.encode("ascii")

    def __repr__(self) -> str:
        return "Passphrase(<redacted>)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Passphrase cannot be pickled")


def derive_x(modulus: int, m0: bytes) -> int:
    """x = H(M0) in Z_N (see the module docstring)."""
    digest = hashlib.shake_256(_X_DOMAIN + modulus.to_bytes(MODULUS_BYTES, "big") + m0)
    return int.from_bytes(digest.digest(_X_BYTES), "big") % modulus


def derive_passphrase(y: int, modulus: int) -> Passphrase:
    """P from y = x^(2^T) mod N (see the module docstring)."""
    if not 0 <= y < modulus:
        raise ValueError("y must be reduced modulo N")
    digest = hashlib.sha256(_P_DOMAIN + y.to_bytes(MODULUS_BYTES, "big")).hexdigest()
    return Passphrase(digest[:PASSPHRASE_CHARS])


def seal(
    m0: bytes, squarings: int, *, rng: Rng = secrets.token_bytes
) -> tuple[SealedLock, Passphrase]:
    """Make a fresh lock for M0 and return it with P, computed at once through the factorisation.

    The primes are local to this call and are never written or returned; Python cannot wipe them,
    they are only dropped. A self-check compares the shortcut with honest squaring past the size of
    the primes, so a bad prime cannot produce a lock that the slow path would open differently.
    """
    if squarings < 1:
        raise BadInput("a time lock needs at least one squaring", "choose a longer delay")
    if not m0:
        raise BadInput("the time lock needs the master secret M0", "pass M0 = decrypt(EMS, '')")
    while True:
        p, q = _prime(rng), _prime(rng)
        modulus = p * q
        if p == q or modulus.bit_length() != MODULUS_BITS:
            continue
        x = derive_x(int(modulus), m0)
        if _shortcut(x, _SELF_CHECK_SQUARINGS, p, q) == _square(x, _SELF_CHECK_SQUARINGS, modulus):
            break
    y = _shortcut(x, squarings, p, q)
    del p, q
    n = int(modulus)
    return SealedLock(modulus=n, squarings=squarings), derive_passphrase(y, n)


def _prime(rng: Rng) -> Mpz:
    """A random 1024-bit probable prime with its top two bits set, so p * q has exactly 2048 bits."""
    half = MODULUS_BITS // 2
    gmpy2 = _gmpy2()
    while True:
        candidate = int.from_bytes(rng(half // 8), "big") | (0b11 << (half - 2))
        prime = gmpy2.next_prime(candidate)
        if prime.bit_length() == half:
            return prime


def _shortcut(x: int, squarings: int, p: Mpz, q: Mpz) -> int:
    """x^(2^T) mod pq via Fermat on each prime (exponent 2^T mod (prime - 1)) and CRT."""
    gmpy2 = _gmpy2()
    parts = []
    for prime in (p, q):
        base = gmpy2.mpz(x) % prime
        exponent = gmpy2.powmod(2, squarings, prime - 1)
        parts.append(gmpy2.powmod(base, exponent, prime) if base else gmpy2.mpz(0))
    y_p, y_q = parts
    y = y_q + q * ((y_p - y_q) * gmpy2.invert(q, p) % p)
    return int(y)


def _square(value: int, squarings: int, modulus: Mpz) -> int:
    gmpy2 = _gmpy2()
    return int(gmpy2.powmod(value, gmpy2.mpz(1) << squarings, modulus))


@dataclass(frozen=True)
class SealedSecret:
    """What the ceremony gets from sealing an EMS: the lock for the record, P for the consent card,
    and S, the secret the shares stand for (with P)."""

    lock: SealedLock
    passphrase: Passphrase
    secret: Secret


def m0_from_ems(ems: bytes, *, identifier: int, extendable: bool, iteration_exponent: int) -> bytes:
    """M0: the EMS decrypted under the empty passphrase, which a quorum alone can compute."""
    return slip39.decrypt_ems(
        ems,
        identifier=identifier,
        extendable=extendable,
        iteration_exponent=iteration_exponent,
        passphrase=b"",
    )


def secret_from_ems(
    ems: bytes,
    passphrase: Passphrase,
    *,
    identifier: int,
    extendable: bool,
    iteration_exponent: int,
) -> Secret:
    """S: the EMS decrypted under P. A wrong P gives a plausible wrong S: the caller must compare
    the result's fingerprint and commitment with the record."""
    return Secret(
        slip39.decrypt_ems(
            ems,
            identifier=identifier,
            extendable=extendable,
            iteration_exponent=iteration_exponent,
            passphrase=passphrase.slip39_bytes(),
        )
    )


def seal_ems(
    ems: bytes,
    squarings: int,
    *,
    identifier: int,
    extendable: bool,
    iteration_exponent: int,
    rng: Rng = secrets.token_bytes,
) -> SealedSecret:
    """The ceremony side in one call: M0 from a (random) EMS, a fresh lock, P, and S."""
    m0 = m0_from_ems(
        ems, identifier=identifier, extendable=extendable, iteration_exponent=iteration_exponent
    )
    lock, passphrase = seal(m0, squarings, rng=rng)
    secret = secret_from_ems(
        ems,
        passphrase,
        identifier=identifier,
        extendable=extendable,
        iteration_exponent=iteration_exponent,
    )
    return SealedSecret(lock, passphrase, secret)


@dataclass(frozen=True)
class PuzzleCheckpoint:
    """Squarings done so far and x^(2^done) mod N, with a MAC binding both to this lock and M0.

    SECRET: with it, anyone holding a quorum skips the work already done, and the final one holds y,
    which gives P. Write it with mode 0600 and delete it with the session. The MAC key derives from
    M0, so only someone who had a quorum can make a checkpoint that `PuzzleSolver` accepts; disk
    damage and edits are detected.
    """

    done: int
    value: int = field(repr=False)
    tag: str = field(repr=False)

    def to_dict(self) -> dict[str, object]:
        """The checkpoint as written to disk, so that days of squarings survive a restart."""
        return {
            "version": CHECKPOINT_VERSION,
            "done": self.done,
            "value": format(self.value, f"0{2 * MODULUS_BYTES}x"),
            "tag": self.tag,
        }

    @classmethod
    def from_dict(cls, data: object) -> PuzzleCheckpoint:
        """A checkpoint read back from disk: damaged or foreign files are refused, never resumed."""
        hint = "the checkpoint file is damaged: delete it to start the squarings over"
        if not isinstance(data, dict) or data.get("version") != CHECKPOINT_VERSION:
            raise BadInput(f"not a {CHECKPOINT_VERSION} file", hint)
        done, value, tag = data.get("done"), data.get("value"), data.get("tag")
        if not isinstance(done, int) or isinstance(done, bool):
            raise BadInput("the time-lock checkpoint has no squaring count", hint)
        if not isinstance(value, str) or len(value) != 2 * MODULUS_BYTES:
            raise BadInput("the time-lock checkpoint has no value", hint)
        if not isinstance(tag, str):
            raise BadInput("the time-lock checkpoint has no tag", hint)
        try:
            number = int(value, 16)
        except ValueError:
            raise BadInput("the time-lock checkpoint value is not hex", hint) from None
        return cls(done=done, value=number, tag=tag)

    def to_json(self) -> str:
        """The checkpoint file's text."""
        return json.dumps(self.to_dict(), indent=2) + "\n"

    @classmethod
    def from_json(cls, text: str | bytes) -> PuzzleCheckpoint:
        """A checkpoint from its file's text, read with the project's strict JSON rules."""
        data = strict_json.loads(
            text,
            "the time-lock checkpoint",
            "the checkpoint file is damaged: delete it to start the squarings over",
        )
        return cls.from_dict(data)


class PuzzleSolver:
    """SECRET HANDLING. Computes y = x^(2^T) mod N by T sequential squarings (gmpy2, in chunks),
    for a quorum that has M0 and no consent card.

    It calls `on_checkpoint(checkpoint)` about every `checkpoint_seconds` by `clock` (and after
    `checkpoint_every` squarings, when given), at the end, and when interrupted (Ctrl-C, SIGTERM,
    SIGHUP: KeyboardInterrupt), before the interruption goes on: the caller writes it atomically
    with mode 0600 (see `PuzzleCheckpoint`: it is secret). After every chunk it calls
    `progress.advanced(done, T)`. The squarings done and their value change in one assignment, so
    an interruption can never save one without the other.
    """

    def __init__(
        self,
        lock: SealedLock,
        m0: bytes,
        *,
        on_checkpoint: Callable[[PuzzleCheckpoint], None] | None = None,
        progress: Progress | None = None,
        chunk: int = DEFAULT_CHUNK,
        checkpoint_every: int | None = None,
        checkpoint_seconds: float = DEFAULT_CHECKPOINT_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if chunk < 1 or (checkpoint_every is not None and checkpoint_every < 1):
            raise BadInput("chunk and checkpoint sizes must be positive", "pass positive counts")
        if not checkpoint_seconds > 0:
            raise BadInput("the checkpoint interval must be positive", "pass a positive time")
        self.lock = lock
        self._x = derive_x(lock.modulus, m0)
        self._key = hashlib.sha256(_CHECKPOINT_DOMAIN + lock.modulus_bytes + m0).digest()
        self._on_checkpoint = on_checkpoint
        self._progress = progress
        self._chunk = chunk
        self._checkpoint_every = checkpoint_every
        self._checkpoint_seconds = checkpoint_seconds
        self._clock = clock
        self._state: tuple[int, Mpz] = (0, 0)
        self._saved = 0

    def _tag(self, done: int, value: int) -> str:
        message = (
            _CHECKPOINT_DOMAIN
            + self.lock.modulus_bytes
            + self.lock.squarings.to_bytes(16, "big")
            + done.to_bytes(16, "big")
            + value.to_bytes(MODULUS_BYTES, "big")
        )
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def _checkpoint(self, done: int, value: int) -> PuzzleCheckpoint:
        return PuzzleCheckpoint(done=done, value=value, tag=self._tag(done, value))

    def check(self, checkpoint: PuzzleCheckpoint) -> None:
        """Raise NotVerified unless the checkpoint was made by this solver's lock and M0, unchanged."""
        fits = (
            0 <= checkpoint.done <= self.lock.squarings
            and 0 <= checkpoint.value < self.lock.modulus
        )
        if not fits or not hmac.compare_digest(
            checkpoint.tag.encode(), self._tag(checkpoint.done, checkpoint.value).encode()
        ):
            raise NotVerified(
                "the time-lock checkpoint is damaged or belongs to another lock or quorum",
                "delete the checkpoint to start the squarings over from the beginning",
            )

    def solve(self, resume_from: PuzzleCheckpoint | None = None) -> Passphrase:
        """Finish the squarings (from `resume_from`, checked first) and return P."""
        gmpy2 = _gmpy2()
        total = self.lock.squarings
        if resume_from is None:
            self._state = (0, gmpy2.mpz(self._x))
        else:
            self.check(resume_from)
            self._state = (resume_from.done, gmpy2.mpz(resume_from.value))
        self._saved = self._state[0]
        try:
            self._grind()
        except KeyboardInterrupt:
            done, value = self._state
            if done > self._saved:
                with deferred_interrupts():  # a second Ctrl-C cannot lose this checkpoint
                    self._save(done, int(value))
            raise
        y = int(self._state[1])
        if self._saved < total:
            self._save(total, y)
        return derive_passphrase(y, self.lock.modulus)

    def _grind(self) -> None:
        """Square until T. `_state` (done, value) changes in one assignment per chunk, so an
        interruption always finds the two in step."""
        gmpy2 = _gmpy2()
        modulus = gmpy2.mpz(self.lock.modulus)
        total = self.lock.squarings
        full_chunk = gmpy2.mpz(1) << self._chunk
        self._report(self._state[0], total)
        last = self._clock()
        while self._state[0] < total:
            done, value = self._state
            step = min(self._chunk, total - done)
            exponent = full_chunk if step == self._chunk else gmpy2.mpz(1) << step
            self._state = (done + step, gmpy2.powmod(value, exponent, modulus))
            if done + step < total and self._due(done + step - self._saved, last):
                self._save(done + step, int(self._state[1]))
                self._saved, last = done + step, self._clock()
            self._report(done + step, total)

    def _due(self, since: int, last: float) -> bool:
        by_count = self._checkpoint_every is not None and since >= self._checkpoint_every
        return by_count or self._clock() - last >= self._checkpoint_seconds

    def _save(self, done: int, value: int) -> None:
        if self._on_checkpoint is not None:
            self._on_checkpoint(self._checkpoint(done, value))

    def _report(self, done: int, total: int) -> None:
        if self._progress is not None:
            self._progress.advanced(done, total)
