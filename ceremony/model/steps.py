"""The ceremony script's acts and numbered steps, read from `templates/ceremony-steps.toml`.

One source for the screen and the paper: `ceremony run` announces "Step 4.2" exactly as the printed
ceremony script numbers it.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from functools import cache
from typing import Any

from ceremony.templates import read_template


@dataclass(frozen=True)
class Step:
    id: str
    who: str
    action: str
    check: str
    when: str = ""


@dataclass(frozen=True)
class Act:
    number: int
    title: str
    steps: tuple[Step, ...]


@cache
def ceremony_script() -> tuple[Act, ...]:
    """The ceremony's acts and steps as printed in the script, so the screen and the paper
    number them alike."""
    return script_from("ceremony-steps.toml")


@cache
def lifecycle_script() -> tuple[Act, ...]:
    """The script of a lifecycle ceremony (extend, replace, reprint, reshare)."""
    return script_from("lifecycle-steps.toml")


@cache
def _steps_file(template: str = "ceremony-steps.toml") -> dict[str, Any]:
    return tomllib.loads(read_template(template))


def script_from(template: str) -> tuple[Act, ...]:
    """The acts of one steps template (the ceremony or a lifecycle ceremony)."""
    data = _steps_file(template)
    return tuple(
        Act(
            number=int(act["number"]),
            title=str(act["title"]),
            steps=tuple(Step(**step) for step in act["steps"]),
        )
        for act in data["acts"]
    )


def applicable(conditions: set[str], script: tuple[Act, ...] | None = None) -> tuple[Act, ...]:
    """The script for one ceremony: steps whose `when` the plan does not ask for are left out
    (and acts left with no step)."""
    acts = (
        Act(
            act.number, act.title, tuple(s for s in act.steps if not s.when or s.when in conditions)
        )
        for act in (ceremony_script() if script is None else script)
    )
    return tuple(act for act in acts if act.steps or script is None)


def warning(name: str) -> str:
    """A warning the screen shows and the people confirm (`[warnings]` of the steps file)."""
    text = _steps_file().get("warnings", {}).get(name)
    if not isinstance(text, str):
        raise KeyError(name)
    return " ".join(text.split())


def step(step_id: str) -> Step:
    """One step by its id; an unknown id is a bug, so it raises KeyError."""
    for act in ceremony_script():
        for candidate in act.steps:
            if candidate.id == step_id:
                return candidate
    raise KeyError(step_id)
