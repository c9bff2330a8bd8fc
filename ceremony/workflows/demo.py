"""`ceremony demo`: the whole mission on a built-in plan with a throw-away secret.

It runs the real ceremony in scriptable mode (every page marked DEMO), then recovers from a quorum
and checks the result against the record, exactly as a real recovery must.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ceremony.model.plan import parse_plan
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.templates import template_path
from ceremony.workflows.ceremony import Ceremony, Operator, Outcome

DEMO_PLAN = "demo-plan.toml"


def demo_directory(base: Path) -> Path:
    """A fresh `demo-kit`, `demo-kit-2`, ... in `base`."""
    candidate = base / "demo-kit"
    number = 2
    while candidate.exists():
        candidate = base / f"demo-kit-{number}"
        number += 1
    return candidate


@dataclass(frozen=True)
class DemoCeremony:
    outcome: Outcome
    plan_path: Path


def run_demo_ceremony(operator: Operator, directory: Path) -> DemoCeremony:
    path = template_path(DEMO_PLAN)
    plan = parse_plan(path.read_bytes(), source=DEMO_PLAN)
    assert plan.demo, "the built-in plan must be a DEMO plan"
    outcome = Ceremony(plan, operator, directory).run()
    return DemoCeremony(outcome, path)


def quorum(record: Record, shares: list[Share]) -> list[Share]:
    """The smallest set of groups the record needs, each with just its threshold of shares."""
    chosen: list[Share] = []
    groups = sorted(record.groups, key=lambda g: g.threshold)[: record.group_threshold]
    names = {g.name for g in groups}
    for entry, share in zip(record.shares, shares, strict=True):
        group = record.groups[entry.group_number - 1]
        taken = sum(1 for s in chosen if s.group_index == share.group_index)
        if entry.group in names and taken < group.threshold:
            chosen.append(share)
    return chosen
