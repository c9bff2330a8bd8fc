"""Benchmark: the cost of checkpoints and progress in both time locks, and verifying a 72-hour chain.

Measures, in one run on this machine (ratios only between numbers from this run):

1. Sealed lock: `PuzzleSolver` (chunked gmpy2, checkpoints written atomically with mode 0600,
   a progress observer) against one plain `gmpy2.powmod(x, 2**T, N)` over the same T.
   Target: the solver keeps at least 90% of the plain rate.
2. Evidenced delay: `ChainProver` (segments, each written atomically, progress) against one plain
   `chiavdf.prove` over the same total. Target: at least 90%. The segments here are much shorter
   than real ones (which are at least a minute of work), so this is the pessimistic case.
3. Verifying a chain that stands for 72 hours of work here, target under 5 s. Proving 72 hours is
   not possible in a benchmark, so: measure this machine's VDF rate, compute the iterations in 72 h
   and the segment count `plan_segment_iterations` gives them, then build a real chain with that
   many segments of a few hundred iterations each and time `verify_chain` on it. A Wesolowski
   check costs the same whatever the iteration count (two exponentiations by ~264-bit numbers), which
   the run also shows by timing the check of one large real segment; the extrapolation "segment
   count x that time" is reported beside the measured total.

Each pair is run alternately, best of `ROUNDS`, because the machine is shared.

Run: .venv/bin/python bench/timelock.py [--quick]   (results in bench/results/timelock.json)
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import os
import platform
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

import chiavdf
import gmpy2

from ceremony.core import calibration, sealed, vdf
from ceremony.files import write_atomic

RESULTS = Path(__file__).parent / "results"
ROUNDS = 2
NOTICE = hashlib.sha256(b"bench/timelock notice").digest()
HOURS_72 = 72 * 3600


def best(runs: list[float]) -> float:
    return min(runs)


class Counter:
    def __init__(self) -> None:
        self.calls = 0

    def advanced(self, done: int, total: int) -> None:
        self.calls += 1


def seeded(seed: bytes) -> Callable[[int], bytes]:
    counter = 0

    def rng(n: int) -> bytes:
        nonlocal counter
        counter += 1
        return hashlib.shake_256(seed + counter.to_bytes(8, "big")).digest(n)

    return rng


def timed(work: Callable[[], object]) -> float:
    start = time.perf_counter()
    work()
    return time.perf_counter() - start


def bench_sealed(squarings: int, scratch: Path) -> dict[str, object]:
    m0 = bytes(16)
    lock, passphrase = sealed.seal(m0, squarings, rng=seeded(b"bench"))
    x = gmpy2.mpz(sealed.derive_x(lock.modulus, m0))
    modulus = gmpy2.mpz(lock.modulus)
    exponent = gmpy2.mpz(1) << squarings
    checkpoint_every = max(1, squarings // 8)
    path = scratch / "sealed-checkpoint.json"
    checkpoints = Counter()

    def save(checkpoint: sealed.PuzzleCheckpoint) -> None:
        checkpoints.calls += 1
        write_atomic(path, checkpoint.to_json().encode(), secret=True, overwrite=True)

    plain_runs: list[float] = []
    solver_runs: list[float] = []
    progress = Counter()
    for _ in range(ROUNDS):
        plain_runs.append(timed(lambda: gmpy2.powmod(x, exponent, modulus)))
        solver = sealed.PuzzleSolver(
            lock, m0, on_checkpoint=save, progress=progress, checkpoint_every=checkpoint_every
        )
        result: list[sealed.Passphrase] = []
        solver_runs.append(timed(lambda: result.append(solver.solve())))  # noqa: B023
        assert result[0] == passphrase
    plain, solver_time = best(plain_runs), best(solver_runs)
    return {
        "squarings": squarings,
        "chunk": sealed.DEFAULT_CHUNK,
        "checkpoint_every": checkpoint_every,
        "checkpoints_written_per_run": checkpoints.calls // ROUNDS,
        "progress_calls_per_run": progress.calls // ROUNDS,
        "plain_powmod_seconds": plain,
        "solver_seconds": solver_time,
        "plain_squarings_per_second": squarings / plain,
        "solver_squarings_per_second": squarings / solver_time,
        "solver_over_plain": plain / solver_time,
        "target_ratio": 0.9,
    }


def bench_chain(total: int, segment: int, scratch: Path) -> dict[str, object]:
    progress = Counter()

    def save(item: vdf.Segment) -> None:
        write_atomic(
            scratch / f"segment-{item.index:05d}.json",
            item.to_json().encode(),
            secret=False,
            overwrite=True,
        )

    seed = hashlib.sha256(b"ceremony/v1/vdf/discriminant\x00" + NOTICE).digest()
    plain_runs: list[float] = []
    chain_runs: list[float] = []
    plain_result: list[bytes] = []
    for _ in range(ROUNDS):
        plain_runs.append(
            timed(lambda: plain_result.append(chiavdf.prove(seed, vdf.GENERATOR, 1024, total, "")))
        )
        prover = vdf.ChainProver(
            NOTICE, total, segment_iterations=segment, on_segment=save, progress=progress
        )
        chain_runs.append(timed(prover.run))
    plain, chain_time = best(plain_runs), best(chain_runs)
    big = vdf.Segment(
        1,
        NOTICE.hex(),
        total,
        vdf.GENERATOR.hex(),
        plain_result[0][:100].hex(),
        plain_result[0][100:].hex(),
    )
    return {
        "total_iterations": total,
        "segment_iterations": segment,
        "segments": math.ceil(total / segment),
        "plain_prove_seconds": plain,
        "chain_seconds": chain_time,
        "plain_iterations_per_second": total / plain,
        "chain_iterations_per_second": total / chain_time,
        "chain_over_plain": plain / chain_time,
        "target_ratio": 0.9,
        "_big_segment": big,
    }


def bench_verify_72h(rate: float, small: int, big: vdf.Segment) -> dict[str, object]:
    work = calibration.work_for(HOURS_72, rate)
    size = vdf.plan_segment_iterations(work, rate=rate)
    count = math.ceil(work / size)
    saved: list[vdf.Segment] = []
    build_seconds = timed(
        lambda: vdf.ChainProver(
            NOTICE, count * small, segment_iterations=small, on_segment=saved.append
        ).run()
    )
    chain = vdf.Chain(tuple(saved))
    assert len(chain.segments) == count
    verify_runs = [timed(lambda: vdf.verify_chain(chain, NOTICE, count * small)) for _ in range(3)]
    small_each = [timed(lambda: vdf.verify_segment(chain.segments[-1])) for _ in range(20)]
    big_each = [timed(lambda: vdf.verify_segment(big)) for _ in range(20)]
    seeds = [hashlib.sha256(i.to_bytes(4, "big")).digest() for i in range(50)]
    discriminant_each = timed(lambda: [chiavdf.create_discriminant(s, 1024) for s in seeds]) / 50
    measured = best(verify_runs)
    return {
        "rate_iterations_per_second": rate,
        "iterations_in_72h": work,
        "planned_segment_iterations": size,
        "planned_segment_minutes": size / rate / 60,
        "segments": count,
        "synthesised_iterations_per_segment": small,
        "build_seconds": build_seconds,
        "verify_chain_seconds": measured,
        "verify_one_small_segment_ms": best(small_each) * 1000,
        "verify_one_big_segment_ms": best(big_each) * 1000,
        "big_segment_iterations": big.iterations,
        "extrapolated_from_big_segment_seconds": best(big_each) * count,
        "create_discriminant_ms": discriminant_each * 1000,
        "one_group_per_segment_would_take_seconds": measured + discriminant_each * count,
        "target_seconds": 5.0,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="smaller workloads (noisier ratios)")
    args = parser.parse_args()
    squarings = 1 << (21 if args.quick else 23)
    total, segment = (1_000_000, 250_000) if args.quick else (4_000_000, 1_000_000)
    load_before = os.getloadavg()

    with tempfile.TemporaryDirectory(prefix="bench-timelock-") as tmp:
        scratch = Path(tmp)
        sealed_result = bench_sealed(squarings, scratch)
        chain_result = bench_chain(total, segment, scratch)
    big = chain_result.pop("_big_segment")
    assert isinstance(big, vdf.Segment)
    rate = calibration.measure_vdf_rate(iterations=1_000_000, repeats=1)
    verify_result = bench_verify_72h(rate, 300, big)
    squaring_rate = calibration.measure_squaring_rate()

    rows = [
        ("sealed: plain gmpy2.powmod, squarings/s", sealed_result["plain_squarings_per_second"]),
        ("sealed: PuzzleSolver, squarings/s", sealed_result["solver_squarings_per_second"]),
        ("sealed: solver / plain (target >= 0.90)", sealed_result["solver_over_plain"]),
        ("vdf: plain chiavdf.prove, iterations/s", chain_result["plain_iterations_per_second"]),
        ("vdf: ChainProver, iterations/s", chain_result["chain_iterations_per_second"]),
        ("vdf: chain / plain (target >= 0.90)", chain_result["chain_over_plain"]),
        ("72 h: iterations at this machine's rate", verify_result["iterations_in_72h"]),
        ("72 h: segments (plan_segment_iterations)", verify_result["segments"]),
        ("72 h: minutes of work per segment", verify_result["planned_segment_minutes"]),
        ("72 h: verify_chain, measured, s (target < 5)", verify_result["verify_chain_seconds"]),
        ("72 h: segments x one big segment's check, s", verify_result["extrapolated_from_big_segment_seconds"]),
        ("one small segment's check, ms", verify_result["verify_one_small_segment_ms"]),
        (f"one {big.iterations:,}-iteration segment's check, ms", verify_result["verify_one_big_segment_ms"]),
        ("72 h with a fresh group per segment would take, s", verify_result["one_group_per_segment_would_take_seconds"]),
    ]  # fmt: skip
    print(f"{'measurement':<58} {'value':>16}")
    for name, value in rows:
        assert isinstance(value, int | float)
        shown = f"{value:,}" if isinstance(value, int) else f"{value:,.3f}"
        print(f"{name:<58} {shown:>16}")
    print(
        f"\n72-hour chain: {verify_result['segments']} real segments of "
        f"{verify_result['synthesised_iterations_per_segment']} iterations each were proved and "
        "verified; a real 72-hour chain has the same number of segments, each with a proof that "
        "costs the same to check (see the big-segment row)."
    )
    print(f"load average before/after: {load_before} / {os.getloadavg()}")

    RESULTS.mkdir(exist_ok=True)
    results = {
        "python": platform.python_version(),
        "cpus": os.cpu_count(),
        "load_average_before": load_before,
        "load_average_after": os.getloadavg(),
        "rounds": ROUNDS,
        "quick": args.quick,
        "sealed": sealed_result,
        "vdf_chain": chain_result,
        "verify_72h": verify_result,
        "calibration": {
            "vdf_iterations_per_second": rate,
            "squarings_per_second": squaring_rate,
            "bounds_72h_evidenced": calibration.bounds_for(
                calibration.work_for(HOURS_72, rate), rate
            ).to_dict(),
            "bounds_72h_sealed": calibration.bounds_for(
                calibration.work_for(HOURS_72, squaring_rate), squaring_rate
            ).to_dict(),
        },
    }
    (RESULTS / "timelock.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
