"""Benchmark: the algebraic proof that every qualifying share set rebuilds the secret, against a fair
enumerator, as a growth table from 10 to about 10^5 minimal qualifying subsets.

Both sides start from the same mnemonics and end with the secret decrypted once:

- proof: parse every share, `verify_shares` (one polynomial check per group and one over the group
  shares, plus the SLIP-39 digest), then one decryption of the encrypted master secret;
- fair enumerator (the baseline), written with the reference implementation: parse every share
  once, then for every minimal qualifying subset (`group threshold` groups, `member threshold`
  shares in each) `shamir_mnemonic.recover_ems`, which interpolates and checks the digest, compares
  the result with the first one, then one decryption. It does not repeat PBKDF2 per subset, as a
  `combine_mnemonics` loop would, so the ratio is the cost of enumeration itself.

The proof's cost grows with the number of shares; the enumerator's with the number of subsets. The
largest scheme SLIP-39 allows (16 groups of 16, 8 of each, 8 groups) has about 10^37 subsets: only
the proof can run, with a goal of under a second.

Run: .venv/bin/python bench/proof.py [--quick]   (results in bench/results/proof.json)
"""

from __future__ import annotations

import argparse
import itertools
import math
import secrets
from collections.abc import Callable
from dataclasses import dataclass

import shamir_mnemonic
from harness import Row, load_average, pairs, repeat, report
from shamir_mnemonic.shamir import ShareGroup, recover_ems
from shamir_mnemonic.share import Share as ReferenceShare

from ceremony.core.verify import verify_shares
from ceremony.core.words import parse_share

PASSPHRASE = b""


@dataclass(frozen=True)
class Scheme:
    group_threshold: int
    groups: tuple[tuple[int, int], ...]  # (member threshold, member count) per group

    @property
    def subsets(self) -> int:
        """Minimal qualifying subsets (all groups here have the same shape)."""
        threshold, count = self.groups[0]
        return (
            math.comb(len(self.groups), self.group_threshold)
            * math.comb(count, threshold) ** self.group_threshold
        )

    @property
    def shares(self) -> int:
        return sum(count for _, count in self.groups)

    def describe(self) -> str:
        threshold, count = self.groups[0]
        if len(self.groups) == 1:
            return f"{threshold} of {count}"
        return f"{self.group_threshold} of {len(self.groups)} groups, {threshold} of {count} each"


GROWTH = (
    Scheme(1, ((2, 5),)),
    Scheme(2, ((2, 4),) * 3),
    Scheme(2, ((3, 5),) * 3),
    Scheme(1, ((5, 13),)),
    Scheme(1, ((8, 16),)),
    Scheme(2, ((4, 9),) * 3),
    Scheme(2, ((4, 9),) * 4),
)
LARGEST = Scheme(8, ((8, 16),) * 16)


def mnemonics(scheme: Scheme) -> list[list[str]]:
    return shamir_mnemonic.generate_mnemonics(
        scheme.group_threshold, list(scheme.groups), secrets.token_bytes(32), PASSPHRASE, True, 0
    )


def proof(groups: list[list[str]]) -> Callable[[], bytes]:
    flat = [m for group in groups for m in group]

    def run() -> bytes:
        result = verify_shares([parse_share(m) for m in flat])
        assert result.ems is not None
        return result.ems.decrypt(PASSPHRASE)

    return run


def enumerator(groups: list[list[str]], group_threshold: int) -> Callable[[], bytes]:
    def run() -> bytes:
        parsed = [[ReferenceShare.from_mnemonic(m) for m in group] for group in groups]
        first = None
        for chosen in itertools.combinations(parsed, group_threshold):
            members = [itertools.combinations(g, g[0].member_threshold) for g in chosen]
            for combo in itertools.product(*members):
                share_groups = {}
                for part in combo:
                    group = ShareGroup()
                    for share in part:
                        group.add(share)
                    share_groups[part[0].group_index] = group
                ems = recover_ems(share_groups)
                if first is None:
                    first = ems
                elif ems.ciphertext != first.ciphertext:
                    raise AssertionError("two subsets disagree")
        assert first is not None
        return first.decrypt(PASSPHRASE)

    return run


def rows(quick: bool) -> list[Row]:
    out = []
    for scheme in GROWTH[:-2] if quick else GROWTH:
        groups = mnemonics(scheme)
        big = scheme.subsets > 10_000
        work, base = proof(groups), enumerator(groups, scheme.group_threshold)
        assert work() == base()
        value, baseline, ratios = pairs(work, base, 1 if big else 5, memory=not big, warm=not big)
        out.append(
            Row(
                "proof",
                f"proof, {scheme.describe()}: {scheme.subsets:,} subsets",
                value,
                f"fair enumerator over the {scheme.subsets:,} subsets ({scheme.shares} shares)",
                baseline,
                ratios,
                extra={"subsets": scheme.subsets, "shares": scheme.shares},
            )
        )
    groups = mnemonics(LARGEST)
    out.append(
        Row(
            "proof",
            f"proof, largest scheme ({LARGEST.describe()}, {LARGEST.shares} shares)",
            repeat(proof(groups), 3 if quick else 7),
            goal="< 1 s",
            max_seconds=1.0,
            note=f"about 10^{math.log10(LARGEST.subsets):.0f} subsets: enumeration is impossible",
        )
    )
    return out


def growth_table(rows: list[Row]) -> str:
    lines = [f"{'subsets':>9} {'shares':>6} {'proof':>10} {'enumerator':>11} {'speed-up':>9}"]
    for row in rows:
        if row.baseline is None:
            continue
        lines.append(
            f"{row.extra['subsets']:>9,} {row.extra['shares']:>6} "
            f"{row.value.median * 1e3:>8.2f}ms {row.baseline.median * 1e3:>9.1f}ms "
            f"{row.baseline.median / row.value.median:>8.0f}x"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="stop at 12,870 subsets")
    args = parser.parse_args()
    load = load_average()
    found = rows(args.quick)
    print(growth_table(found) + "\n")
    report("proof", found, load)


if __name__ == "__main__":
    main()
