"""`ceremony check-share` and the share prompts of verify-shares: a kit made by `split --kit`,
every issued share checked alone, foreign and altered shares refused, typos offered a correction
at the hidden prompt, and no share word ever shown."""

from __future__ import annotations

import io
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from shamir_mnemonic.share import Share as ReferenceShare

import ceremony.cli.check_share as check_share_cli
import ceremony.cli.verify as verify_cli
import ceremony.ui.share_reports as share_reports
import ceremony.ui.share_source as share_source
import ceremony.workflows.check_share as check_share_workflow
import ceremony.workflows.combine as combine_workflow
from ceremony.core import repair as repair_module
from ceremony.core import words as words_module
from ceremony.core.slip39 import wordlist
from ceremony.core.words import parse_share
from ceremony.errors import BadInput, ExitCode, Interrupted
from ceremony.ui import share_entry
from ceremony.ui.share_source import Terminal, TypedShare
from tests.helpers.cli import Result, run_cli
from tests.helpers.paths import ROOT
from tests.helpers.prompts import Script, own_wording

CEREMONY = ROOT / ".venv" / "bin" / "ceremony"
SCHEME = ["-t", "2", "-g", "treasury=2of3", "-g", "family=2of3", "-g", "lawyer=1of1"]
PREFIX = re.compile(r"'((?:[a-z]+ ){4})\.\.\.'")
"""A share's first four words, quoted in an error: public metadata (`ceremony.errors.share_prefix`)."""


@dataclass(frozen=True)
class Issued:
    """One share of the test kit as split printed it."""

    group: str
    member: int
    count: int
    mnemonic: str
    check_code: str


@dataclass(frozen=True)
class Kit:
    directory: Path
    record: dict[str, Any]
    shares: tuple[Issued, ...]

    @property
    def record_path(self) -> Path:
        return self.directory / "record.json"

    def share(self, group: str, member: int) -> Issued:
        return next(s for s in self.shares if (s.group, s.member) == (group, member))

    def holder(self, issued: Issued) -> str:
        entry = next(e for e in self.record["shares"] if e["check_code"] == issued.check_code)
        return str(entry["holder"])


def split(*extra: str) -> dict[str, Any]:
    result = run_cli(["split", *SCHEME, "--reveal", "--json", *extra])
    assert result.code == 0, result.err
    data: dict[str, Any] = json.loads(result.out)
    return data


def issued_shares(data: dict[str, Any]) -> tuple[Issued, ...]:
    return tuple(
        Issued(g["name"], s["member"], g["count"], s["mnemonic"], s["check_code"])
        for g in data["groups"]
        for s in g["shares"]
    )


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Kit:
    directory = tmp_path_factory.mktemp("check-share") / "kit"
    data = split("--kit", str(directory))
    record = json.loads((directory / "record.json").read_text())
    return Kit(directory, record, issued_shares(data))


@pytest.fixture(scope="module")
def other_shares() -> tuple[Issued, ...]:
    """The same scheme split again: another backup, another identifier."""
    return issued_shares(split())


def check(kit: Kit, text: str, *extra: str) -> Result:
    return run_cli(["check-share", "--record", str(kit.record_path), *extra, "-"], text)


def shown_words(screen: str) -> set[str]:
    return set(re.findall(r"[a-z]+", PREFIX.sub("", screen).lower()))


def assert_no_share_shown(
    screen: str, kit: Kit, shares: list[str], typed: tuple[str, ...] = ()
) -> None:
    """No word of the shares, nor its first four letters, nor a typo appears on the screen, except
    a quoted share prefix (its first four words). Words the tool says by itself (its wording,
    the names in the record) may coincide with SLIP-39 words and are left out of the comparison."""
    heads = {" ".join(share.split()[:4]) + " " for share in shares}
    assert set(PREFIX.findall(screen)) <= heads
    own = own_wording(
        share_entry,
        share_source,
        check_share_cli,
        check_share_workflow,
        verify_cli,
        share_reports,  # what check-share and verify-shares print
        combine_workflow,  # verify-shares prints its per-group progress lines
        repair_module,
        words_module,
    ) | shown_words(json.dumps(kit.record).replace("_", " "))
    secret = set(typed)
    for share in shares:
        for word in share.split():
            secret |= {word, word[:4]}
    assert not (secret - own) & shown_words(screen)


