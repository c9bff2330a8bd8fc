"""`combine --record`: the result compared with the record, and the honest warning that combining
skips an evidenced delay (issue 16, item 4)."""

from __future__ import annotations

from pathlib import Path

from ceremony.model.share import Share
from tests.helpers import kits
from tests.helpers.cli import run_cli

demo_made = kits.demo_made
small_kit = kits.small_kit


def test_combine_on_a_time_locked_record_warns_and_names_the_session_path(
    demo_made: tuple[Path, list[Share]], tmp_path: Path
) -> None:
    from ceremony.workflows.demo import quorum

    kit, shares = demo_made
    path = tmp_path / "shares.txt"
    path.write_text("".join(s.mnemonic() + "\n" for s in quorum(kits.read_record(kit), shares)))
    record = str(kit / "record.json")
    result = run_cli(["combine", str(path), "--record", record])
    assert result.code == 0, result.err
    assert result.err.startswith(
        "warning: this record sets an evidenced delay (3000 VDF iterations after a notice); "
        "combining here skips it and leaves no notice and no evidence. The agreed recovery is "
        f"`ceremony recover start --record {record}`"
    )
    assert "this IS the recorded secret: fingerprint and commitment match the record" in result.err
    # run what it prints: the session path it names exists and starts a session
    started = run_cli(["recover", "start", "--record", record, "--requester", "R", "--reason", "x"])
    assert started.code == 0, started.err
    without = run_cli(["combine", str(path)])
    assert "warning" not in without.err


def test_combine_without_a_time_lock_only_compares(small_kit: Path, tmp_path: Path) -> None:
    from ceremony.workflows.demo import quorum

    shares = kits.make_kit(tmp_path / "kit", seed=b"another kit")
    path = tmp_path / "shares.txt"
    record = kits.read_record(tmp_path / "kit")
    path.write_text("".join(s.mnemonic() + "\n" for s in quorum(record, shares)))
    result = run_cli(["combine", str(path), "--record", str(tmp_path / "kit")])
    assert result.code == 0, result.err
    assert "warning" not in result.err
    assert "this IS the recorded secret" in result.err
    other = run_cli(["combine", str(path), "--record", str(small_kit / "record.json")])
    assert "this is NOT the recorded secret" in other.err


def test_recover_start_help_says_what_the_delay_stops_and_what_it_does_not() -> None:
    result = run_cli(["recover", "start", "--help"])
    assert result.code == 0
    text = " ".join(result.out.replace("│", " ").split())
    assert "a recovery through these sessions takes the work and leaves evidence" in text
    assert "What it does not stop: a quorum that runs `ceremony combine`" in text
    assert "any SLIP-39 wallet" in text
    assert 'use the sealed mode (mode = "sealed" in the plan)' in text
