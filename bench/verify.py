"""Benchmark: the algebraic share-set proof, against naive enumeration and at the largest scheme,
and the command line's start-up time against importing typer and rich. Prints a table, writes JSON.

Run: .venv/bin/python bench/verify.py   (results in bench/results/verify.json)
"""

from __future__ import annotations

import itertools
import json
import secrets
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import shamir_mnemonic

from ceremony.core import slip39
from ceremony.core.verify import verify_shares

RESULTS = Path(__file__).parent / "results"


def median_seconds(action: Callable[[], object], repeat: int) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def shares_for(group_threshold: int, groups: list[tuple[int, int]]) -> list[list[str]]:
    return shamir_mnemonic.generate_mnemonics(
        group_threshold, groups, secrets.token_bytes(32), b"", True, 0
    )


def proof_of(mnemonics: list[str]) -> Callable[[], object]:
    def run() -> object:
        proof = verify_shares([slip39.parse_share(m) for m in mnemonics])
        assert proof.ems is not None
        return proof.ems.decrypt(b"")

    return run


def naive(groups: list[list[str]], group_threshold: int) -> Callable[[], object]:
    def run() -> object:
        results = set()
        for chosen in itertools.combinations(range(len(groups)), group_threshold):
            parts = [
                itertools.combinations(
                    groups[g],
                    shamir_mnemonic.share.Share.from_mnemonic(groups[g][0]).member_threshold,
                )
                for g in chosen
            ]
            for combo in itertools.product(*parts):
                results.add(shamir_mnemonic.combine_mnemonics([m for part in combo for m in part]))
        assert len(results) == 1
        return results

    return run


def startup(command: list[str], repeat: int) -> float:
    return median_seconds(lambda: subprocess.run(command, capture_output=True, check=True), repeat)


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    largest = shares_for(8, [(8, 16)] * 16)
    flat = [m for g in largest for m in g]
    t_largest = median_seconds(proof_of(flat), 5)
    rows.append(("proof, 16 groups x 16 shares (256 shares)", t_largest, "target < 1 s"))

    mid = shares_for(2, [(3, 5)] * 3)
    t_proof = median_seconds(proof_of([m for g in mid for m in g]), 20)
    t_naive = median_seconds(naive(mid, 2), 3)
    rows.append(("proof, 2 of 3 groups, each 3 of 5 (15 shares)", t_proof, ""))
    rows.append(("naive: reference combine on all 300 minimal subsets", t_naive, ""))
    ratio = t_naive / t_proof

    python = sys.executable
    ceremony = str(Path(python).with_name("ceremony"))
    t_base = startup([python, "-c", "import typer, rich"], 15)
    t_help = startup([ceremony, "--help"], 15)
    rows.append(("python -c 'import typer, rich'", t_base, "baseline"))
    rows.append(("ceremony --help", t_help, "target <= 1.5x baseline"))

    print(f"{'measurement':<58} {'seconds':>10}  note")
    for name, seconds, note in rows:
        print(f"{name:<58} {seconds:>10.4f}  {note}")
    print(f"naive / proof speed-up: {ratio:.0f}x (target >= 50x)")
    print(f"start-up ratio: {t_help / t_base:.2f}x (target <= 1.5x)")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "verify.json").write_text(
        json.dumps(
            {
                "largest_scheme_proof_s": t_largest,
                "mid_scheme_proof_s": t_proof,
                "mid_scheme_naive_s": t_naive,
                "naive_over_proof": ratio,
                "startup_baseline_s": t_base,
                "startup_help_s": t_help,
                "startup_ratio": t_help / t_base,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