def with_word(mnemonic: str, position: int, replacement: str) -> str:
    words = mnemonic.split()
    words[position] = replacement
    return " ".join(words)


def a_wrong_word(mnemonic: str, position: int) -> str:
    """Another list word at `position`: the checksum fails, and one wrong word is correctable."""
    index = wordlist().index(mnemonic.split()[position])
    return with_word(mnemonic, position, wordlist()[(index + 517) % 1024])


def rebuilt(mnemonic: str, **changes: Any) -> str:
    """The share re-encoded by the reference package with some fields changed: a valid checksum."""
    ref = ReferenceShare.from_mnemonic(mnemonic)
    fields = {
        "identifier": ref.identifier,
        "extendable": ref.extendable,
        "iteration_exponent": ref.iteration_exponent,
        "group_index": ref.group_index,
        "group_threshold": ref.group_threshold,
        "group_count": ref.group_count,
        "index": ref.index,
        "member_threshold": ref.member_threshold,
        "value": ref.value,
    }
    fields.update(changes)
    return str(ReferenceShare(**fields).mnemonic())


# -- the scriptable command -------------------------------------------------------------------


def test_every_issued_share_checks_out(kit: Kit) -> None:
    assert len(kit.shares) == 7
    for issued in kit.shares:
        result = check(kit, issued.mnemonic + "\n")
        assert result.code == 0, result.err
        holder = kit.holder(issued)
        assert result.out.splitlines() == [
            f"this is share {issued.member} of {issued.count} of group {issued.group}, issued to "
            f"{holder}; it matches the record",
            f"check code {issued.check_code}: compare it with the code on your card",
            f"ceremony {kit.record['ceremony_name']} ({kit.record['ceremony_id']})",
        ]
        assert_no_share_shown(result.out + result.err, kit, [issued.mnemonic])


def test_json_shape(kit: Kit) -> None:
    issued = kit.share("family", 3)
    result = check(kit, issued.mnemonic, "--json")
    assert result.code == 0, result.err
    assert json.loads(result.out) == {
        "format": "ceremony-check-share/v1",
        "ceremony_id": kit.record["ceremony_id"],
        "holder": kit.holder(issued),
        "group": "family",
        "member": 3,
        "check_code": issued.check_code,
        "matches": True,
    }


def test_a_file_and_a_kit_directory(kit: Kit, tmp_path: Path) -> None:
    issued = kit.share("lawyer", 1)
    words = issued.mnemonic.split()
    card = tmp_path / "share.txt"
    card.write_text(f"# my card, as written\n{' '.join(words[:11])}\n{' '.join(words[11:])}\n")
    result = run_cli(["check-share", "--record", str(kit.directory), str(card)])
    assert result.code == 0, result.err
    assert result.out.startswith("this is share 1 of 1 of group lawyer, issued to ")


def test_read_only(kit: Kit) -> None:
    def snapshot() -> dict[str, tuple[int, int]]:
        return {str(p): (p.stat().st_mtime_ns, p.stat().st_size) for p in kit.directory.rglob("*")}

    before = snapshot()
    assert check(kit, kit.shares[0].mnemonic).code == 0
    assert snapshot() == before


def test_a_share_from_another_backup_is_refused(kit: Kit, other_shares: tuple[Issued, ...]) -> None:
    stranger = other_shares[1].mnemonic
    theirs = parse_share(stranger).identifier
    if theirs == kit.record["identifier"]:  # one chance in 32768
        pytest.skip("the two splits drew the same identifier")
    result = check(kit, stranger)
    assert result.code == ExitCode.NOT_VERIFIED
    assert result.err.startswith(
        f"error: the share belongs to another backup: identifier {theirs}, the record says "
        f"{kit.record['identifier']}\nhint: "
    )
    assert kit.record["ceremony_id"] in result.err
    assert result.out == ""
    assert_no_share_shown(result.err, kit, [stranger])


