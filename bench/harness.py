"""What every benchmark here shares: rows against a same-run baseline, timed in alternating pairs.

A row is one measurement and, where one exists, the baseline doing the same work, measured in the
same run: the two are run in pairs whose order alternates (A B, B A, A B, ...), so that a burst of
load on this shared machine falls on both sides. Each side keeps every time; the table shows the
minimum and the median, and the ratio is the median of the per-pair ratios. Peak memory is the
child's maximum resident set for a process, and Python's traced peak for work done in-process.
Nothing here passes or fails a build: a row says whether its goal was met in this run.
"""

from __future__ import annotations

import compileall
import datetime
import functools
import json
import os
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
RESULTS = HERE / "results"
PYTHON = sys.executable
BIN = Path(PYTHON).parent


@dataclass(frozen=True)
class Sample:
    """Times of one side of a row (seconds, or another unit) and its peak memory in MiB."""

    times: tuple[float, ...]
    peak_mib: float | None = None
    memory: str = ""  # "rss" (a whole process) or "py" (Python allocations in-process)

    @property
    def min(self) -> float:
        return min(self.times)

    @property
    def median(self) -> float:
        return statistics.median(self.times)

    def to_dict(self) -> dict[str, object]:
        return {
            "min": self.min,
            "median": self.median,
            "times": list(self.times),
            "peak_mib": self.peak_mib,
            "memory": self.memory,
        }


@dataclass(frozen=True)
class Row:
    """One line of the table: what was measured, against what, and the goal it is held to."""

    bench: str
    name: str
    value: Sample
    baseline_name: str = ""
    baseline: Sample | None = None
    ratios: tuple[float, ...] = ()
    goal: str = ""
    max_ratio: float | None = None
    max_seconds: float | None = None
    unit: str = "s"
    note: str = ""
    extra: dict[str, object] = field(default_factory=dict)
    verdict: bool | None = None  # as recorded, for a row read back from JSON

    @property
    def ratio(self) -> float | None:
        if self.ratios:
            return statistics.median(self.ratios)
        if self.baseline is not None and self.baseline.median > 0:
            return self.value.median / self.baseline.median
        return None

    @property
    def met(self) -> bool | None:
        if self.verdict is not None:
            return self.verdict
        checks = []
        if self.max_ratio is not None and self.ratio is not None:
            checks.append(self.ratio <= self.max_ratio)
        if self.max_seconds is not None:
            checks.append(self.value.median < self.max_seconds)
        return all(checks) if checks else None

    def to_dict(self) -> dict[str, object]:
        return {
            "bench": self.bench,
            "name": self.name,
            "unit": self.unit,
            "value": self.value.to_dict(),
            "baseline_name": self.baseline_name,
            "baseline": self.baseline.to_dict() if self.baseline else None,
            "ratio": self.ratio,
            "pair_ratios": list(self.ratios),
            "goal": self.goal,
            "met": self.met,
            "note": self.note,
            **({"extra": self.extra} if self.extra else {}),
        }


def load_average() -> tuple[float, float, float]:
    return os.getloadavg()


def machine() -> dict[str, object]:
    return {
        "date_utc": datetime.datetime.now(datetime.UTC).strftime("%Y-%m-%d %H:%M"),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "cpus": os.cpu_count(),
        "load_average": load_average(),
    }


def timed(action: Callable[[], object]) -> float:
    started = time.perf_counter()
    action()
    return time.perf_counter() - started


def traced_peak_mib(action: Callable[[], object]) -> float:
    """Python's peak allocation during one run of `action` (a run of its own: tracing is slow)."""
    tracemalloc.start()
    try:
        action()
        return tracemalloc.get_traced_memory()[1] / 2**20
    finally:
        tracemalloc.stop()


