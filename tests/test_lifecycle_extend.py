"""`extend` and `replace` as workflows: the amended kit, the chain to the predecessor, recovery of
old and new shares together from the printed cards, and every refusal before anything is written."""

from __future__ import annotations

import json
import os
import shlex
import stat
import subprocess
import sys
from pathlib import Path

import pytest
import shamir_mnemonic

from ceremony.errors import BadInput, CeremonyError, Interrupted, NotVerified, Refused
from ceremony.model.steps import applicable, lifecycle_script
from ceremony.planfile.amendment import load_amendment
from ceremony.workflows.lifecycle import lifecycle_ceremony
from ceremony.workflows.runbooks import recover_command
from ceremony.workflows.transcript import verify_transcript
from tests.helpers.ceremony import assert_no_secret
from tests.helpers.lifecycle import (
    LifecycleSpy,
    card,
    original_kit,
    record_of,
    record_sha,
    tree_bytes,
    write_amendment,
)


@pytest.fixture(scope="module")
def first_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return original_kit(tmp_path_factory.mktemp("first"))


def _copy(kit: Path, tmp_path: Path) -> Path:
    import shutil

    target = tmp_path / "kit"
    shutil.copytree(kit, target)
    return target


def extend(
    tmp_path: Path, kit: Path, shares: list[str], stop_at: str | None = None, **amend: str
) -> Path:
    path = write_amendment(tmp_path, kit, **amend)
    spy = LifecycleSpy(shares, stop_at)
    out = tmp_path / "kit-2"
    lifecycle_ceremony(load_amendment(path), spy, out).run()
    return out


def test_extend_writes_an_amended_kit_chained_to_its_predecessor(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path)
    before = tree_bytes(kit)
    out = extend(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 3)])
    assert tree_bytes(kit) == before  # the predecessor kit is untouched
    names = sorted(p.relative_to(out).as_posix() for p in out.rglob("*") if p.is_file())
    assert any(n.startswith("attest/") for n in names)  # what witnesses sign, as at `run`
    assert [n for n in names if not n.startswith(("runbooks/", "attest/"))] == [
        "holders/01-04-fay.pdf",
        "record.json",
        "record.pdf",
        "recover.py",
        "transcript.jsonl",
    ]
    assert stat.S_IMODE(os.stat(out / "holders" / "01-04-fay.pdf").st_mode) == 0o600
    old, new = record_of(kit), record_of(out)
    assert new.identifier == old.identifier
    assert (new.fingerprint, new.commitment) == (old.fingerprint, old.commitment)
    assert [g.count for g in new.groups] == [4, 2]
    assert new.lineage is not None
    assert new.lineage.kind == "extend"
    assert new.lineage.predecessor_record_sha256 == record_sha(kit)
    assert new.lineage.predecessor_transcript_head == old.transcript_head
    assert new.lineage.origin_ceremony_id == old.ceremony_id
    assert new.lineage.new_members == (4,)
    summary = verify_transcript(out / "transcript.jsonl", expected_head=new.transcript_head)
    assert summary.closed
    opened = summary.entries[0].data
    assert opened["predecessor_record_sha256"] == record_sha(kit)
    assert opened["predecessor_transcript_head"] == old.transcript_head
    # the two old cards brought went back into new bags; the new card into its own
    serials = {e.holder: e.bag_serial for e in new.shares}
    assert serials["Fay"] == "NEW-003"
    assert serials["Ann"] == "NEW-001"


