"""The time-lock mode is one enum end to end (issue 14): every member is handled wherever the mode
decides something (a branch that forgot one is a type error, `assert_never`), the JSON spelling in
the files is unchanged, and a mode that is neither is refused when a record is read."""

from __future__ import annotations

import json
from dataclasses import asdict

import pytest

from ceremony.errors import BadInput
from ceremony.model.plan import RecoveryMode
from ceremony.model.record import Record, TimeLockInfo
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.workflows.timelock_policy import calibrate, one_sample


@pytest.mark.parametrize("mode", list(TimeLockMode), ids=str)
def test_every_mode_is_calibrated_in_its_own_words(mode: TimeLockMode) -> None:
    info = calibrate(mode, 60, 10.0, measure=lambda: 1000.0, measure_standalone=lambda: 100.0)
    assert info.mode is mode
    assert mode.work_unit in info.description
    assert callable(one_sample(mode))
    assert (info.standalone_seconds > 0) is (mode is TimeLockMode.SEALED)


@pytest.mark.parametrize("mode", list(TimeLockMode), ids=str)
def test_every_mode_has_a_name_on_paper(mode: TimeLockMode) -> None:
    assert mode.delay_name in ("evidenced delay", "sealed time lock")
    assert RecoveryMode(mode.value).lock is mode


def test_no_recovery_mode_asks_for_no_lock() -> None:
    assert RecoveryMode.NONE.lock is None
    assert {m.lock for m in RecoveryMode} == {*TimeLockMode, None}


def test_the_json_spelling_is_the_string_it_always_was() -> None:
    info = calibrate(TimeLockMode.SEALED, 60, 10.0, measure=lambda: 1000.0)
    assert json.dumps(asdict(info)["mode"]) == '"sealed"'
    assert TimeLockInfo(**{**asdict(info), "mode": "sealed"}).mode is TimeLockMode.SEALED


def test_a_record_with_an_unknown_mode_is_refused_when_read() -> None:
    from tests.helpers.runbooks import demo_record

    data = json.loads(demo_record(mode="sealed").to_json())
    assert data["timelock"]["mode"] == "sealed"
    assert Record.from_json(json.dumps(data)).timelock is not None
    data["timelock"]["mode"] = "fast"
    with pytest.raises(BadInput) as info:
        Record.from_json(json.dumps(data))
    assert "timelock.mode" in info.value.message
    assert "'evidenced', 'sealed'" in info.value.message
