"""`ceremony audit` end to end: the table, --json, exit codes, --pdf, and --share-file, which must
never echo a share it is shown."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from ceremony.model.share import Share
from tests.helpers import kits
from tests.helpers.audit import edit_record, paper_anchors, record_t_lowered
from tests.helpers.ceremony import assert_no_secret, pdf_text
from tests.helpers.cli import run_cli
from tests.helpers.kits import DEMO_PLAN

# Fixtures shared with the other audit tests (tests/helpers/kits.py builds the kits).
demo_kit = kits.demo_kit
demo_made = kits.demo_made
small_kit = kits.small_kit


def test_an_untouched_kit_prints_a_table_and_exits_0(
    demo_made: tuple[Path, list[Share]],
) -> None:
    result = run_cli(["audit", str(demo_made[0]), "--plan", str(DEMO_PLAN)])
    assert result.code == 0, result.err
    assert result.err == ""
    lines = result.out.splitlines()
    assert lines[0].startswith("audit of ")
    assert lines[0].endswith(")")
    assert "DEMO Example Co treasury" in lines[0]
    assert any(line.split()[:2] == ["pass", "transcript.chain"] for line in lines)
    assert any(line.split()[:2] == ["pass", "files.holders/02-02-emile-zoe.pdf"] for line in lines)
    assert lines[-1].startswith("consistent but unanchored: ")
    assert "0 failed" in lines[-1]
    assert lines[-1].endswith(
        "nothing outside the files was compared: a forger who rewrites every public file "
        "consistently passes too"
    )
    assert "unanchored: the ceremony transcript's head" in lines
    assert not any("all checks passed" in line for line in lines)


def test_the_paper_words_anchor_the_audit(demo_made: tuple[Path, list[Share]]) -> None:
    anchors = paper_anchors(demo_made[0])
    assert anchors.head_words is not None
    args = ["audit", str(demo_made[0]), "--head-words", anchors.head_words]
    for words in anchors.notice_words:
        args += ["--notice-words", words]
    for words in anchors.session_words:
        args += ["--session-words", words]
    result = run_cli(args)
    assert result.code == 0, result.err
    lines = result.out.splitlines()
    assert lines[-1].startswith("anchored: ")
    assert not any(line.startswith("unanchored: ") for line in lines)
    assert any(line.split()[:2] == ["pass", "anchor.head-words"] for line in lines)
    data = json.loads(run_cli([*args, "--json"]).out)
    assert data["verdict"] == "anchored"
    assert data["anchored"] is True
    assert data["unanchored"] == []


def test_wrong_head_words_fail_and_bad_words_are_bad_input(
    demo_made: tuple[Path, list[Share]],
) -> None:
    other = "abandon " * 11 + "about"
    result = run_cli(["audit", str(demo_made[0]), "--head-words", other])
    assert result.code == 4
    assert any(
        line.split()[:2] == ["fail", "anchor.head-words"] for line in result.out.splitlines()
    )
    bad = run_cli(["audit", str(demo_made[0]), "--head-words", "abandon zzzz"])
    assert bad.code == 3
    assert bad.err.startswith("error: the head words: 2 words given, 12 expected\nhint: ")


def test_json_report(demo_made: tuple[Path, list[Share]]) -> None:
    result = run_cli(["audit", str(demo_made[0]), "--json"])
    assert result.code == 0, result.err
    data = json.loads(result.out)
    assert data["format"] == "ceremony-audit/v1"
    assert data["passed"] is True
    assert data["counts"]["fail"] == 0
    checks = {c["name"]: c for c in data["checks"]}
    assert checks["plan.hash"] == {
        "name": "plan.hash",
        "status": "skipped",
        "detail": "no plan given",
    }
    assert data["kit"] == str(demo_made[0].absolute())


def test_a_failed_check_exits_4_and_names_the_first_failure(demo_kit: Path) -> None:
    record_t_lowered(demo_kit, demo_kit)
    result = run_cli(["audit", str(demo_kit)])
    assert result.code == 4
    assert any(line.split()[:2] == ["fail", "record.timelock"] for line in result.out.splitlines())
    assert result.out.splitlines()[-1].startswith("AUDIT FAILED: ")
    assert result.err.startswith("error: 6 of ")
    assert "audit checks failed, the first record.timelock" in result.err
    assert "\nhint: " in result.err
    as_json = run_cli(["audit", str(demo_kit), "--json"])
    assert as_json.code == 4
    assert json.loads(as_json.out)["passed"] is False


def test_names_from_the_kit_are_printed_literally(demo_kit: Path) -> None:
    edit_record(demo_kit, lambda r: r["shares"][0].update(holder="[bold]Mallory[/bold]"))
    result = run_cli(["audit", str(demo_kit)])
    assert result.code == 4
    assert '"[bold]Mallory[/bold]"' in result.out


def test_a_missing_kit_is_bad_input(tmp_path: Path) -> None:
    result = run_cli(["audit", str(tmp_path / "nowhere")])
    assert result.code == 3
    assert "does not exist" in result.err


def test_pdf_report_is_written_and_not_overwritten_without_force(
    small_kit: Path, tmp_path: Path
) -> None:
    out = tmp_path / "audit.pdf"
    first = run_cli(["audit", str(small_kit), "--pdf", str(out)])
    assert first.code == 0, first.err
    assert f"audit report written to {out}" in first.err
    text = pdf_text(out)
    assert "Audit report" in text
    assert "transcript.chain" in text
    assert "Consistent but unanchored" in text
    again = run_cli(["audit", str(small_kit), "--pdf", str(out)])
    assert again.code == 5
    assert "already exists" in again.err
    forced = run_cli(["audit", str(small_kit), "--pdf", str(out), "--force"])
    assert forced.code == 0


def test_a_genuine_share_passes_and_is_never_shown(
    demo_made: tuple[Path, list[Share]], tmp_path: Path
) -> None:
    kit, shares = demo_made
    shown = tmp_path / "shown.txt"
    shown.write_text(f"# shown by Bob\n{shares[1].mnemonic()}\n")
    out = tmp_path / "audit.pdf"
    result = run_cli(["audit", str(kit), "--share-file", str(shown), "--json", "--pdf", str(out)])
    assert result.code == 0, result.err
    checks = {c["name"]: c for c in json.loads(result.out)["checks"]}
    line = checks["share-file.line-2"]
    assert line["status"] == "pass"
    assert "the share issued to Bob Łukasz (treasury, share 2 of 3" in line["detail"]
    words = [list(s.words) for s in shares]
    assert_no_secret(result.out + result.err + pdf_text(out), words)
    table = run_cli(["audit", str(kit), "--share-file", str(shown)])
    assert table.code == 0
    assert_no_secret(table.out + table.err, words)


def altered(share: Share, position: int) -> str:
    """The share with one word replaced by another SLIP-39 word."""
    from ceremony.core.slip39 import wordlist

    words = list(share.words)
    replacement = wordlist()[(wordlist().index(words[position]) + 1) % 1024]
    words[position] = replacement
    return " ".join(words)


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(
            lambda shares, other: altered(shares[0], 10),
            "not a valid SLIP-39 share: the share fails its checksum",
            id="one-word-changed",
        ),
        pytest.param(
            lambda shares, other: other[0].mnemonic(),
            "the share belongs to another backup",
            id="share-of-another-ceremony",
        ),
    ],
)
def test_an_altered_share_fails_and_is_never_shown(
    make: object,
    expected: str,
    demo_made: tuple[Path, list[Share]],
    tmp_path: Path,
) -> None:
    from tests.helpers.kits import make_kit

    kit, shares = demo_made
    other = make_kit(tmp_path / "other", seed=b"other")
    assert callable(make)
    bad = make(shares, other)
    shown = tmp_path / "shown.txt"
    shown.write_text(f"{shares[0].mnemonic()}\n{bad}\n")
    result = run_cli(["audit", str(kit), "--share-file", str(shown), "--json"])
    assert result.code == 4
    checks = {c["name"]: c for c in json.loads(result.out)["checks"]}
    assert checks["share-file.line-1"]["status"] == "pass"
    assert checks["share-file.line-2"]["status"] == "fail"
    assert expected in checks["share-file.line-2"]["detail"]
    table = run_cli(["audit", str(kit), "--share-file", str(shown)])
    every = [list(s.words) for s in [*shares, *other]] + [bad.split()]
    assert_no_secret(result.out + result.err + table.out + table.err, every)
    assert " ".join(bad.split()[:4]) not in result.out + table.out


def test_a_session_elsewhere_is_audited_with_session(demo_kit: Path, tmp_path: Path) -> None:
    moved = tmp_path / "usb" / "session-copy"
    moved.parent.mkdir()
    (session,) = list((demo_kit / "recovery").iterdir())
    shutil.move(session, moved)
    result = run_cli(["audit", str(demo_kit), "--session", str(moved), "--json"])
    assert result.code == 0, result.err
    names = [c["name"] for c in json.loads(result.out)["checks"]]
    assert "session.session-copy.proofs" in names


def test_at_a_terminal_the_audit_asks_for_the_head_words(
    demo_made: tuple[Path, list[Share]],
) -> None:
    import io
    import sys

    import pexpect

    command = Path(sys.executable).with_name("ceremony")
    if not command.exists():
        pytest.skip("the ceremony command is not installed")
    words = paper_anchors(demo_made[0]).head_words
    assert words is not None
    env = {"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "xterm", "LANG": "C.UTF-8"}
    screen = io.StringIO()
    child = pexpect.spawn(
        str(command),
        ["audit", str(demo_made[0])],
        encoding="utf-8",
        timeout=60,
        dimensions=(50, 250),
        env=env,
    )
    child.logfile_read = screen
    child.expect(r"head words \(Enter to go without\): ")
    child.sendline(" ".join(word[:4] for word in words.split()))
    child.expect(pexpect.EOF)
    child.close()
    text = screen.getvalue().replace("\r\n", "\n")
    assert child.exitstatus == 0, text[-2000:]
    assert "the verdict can only be 'consistent but unanchored'" in text
    assert "anchor.head-words" in text
    # the session is still unanchored: its words were not given
    assert "consistent but unanchored: " in text.splitlines()[-1]


def test_a_closed_session_prints_its_head_words(demo_kit: Path) -> None:
    from ceremony.model.hashwords import hash_words
    from ceremony.workflows.recovery import Session, start

    shutil.rmtree(demo_kit / "recovery")
    session = start(demo_kit / "record.json", requester="Rita", reason="test")
    result = run_cli(["recover", "cancel", str(session.path), "--reason", "found the card"])
    assert result.code == 0, result.err
    closed = Session.open(session.path)
    words = hash_words(bytes.fromhex(closed.head))
    assert f"session closed; write down its head words for the audit: {words}" in result.err
    audited = run_cli(
        [
            "audit",
            str(demo_kit),
            "--head-words",
            paper_anchors(demo_kit).head_words or "",
            "--notice-words",
            closed.notice.hash_words,
            "--session-words",
            words,
        ]
    )
    assert audited.code == 0, audited.out
    assert audited.out.splitlines()[-1].startswith("anchored: ")
