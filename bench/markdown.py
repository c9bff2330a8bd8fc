"""Print bench/results/run.json as the Markdown table of bench/README.md, so that it quotes exactly
what one run of bench/run.py measured (medians; the ratio is the median of the pair ratios).

Run: .venv/bin/python bench/markdown.py [bench/results/run.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any

from harness import RESULTS, _ratio, shown


def main(path: Path) -> None:
    data = json.loads(path.read_text())
    loads = [entry["load_before"][0] for entry in data["benchmarks"]] + [data["load_end"][0]]
    when = data["machine"].get("date_utc", "")
    print(
        f"From one run of `bench/run.py`{f' on {when} UTC' if when else ''} "
        f"({data['machine']['cpus']} cores, Python {data['machine']['python']}; 1-minute load "
        f"average between {min(loads):.1f} and {max(loads):.1f} while it ran). Times are min / "
        "median over the repeats; the ratio is the median of the alternating pairs' ratios; peak "
        "memory is the process's resident set (rss) or Python's traced peak (py):\n"
    )
    print(
        "| measurement | baseline (same run, same work) | min / median | baseline min / median "
        "| ratio | peak MiB | goal |"
    )
    print("|---|---|---|---|---|---|---|")
    for entry in data["benchmarks"]:
        for row in entry.get("rows", []):
            print(_line(row))


def _line(row: dict[str, Any]) -> str:
    unit = row["unit"]
    value, base = row["value"], row["baseline"]
    verdict = {True: "met", False: "missed", None: ""}[row["met"]]
    goal = f"{row['goal']} {verdict}".strip() if row["goal"] else ""
    peaks = [
        f"{side['peak_mib']:.{0 if side['peak_mib'] >= 10 else 1}f} {side.get('memory', '')}".strip()
        for side in (value, base)
        if side and side.get("peak_mib") is not None
    ]
    return (
        f"| {row['name']} | {row['baseline_name']} | {_pair(value, unit)} "
        f"| {_pair(base, unit) if base else ''} | {_ratio(row['ratio'])} "
        f"| {' / '.join(peaks)} | {goal} |".replace("<=", "≤")
    )


def _pair(side: dict[str, Any], unit: str) -> str:
    return f"{shown(side['min'], unit)} / {shown(side['median'], unit)}"


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "run.json")
