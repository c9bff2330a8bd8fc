"""Lifecycle ceremonies: extend a group, replace a lost card, reshare under a new scheme (each a
witnessed ceremony chained to its predecessor), reprint a worn card, and the custody log."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from ceremony.errors import BadInput
from ceremony.model.amendment import Amendment, AmendmentKind
from ceremony.planfile.amendment import load_amendment
from ceremony.workflows.ceremony import Outcome
from ceremony.workflows.lifecycle.base import LifecycleOperator, LifecycleRun
from ceremony.workflows.lifecycle.predecessor import load_predecessor
from ceremony.workflows.preflight import Check

__all__ = ["LifecycleOperator", "lifecycle_ceremony", "load_for"]


def load_for(path: Path, *, reshare: bool) -> Amendment:
    """The amendment, refused when it asks for the other command."""
    amendment = load_amendment(path)
    if reshare and amendment.kind is not AmendmentKind.RESHARE:
        raise BadInput(
            f"{path} asks for kind = {amendment.kind.value!r}, not a reshare",
            f"run `ceremony extend {path}`",
        )
    if not reshare and amendment.kind is AmendmentKind.RESHARE:
        raise BadInput(f"{path} asks for a reshare", f"run `ceremony reshare {path}`")
    return amendment


def lifecycle_ceremony(
    amendment: Amendment,
    operator: LifecycleOperator,
    directory: Path,
    *,
    preflight: Callable[[Path], Sequence[Check]] | None = None,
) -> LifecycleRun:
    """The ceremony the amendment asks for, checked against its predecessor (nothing written)."""
    predecessor = load_predecessor(amendment.predecessor_kit, amendment.record_sha256)
    if amendment.kind is AmendmentKind.RESHARE:
        from ceremony.workflows.lifecycle.reshare import ReshareCeremony

        return ReshareCeremony(amendment, predecessor, operator, directory, preflight=preflight)
    from ceremony.workflows.lifecycle.group import GroupCeremony

    return GroupCeremony(amendment, predecessor, operator, directory, preflight=preflight)


def run_lifecycle(amendment: Amendment, operator: LifecycleOperator, directory: Path) -> Outcome:
    """Run the ceremony that fits the amendment (extend, replace or reshare) as its own witnessed
    ceremony."""
    return lifecycle_ceremony(amendment, operator, directory).run()