def test_an_altered_share_with_a_good_checksum_is_refused(kit: Kit) -> None:
    issued = kit.share("treasury", 2)
    value = bytearray(ReferenceShare.from_mnemonic(issued.mnemonic).value)
    value[7] ^= 0x40
    altered = rebuilt(issued.mnemonic, value=bytes(value))
    assert parse_share(altered).identifier == kit.record["identifier"]
    result = check(kit, altered)
    assert result.code == ExitCode.NOT_VERIFIED
    assert (
        "error: this share does not match any share issued at this ceremony: a word may be "
        "wrong, or the card was altered\n"
    ) in result.err
    assert f"issued to {kit.holder(issued)} with check code {issued.check_code}" in result.err
    assert result.out == ""
    assert_no_share_shown(result.err, kit, [issued.mnemonic, altered])


@pytest.mark.parametrize(
    ("changes", "phrase"),
    [
        ({"iteration_exponent": 3}, "its iteration exponent is 3, the record's 1"),
        ({"member_threshold": 3}, "it needs 3 shares of group treasury, the record 2"),
        ({"group_threshold": 3}, "it needs 3 groups, the record 2"),
    ],
    ids=["iteration exponent", "member threshold", "group threshold"],
)
def test_parameters_that_do_not_fit_the_record(
    kit: Kit, changes: dict[str, int], phrase: str
) -> None:
    forged = rebuilt(kit.share("treasury", 1).mnemonic, **changes)
    result = check(kit, forged)
    assert result.code == ExitCode.NOT_VERIFIED
    assert "has the identifier of this ceremony but does not fit its scheme" in result.err
    assert phrase in result.err


def test_a_bad_checksum_from_a_file_points_to_repair(kit: Kit) -> None:
    issued = kit.share("family", 1)
    wrong = a_wrong_word(issued.mnemonic, 12)
    result = check(kit, wrong)
    assert result.code == ExitCode.BAD_INPUT
    assert "fails its checksum" in result.err
    assert "hint:" in result.err
    assert "`ceremony repair`" in result.err
    assert_no_share_shown(result.err, kit, [issued.mnemonic, wrong])


@pytest.mark.parametrize("case", ["missing", "not json", "not a record", "edited", "empty dir"])
def test_a_missing_or_garbled_record(kit: Kit, tmp_path: Path, case: str) -> None:
    record = tmp_path / "record.json"
    code, phrase = ExitCode.BAD_INPUT, ""
    if case == "missing":
        phrase = "does not exist"
    elif case == "not json":
        record.write_text("{ this is not json")
        phrase = "is not valid JSON"
    elif case == "not a record":
        record.write_text('{"format": "ceremony-split/v1"}')
        phrase = "is not a ceremony record"
    elif case == "edited":
        data = dict(kit.record)
        data["shares"] = [dict(e) for e in kit.record["shares"]]
        data["shares"][0]["check_code"] = "0000-0000"
        record.write_text(json.dumps(data))
        code, phrase = ExitCode.NOT_VERIFIED, "the record is inconsistent"
    else:
        record = tmp_path
        phrase = "holds no record.json"
    result = run_cli(["check-share", "--record", str(record), "-"], kit.shares[0].mnemonic)
    assert result.code == code
    assert phrase in result.err
    assert "hint:" in result.err
    assert result.out == ""


def test_help_has_examples() -> None:
    result = run_cli(["check-share", "--help"])
    assert result.code == 0
    assert "Examples:" in result.out
    assert "ceremony check-share --record kit/record.json" in result.out


# -- the prompts, driven with scripted lines ---------------------------------------------------


