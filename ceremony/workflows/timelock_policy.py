"""Turn a recovery delay into recorded time-lock parameters, calibrated on this machine, with both
bounds: the expected time here, and the guaranteed minimum against hardware k times faster."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace

from ceremony.core.calibration import (
    DelayBounds,
    duration_text,
    measure_python_squaring_rate,
    measure_squaring_rate,
    measure_vdf_rate,
    work_for,
)
from ceremony.core.sealed import SEALED_VERSION, SealedLock
from ceremony.model.record import TimeLockInfo

EVIDENCED = "evidenced"
SEALED = "sealed"
EVIDENCED_VERSION = "ceremony/v1/vdf-chain"

Measure = Callable[[], float]


def default_rate(mode: str) -> float:
    if mode == EVIDENCED:
        return measure_vdf_rate(repeats=1)
    return measure_squaring_rate(repeats=1)


def calibrate(
    mode: str,
    delay_seconds: int,
    speedup: float,
    *,
    measure: Measure | None = None,
    measure_standalone: Measure = measure_python_squaring_rate,
) -> TimeLockInfo:
    """The work T for `delay_seconds` at this machine's measured rate, and both bounds; for a
    sealed lock also how long the standalone recover.py (pure Python) needs for T here."""
    rate = measure() if measure is not None else default_rate(mode)
    work = work_for(delay_seconds, rate)
    bounds = DelayBounds(work=work, rate=rate, speedup=float(speedup))
    unit = "VDF iterations" if mode == EVIDENCED else "sequential squarings"
    what = (
        "after a recovery notice, recovery waits for"
        if mode == EVIDENCED
        else "after a quorum has gathered, recovery needs"
    )
    standalone = 0.0
    note = ""
    if mode == SEALED:
        standalone = round(work / measure_standalone(), 3)
        note = (
            f" The kit's recover.py with the standard library alone (no gmpy2) needs about "
            f"{duration_text(standalone)} on this machine."
        )
    return TimeLockInfo(
        mode=mode,
        iterations=work,
        rate_per_second=round(rate, 3),
        attacker_speedup=float(speedup),
        expected_seconds=round(bounds.expected_seconds, 3),
        minimum_seconds=round(bounds.minimum_seconds, 3),
        description=f"{what} {work:,} {unit}: {bounds.text}.{note}",
        standalone_seconds=standalone,
        version=EVIDENCED_VERSION if mode == EVIDENCED else SEALED_VERSION,
    )


def with_lock(info: TimeLockInfo, lock: SealedLock, consent_card: bool) -> TimeLockInfo:
    return replace(
        info, modulus_hex=f"{lock.modulus:x}", version=lock.version, consent_card=consent_card
    )
