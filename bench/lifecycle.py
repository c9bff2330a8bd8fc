"""Benchmark: the lifecycle's arithmetic against the plain proof of the original scheme, measured
in the same run in alternating pairs (harness.py).

The original scheme is the largest SLIP-39 allows but for one group: 16 groups of 8 of 16, the
first group with 15 (or 8) members. Both sides start from parsed shares:

- extend: from the first group's 8 shares alone, check them (one polynomial and the digest), evaluate
  the group's polynomial at the unused member numbers up to 16, and prove old and new shares lie on
  it (`core.lifecycle.extend_group`);
- whole proof after: `verify_shares` over all 256 shares of the 16 x 16 scheme, old and new, and one
  decryption;
- baseline: the same proof over the original scheme's shares (255 or 248), and one decryption.

Run: .venv/bin/python bench/lifecycle.py [--quick]   (results in bench/results/lifecycle.json)
"""

from __future__ import annotations

import argparse
import secrets
from collections.abc import Callable

from harness import Row, load_average, pairs, report

from ceremony.core.lifecycle import extend_group
from ceremony.core.verify import verify_shares
from ceremony.model.scheme import GroupSpec, Scheme
from ceremony.model.secret import Secret
from ceremony.model.share import Share
from ceremony.workflows.split import split_secret


def whole_proof(shares: list[Share]) -> Callable[[], bytes]:
    def run() -> bytes:
        proof = verify_shares(shares)
        assert proof.ems is not None
        return proof.ems.decrypt(b"")

    return run


def extension(shares: list[Share], before: int) -> Callable[[], object]:
    def run() -> object:
        return extend_group(shares, range(before), list(range(before, 16)))

    return run


def rows(quick: bool) -> list[Row]:
    out = []
    times = 3 if quick else 9
    for before in (15, 8):
        counts = [before] + [16] * 15
        scheme = Scheme(8, tuple(GroupSpec(f"g{i}", 8, n) for i, n in enumerate(counts)), 256)
        split = split_secret(scheme, Secret(secrets.token_bytes(32)), b"")
        old = split.all_shares()
        brought = list(split.groups[0][:8])
        new = list(extend_group(brought, range(before), list(range(before, 16))).shares)
        baseline = whole_proof(old)
        assert whole_proof([*old, *new])() == baseline()
        base_name = f"plain proof of the original scheme ({len(old)} shares)"
        value, base, ratios = pairs(extension(brought, before), baseline, times)
        out.append(
            Row(
                "lifecycle",
                f"extend group 1 from {before} to 16 members, from its 8 shares, with proof",
                value,
                base_name,
                base,
                ratios,
                extra={"new_shares": 16 - before},
            )
        )
        value, base, ratios = pairs(whole_proof([*old, *new]), baseline, times)
        out.append(
            Row(
                "lifecycle",
                f"proof of the whole 16 x 16 scheme after it ({len(old) + len(new)} shares)",
                value,
                base_name,
                base,
                ratios,
                goal="< 1 s",
                max_seconds=1.0,
            )
        )
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer pairs")
    args = parser.parse_args()
    load = load_average()
    report("lifecycle", rows(args.quick), load)


if __name__ == "__main__":
    main()