class Screen:
    """A scripted terminal: hidden lines and answers from lists, output into a buffer."""

    def __init__(self, hidden: list[str], answers: list[str] | None = None) -> None:
        self.buffer = io.StringIO()
        self.hidden = Script(hidden)
        self.answers = Script(answers or [])
        console = Console(file=self.buffer, width=200, color_system=None, force_terminal=False)
        self.terminal = Terminal(self.hidden, self.answers, console)

    @property
    def text(self) -> str:
        return self.buffer.getvalue()


def test_a_wrong_word_at_the_prompt_is_offered_and_confirmed(kit: Kit) -> None:
    issued = kit.share("treasury", 3)
    wrong = a_wrong_word(issued.mnemonic, 8)
    screen = Screen([wrong, issued.mnemonic.split()[8]])
    typed = share_source.type_share(screen.terminal)
    assert typed == TypedShare(parse_share(issued.mnemonic), (8,))
    assert "word 9 looks wrong: read word 9 again from the card and type it" in screen.text
    assert screen.hidden.prompts[-1] == "word 9 again: "
    assert screen.answers.prompts == []
    assert_no_share_shown(screen.text, kit, [issued.mnemonic, wrong])


def test_shares_are_read_until_an_empty_line(kit: Kit) -> None:
    first, second = kit.share("family", 1), kit.share("family", 2)
    words = second.mnemonic.split()
    screen = Screen([first.mnemonic, " ".join(words[:6]), " ".join(words[6:]), ""])
    typed = share_source.type_shares(screen.terminal)
    assert [t.share.mnemonic() for t in typed] == [first.mnemonic, second.mnemonic]
    assert screen.hidden.prompts == [
        "word 1: ",
        "share 2, word 1 (or Enter when all shares are in): ",
        "word 7: ",
        "share 3, word 1 (or Enter when all shares are in): ",
    ]
    assert f"share 2: group 2, member 2, check code {second.check_code}" in screen.text
    assert_no_share_shown(screen.text, kit, [first.mnemonic, second.mnemonic])


def test_input_ending_before_the_first_share_is_an_interruption() -> None:
    with pytest.raises(Interrupted):
        share_source.type_shares(Screen([]).terminal)


def test_a_declined_correction_is_never_applied(kit: Kit) -> None:
    wrong = a_wrong_word(kit.share("lawyer", 1).mnemonic, 20)
    again = wrong.split()[20]
    screen = Screen([wrong, again, wrong, again, wrong, again])
    with pytest.raises(BadInput, match="could not be read after 3 attempts"):
        share_source.type_share(screen.terminal)


def test_off_a_terminal_shares_come_from_the_file(kit: Kit, tmp_path: Path) -> None:
    shares = tmp_path / "shares.txt"
    shares.write_text("\n".join(s.mnemonic for s in kit.shares[:2]) + "\n")

    def no_terminal() -> Terminal:
        raise AssertionError("a file was given: nothing may be prompted")

    read = share_source.read_shares(str(shares), terminal=no_terminal)
    assert [s.mnemonic() for s in read] == [s.mnemonic for s in kit.shares[:2]]
    shares.write_text(a_wrong_word(kit.shares[0].mnemonic, 5) + "\n")
    with pytest.raises(BadInput) as caught:
        share_source.read_shares(str(shares), terminal=no_terminal)
    assert "`ceremony repair`" in caught.value.hint


# -- at a real terminal ------------------------------------------------------------------------


@dataclass
class Session:
    """A command running in a pseudo-terminal, and everything it put on the screen."""

    child: Any
    screen: io.StringIO

    def finish(self) -> str:
        """Everything on the screen once the command has ended."""
        import pexpect

        self.child.expect(pexpect.EOF)
        self.child.close()
        return self.screen.getvalue()


