"""Calibration on a busy machine (issue 13, item 6), end to end: the ceremony warns and asks, T comes
from the fastest sample, the transcript keeps every sample, and the record and the recovery notice
print the rate and the spread."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from ceremony.core.calibration import samples_text_in
from ceremony.workflows import timelock_policy
from tests.helpers.ceremony import SMALL_PLAN, pdf_text
from tests.helpers.cli import run_cli

FAST, SLOW = 1000.0, 600.0
"""Samples alternate between these: 40% apart, as if something else ran half the time."""
SPREAD = "the fastest of 12 samples; they spread 40.0%"


@pytest.fixture
def busy_machine(monkeypatch: pytest.MonkeyPatch) -> None:
    rates = itertools.cycle([FAST, SLOW])
    monkeypatch.setattr(timelock_policy, "default_rate", lambda mode: next(rates))


def flat(text: str) -> str:
    return " ".join(text.split())


def evidenced_plan(tmp_path: Path) -> Path:
    text = SMALL_PLAN.read_text().replace('mode = "none"', 'mode = "evidenced"')
    plan = tmp_path / "plan.toml"
    plan.write_text(text)
    return plan


@pytest.mark.usefixtures("busy_machine")
def test_a_busy_ceremony_warns_records_every_sample_and_prints_the_spread(tmp_path: Path) -> None:
    answers = tmp_path / "answers.toml"
    answers.write_text("confirm = true\naccept_preflight_failures = true\n")
    kit = tmp_path / "kit"
    result = run_cli(
        ["run", str(evidenced_plan(tmp_path)), "--answers", str(answers), "--out", str(kit)]
    )
    assert result.code == 0, result.err
    assert "The speed samples differ by 40%" in flat(result.err)

    entries = [json.loads(line) for line in (kit / "transcript.jsonl").read_text().splitlines()]
    calibrated = next(e for e in entries if e["event"] == "timelock_calibrated")["data"]
    assert calibrated["samples"] == ["1000.000", "600.000"] * 6
    assert calibrated["spread"] == "0.4000"
    assert calibrated["iterations"] == 3600 * 1000  # one hour at the FASTEST rate

    record = json.loads((kit / "record.json").read_text())
    description = record["timelock"]["description"]
    assert "(rate 1,000/s, " + SPREAD + ")" in description
    assert samples_text_in(description) == SPREAD
    assert SPREAD in flat(pdf_text(kit / "record.pdf"))

    started = run_cli(
        ["recover", "start", "--record", str(kit / "record.json"), "--requester", "Ada"]
    )
    assert started.code == 0, started.err
    (notice,) = (kit / "recovery").glob("*/notice.pdf")
    printed = flat(pdf_text(notice))
    assert "(1,000 steps per second, " + SPREAD + ")" in printed


@pytest.mark.usefixtures("busy_machine")
def test_split_timelock_warns_on_a_busy_machine(tmp_path: Path) -> None:
    args = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--timelock", "2s"]
    result = run_cli([*args, "--no-consent-card", "--reveal"])
    assert result.code == 0, result.err
    assert "The speed samples differ by 40%" in flat(result.err)
    assert SPREAD in flat(result.err)


def test_a_description_without_samples_prints_none() -> None:
    assert samples_text_in("test lock of 3000") == ""
    assert samples_text_in("about 3 days (rate 5/s, the fastest of 3 samples; they spread 0.0%).")
