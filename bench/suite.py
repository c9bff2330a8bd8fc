"""Benchmark: the test suite's wall time, as `make test` runs it (ruff, mypy, pytest -n 2).

The baseline is the same tests one after another: the sum of every test's own duration (setup,
call and teardown, from pytest's JUnit XML of this very run), which is what a single pytest
process would spend on them. Goal: `make test` under 60 s on a 2-core machine.

Run: .venv/bin/python bench/suite.py   (results in bench/results/suite.json; about a minute)
"""

from __future__ import annotations

import argparse
import os
import resource
import subprocess
import tempfile
import time
import xml.etree.ElementTree as ET
from pathlib import Path

from harness import ROOT, Row, Sample, load_average, report


def run_make_test(junit: Path) -> tuple[float, float]:
    """The wall time of `make test`, and the CPU time (user and system) of it and every process it
    started: on a machine shared with other work the CPU time moves less than the wall time."""
    env = {**os.environ, "PYTEST_ADDOPTS": f"--junitxml={junit}"}
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    started = time.perf_counter()
    done = subprocess.run(["make", "test"], cwd=ROOT, env=env, capture_output=True, check=False)
    seconds = time.perf_counter() - started
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode != 0:
        raise SystemExit(f"make test failed:\n{done.stdout.decode()[-3000:]}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return seconds, cpu


def test_seconds(junit: Path) -> tuple[float, int]:
    cases = ET.parse(junit).getroot().iter("testcase")
    times = [float(case.get("time", "0")) for case in cases]
    return sum(times), len(times)


def rows() -> list[Row]:
    with tempfile.TemporaryDirectory(prefix="bench-suite-") as tmp:
        junit = Path(tmp) / "junit.xml"
        wall, cpu = run_make_test(junit)
        serial, count = test_seconds(junit)
    return [
        Row(
            "suite",
            f"make test: ruff, mypy, pytest -n 2 ({count} tests)",
            Sample((wall,)),
            "the same tests one after another (sum of their durations)",
            Sample((serial,)),
            goal="< 60 s",
            max_seconds=60.0,
            note=f"CPU time of make test and its processes: {cpu:.1f} s",
            extra={"cpu_seconds": round(cpu, 2)},
        )
    ]


def main() -> None:
    argparse.ArgumentParser(description=__doc__.splitlines()[0]).parse_args()
    load = load_average()
    report("suite", rows(), load)


if __name__ == "__main__":
    main()
