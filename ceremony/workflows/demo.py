"""`ceremony demo`: the whole mission on a built-in plan with a throw-away secret.

It runs the real ceremony in scriptable mode (every page marked DEMO), then recovers from a quorum
and checks the result against the record, exactly as a real recovery must.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec
from ceremony.model.share import Share
from ceremony.planfile.plan import parse_plan
from ceremony.templates import template_path
from ceremony.workflows.ceremony import Ceremony, Operator, Outcome
from ceremony.workflows.lifecycle.base import LifecycleOperator

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
    """Run the built-in DEMO plan as a full ceremony; the assertion keeps a real plan from ever
    running here."""
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


DEMO_NEW_HOLDER = "Hana DEMO-Newholder"


def extension_directory(kit: Path) -> Path:
    """The DEMO extension kit sits next to the DEMO kit, so the original kit is never written
    over."""
    return kit.with_name(f"{kit.name}-extend")


def write_demo_amendment(kit: Path, record: Record) -> Path:
    """An amendment that extends the first group with a threshold of 2 or more by one holder."""
    import hashlib
    import json

    group = demo_extension_group(record)
    roles = record.roles
    sha = hashlib.sha256((kit / "record.json").read_bytes()).hexdigest()
    witnesses = ", ".join(json.dumps(str(w)) for w in roles.get("witnesses", []))
    text = (
        "# DEMO plan amendment: one more holder for a group, after the recovery\n"
        "[amendment]\n"
        'kind = "extend"\n'
        f'name = "DEMO: a new holder for group {group.name}"\n'
        "demo = true\n"
        "[predecessor]\n"
        f'record_sha256 = "{sha}"\n'
        f"kit = {json.dumps(kit.name)}\n"
        "[group]\n"
        f'name = "{group.name}"\n'
        f'holders = [ {{ name = "{DEMO_NEW_HOLDER}", contact = "hana@example.org" }} ]\n'
        "[roles]\n"
        f"administrator = {json.dumps(str(roles.get('administrator') or 'DEMO administrator'))}\n"
        f"witnesses = [{witnesses}]\n"
        "[output]\n"
        f"directory = {json.dumps(extension_directory(kit).name)}\n"
    )
    path = kit.with_name(f"{kit.name}-extend.toml")
    path.write_text(text, encoding="utf-8")
    return path


def demo_extension_group(record: Record) -> GroupSpec:
    """The first group with a threshold of two or more, so extending it needs more than one
    holder."""
    return next(g for g in record.groups if g.threshold >= 2)


def extension_shares(record: Record, shares: list[Share]) -> list[Share]:
    """The first `threshold` shares of the group extended, as its holders would bring them."""
    group = demo_extension_group(record)
    index = record.group_names().index(group.name)
    return [s for s in shares if s.group_index == index][: group.threshold]


def run_demo_extension(kit: Path, record: Record, operator: LifecycleOperator) -> Outcome:
    """Extend one group of the DEMO kit as its own witnessed ceremony, chained to the kit."""
    from ceremony.planfile.amendment import load_amendment
    from ceremony.workflows.lifecycle import lifecycle_ceremony

    amendment = load_amendment(write_demo_amendment(kit, record))
    return lifecycle_ceremony(amendment, operator, extension_directory(kit)).run()
