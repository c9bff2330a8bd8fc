"""SECRET HANDLING. Where a new master secret comes from: the OS CSPRNG, dice, or both.

The mixing formula is published (docs/entropy.md) so that anyone can recompute it by hand:

    csprng  = strength / 8 bytes from the OS CSPRNG (`secrets.token_bytes`)
    ikm     = SHA-256(dice string) || csprng          (32 + strength / 8 bytes)
    secret  = HKDF-SHA256(ikm, salt = none, info = b"ceremony/v1/master-secret",
                          length = strength / 8 bytes)

"salt = none" is RFC 5869's default, 32 zero bytes. The dice string is `DiceRolls.dice_string`.
Dice-only mode drops the CSPRNG part (ikm = SHA-256(dice string)), so the same rolls give the same
secret on any machine: two machines can be checked against each other. Without dice the secret is
the CSPRNG bytes as drawn.

Mixing means the secret is at least as unpredictable as the stronger of the two parts: a backdoored
CSPRNG does not help an attacker who did not see the dice, and watched dice do not help one who
cannot read the CSPRNG.
"""

from __future__ import annotations

import hashlib
import secrets
from dataclasses import dataclass
from enum import StrEnum

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from ceremony.core.dice import DiceRolls, HealthVerdict, check_health
from ceremony.errors import BadInput
from ceremony.model.scheme import SecretKind, check_strength
from ceremony.model.secret import Secret
from ceremony.model.sources import Rng

MIX_INFO = b"ceremony/v1/master-secret"

DICE_ONLY_WARNING = (
    "dice-only mode: the secret comes from the dice alone, with no help from this computer's "
    "random generator. It is only as good as the dice and the people who rolled them: anyone who "
    "saw, filmed or can guess the rolls can rebuild the secret. Use it to cross-check two "
    "machines, and keep the rolls as secret as the shares."
)

"""A source of random bytes: given n, exactly n bytes. `secrets.token_bytes` unless testing."""


class EntropySource(StrEnum):
    CSPRNG = "csprng"
    CSPRNG_AND_DICE = "csprng+dice"
    DICE_ONLY = "dice-only"


MIXING = {
    EntropySource.CSPRNG: "none: the secret is the CSPRNG bytes",
    EntropySource.CSPRNG_AND_DICE: (
        "HKDF-SHA256(ikm = SHA256(dice string) || csprng, info = ceremony/v1/master-secret)"
    ),
    EntropySource.DICE_ONLY: "HKDF-SHA256(ikm = SHA256(dice string), info = ceremony/v1/master-secret)",
}
"""How the secret was made from its sources, as the transcript records it."""


@dataclass(frozen=True)
class EntropyReport:
    """Where a secret came from, for the screen and the transcript: counts and verdicts, no rolls."""

    source: EntropySource
    strength_bits: int
    csprng_bytes: int
    dice_rolls: int = 0
    dice_sides: int | None = None
    dice_bits: float = 0.0
    health: tuple[HealthVerdict, ...] = ()

    @property
    def warning(self) -> str | None:
        """The warning to show before the secret is used, if the source calls for one."""
        return DICE_ONLY_WARNING if self.source is EntropySource.DICE_ONLY else None

    def to_record(self) -> dict[str, object]:
        """A JSON-ready record for the transcript."""
        record: dict[str, object] = {
            "source": self.source.value,
            "strength_bits": self.strength_bits,
            "csprng_bytes": self.csprng_bytes,
            "mixing": MIXING[self.source],
        }
        if self.dice_sides is not None:
            record["dice"] = {
                "rolls": self.dice_rolls,
                "sides": self.dice_sides,
                "bits": f"{self.dice_bits:.2f}",
                "health": {v.test: v.verdict.value for v in self.health},
            }
        return record

    def summary(self) -> str:
        """One line for the screen."""
        if self.dice_sides is None:
            return f"entropy: {self.strength_bits} bits from the OS random generator"
        dice = f"{self.dice_rolls} rolls of a d{self.dice_sides} ({self.dice_bits:.1f} bits)"
        health = ", ".join(f"{v.test} {v.verdict.value}" for v in self.health)
        if self.source is EntropySource.DICE_ONLY:
            return f"entropy: dice only, {dice}; health: {health}"
        return f"entropy: OS random generator mixed with {dice}; health: {health}"


def dice_digest(rolls: DiceRolls) -> bytes:
    """SHA-256 of the dice string: what `sha256sum` prints for a file holding exactly that string."""
    return hashlib.sha256(rolls.dice_string()).digest()


def mix(digest: bytes, csprng: bytes, length: int) -> bytes:
    """HAZARD: the bare formula, no checks of its inputs. HKDF-SHA256 over digest || csprng."""
    kdf = HKDF(algorithm=hashes.SHA256(), length=length, salt=None, info=MIX_INFO)
    return kdf.derive(digest + csprng)


def draw(rng: Rng, count: int) -> bytes:
    """`count` bytes from `rng`, checked to be exactly that many (a short read would weaken keys)."""
    data = rng(count)
    if not isinstance(data, bytes) or len(data) != count:
        raise ValueError(f"the random source did not return exactly {count} bytes")
    return data


def make_master_secret(
    strength_bits: int,
    *,
    dice: DiceRolls | None = None,
    dice_only: bool = False,
    rng: Rng = secrets.token_bytes,
    kind: SecretKind = SecretKind.SLIP39,
) -> tuple[Secret, EntropyReport]:
    """A new master secret and the report of where it came from.

    Dice, when given, must pass `check_health` for this strength (enough rolls, every health test),
    or BadInput says why and to roll again. In dice-only mode `rng` is never called.
    """
    check_strength(strength_bits, kind)
    length = strength_bits // 8
    if dice is None:
        if dice_only:
            raise BadInput(
                "dice-only mode needs dice rolls",
                "give the rolls with --dice-file F, or leave out --dice-only",
            )
        secret = Secret(draw(rng, length), kind)
        return secret, EntropyReport(EntropySource.CSPRNG, strength_bits, csprng_bytes=length)
    health = check_health(dice, strength_bits)
    csprng = b"" if dice_only else draw(rng, length)
    secret = Secret(mix(dice_digest(dice), csprng, length), kind)
    report = EntropyReport(
        source=EntropySource.DICE_ONLY if dice_only else EntropySource.CSPRNG_AND_DICE,
        strength_bits=strength_bits,
        csprng_bytes=len(csprng),
        dice_rolls=dice.count,
        dice_sides=dice.sides,
        dice_bits=dice.bits,
        health=health.verdicts,
    )
    return secret, report