def repeat(action: Callable[[], object], times: int, *, memory: bool = True) -> Sample:
    """`times` runs of an in-process action (after one untimed warm-up run)."""
    action()
    runs = tuple(timed(action) for _ in range(times))
    return Sample(runs, traced_peak_mib(action) if memory else None, "py" if memory else "")


def pairs(
    work: Callable[[], object],
    baseline: Callable[[], object],
    times: int,
    *,
    memory: bool = True,
    warm: bool = True,
) -> tuple[Sample, Sample, tuple[float, ...]]:
    """In-process work and baseline, `times` alternating pairs; returns both sides and the ratios."""
    if warm:
        work()
        baseline()
    work_times, base_times, ratios = [], [], []
    for index in range(times):
        if index % 2:
            b = timed(baseline)
            w = timed(work)
        else:
            w = timed(work)
            b = timed(baseline)
        work_times.append(w)
        base_times.append(b)
        ratios.append(w / b)
    kind = "py" if memory else ""
    return (
        Sample(tuple(work_times), traced_peak_mib(work) if memory else None, kind),
        Sample(tuple(base_times), traced_peak_mib(baseline) if memory else None, kind),
        tuple(ratios),
    )


@dataclass(frozen=True)
class Command:
    """A whole process to time: argv, its standard input, and where it runs."""

    argv: Sequence[str]
    stdin: bytes = b""
    cwd: Path | None = None
    env: dict[str, str] | None = None
    ok_codes: tuple[int, ...] = (0,)


GNU_TIME = Path("/usr/bin/time")
"""Reports a child's own peak memory. A child's maximum resident set from `wait4` alone would
include the benchmark's own memory at fork time (Linux carries the high-water mark over exec)."""


@functools.cache
def bytecode() -> None:
    """Compile ceremony's modules once, as an installed wheel has them (pip compiles at install).
    Where PYTHONDONTWRITEBYTECODE is set (it is on the shared machine), every ceremony process
    would otherwise compile its modules from source, while the baselines, installed packages,
    read theirs: that is not the same work."""
    compileall.compile_dir(ROOT / "ceremony", quiet=1)


def spawn(
    command: Command, argv: list[str], stderr: IO[bytes] | int
) -> tuple[int, resource.struct_rusage]:
    """Run `argv` with the command's stdin, directory and environment; its exit code and the
    resource usage `wait4` reports for it (the one place the bench starts a process)."""
    child = subprocess.Popen(
        argv,
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=stderr,
        cwd=command.cwd,
        env=command.env,
    )
    assert child.stdin is not None
    try:
        child.stdin.write(command.stdin)
        child.stdin.close()
    except BrokenPipeError:
        pass
    _, status, usage = os.wait4(child.pid, 0)
    return os.waitstatus_to_exitcode(status), usage


def run_process(command: Command) -> tuple[float, float]:
    """Seconds from spawn to exit, and the command's peak resident memory in MiB (GNU time's
    `%M` when /usr/bin/time exists, so that it is the command's own; else from `wait4`)."""
    bytecode()
    with tempfile.TemporaryDirectory(prefix="bench-run-") as scratch:
        memory = Path(scratch) / "maxrss"
        argv = list(command.argv)
        if GNU_TIME.exists():
            argv = [str(GNU_TIME), "-q", "-f", "%M", "-o", str(memory), *argv]
        errors = open(Path(scratch) / "stderr", "w+b")  # noqa: SIM115 (closed below)
        try:
            started = time.perf_counter()
            code, usage = spawn(command, argv, errors)
            seconds = time.perf_counter() - started
            if code not in command.ok_codes:
                errors.seek(0)
                raise SystemExit(
                    f"{' '.join(command.argv)} exited {code}: "
                    f"{errors.read().decode(errors='replace')[-2000:]}"
                )
        finally:
            errors.close()
        if memory.exists():
            return seconds, int(memory.read_text().split()[-1]) / 1024
    return seconds, usage.ru_maxrss / 1024  # Linux reports KiB


