"""Calibration: how long a required amount of sequential work takes, always as two bounds.

An offline machine cannot know the calendar, and an attacker may own faster hardware (published FPGA
and ASIC results are 6-20x a CPU). So a delay is stated twice: the expected time on this machine,
and the guaranteed minimum against hardware k times faster. The second is the only promise.

Rates are measured on this machine for each mode: VDF iterations per second (the evidenced delay,
through the same prover the chain uses) and modular squarings per second mod a 2048-bit number (the
sealed lock). Nothing here is secret.
"""

from __future__ import annotations

import hashlib
import math
import re
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass

from ceremony.core import vdf
from ceremony.errors import BadInput
from ceremony.model.sources import Rng

DEFAULT_SPEEDUP = 10.0
"""The attacker's advantage k when the plan does not say; docs/timelock.md ("The attacker speed-up
k") gives the published figures it rests on, and the README's "Security limitations" its limit."""

SAMPLE_SECONDS = 3.0
"""Calibration keeps sampling the rate for about this long (at least `MIN_SAMPLES` samples)."""
MIN_SAMPLES = 3
MAX_SAMPLES = 12
MAX_SPREAD = 0.10
"""Samples that differ by more than this (slowest against fastest) mean a busy machine: warn, ask."""

_CALIBRATION_CHALLENGE = hashlib.sha256(b"ceremony/v1/calibration").digest()

_UNITS: dict[str, int] = {
    "s": 1,
    "sec": 1,
    "second": 1,
    "seconds": 1,
    "m": 60,
    "min": 60,
    "minute": 60,
    "minutes": 60,
    "h": 3600,
    "hour": 3600,
    "hours": 3600,
    "d": 86400,
    "day": 86400,
    "days": 86400,
    "w": 604800,
    "week": 604800,
    "weeks": 604800,
}
_DURATION = re.compile(r"\s*(\d+(?:\.\d+)?)\s*([a-z]+)\s*")


def measure_vdf_rate(
    *, iterations: int = 400_000, repeats: int = 2, clock: Callable[[], float] = time.perf_counter
) -> float:
    """VDF iterations per second on this machine, proof included (the best of `repeats` runs).

    The best run, not the mean: a slow run only means the machine was busy, and underestimating
    the rate would overstate the delay.
    """
    best = 0.0
    for _ in range(repeats):
        started = clock()
        vdf.prove_segment(_CALIBRATION_CHALLENGE, iterations)
        best = max(best, iterations / max(clock() - started, 1e-9))
    return best