@pytest.fixture
def terminal() -> Iterator[Any]:
    """Runs `ceremony ARGS` in a pseudo-terminal; closes every session it started."""
    pexpect = pytest.importorskip("pexpect")
    sessions: list[Session] = []

    def spawn(*args: str) -> Session:
        screen = io.StringIO()
        child = pexpect.spawn(
            str(CEREMONY),
            list(args),
            cwd=str(ROOT),
            encoding="utf-8",
            timeout=30,
            dimensions=(40, 250),
            env={"PATH": "/usr/bin:/bin", "NO_COLOR": "1", "TERM": "dumb"},
        )
        child.logfile_read = screen
        sessions.append(Session(child, screen))
        return sessions[-1]

    yield spawn
    for session in sessions:
        session.child.close(force=True)


def test_check_share_at_a_terminal_offers_a_correction(kit: Kit, terminal: Any) -> None:
    issued = kit.share("treasury", 2)
    words = issued.mnemonic.split()
    wrong = a_wrong_word(issued.mnemonic, 15).split()
    session = terminal("check-share", "--record", str(kit.directory))
    child = session.child
    child.expect_exact("word 1: ")
    child.sendline(" ".join(words[:4]) + " qqqzz " + " ".join(words[5:8]))
    child.expect_exact("word 5: ")
    child.sendline(" ".join(wrong[4:]))
    child.expect_exact("word 16 again: ")
    child.sendline(words[15])
    screen = session.finish()
    assert child.exitstatus == 0, screen
    assert "word 5: not a SLIP-39 word, type it again" in screen
    assert "word 16 looks wrong: read word 16 again from the card and type it" in screen
    assert "starting" not in screen
    assert "corrected as you confirmed: word 16; if the card reads differently" in screen
    assert (
        f"this is share 2 of 3 of group treasury, issued to {kit.holder(issued)}; "
        "it matches the record"
    ) in screen
    assert f"check code {issued.check_code}" in screen
    assert_no_share_shown(screen, kit, [issued.mnemonic, " ".join(wrong)], typed=("qqqzz",))


def test_verify_shares_at_a_terminal_prompts_and_offers_a_correction(
    kit: Kit, terminal: Any
) -> None:
    first, second = kit.share("treasury", 1), kit.share("treasury", 3)
    wrong = a_wrong_word(first.mnemonic, 30)
    session = terminal("verify-shares")
    child = session.child
    child.expect_exact("word 1: ")
    child.sendline(wrong)
    child.expect_exact("word 31 again: ")
    child.sendline(first.mnemonic.split()[30])
    child.expect_exact("share 2, word 1 (or Enter when all shares are in): ")
    child.sendline(second.mnemonic)
    child.expect_exact("share 3, word 1 (or Enter when all shares are in): ")
    child.sendline("")
    screen = session.finish()
    assert child.exitstatus == 0, screen
    assert "word 31 looks wrong: read word 31 again from the card and type it" in screen
    assert "starting" not in screen
    assert f"share 1: group 1, member 1, check code {first.check_code}" in screen
    assert f"2 shares of set {kit.record['identifier']}: all well-formed and consistent" in screen
    assert "treasury" not in screen  # verify-shares knows no record: groups by number
    assert_no_share_shown(screen, kit, [first.mnemonic, wrong, second.mnemonic])


def test_the_cards_printed_command_finds_the_record(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ceremony check-share` as printed on the holder card: the record is found in the current
    directory (the kit), or in the one kit directory below it; elsewhere the hint is the exact
    command with the record's path."""
    from ceremony.workflows.check_share import find_record

    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "record.json").write_text("{}")
    assert find_record(kit) == kit / "record.json"
    assert find_record(tmp_path) == kit / "record.json"
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "record.json").write_text("{}")
    monkeypatch.chdir(tmp_path)
    result = run_cli(["check-share", "-"], stdin="x\n")
    assert result.code == 3
    assert "error: which ceremony record? several kit directories here hold one" in result.err
    assert "hint: run the command in the kit directory" in result.err
    assert "ceremony check-share --record kit/record.json" in result.err
