"""`reshare`: the same wallet under a new scheme, the old set retired card by card, and the refusal
of non-extendable shares before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.errors import BadInput, Interrupted, Refused
from ceremony.model.steps import applicable, lifecycle_script
from ceremony.planfile.amendment import load_amendment
from ceremony.planfile.plan import load_plan
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.lifecycle import lifecycle_ceremony
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import assert_no_secret
from tests.helpers.lifecycle import (
    LIFECYCLE_PLAN,
    NEW_PLAN,
    LifecycleSpy,
    card,
    original_kit,
    record_of,
    tree_bytes,
    write_amendment,
)


@pytest.fixture(scope="module")
def first_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return original_kit(tmp_path_factory.mktemp("first"))


def _reshare(tmp_path: Path, kit: Path, shares: list[str], stop_at: str | None = None) -> Path:
    (tmp_path / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"), encoding="utf-8")
    path = write_amendment(tmp_path, kit, kind="reshare", plan="new-plan.toml", output="kit-3")
    out = tmp_path / "kit-3"
    lifecycle_ceremony(load_amendment(path), LifecycleSpy(shares, stop_at), out).run()
    return out


def _copy(kit: Path, tmp_path: Path) -> Path:
    target = tmp_path / "kit"
    shutil.copytree(kit, target)
    return target


def test_a_reshare_keeps_the_wallet_and_retires_every_old_card(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path)
    before = tree_bytes(kit)
    quorum = [card(kit, 1, 1), card(kit, 1, 2), card(kit, 2, 2), card(kit, 2, 1)]
    out = _reshare(tmp_path, kit, quorum)
    assert tree_bytes(kit) == before
    old, new = record_of(kit), record_of(out)
    assert new.identifier != old.identifier
    assert new.fingerprint == old.fingerprint
    assert [g.name for g in new.groups] == ["heirs", "lawyers", "trustees"]
    assert new.lineage is not None
    assert new.lineage.kind == "reshare"
    assert new.lineage.retired_identifier == old.identifier
    assert [c.holder for c in new.lineage.retired] == ["Ann", "Ben", "Cai", "Dee", "Eli"]
    assert {c.fate for c in new.lineage.retired} == {"destroyed"}
    events = [e.event for e in verify_transcript(out / "transcript.jsonl").entries]
    assert events.count("card_retired") == 5
    # the quorum stopped as soon as it was complete: the fifth old card was never asked for
    assert events.count("share_checked") == 4
    # same wallet: the reference implementation rebuilds the same master secret from the new set
    secret = shamir_mnemonic.combine_mnemonics(quorum)
    new_quorum = [card(out, 1, 2), card(out, 1, 3), card(out, 2, 1)]
    assert shamir_mnemonic.combine_mnemonics(new_quorum) == secret
    assert shamir_mnemonic.combine_mnemonics(new_quorum, b"other") == (
        shamir_mnemonic.combine_mnemonics(quorum, b"other")
    )
    words = [s.split() for s in [*quorum, *new_quorum]]
    for name in ("record.json", "transcript.jsonl"):
        assert_no_secret((out / name).read_text(encoding="utf-8"), words)


def test_a_reshare_of_non_extendable_shares_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.toml"
    plan.write_text(
        LIFECYCLE_PLAN.read_text().replace("extendable = true", "extendable = false"),
        encoding="utf-8",
    )
    kit = tmp_path / "kit"
    Ceremony(
        load_plan(plan), ScriptedOperator(accept_preflight_failures=True, quiet=True), kit
    ).run()
    (tmp_path / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"), encoding="utf-8")
    path = write_amendment(tmp_path, kit, kind="reshare", plan="new-plan.toml", output="kit-3")
    with pytest.raises(Refused, match="without the extendable-backup flag") as caught:
        lifecycle_ceremony(load_amendment(path), LifecycleSpy([]), tmp_path / "kit-3")
    assert "ceremony run" in caught.value.hint
    assert not (tmp_path / "kit-3").exists()


def test_a_new_plan_that_does_not_fit_is_refused(tmp_path: Path, first_kit: Path) -> None:
    (tmp_path / "new-plan.toml").write_text(NEW_PLAN.format(extendable="false"), encoding="utf-8")
    path = write_amendment(tmp_path, first_kit, kind="reshare", plan="new-plan.toml")
    with pytest.raises(BadInput, match="does not fit") as caught:
        lifecycle_ceremony(load_amendment(path), LifecycleSpy([]), tmp_path / "kit-3")
    assert "extendable = true" in caught.value.hint


STEPS = [s.id for act in applicable({"reshare"}, lifecycle_script()) for s in act.steps]


@pytest.mark.parametrize("step", STEPS[:-1])
def test_ctrl_c_at_each_step_of_a_reshare(tmp_path: Path, first_kit: Path, step: str) -> None:
    kit = _copy(first_kit, tmp_path)
    before = tree_bytes(kit)
    quorum = [card(kit, 1, 1), card(kit, 1, 2), card(kit, 2, 2), card(kit, 2, 1)]
    with pytest.raises(Interrupted):
        _reshare(tmp_path, kit, quorum, stop_at=step)
    assert tree_bytes(kit) == before
    out = tmp_path / "kit-3"
    out = out.with_name(out.name + ".aborted-1")  # an aborted run is moved aside first
    assert [p.name for p in out.iterdir()] == ["transcript.jsonl"]
    assert verify_transcript(out / "transcript.jsonl").aborted
