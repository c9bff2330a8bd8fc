"""A progress bar on stderr for long sequential work (the delay chain, the sealed puzzle).

It implements the core's `Progress` observer: the core says how much is done, this shows it. The
rate is measured over this run only (work resumed from disk is not counted as speed), and the time
left is estimated from that rate, or from the recorded calibration until a first measurement exists.
Elapsed time ticks even while a long segment is being computed. Off a terminal it prints a plain
line now and then instead, so that logs stay readable.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from types import TracebackType

from rich.console import Console
from rich.progress import (
    BarColumn,
    Progress,
    ProgressColumn,
    Task,
    TaskProgressColumn,
    TextColumn,
    TimeElapsedColumn,
)
from rich.text import Text

from ceremony.ui.console import err

PLAIN_EVERY = 10.0
"""Seconds between plain progress lines when stderr is not a terminal."""


def duration(seconds: float) -> str:
    """ "1:02:03" or "2:03": a clock-style duration for the bar."""
    seconds = max(0, int(seconds + 0.5))
    hours, rest = divmod(seconds, 3600)
    minutes, secs = divmod(rest, 60)
    return f"{hours}:{minutes:02d}:{secs:02d}" if hours else f"{minutes}:{secs:02d}"


class _Meter:
    """Rate and time left over this run, from the reports of done work."""

    def __init__(self, rate_hint: float | None, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._hint = rate_hint if rate_hint and rate_hint > 0 else None
        self._start_time: float | None = None
        self._start_done = 0
        self.done = 0
        self.total = 0
        self._last_time = 0.0

    def update(self, done: int, total: int) -> None:
        now = self._clock()
        if self._start_time is None:
            self._start_time, self._start_done = now, done
        self.done, self.total, self._last_time = done, total, now

    @property
    def rate(self) -> float | None:
        """Work per second measured in this run, or None before any work was reported."""
        if self._start_time is None or self.done <= self._start_done:
            return None
        elapsed = self._last_time - self._start_time
        return (self.done - self._start_done) / elapsed if elapsed > 0 else None

    @property
    def seconds_left(self) -> float | None:
        """Counts down between reports too: a segment can take minutes to report."""
        rate = self.rate or self._hint
        if rate is None or self.total <= 0:
            return None
        since = self._clock() - self._last_time if self._start_time is not None else 0.0
        return max(0.0, (self.total - self.done) / rate - since)


class _RateColumn(ProgressColumn):
    def __init__(self, meter: _Meter, unit: str) -> None:
        super().__init__()
        self._meter, self._unit = meter, unit

    def render(self, task: Task) -> Text:
        rate = self._meter.rate
        text = f"{rate:,.0f} {self._unit}/s" if rate else f"- {self._unit}/s"
        return Text(text, style="progress.data.speed")


class _CountColumn(ProgressColumn):
    def __init__(self, meter: _Meter) -> None:
        super().__init__()
        self._meter = meter

    def render(self, task: Task) -> Text:
        meter = self._meter
        return Text(
            f"{meter.done:,}/{meter.total:,}" if meter.total else "", style="progress.download"
        )


class _LeftColumn(ProgressColumn):
    def __init__(self, meter: _Meter) -> None:
        super().__init__()
        self._meter = meter

    def render(self, task: Task) -> Text:
        left = self._meter.seconds_left
        if task.finished:
            return Text("done", style="progress.remaining")
        return Text(
            f"ETA {duration(left)}" if left is not None else "ETA -:--", style="progress.remaining"
        )


class ProgressBar:
    """`with ProgressBar("delay", unit="it") as bar: prover.run(progress=bar)`."""

    def __init__(
        self,
        description: str,
        *,
        unit: str = "it",
        rate_hint: float | None = None,
        console: Console | None = None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._console = console or err()
        self._description = description
        self._unit = unit
        self._clock = clock
        self._meter = _Meter(rate_hint, clock)
        self._live = self._console.is_terminal
        self._bar = Progress(
            TextColumn("{task.description}", markup=False),
            BarColumn(),
            TaskProgressColumn(),
            _CountColumn(self._meter),
            _RateColumn(self._meter, unit),
            TimeElapsedColumn(),
            _LeftColumn(self._meter),
            console=self._console,
            refresh_per_second=4,
            transient=False,
            disable=not self._live,
        )
        self._task = self._bar.add_task(description, total=None)
        self._last_plain = float("-inf")

    def __enter__(self) -> ProgressBar:
        self._bar.start()
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self._bar.stop()
        if not self._live and kind is None and self._meter.total:
            self._plain()

    def advanced(self, done: int, total: int) -> None:
        """The core's `Progress` protocol."""
        self._meter.update(done, total)
        self._bar.update(self._task, completed=done, total=total)
        now = self._clock()
        if not self._live and now - self._last_plain >= PLAIN_EVERY and done < total:
            self._last_plain = now
            self._plain()

    def _plain(self) -> None:
        meter = self._meter
        percent = 100 * meter.done / meter.total if meter.total else 0.0
        rate = f", {meter.rate:,.0f} {self._unit}/s" if meter.rate else ""
        left = meter.seconds_left
        eta = (
            f", about {duration(left)} left"
            if left is not None and meter.done < meter.total
            else ""
        )
        self._console.print(
            f"{self._description}: {meter.done:,} of {meter.total:,} {self._unit} "
            f"({percent:.0f}%){rate}{eta}",
            markup=False,
            highlight=False,
        )
