"""Turn a plan's recovery policy into recorded time-lock parameters, calibrated on this machine."""

from __future__ import annotations

from collections.abc import Callable

from ceremony.core.calibration import DelayBounds, measure_vdf_rate, work_for
from ceremony.model.plan import RecoveryMode, RecoveryPolicy
from ceremony.model.record import TimeLockInfo

EVIDENCED_VERSION = "ceremony/v1/vdf-chain"


def evidenced_lock(
    policy: RecoveryPolicy, *, measure: Callable[[], float] | None = None
) -> TimeLockInfo:
    rate = (measure or (lambda: measure_vdf_rate(repeats=1)))()
    work = work_for(policy.delay_seconds, rate)
    bounds = DelayBounds(work=work, rate=rate, speedup=float(policy.attacker_speedup))
    return TimeLockInfo(
        mode=RecoveryMode.EVIDENCED.value,
        iterations=work,
        rate_per_second=round(rate, 3),
        attacker_speedup=float(policy.attacker_speedup),
        expected_seconds=round(bounds.expected_seconds, 3),
        minimum_seconds=round(bounds.minimum_seconds, 3),
        description=f"recovery waits for {work} VDF iterations: {bounds.text}",
        version=EVIDENCED_VERSION,
        consent_card=False,
    )


def calibrate_policy(
    policy: RecoveryPolicy, *, measure: Callable[[], float] | None = None
) -> TimeLockInfo:
    if policy.mode is RecoveryMode.EVIDENCED:
        return evidenced_lock(policy, measure=measure)
    raise NotImplementedError(policy.mode)
