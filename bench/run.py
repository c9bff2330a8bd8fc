"""Run every benchmark here and print one table; write bench/results/run.json with every row.

Each benchmark runs in a process of its own (so that one's imports and caches cannot help
another), prints its own table and writes bench/results/NAME.json; this script gathers them,
with the machine's load average before and after each. Ratios are against baselines measured in
the same run, in alternating pairs (harness.py); nothing here is a pass/fail test.

Run: .venv/bin/python bench/run.py [--quick] [NAME ...]
     (NAME: startup, proof, audit, paper, repair, timelock, suite, lifecycle)
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys

from harness import HERE, RESULTS, Row, Sample, load_average, machine, table

ORDER = ("startup", "proof", "audit", "paper", "repair", "timelock", "suite", "lifecycle")
QUICK = {"startup", "proof", "audit", "paper", "lifecycle"}  # the ones that take --quick


def as_row(data: dict[str, object]) -> Row:
    def sample(part: object) -> Sample | None:
        if not isinstance(part, dict):
            return None
        return Sample(tuple(part["times"]), part.get("peak_mib"), part.get("memory", ""))

    value = sample(data["value"])
    assert value is not None
    goal = str(data.get("goal", ""))
    return Row(
        str(data["bench"]),
        str(data["name"]),
        value,
        str(data.get("baseline_name", "")),
        sample(data.get("baseline")),
        tuple(data.get("pair_ratios", ())),  # type: ignore[arg-type]
        goal=goal,
        unit=str(data.get("unit", "s")),
        note=str(data.get("note", "")),
        verdict=data.get("met"),  # type: ignore[arg-type]
    )


def write_summary(
    started: str, quick: bool, runs: list[dict[str, object]]
) -> tuple[float, float, float]:
    """bench/results/run.json: the machine, when the run started, every benchmark run so far,
    the load now."""
    end = load_average()
    RESULTS.mkdir(exist_ok=True)
    summary = {
        "machine": {**machine(), "date_utc": started},
        "quick": quick,
        "benchmarks": runs,
        "load_end": end,
    }
    (RESULTS / "run.json").write_text(json.dumps(summary, indent=2, ensure_ascii=False) + "\n")
    return end


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="fewer repeats, smaller cases")
    parser.add_argument("names", nargs="*", metavar="NAME", help=", ".join(ORDER))
    args = parser.parse_args()
    unknown = set(args.names) - set(ORDER)
    if unknown:
        parser.error(f"no benchmark named {', '.join(sorted(unknown))}")
    chosen = args.names or list(ORDER)
    runs, rows, failed = [], [], []
    started = str(machine()["date_utc"])
    for name in chosen:
        print(f"\n=== bench/{name}.py ===", flush=True)
        before = load_average()
        command = [sys.executable, str(HERE / f"{name}.py")]
        if args.quick and name in QUICK:
            command.append("--quick")
        code = subprocess.run(command, check=False).returncode
        after = load_average()
        result = RESULTS / f"{name}.json"
        entry: dict[str, object] = {"bench": name, "load_before": before, "load_after": after}
        if code or not result.exists():
            failed.append(name)
            entry["failed"] = code
        else:
            data = json.loads(result.read_text())
            if "rows" in data:
                entry["rows"] = data["rows"]
                rows.extend(as_row(row) for row in data["rows"])
            else:  # repair and timelock keep their own tables (no baseline of this kind)
                entry["results"] = data
        runs.append(entry)
        write_summary(
            started, args.quick, runs
        )  # after each benchmark: a run stopped early keeps the rest
    print("\n=== every row ===")
    print(table(rows))
    end = write_summary(started, args.quick, runs)
    print(f"load average (1, 5, 15 min) at the end: {', '.join(f'{x:.2f}' for x in end)}")
    print(f"wrote {RESULTS / 'run.json'}")
    if failed:
        print(f"failed: {', '.join(failed)}")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
