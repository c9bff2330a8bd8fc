"""The progress bar of long work: rate over this run only, time left from it (or from the
calibration before a first measurement), plain lines off a terminal."""

from __future__ import annotations

import io

from rich.console import Console

from ceremony.core.vdf import Progress
from ceremony.ui.progress import ProgressBar, duration


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_plain_lines_off_a_terminal_with_rate_and_time_left() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=False, width=120)
    clock = Clock()
    with ProgressBar("delay", unit="it", rate_hint=1000.0, console=console, clock=clock) as bar:
        bar.advanced(4000, 10_000)  # resumed from disk: not counted as speed
        clock.now += 2
        bar.advanced(6000, 10_000)
        clock.now += 20
        bar.advanced(8000, 10_000)
        clock.now += 2
        bar.advanced(10_000, 10_000)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "delay: 4,000 of 10,000 it (40%), about 0:06 left"  # from the hint
    assert lines[1] == "delay: 8,000 of 10,000 it (80%), 182 it/s, about 0:11 left"
    assert lines[-1] == "delay: 10,000 of 10,000 it (100%), 250 it/s"


def test_it_is_the_cores_progress_observer() -> None:
    bar: Progress = ProgressBar("x", console=Console(file=io.StringIO()))
    bar.advanced(0, 1)


def test_live_bar_on_a_terminal_shows_rate_and_eta() -> None:
    buffer = io.StringIO()
    console = Console(file=buffer, force_terminal=True, width=120, color_system=None)
    clock = Clock()
    with ProgressBar("time lock", unit="sq", console=console, clock=clock) as bar:
        bar.advanced(0, 1000)
        clock.now += 1
        bar.advanced(500, 1000)
    text = buffer.getvalue()
    assert "time lock" in text
    assert "500 sq/s" in text
    assert "ETA 0:01" in text


def test_durations() -> None:
    assert duration(0) == "0:00"
    assert duration(61) == "1:01"
    assert duration(3723) == "1:02:03"


def test_time_left_counts_down_between_reports() -> None:
    console = Console(file=io.StringIO(), force_terminal=False)
    clock = Clock()
    bar = ProgressBar("delay", console=console, clock=clock)
    bar.advanced(0, 1000)
    clock.now += 1
    bar.advanced(100, 1000)  # 100 it/s: 9 s left
    clock.now += 4
    assert bar._meter.seconds_left == 5.0
    clock.now += 10
    assert bar._meter.seconds_left == 0.0
