"""Turn a recovery delay into recorded time-lock parameters, calibrated on this machine, with both
bounds: the expected time here, and the guaranteed minimum against hardware k times faster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import assert_never

from ceremony.core.calibration import (
    MAX_SPREAD,
    DelayBounds,
    RateSamples,
    duration_text,
    measure_python_squaring_rate,
    measure_squaring_rate,
    measure_vdf_rate,
    sample_rates,
    work_for,
)
from ceremony.core.sealed import SEALED_VERSION, SealedLock
from ceremony.model.record import TimeLockInfo
from ceremony.model.timelock_mode import TimeLockMode

EVIDENCED = TimeLockMode.EVIDENCED
SEALED = TimeLockMode.SEALED
EVIDENCED_VERSION = "ceremony/v1/vdf-chain"

Measure = Callable[[], float]
VDF_SAMPLE_ITERATIONS = 200_000
"""Per calibration sample (about a second here, proof included, as in a real wait)."""
SQUARING_SAMPLE = 1 << 19
"""Per calibration sample (about half a second here)."""


def one_sample(mode: TimeLockMode) -> Measure:
    """One measurement of this machine's rate for `mode`."""
    match mode:
        case TimeLockMode.EVIDENCED:
            return lambda: measure_vdf_rate(iterations=VDF_SAMPLE_ITERATIONS, repeats=1)
        case TimeLockMode.SEALED:
            return lambda: measure_squaring_rate(squarings=SQUARING_SAMPLE, repeats=1)
        case unreachable:
            assert_never(unreachable)


def default_rate(mode: TimeLockMode) -> float:
    """One measurement of this machine's rate for `mode` (tests replace it)."""
    return one_sample(mode)()


def measure_rates(mode: TimeLockMode, *, measure: Measure | None = None) -> RateSamples:
    """Several samples over a few seconds (`calibration.sample_rates`)."""
    return sample_rates(measure or (lambda: default_rate(mode)))


def busy_warning(samples: RateSamples) -> str:
    """What to tell the people when the speed samples differ too much (a busy machine)."""
    return (
        f"The speed samples differ by {100 * samples.spread:.0f}% (more than "
        f"{100 * MAX_SPREAD:.0f}%): something else is using this machine. The time lock is set "
        "from the fastest sample, so the delay on this machine is at least what the plan says; "
        "stop the other work and measure again if the fastest sample may be slow too."
    )


def calibrate(
    mode: TimeLockMode,
    delay_seconds: int,
    speedup: float,
    *,
    measure: Measure | None = None,
    samples: RateSamples | None = None,
    measure_standalone: Measure = measure_python_squaring_rate,
) -> TimeLockInfo:
    """The work T for `delay_seconds` at this machine's FASTEST measured rate, and both bounds.

    `samples` are the measurements (taken now by `measure_rates` when not given); `measure`
    replaces one measurement (tests)."""
    found = samples or measure_rates(mode, measure=measure)
    rate = found.fastest
    work = work_for(delay_seconds, rate)
    bounds = DelayBounds(work=work, rate=rate, speedup=float(speedup))
    standalone = 0.0
    note = ""
    match mode:
        case TimeLockMode.EVIDENCED:
            version = EVIDENCED_VERSION
            what = "after a recovery notice, recovery waits for"
        case TimeLockMode.SEALED:
            version = SEALED_VERSION
            what = "after a quorum has gathered, recovery needs"
            standalone = round(work / measure_standalone(), 3)
            note = (
                f" The kit's recover.py with the standard library alone (no gmpy2) needs about "
                f"{duration_text(standalone)} on this machine."
            )
        case unreachable:
            assert_never(unreachable)
    return TimeLockInfo(
        mode=mode,
        iterations=work,
        rate_per_second=round(rate, 3),
        attacker_speedup=float(speedup),
        expected_seconds=round(bounds.expected_seconds, 3),
        minimum_seconds=round(bounds.minimum_seconds, 3),
        description=(
            f"{what} {work:,} {mode.work_unit}: {bounds.text} (rate {rate:,.0f}/s, {found.text}).{note}"
        ),
        standalone_seconds=standalone,
        version=version,
    )


def with_lock(info: TimeLockInfo, lock: SealedLock, consent_card: bool) -> TimeLockInfo:
    """Add the sealed lock's public modulus and version to the record's time-lock facts."""
    return replace(
        info, modulus_hex=f"{lock.modulus:x}", version=lock.version, consent_card=consent_card
    )
