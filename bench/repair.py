"""Benchmark: share repair by solving the checksum equations, against trying every word.

Measures, on 33-word shares: restoring 3 unreadable words (target < 50 ms), locating and fixing one
wrong word (target < 100 ms), and restoring 2 unreadable words both by `repair` and by brute force
over all 1024**2 fillings (about a million checksum evaluations), with the ratio.
"Cold" clears repair's caches before every run; "warm" is a prompt's second share onwards.

Run: .venv/bin/python bench/repair.py   (results in bench/results/repair.json)
"""

from __future__ import annotations

import hashlib
import json
import platform
import statistics
import time
from collections.abc import Sequence
from pathlib import Path

from ceremony.core import repair as repair_module
from ceremony.core import rs1024
from ceremony.core.repair import repair

RESULTS = Path(__file__).parent / "results"
RUNS = 200


def share(seed: int, length: int = 33) -> list[int]:
    """A well-formed share from a deterministic stream (padding cleared, threshold <= count)."""
    stream = hashlib.shake_256(f"bench {seed}".encode()).digest(2 * length)
    data = [int.from_bytes(stream[2 * i : 2 * i + 2], "big") % 1024 for i in range(length - 3)]
    data[4] &= (1 << (10 - (10 * (length - 7)) % 16)) - 1
    data[2] &= ~(0xF << 2)  # group threshold 1, never above the group count
    return data + list(rs1024.create_checksum(data, rs1024.is_extendable(data)))


def positions(seed: int, count: int, length: int = 33) -> list[int]:
    stream = hashlib.shake_256(f"positions {seed}".encode()).digest(64)
    chosen: list[int] = []
    for byte in stream:
        position = byte % length
        if position not in chosen:
            chosen.append(position)
        if len(chosen) == count:
            break
    return sorted(chosen)


def erased(seed: int, count: int) -> tuple[list[int], list[int | None]]:
    original = share(seed)
    damaged: list[int | None] = list(original)
    for position in positions(seed, count):
        damaged[position] = None
    return original, damaged


def wrong(seed: int) -> tuple[list[int], list[int]]:
    original = share(seed)
    damaged = list(original)
    position = positions(seed, 1)[0]
    damaged[position] ^= 1 + seed % 1023
    return original, damaged


def clear_caches() -> None:
    repair_module._pivots.cache_clear()
    repair_module._columns.cache_clear()


def median_ms(cases: Sequence[tuple[list[int], Sequence[int | None]]], cold: bool) -> float:
    times = []
    for original, damaged in cases:
        if cold:
            clear_caches()
        start = time.perf_counter()
        result = repair(damaged)
        times.append(time.perf_counter() - start)
        assert tuple(original) in [c.words for c in result.candidates]
    return statistics.median(times) * 1000


def brute_force(damaged: list[int | None]) -> list[tuple[int, ...]]:
    """Every filling of two unreadable words that passes the checksum: 1024**2 evaluations."""
    first, second = [p for p, w in enumerate(damaged) if w is None]
    words = [0 if w is None else w for w in damaged]
    hits = []
    for a in range(1024):
        words[first] = a
        for b in range(1024):
            words[second] = b
            if rs1024.verify_share(words):
                hits.append(tuple(words))
    return hits


def main() -> None:
    three = [erased(seed, 3) for seed in range(RUNS)]
    two = [erased(seed, 2) for seed in range(RUNS)]
    one_wrong = [wrong(seed) for seed in range(RUNS)]
    rows = [
        ("restore 3 unreadable words, cold", median_ms(three, cold=True), "target < 50 ms"),
        ("restore 3 unreadable words, warm", median_ms(three, cold=False), ""),
        ("locate and fix 1 wrong word, cold", median_ms(one_wrong, cold=True), "target < 100 ms"),
        ("locate and fix 1 wrong word, warm", median_ms(one_wrong, cold=False), ""),
        ("restore 2 unreadable words, cold", median_ms(two, cold=True), ""),
    ]
    original, damaged = two[0]
    start = time.perf_counter()
    hits = brute_force(damaged)
    brute_ms = (time.perf_counter() - start) * 1000
    assert tuple(original) in hits
    assert {c.words for c in repair(damaged).candidates} <= set(hits)
    rows.append(("brute force over 2 unreadable words (1024**2 checksums)", brute_ms, ""))
    ratio = brute_ms / rows[4][1]

    title = f"measurement (33-word shares, median of {RUNS} runs)"
    print(f"{title:<60} {'ms':>10}  note")
    for name, ms, note in rows:
        print(f"{name:<60} {ms:>10.3f}  {note}")
    print(f"brute force / solving, 2 unreadable words: {ratio:,.0f}x")
    RESULTS.mkdir(exist_ok=True)
    results = {
        "runs": RUNS,
        "share_words": 33,
        "python": platform.python_version(),
        "restore_3_erasures_cold_ms": rows[0][1],
        "restore_3_erasures_warm_ms": rows[1][1],
        "locate_1_wrong_word_cold_ms": rows[2][1],
        "locate_1_wrong_word_warm_ms": rows[3][1],
        "restore_2_erasures_cold_ms": rows[4][1],
        "brute_force_2_erasures_ms": brute_ms,
        "brute_force_checksums": 1024**2,
        "brute_force_hits": len(hits),
        "brute_over_solve": ratio,
        "targets": {"restore_3_erasures_ms": 50, "locate_1_wrong_word_ms": 100},
    }
    (RESULTS / "repair.json").write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
