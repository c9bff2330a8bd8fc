"""Print bench/results/run.json as the Markdown table of bench/README.md, so that it quotes exactly
what one run of bench/run.py measured (medians; the ratio is the median of the pair ratios).

Run: .venv/bin/python bench/markdown.py [bench/results/run.json]
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from harness import RESULTS, _ratio, shown


def main(path: Path) -> None:
    data = json.loads(path.read_text())
    loads = [entry["load_before"][0] for entry in data["benchmarks"]] + [data["load_end"][0]]
    print(
        f"From one run of `bench/run.py` ({data['machine']['cpus']} cores, Python "
        f"{data['machine']['python']}; 1-minute load average between {min(loads):.1f} and "
        f"{max(loads):.1f} while it ran):\n"
    )
    print(
        "| measurement | baseline (same run, same work) | median | baseline median | ratio | goal |"
    )
    print("|---|---|---|---|---|---|")
    for entry in data["benchmarks"]:
        for row in entry.get("rows", []):
            unit = row["unit"]
            base = row["baseline"]
            verdict = {True: "met", False: "missed", None: ""}[row["met"]]
            goal = f"{row['goal']} {verdict}".strip() if row["goal"] else ""
            print(
                f"| {row['name']} | {row['baseline_name']} | {shown(row['value']['median'], unit)} "
                f"| {shown(base['median'], unit) if base else ''} | {_ratio(row['ratio'])} "
                f"| {goal} |".replace("<=", "≤")
            )


if __name__ == "__main__":
    main(Path(sys.argv[1]) if len(sys.argv) > 1 else RESULTS / "run.json")
