"""The chain of records: a first ceremony, an extension, a reshare; `ceremony audit --chain`
follows it, reports the history (table, JSON, PDF), fails on a broken link, and shows from the
custody log when each share was last seen. Reprint writes the same words and logs it."""

from __future__ import annotations

import json
import os
import stat
from pathlib import Path

import pytest

from ceremony.errors import ExitCode
from ceremony.planfile.amendment import load_amendment
from ceremony.workflows.lifecycle import lifecycle_ceremony
from ceremony.workflows.lifecycle.custody import read_sightings
from tests.helpers.ceremony import card_words, pdf_text
from tests.helpers.cli import run_cli
from tests.helpers.lifecycle import (
    NEW_PLAN,
    LifecycleSpy,
    card,
    original_kit,
    record_of,
    write_amendment,
)


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """kits/kit (first), kits/kit-2 (family extended), kits/kit-3 (reshared from kit-2)."""
    folder = tmp_path_factory.mktemp("kits")
    first = original_kit(folder)
    path = write_amendment(folder, first)
    shares = [card(first, 1, 1), card(first, 1, 2)]
    lifecycle_ceremony(load_amendment(path), LifecycleSpy(shares), folder / "kit-2").run()
    (folder / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"), encoding="utf-8")
    path = write_amendment(
        folder,
        folder / "kit-2",
        kind="reshare",
        plan="new-plan.toml",
        output="kit-3",
        name="reshare.toml",
    )
    quorum = [card(folder / "kit-2", 1, 4), card(first, 1, 3), card(first, 2, 1), card(first, 2, 2)]
    lifecycle_ceremony(load_amendment(path), LifecycleSpy(quorum), folder / "kit-3").run()
    return folder


def test_audit_follows_the_chain_to_the_first_ceremony(kits: Path, tmp_path: Path) -> None:
    pdf = tmp_path / "audit.pdf"
    result = run_cli(
        ["audit", str(kits / "kit-3"), "--chain", str(kits), "--json", "--pdf", str(pdf)]
    )
    assert result.code == 0, result.out + result.err
    report = json.loads(result.out)
    failed = [c for c in report["checks"] if c["status"] == "fail"]
    assert not failed
    history = report["chain"]["history"]
    assert [row["kind"] for row in history] == ["ceremony", "extend", "reshare"]
    assert [row["status"] for row in history] == ["superseded", "retired", "current"]
    assert "group family: new member(s) 4" in history[1]["change"]
    assert "6 card(s) destroyed, 0 not returned" in history[2]["change"]
    names = {c["name"] for c in report["checks"]}
    assert {"lifecycle.opening", "lifecycle.shares", "history.1", "history.3"} <= names
    text = pdf_text(pdf)
    assert "history.2" in text
    assert "extend" in text


def test_the_history_table_in_text(kits: Path) -> None:
    result = run_cli(["audit", str(kits / "kit-3"), "--chain", str(kits)])
    assert result.code == 0, result.out + result.err
    for line in ("history.1", "history.2", "history.3", "last seen", "not seen since issue"):
        assert line in result.out


def test_a_lifecycle_kit_alone_says_the_chain_was_not_followed(kits: Path) -> None:
    result = run_cli(["audit", str(kits / "kit-2"), "--json"])
    report = json.loads(result.out)
    chain = next(c for c in report["checks"] if c["name"] == "chain")
    assert chain["status"] == "skipped"
    assert "--chain" in chain["detail"]


def test_a_missing_predecessor_fails_the_link(kits: Path, tmp_path: Path) -> None:
    result = run_cli(["audit", str(kits / "kit-3"), "--chain", str(kits / "kit"), "--json"])
    assert result.code == ExitCode.NOT_VERIFIED
    report = json.loads(result.out)
    failed = [c["name"] for c in report["checks"] if c["status"] == "fail"]
    assert any(name.endswith(".link") for name in failed)


def test_a_tampered_predecessor_record_breaks_the_chain(kits: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "kits"
    shutil.copytree(kits, copy)
    path = copy / "kit-2" / "record.json"
    path.write_text(path.read_text().replace('"Ann"', '"Anne"'), encoding="utf-8")
    result = run_cli(["audit", str(copy / "kit-3"), "--chain", str(copy), "--json"])
    assert result.code == ExitCode.NOT_VERIFIED
    report = json.loads(result.out)
    failed = [c["name"] for c in report["checks"] if c["status"] == "fail"]
    assert any(name.endswith(".link") for name in failed)


def test_check_share_appends_to_the_custody_log_and_the_audit_shows_it(
    kits: Path, tmp_path: Path
) -> None:
    import shutil

    copy = tmp_path / "kits"
    shutil.copytree(kits, copy)
    log = copy / "kit-3" / "custody.jsonl"
    share = tmp_path / "share.txt"
    share.write_text(card(copy / "kit-3", 1, 1) + "\n", encoding="utf-8")
    for _ in range(2):
        result = run_cli(
            ["check-share", "--record", str(copy / "kit-3"), str(share), "--log", str(log)]
        )
        assert result.code == 0, result.err
    sightings = read_sightings(log)
    assert [s.holder for s in sightings] == ["Gus", "Gus"]
    text = log.read_text(encoding="utf-8")
    assert " ".join(card(copy / "kit-3", 1, 1).split()[4:7]) not in text
    report = json.loads(run_cli(["audit", str(copy / "kit-3"), "--chain", str(copy), "--json"]).out)
    seen = {row["holder"]: row for row in report["chain"]["last_seen"]}
    assert seen["Gus"]["how"] == "checked"
    assert seen["Gus"]["seen"] == sightings[-1].clock_untrusted
    assert seen["Hal"]["how"] == "not seen since issue"


def test_reprint_writes_the_same_words_and_logs_it(kits: Path, tmp_path: Path) -> None:
    worn = card(kits / "kit-3", 3, 2)
    share = tmp_path / "share.txt"
    share.write_text(worn + "\n", encoding="utf-8")
    out, log = tmp_path / "new-card.pdf", tmp_path / "custody.jsonl"
    result = run_cli(
        [
            "reprint",
            "--record",
            str(kits / "kit-3"),
            "--out",
            str(out),
            "--log",
            str(log),
            str(share),
        ]
    )
    assert result.code == 0, result.err
    assert "issued to Lou" in result.out
    assert " ".join(card_words(out)) == worn
    assert stat.S_IMODE(os.stat(out).st_mode) == 0o600
    [sighting] = read_sightings(log)
    assert (sighting.event, sighting.holder) == ("card_reprinted", "Lou")


def test_reprint_refuses_a_share_of_another_record(kits: Path, tmp_path: Path) -> None:
    share = tmp_path / "share.txt"
    share.write_text(card(kits / "kit", 1, 1) + "\n", encoding="utf-8")
    out = tmp_path / "new-card.pdf"
    result = run_cli(["reprint", "--record", str(kits / "kit-3"), "--out", str(out), str(share)])
    assert result.code == ExitCode.NOT_VERIFIED
    assert "another backup" in result.err
    assert not out.exists()
    assert not (kits / "kit-3" / "custody.jsonl").exists()
    assert record_of(kits / "kit-3").lineage is not None
