"""Benchmark: extending a group to 16 members from its threshold of shares, and proving the whole
16 x 16 scheme afterwards (old and new shares), each as a ratio against the plain proof of the
original scheme, measured in the same run. Prints a table, writes JSON.

Run: .venv/bin/python bench/lifecycle.py   (results in bench/results/lifecycle.json)
"""

from __future__ import annotations

import json
import secrets
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from ceremony.core.lifecycle import extend_group
from ceremony.core.verify import verify_shares
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.workflows.split import split_secret

RESULTS = Path(__file__).parent / "results"
REPEAT = 7


def median_seconds(action: Callable[[], object], repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def whole_proof(shares: list[Share]) -> Callable[[], object]:
    def run() -> object:
        proof = verify_shares(shares)
        assert proof.ems is not None
        return proof.ems.decrypt(b"")

    return run


def extension(shares: list[Share], before: int, new_members: list[int]) -> Callable[[], object]:
    def run() -> object:
        return extend_group(shares, range(before), new_members)

    return run


def main() -> None:
    rows: list[tuple[str, float, str]] = []
    results: dict[str, float] = {}
    # Original: 16 groups of 16, but group 1 with 15 or 8 members; extend it to 16.
    for before in (15, 8):
        counts = [before] + [16] * 15
        scheme = Scheme(8, tuple(GroupSpec(f"g{i}", 8, n) for i, n in enumerate(counts)), 256)
        split = split_secret(scheme, Secret(secrets.token_bytes(32)), b"")
        old = split.all_shares()
        group = list(split.groups[0])
        new_members = list(range(before, 16))
        t_plain = median_seconds(whole_proof(old))
        t_extend = median_seconds(extension(group[:8], before, new_members))
        new = extend_group(group[:8], range(before), new_members).shares
        t_whole = median_seconds(whole_proof([*old, *new]))
        label = f"group 1: {before} -> 16 members"
        rows += [
            (f"plain proof of the original scheme ({len(old)} shares)", t_plain, "baseline"),
            (
                f"extend {label}, from its 8 shares, with proof",
                t_extend,
                f"{t_extend / t_plain:.3f}x",
            ),
            (
                f"proof of the whole 16 x 16 scheme after ({len(old) + len(new)})",
                t_whole,
                f"{t_whole / t_plain:.3f}x",
            ),
        ]
        results[f"plain_proof_{before}_s"] = t_plain
        results[f"extend_{before}_to_16_s"] = t_extend
        results[f"whole_16x16_after_{before}_s"] = t_whole
        results[f"extend_{before}_to_16_over_plain"] = t_extend / t_plain
        results[f"whole_16x16_after_{before}_over_plain"] = t_whole / t_plain
    print(f"{'measurement':<66} {'seconds':>10}  ratio to baseline")
    for name, seconds, note in rows:
        print(f"{name:<66} {seconds:>10.4f}  {note}")
    RESULTS.mkdir(exist_ok=True)
    (RESULTS / "lifecycle.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