def measure_squaring_rate(
    *,
    squarings: int = 1 << 20,
    repeats: int = 2,
    rng: Rng = secrets.token_bytes,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Squarings per second modulo a 2048-bit number (the best of `repeats` runs).

    Any odd 2048-bit modulus squares at the same speed as an RSA one, so a random one is used.
    """
    import gmpy2  # on first use: only the sealed time lock needs it

    modulus = gmpy2.mpz(int.from_bytes(rng(256), "big") | (1 << 2047) | 1)
    value = gmpy2.mpz(int.from_bytes(rng(256), "big")) % modulus
    exponent = gmpy2.mpz(1) << squarings
    best = 0.0
    for _ in range(repeats):
        started = clock()
        value = gmpy2.powmod(value, exponent, modulus)
        best = max(best, squarings / max(clock() - started, 1e-9))
    return best


def measure_python_squaring_rate(
    *,
    squarings: int = 20_000,
    rng: Rng = secrets.token_bytes,
    clock: Callable[[], float] = time.perf_counter,
) -> float:
    """Squarings per second with Python's own integers, one `pow(y, 2, n)` after another: what the
    kit's standalone recover.py does without gmpy2, so the paper can say how long that takes."""
    modulus = int.from_bytes(rng(256), "big") | (1 << 2047) | 1
    value = int.from_bytes(rng(256), "big") % modulus
    started = clock()
    for _ in range(squarings):
        value = pow(value, 2, modulus)
    return squarings / max(clock() - started, 1e-9)


@dataclass(frozen=True)
class RateSamples:
    """Several measurements of one rate. The delay is computed from the FASTEST: a slow sample only
    means the machine was busy then, and using it would make T, and so the delay on an idle
    machine, shorter than planned."""

    rates: tuple[float, ...]

    def __post_init__(self) -> None:
        if not self.rates or not all(rate > 0 for rate in self.rates):
            raise BadInput("calibration measured no positive rate", "measure the rate again")

    @property
    def fastest(self) -> float:
        """The rate the delay is computed from: the fastest sample is the least disturbed by other work."""
        return max(self.rates)

    @property
    def spread(self) -> float:
        """(fastest - slowest) / fastest: 0 on a quiet machine, 0.5 if one sample ran at half speed."""
        return (self.fastest - min(self.rates)) / self.fastest

    def busy(self, limit: float = MAX_SPREAD) -> bool:
        """Whether the samples spread too far to trust: a busy machine would make the delay short."""
        return self.spread > limit

    @property
    def text(self) -> str:
        """E.g. "the fastest of 5 samples; they spread 3.2%"."""
        return f"the fastest of {len(self.rates)} samples; they spread {100 * self.spread:.1f}%"

    def to_transcript(self) -> dict[str, object]:
        """The samples as the transcript keeps them, so an auditor can see how steady the machine was."""
        return {
            "samples": [f"{rate:.3f}" for rate in self.rates],
            "spread": f"{self.spread:.4f}",
        }


_SAMPLES_TEXT = re.compile(r"the fastest of \d+ samples; they spread \d+(?:\.\d+)?%")


def samples_text_in(description: str) -> str:
    """The `RateSamples.text` that a recorded time lock's description carries, so that a notice
    can print it too ("" for a description without one)."""
    found = _SAMPLES_TEXT.search(description)
    return found.group(0) if found else ""


def sample_rates(
    measure: Callable[[], float],
    *,
    seconds: float = SAMPLE_SECONDS,
    min_samples: int = MIN_SAMPLES,
    max_samples: int = MAX_SAMPLES,
    clock: Callable[[], float] = time.monotonic,
) -> RateSamples:
    """Measure again and again for about `seconds` (at least `min_samples` times)."""
    rates: list[float] = []
    started = clock()
    while len(rates) < max_samples and (len(rates) < min_samples or clock() - started < seconds):
        rates.append(measure())
    return RateSamples(tuple(rates))


@dataclass(frozen=True)
class DelayBounds:
    """Both bounds of a delay of `work` sequential steps at `rate` steps/s, attacker `speedup`x."""

    work: int
    rate: float
    speedup: float = DEFAULT_SPEEDUP

    def __post_init__(self) -> None:
        if self.work < 1 or not self.rate > 0:
            raise BadInput("a delay needs positive work and rate", "measure the rate again")
        if not self.speedup >= 1:
            raise BadInput(
                "the attacker speed-up must be at least 1",
                "set the plan's speed-up to 1 or more (10 is usual)",
            )

    @property
    def expected_seconds(self) -> float:
        """Expected time on this machine."""
        return self.work / self.rate

    @property
    def minimum_seconds(self) -> float:
        """Guaranteed minimum against hardware `speedup` times faster than this machine."""
        return self.work / (self.rate * self.speedup)

    @property
    def text(self) -> str:
        """E.g. "about 3 days on this machine; at least 7 hours against hardware 10× faster"."""
        return (
            f"about {duration_text(self.expected_seconds)} on this machine; "
            f"at least {duration_text(self.minimum_seconds, round_down=True)} "
            f"against hardware {_number(self.speedup)}× faster"
        )

    def to_dict(self) -> dict[str, object]:
        """The bounds as the record stores them; `from_dict` reads them back."""
        return {
            "work": self.work,
            "rate_per_second": self.rate,
            "attacker_speedup": self.speedup,
            "expected_seconds": round(self.expected_seconds, 3),
            "minimum_seconds": round(self.minimum_seconds, 3),
            "text": self.text,
        }

    @classmethod
    def from_dict(cls, data: object) -> DelayBounds:
        """Bounds from a record anyone could have edited: every field is checked, nothing trusted."""
        hint = "check that the record's delay bounds were copied without changes"
        if not isinstance(data, dict):
            raise BadInput("the delay bounds are not a JSON object", hint)
        work = data.get("work")
        rate, speedup = _real(data.get("rate_per_second")), _real(data.get("attacker_speedup"))
        if not isinstance(work, int) or isinstance(work, bool):
            raise BadInput("the delay bounds have no whole-number work", hint)
        if rate is None or speedup is None:
            raise BadInput("the delay bounds have no rate or speed-up", hint)
        return cls(work=work, rate=rate, speedup=speedup)


def _real(value: object) -> float | None:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return None
    return float(value)


def bounds_for(work: int, rate: float, *, speedup: float = DEFAULT_SPEEDUP) -> DelayBounds:
    """Both bounds for a required amount of work at a measured rate."""
    return DelayBounds(work=work, rate=rate, speedup=speedup)


def work_for(seconds: float, rate: float) -> int:
    """The work T that takes `seconds` on this machine (rounded up, at least 1)."""
    if not seconds > 0 or not rate > 0:
        raise BadInput("a delay needs a positive duration and rate", "choose a longer delay")
    return max(1, math.ceil(seconds * rate))


def duration_from_text(text: str) -> int:
    """Seconds in a duration such as "72h", "3d", "90m", "45s", "2w", "1.5 days"."""
    match = _DURATION.fullmatch(text.lower()) if isinstance(text, str) else None
    unit = _UNITS.get(match.group(2)) if match else None
    if match is None or unit is None:
        raise BadInput(
            f"cannot read {text!r} as a duration",
            "write a number and a unit, for example 90m, 72h or 3d",
        )
    seconds = math.ceil(float(match.group(1)) * unit)
    if seconds < 1:
        raise BadInput(f"the duration {text!r} is zero", "choose a delay of at least one second")
    return seconds


def duration_text(seconds: float, *, round_down: bool = False) -> str:
    """A duration in words: "3 days", "36 hours", "90 minutes", "40 seconds".

    The unit is the largest one that gives at least 2 of it. Expected times round to nearest;
    guaranteed minimums pass `round_down=True`, because a bound must never be overstated.
    """
    for name, size in (("day", 86400), ("hour", 3600), ("minute", 60)):
        if seconds >= 2 * size:
            return _count(seconds / size, name, round_down)
    if round_down and seconds < 1:
        return "a fraction of a second"
    return _count(seconds, "second", round_down)


def _count(value: float, unit: str, round_down: bool) -> str:
    n = math.floor(value) if round_down else max(1, math.floor(value + 0.5))
    return f"{n} {unit}" + ("" if n == 1 else "s")


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else f"{value:g}"