def test_new_and_old_cards_recover_together(tmp_path: Path, first_kit: Path) -> None:
    kit = _copy(first_kit, tmp_path)
    out = extend(tmp_path, kit, [card(kit, 1, 2), card(kit, 1, 3)])
    fay = card(out, 1, 4)
    # the reference implementation, the new card with an old one of the group and a board quorum
    mix = [fay, card(kit, 1, 1), card(kit, 2, 1), card(kit, 2, 2)]
    secret = shamir_mnemonic.combine_mnemonics(mix)
    assert secret == shamir_mnemonic.combine_mnemonics(
        [card(kit, 1, 1), card(kit, 1, 2), card(kit, 2, 1), card(kit, 2, 2)]
    )
    # the new kit's own recover.py, run as the amended recovery script prints it
    (out / "shares.txt").write_text("\n".join(mix) + "\n", encoding="utf-8")
    command = shlex.split(recover_command(record_of(out)))
    assert command[:2] == ["python3", "recover.py"]
    result = subprocess.run(
        [sys.executable, "-I", *command[1:]],
        cwd=out,
        env={},
        input="\n",
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert secret.hex() in result.stdout
    assert record_of(out).fingerprint in result.stdout
    # and check-share knows the new card from the amended record
    from tests.helpers.cli import run_cli

    (tmp_path / "fay.txt").write_text(fay + "\n", encoding="utf-8")
    checked = run_cli(["check-share", "--record", str(out), str(tmp_path / "fay.txt")])
    assert "issued to Fay" in checked.out


def test_public_outputs_of_an_extension_hold_no_secret(tmp_path: Path, first_kit: Path) -> None:
    kit = _copy(first_kit, tmp_path)
    typed = [card(kit, 1, 1), card(kit, 1, 2)]
    out = extend(tmp_path, kit, typed)
    words = [s.split() for s in [*typed, card(out, 1, 4)]]
    for name in ("record.json", "transcript.jsonl", "recover.py"):
        assert_no_secret((out / name).read_text(encoding="utf-8"), words)


def test_replace_records_the_lost_card(tmp_path: Path, first_kit: Path) -> None:
    kit = _copy(first_kit, tmp_path)
    out = extend(
        tmp_path,
        kit,
        [card(kit, 1, 1), card(kit, 1, 3)],
        kind="replace",
        holders='[ { name = "Ben (new card)" } ]',
        lost="[2]",
    )
    record = record_of(out)
    assert record.lineage is not None
    assert record.lineage.kind == "replace"
    assert record.lineage.lost == (2,)
    events = [e.event for e in verify_transcript(out / "transcript.jsonl").entries]
    assert "lost_reported" in events
    # the lost card still works if found: say so, and it is true
    lost = card(kit, 1, 2)
    assert shamir_mnemonic.combine_mnemonics(
        [lost, card(out, 1, 4), card(kit, 2, 1), card(kit, 2, 2)]
    )


def _refused(
    tmp_path: Path, kit: Path, error: type[CeremonyError], match: str, **amend: str
) -> None:
    path = write_amendment(tmp_path, kit, **amend)
    out = tmp_path / "kit-2"
    with pytest.raises(error, match=match):
        lifecycle_ceremony(load_amendment(path), LifecycleSpy([]), out).run()
    assert not out.exists()  # refused before anything was written


def test_an_amendment_for_another_record_is_refused(tmp_path: Path, first_kit: Path) -> None:
    _refused(tmp_path, first_kit, NotVerified, "for another record", sha="ab" * 32)


def test_a_member_index_already_used_is_refused(tmp_path: Path, first_kit: Path) -> None:
    _refused(
        tmp_path,
        first_kit,
        BadInput,
        "member 2 of group family is already used",
        holders='[ { name = "Fay", member = 2 } ]',
    )


def test_a_seventeenth_member_is_refused(tmp_path: Path, first_kit: Path) -> None:
    holders = "[" + ", ".join(f'{{ name = "N{i}" }}' for i in range(14)) + "]"
    _refused(tmp_path, first_kit, BadInput, "would make 17", holders=holders)


def test_an_unknown_group_is_refused(tmp_path: Path, first_kit: Path) -> None:
    _refused(tmp_path, first_kit, BadInput, "no group named 'friends'", group="friends")


def test_an_amendment_that_leaves_a_group_unrecoverable_is_refused(
    tmp_path: Path, first_kit: Path
) -> None:
    _refused(
        tmp_path,
        first_kit,
        Refused,
        "could not be recovered",
        kind="replace",
        group="board",
        holders='[ { name = "Dee again" } ]',
        lost="[1, 2]",
    )


def test_shares_below_threshold_or_of_another_group_stop_the_ceremony(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path)
    with pytest.raises(BadInput, match="no share for holder 2"):
        extend(tmp_path, kit, [card(kit, 1, 1)])
    assert {p.name for p in (tmp_path / "kit-2.aborted-1").iterdir()} == {"transcript.jsonl"}
    with pytest.raises(BadInput, match="of group board, not family"):
        extend(tmp_path, kit, [card(kit, 1, 1), card(kit, 2, 1)])
    other = original_kit(tmp_path, "other")
    with pytest.raises(NotVerified, match="another backup"):
        extend(tmp_path, kit, [card(kit, 1, 1), card(other, 1, 2)])
    with pytest.raises(BadInput, match="already typed"):
        extend(tmp_path, kit, [card(kit, 1, 1), card(kit, 1, 1)])


STEPS = [s.id for act in applicable({"group", "replace"}, lifecycle_script()) for s in act.steps]


@pytest.mark.parametrize("step", STEPS)
def test_ctrl_c_at_each_step_keeps_nothing_secret_and_leaves_the_predecessor(
    tmp_path: Path, first_kit: Path, step: str
) -> None:
    kit = _copy(first_kit, tmp_path)
    before = tree_bytes(kit)
    typed = [card(kit, 1, 1), card(kit, 1, 3)]
    amend = {"kind": "replace", "lost": "[2]", "holders": '[ { name = "Ben again" } ]'}
    with pytest.raises(Interrupted):
        extend(tmp_path, kit, typed, stop_at=step, **amend)
    out = tmp_path / "kit-2"
    assert tree_bytes(kit) == before
    if step == "8.2":  # after closing, the kit is final: nothing is removed
        assert verify_transcript(out / "transcript.jsonl").closed
        assert (out / "holders" / "01-04-ben-again.pdf").exists()
        return
    out = out.with_name(out.name + ".aborted-1")  # an aborted run is moved aside first
    assert [p.name for p in out.iterdir()] == ["transcript.jsonl"]
    summary = verify_transcript(out / "transcript.jsonl")
    assert summary.aborted
    assert summary.entries[-1].step == step
    text = (out / "transcript.jsonl").read_text(encoding="utf-8")
    assert_no_secret(text, [t.split() for t in typed])
    assert json.loads(text.splitlines()[0])["data"]["lifecycle"] == "replace"


def test_a_predecessor_whose_transcript_was_changed_is_refused(
    tmp_path: Path, first_kit: Path
) -> None:
    kit = _copy(first_kit, tmp_path)
    path = kit / "transcript.jsonl"
    lines = path.read_bytes().splitlines(keepends=True)
    path.write_bytes(b"".join(lines[:-1]))  # the closing entry removed
    _refused(tmp_path, kit, NotVerified, "predecessor's transcript does not check")
