"""Calibration: both bounds, stated in words, and durations read from what people type."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from ceremony.core import calibration
from ceremony.core.calibration import DelayBounds
from ceremony.errors import BadInput


def fake_clock(*times: float) -> Callable[[], float]:
    ticks: Iterator[float] = iter(times)
    return lambda: next(ticks)


def test_the_two_bounds_of_a_three_day_delay() -> None:
    rate = 1_000_000.0
    bounds = calibration.bounds_for(calibration.work_for(72 * 3600, rate), rate)
    assert bounds.expected_seconds == pytest.approx(72 * 3600)
    assert bounds.minimum_seconds == pytest.approx(7.2 * 3600)
    assert bounds.text == (
        "about 3 days on this machine; at least 7 hours against hardware 10× faster"
    )


def test_the_speedup_comes_from_the_plan() -> None:
    bounds = calibration.bounds_for(90 * 60 * 200, 200.0, speedup=6)
    assert bounds.text == (
        "about 90 minutes on this machine; at least 15 minutes against hardware 6× faster"
    )
    assert "2.5× faster" in calibration.bounds_for(1000, 1.0, speedup=2.5).text


def test_work_for_a_target_duration_rounds_up() -> None:
    assert calibration.work_for(10, 2.5) == 25
    assert calibration.work_for(1, 0.3) == 1
    assert calibration.work_for(3, 0.5) == 2


@pytest.mark.parametrize(
    ("seconds", "nearest", "down"),
    [
        (72 * 3600, "3 days", "3 days"),
        (7.9 * 3600, "8 hours", "7 hours"),
        (36 * 3600, "36 hours", "36 hours"),
        (2 * 3600 - 1, "120 minutes", "119 minutes"),
        (90, "90 seconds", "90 seconds"),
        (60.4, "60 seconds", "60 seconds"),
        (1, "1 second", "1 second"),
        (0.4, "1 second", "a fraction of a second"),
    ],
)
def test_durations_in_words(seconds: float, nearest: str, down: str) -> None:
    assert calibration.duration_text(seconds) == nearest
    assert calibration.duration_text(seconds, round_down=True) == down


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("72h", 72 * 3600),
        ("3d", 3 * 86400),
        ("90m", 5400),
        ("45s", 45),
        ("2w", 14 * 86400),
        ("1.5h", 5400),
        (" 3 days ", 3 * 86400),
        ("10 Minutes", 600),
        ("1 hour", 3600),
    ],
)
def test_durations_from_text(text: str, seconds: int) -> None:
    assert calibration.duration_from_text(text) == seconds


@pytest.mark.parametrize(
    "text",
    ["", "72", "h", "-3h", "0m", "0.0s", "3 fortnights", "1e3h", "nan", "3h30m", "three days"],
)
def test_bad_durations_are_bad_input(text: str) -> None:
    with pytest.raises(BadInput) as raised:
        calibration.duration_from_text(text)
    assert raised.value.hint


def test_bounds_round_trip_through_the_record() -> None:
    bounds = DelayBounds(work=123_456_789, rate=171_234.5, speedup=10)
    data = bounds.to_dict()
    assert data["text"] == bounds.text
    assert DelayBounds.from_dict(data) == bounds


@pytest.mark.parametrize(
    "data",
    [
        [],
        {"work": "1", "rate_per_second": 1.0, "attacker_speedup": 10},
        {"work": 1, "rate_per_second": None, "attacker_speedup": 10},
        {"work": 1, "rate_per_second": 1.0, "attacker_speedup": True},
        {"work": 0, "rate_per_second": 1.0, "attacker_speedup": 10},
        {"work": 1, "rate_per_second": 0.0, "attacker_speedup": 10},
        {"work": 1, "rate_per_second": 1.0, "attacker_speedup": 0.5},
    ],
)
def test_bad_bounds_are_bad_input(data: object) -> None:
    with pytest.raises(BadInput):
        DelayBounds.from_dict(data)


def test_the_vdf_rate_is_the_best_of_its_runs() -> None:
    clock = fake_clock(0.0, 0.5, 1.0, 1.25)
    assert calibration.measure_vdf_rate(iterations=500, repeats=2, clock=clock) == 2000.0


def test_the_squaring_rate_is_the_best_of_its_runs() -> None:
    clock = fake_clock(0.0, 0.25, 1.0, 2.0)
    rate = calibration.measure_squaring_rate(squarings=1000, repeats=2, clock=clock)
    assert rate == 4000.0


def test_real_measurements_are_positive() -> None:
    assert calibration.measure_vdf_rate(iterations=2000, repeats=1) > 0
    assert calibration.measure_squaring_rate(squarings=2000, repeats=1) > 0