def process_pairs(
    work: Command, baseline: Command, times: int, *, warm: bool = True
) -> tuple[Sample, Sample, tuple[float, ...]]:
    """Two commands, `times` alternating pairs after one warm-up run of each (file caches)."""
    if warm:
        run_process(work)
        run_process(baseline)
    work_runs: list[tuple[float, float]] = []
    base_runs: list[tuple[float, float]] = []
    for index in range(times):
        order = (baseline, work) if index % 2 else (work, baseline)
        results = {id(command): run_process(command) for command in order}
        work_runs.append(results[id(work)])
        base_runs.append(results[id(baseline)])
    ratios = tuple(w[0] / b[0] for w, b in zip(work_runs, base_runs, strict=True))
    return (
        Sample(tuple(r[0] for r in work_runs), max(r[1] for r in work_runs), "rss"),
        Sample(tuple(r[0] for r in base_runs), max(r[1] for r in base_runs), "rss"),
        ratios,
    )


def process_repeat(command: Command, times: int) -> Sample:
    run_process(command)
    runs = [run_process(command) for _ in range(times)]
    return Sample(tuple(r[0] for r in runs), max(r[1] for r in runs), "rss")


def shown(value: float, unit: str) -> str:
    if unit != "s":
        return f"{value:,.3g} {unit}" if value < 1000 else f"{value:,.0f} {unit}"
    if value < 1e-3:
        return f"{value * 1e6:.0f} µs"
    if value < 1:
        return f"{value * 1e3:.1f} ms"
    return f"{value:.2f} s"


def table(rows: Sequence[Row]) -> str:
    """The rows as a fixed-width table: value and baseline as min / median, ratio, memory, goal."""
    head = (
        f"{'measurement':<52} {'min / median':>19} {'baseline min / median':>21} "
        f"{'ratio':>7} {'peak MiB':>12}  goal"
    )
    lines = [head, "-" * len(head)]
    for row in rows:
        value = f"{shown(row.value.min, row.unit)} / {shown(row.value.median, row.unit)}"
        base = (
            f"{shown(row.baseline.min, row.unit)} / {shown(row.baseline.median, row.unit)}"
            if row.baseline
            else ""
        )
        ratio = _ratio(row.ratio)
        peaks = [s.peak_mib for s in (row.value, row.baseline) if s and s.peak_mib is not None]
        memory = " / ".join(f"{p:.0f}" if p >= 10 else f"{p:.1f}" for p in peaks)
        verdict = {True: "met", False: "MISSED", None: ""}[row.met]
        goal = f"{row.goal} {verdict}".strip()
        lines.append(f"{row.name:<52} {value:>19} {base:>21} {ratio:>7} {memory:>12}  {goal}")
        if row.baseline_name:
            lines.append(f"  vs {row.baseline_name}")
        if row.note:
            lines.append(f"  ({row.note})")
    return "\n".join(lines)


def report(bench: str, rows: Sequence[Row], load_before: tuple[float, float, float]) -> Path:
    """Print the table with the load, and write bench/results/BENCH.json; returns its path."""
    load_after = load_average()
    print(table(rows))
    print(f"load average (1, 5, 15 min) before: {_load(load_before)}  after: {_load(load_after)}")
    RESULTS.mkdir(exist_ok=True)
    path = RESULTS / f"{bench}.json"
    data = {
        "bench": bench,
        "machine": machine(),
        "load_before": load_before,
        "load_after": load_after,
        "rows": [row.to_dict() for row in rows],
    }
    path.write_text(json.dumps(data, indent=2, ensure_ascii=False) + "\n")
    return path


def _ratio(ratio: float | None) -> str:
    if ratio is None:
        return ""
    if ratio < 0.1:
        return f"1/{1 / ratio:.0f}"
    return f"{ratio:.2f}x"


def _load(load: Sequence[float]) -> str:
    return ", ".join(f"{value:.2f}" for value in load)
