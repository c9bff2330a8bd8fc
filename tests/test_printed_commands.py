"""Run what you print: every `ceremony ...` and `python3 recover.py ...` command printed in the
README, the runbooks (filled in for a real kit), the holder kits, the consent card and the record
is extracted from those files and RUN against a real kit, in a pseudo-terminal, with the shares
typed at its prompts (read from the kit's holder PDFs), not only parsed.

The extraction is general, so commands added to any of these files later are run too. A mention
that is not a command to type (a synopsis such as `ceremony preflight [--json]`, an option named
in prose) is listed in MENTIONS with the reason; such a mention must still name a real subcommand.
"""

from __future__ import annotations

import re
import shutil
import sys
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pexpect
import pytest

from ceremony.model.plan import load_plan
from ceremony.model.record import Record
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.ceremony import Ceremony
from ceremony.workflows.runbooks import facts_from_record
from tests.ceremony_helpers import DATA, SMALL_PLAN, card_words, pdf_text
from tests.conftest import ROOT, run_cli

BIN = Path(sys.executable).parent
CEREMONY = BIN / "ceremony"
INLINE = re.compile(r"`((?:ceremony|python3 recover\.py)(?: [^`]*)?)`")
COMMAND = re.compile(r"^(?:\$ )?((?:ceremony|python3 recover\.py)\b.*)$")
SYNOPSIS = re.compile(r"\[|\]| / | \| |\.\.\.|<[a-z]+>")

MENTIONS: dict[str, str] = {
    "ceremony run --answers": "names the option in prose; `ceremony run plan.toml --answers "
    "answers.toml` is the command, and it is run",
    "ceremony split --timelock 72h": "names the option in prose; the split examples are run",
    "ceremony split --dice-only": "names the option in prose",
    "ceremony split --json": "names the option in prose (its JSON format)",
    "ceremony combine --json": "names the option in prose (its JSON format)",
    "ceremony verify-shares --json": "names the option in prose (its JSON format)",
    "ceremony runbook render --markdown": "names the option in prose",
    "ceremony run": "names the command in prose",
}
"""Printed text that is not a command to type, and why. Everything else is run."""

EXIT_CODES: dict[str, tuple[int, ...]] = {
    "ceremony preflight": (0, 4),
}
"""Commands whose documented outcome on a test machine is not 0: preflight fails (exit 4) on a
machine that is not air-gapped, by design."""

PASSPHRASE = "correct horse"


@dataclass(frozen=True)
class Kits:
    evidenced: Path
    sealed: Path
    passphrase: Path
    bip39: Path
    plain_split: Path


def shares_of(kit: Path) -> list[str]:
    """A quorum read from the holder PDFs (first members of the first groups)."""
    record = Record.from_json((kit / "record.json").read_text())
    chosen = []
    for number, group in enumerate(record.groups[: record.group_threshold], start=1):
        cards = sorted((kit / "holders").glob(f"{number:02d}-*.pdf"))[: group.threshold]
        chosen += [" ".join(card_words(card)) for card in cards]
    return chosen


@pytest.fixture(scope="module")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Kits:
    from ceremony.workflows import timelock_policy

    tmp = tmp_path_factory.mktemp("printed")
    saved = timelock_policy.default_rate
    timelock_policy.default_rate = lambda mode: 1000.0  # type: ignore[assignment]
    try:
        made = {}
        for name, plan in (
            ("evidenced", ROOT / "templates" / "demo-plan.toml"),
            ("sealed", DATA / "sealed-plan.toml"),
        ):
            operator = ScriptedOperator(accept_preflight_failures=True, quiet=True)
            Ceremony(load_plan(plan), operator, tmp / name).run()
            made[name] = tmp / name
        (tmp / "pass.txt").write_text(PASSPHRASE)
        for name, args in (
            ("passphrase", ["--passphrase-file", str(tmp / "pass.txt")]),
            ("bip39", ["--kind", "bip39", "--strength", "128"]),
            ("plain_split", []),
        ):
            result = run_cli(["split", "-t", "1", "-g", "a=2of3", *args, "--kit", str(tmp / name)])
            assert result.code == 0, result.err
            made[name] = tmp / name
    finally:
        timelock_policy.default_rate = saved  # type: ignore[assignment]
    return Kits(**made)


# -- extraction ---------------------------------------------------------------------------------


def from_markdown(text: str) -> Iterator[str]:
    for match in INLINE.finditer(text):
        yield match.group(1)
    for block in re.findall(r"```[a-z]*\n(.*?)```", text, re.S):
        joined = re.sub(r"\\\n\s*", " ", block)
        for line in joined.splitlines():
            found = COMMAND.match(line.strip())
            if found:
                yield found.group(1)


SUBCOMMANDS = {
    "demo",
    "plan",
    "preflight",
    "run",
    "split",
    "combine",
    "verify-shares",
    "check-share",
    "repair",
    "recover",
    "audit",
    "runbook",
}


def from_pdf(path: Path) -> Iterator[str]:
    """Lines of a PDF's text that are commands (not prose that starts with "ceremony ...")."""
    for line in pdf_text(path).splitlines():
        found = COMMAND.match(line.strip())
        if found and (
            found.group(1).startswith("python3")
            or (found.group(1).split()[1:2] and found.group(1).split()[1] in SUBCOMMANDS)
        ):
            yield found.group(1)


def clean(command: str) -> str:
    command = re.split(r"\s+#", command)[0]  # a trailing comment
    return " ".join(command.split())


def static_commands() -> dict[str, str]:
    """Every command printed in the README, the runbooks and the paper wording (holder kit,
    consent card, record, audit report), with where it was first found. Runbook placeholders such
    as {recover_command} stay as they are; they are filled from the kit's record at run time."""
    found: dict[str, str] = {}

    def add(commands: Iterator[str], where: str) -> None:
        for command in commands:
            text = clean(command)
            if re.match(r"^ceremony-|^ceremony/", text):
                continue  # a format name or a source path, not a command
            found.setdefault(text, where)

    add(from_markdown((ROOT / "README.md").read_text()), "README.md")
    for runbook in sorted((ROOT / "runbooks").glob("*.md")):
        text = runbook.read_text()
        add(from_markdown(text), f"runbooks/{runbook.name}")
        if "`{recover_command}`" in text:  # python3 recover.py ..., filled from the record
            found.setdefault("{recover_command}", f"runbooks/{runbook.name}")
    for wording in sorted((ROOT / "templates" / "paper").glob("*.toml")):
        lines = [line.strip() for line in wording.read_text().splitlines()]
        add(
            (line[2:] for line in lines if line.startswith("$ ")), f"templates/paper/{wording.name}"
        )
        add(from_markdown(wording.read_text()), f"templates/paper/{wording.name}")
    return found


STATIC = static_commands()


def printed_in_pdfs(kits: Kits) -> dict[str, str]:
    found: dict[str, str] = {}
    for kit in (kits.evidenced, kits.sealed):
        for pdf in [sorted((kit / "holders").iterdir())[0], kit / "record.pdf"]:
            for command in from_pdf(pdf):
                found.setdefault(clean(command), f"{pdf.name} ({kit.name})")
    for command in from_pdf(kits.sealed / "consent" / "consent-card.pdf"):
        found.setdefault(clean(command), "consent card")
    return found


# -- running ------------------------------------------------------------------------------------


def pick_kit(command: str, kits: Kits) -> Path:
    if re.search(r"consent|--timelock-n|--sealed", command):
        return kits.sealed
    if "pass.txt" in command:
        return kits.passphrase
    if "--kind bip39" in command and "recover.py" in command:
        return kits.bip39
    if "runbook render" in command and "--check" not in command:
        return kits.plain_split  # a kit without runbooks yet; a ceremony kit has them
    return kits.evidenced


@dataclass
class Place:
    cwd: Path
    kit: Path
    shares: list[str]
    command: str


def prepare(command: str, source: Path, tmp: Path) -> Place:
    """A fresh copy of the kit and the files the command names, and the command with its
    placeholders (KIT, SESSION, DIR, T) filled in."""
    work = tmp / "work"
    work.mkdir()
    kit = work / "kit"
    shutil.copytree(source, kit)
    record = Record.from_json((kit / "record.json").read_text())
    shares = shares_of(kit)
    plan = ROOT / "templates" / "demo-plan.toml" if source.name == "evidenced" else SMALL_PLAN
    if source.name == "sealed":
        plan = DATA / "sealed-plan.toml"
    uses_kit_dir = bool(re.search(r"(^| )kit(/| |$)|KIT", command))
    cwd = work if uses_kit_dir else kit
    for folder in {work, kit}:
        (folder / "shares.txt").write_text("\n".join(shares) + "\n")
        (folder / "shown.txt").write_text("\n".join(shares) + "\n")
        (folder / "pass.txt").write_text(PASSPHRASE)
        (folder / "seed.txt").write_text("00" * 16 + "\n")
        if "plan new" not in command:
            text = plan.read_text()
            if " run " in f" {command} ":
                text = SMALL_PLAN.read_text()  # a fresh ceremony, into a new directory
            (folder / "plan.toml").write_text(text)
        (folder / "answers.toml").write_text("confirm = true\naccept_preflight_failures = true\n")
        if record.timelock is not None and record.timelock.modulus_hex:
            (folder / "modulus.txt").write_text(record.timelock.modulus_hex + "\n")
        if (kit / "consent" / "consent.txt").exists():
            shutil.copy(kit / "consent" / "consent.txt", folder / "consent.txt")
    if " run " in f" {command} ":
        cwd = work / "fresh"
        cwd.mkdir()
        shutil.copy(work / "plan.toml", cwd)
        shutil.copy(work / "answers.toml", cwd)
    if re.search(r"SESSION|kit/recovery/|--session DIR", command):
        session = kit / "recovery" / "1A2B-3C4D"
        start = ["recover", "start", "--record", str(kit), "--requester", "A", "--reason", "t"]
        result = run_cli([*start, "--session-dir", str(session)])
        assert result.code == 0, result.err
        evidenced = record.timelock is not None and record.timelock.mode == "evidenced"
        if evidenced and re.search(r"unlock|status", command):
            assert run_cli(["recover", "wait", str(session)]).code == 0
        command = command.replace("SESSION", str(session)).replace(
            "--session DIR", f"--session {session}"
        )
    if record.timelock is not None:
        command = re.sub(r"--timelock-t T\b", f"--timelock-t {record.timelock.iterations}", command)
    command = re.sub(r"\bKIT\b", str(kit), command)
    command = re.sub(r"--record R\b", f"--record {kit / 'record.json'}", command)
    command = re.sub(r"--plan PLAN\b", "--plan plan.toml", command)
    command = command.replace("/media/usb", str(work))
    return Place(cwd, kit, shares, command)


PROMPTS = [
    r"share \d+, word 1 \(or Enter when all shares are in\): ",  # 0
    r"word (\d+)(?: of \d+)?(?: \(or Enter if the share has \d+ words\))?: ",  # 1
    r"word (\d+) again: ",  # 2
    r"share \d+ \(hidden\): ",  # 3 recover.py
    r"[Pp]assphrase[^\r\n]*: ",  # 4
    r"\[y = yes, n = stop the ceremony\]|\[y/N\]|\[y/n\]",  # 5
    r"Type ACCEPT",  # 6
    r"Bag serial for [^\r\n]*: ",  # 7
    r"Show the secret[^\r\n]*|Type SHOW[^\r\n]*",  # 8
    pexpect.EOF,  # 9
    pexpect.TIMEOUT,  # 10
]


def run_in_terminal(place: Place, tmp: Path) -> tuple[int, str]:
    env = {
        "PATH": f"{BIN}:/usr/bin:/bin",
        "NO_COLOR": "1",
        "TERM": "xterm",
        "HOME": str(tmp),
        "COLUMNS": "120",
    }
    child = pexpect.spawn(
        "/bin/bash",
        ["-c", place.command],
        cwd=str(place.cwd),
        env=env,
        encoding="utf-8",
        timeout=120,
        dimensions=(50, 120),
    )
    try:
        return _answer(child, place)
    finally:
        child.close(force=True)


def _answer(child: pexpect.spawn, place: Place) -> tuple[int, str]:
    screen: list[str] = []
    shares = place.shares
    current = -1
    in_share: list[str] = []
    reentry = " run " in f" {place.command} "
    cards: list[list[str]] = []
    while True:
        index = child.expect(PROMPTS)
        screen.append(child.before + (child.after if isinstance(child.after, str) else ""))
        if index == 0:
            current += 1
            if current < len(shares):
                in_share = shares[current].split()
                child.sendline(in_share[0])
            else:
                child.sendline("")
        elif index == 1:
            position = int(child.match.group(1))
            if position == 1 and reentry:
                # `ceremony run`: each holder re-types the card just printed, read from its PDF
                cards = cards or [card_words(p) for p in sorted(place.cwd.rglob("holders/*.pdf"))]
                current += 1
                in_share = cards[current]
            elif position == 1 and not in_share:
                current += 1
                in_share = shares[current].split()
            child.sendline(in_share[position - 1] if position <= len(in_share) else "")
        elif index == 2:
            child.sendline(in_share[int(child.match.group(1)) - 1])
        elif index == 3:
            current += 1
            child.sendline(shares[current] if current < len(shares) else "")
        elif index == 4:
            child.sendline(PASSPHRASE if "pass" in place.command else "")
        elif index in (5, 8):
            child.sendline("y")
        elif index == 6:
            child.sendline("ACCEPT")
        elif index == 7:
            child.sendline("BAG-1")
        elif index == 10:
            return -2, "".join(screen) + "\n[no known prompt and no end within the time limit]"
        else:
            break
    child.close()
    return child.exitstatus if child.exitstatus is not None else -1, "".join(screen)


def subcommand_exists(command: str) -> None:
    words = command.split()
    result = run_cli([*[w for w in words[1:3] if not w.startswith("-")], "--help"])
    assert result.code == 0, f"{command!r} names no command: {result.err}"


def test_the_printed_commands_were_found(kits: Kits) -> None:
    assert "ceremony check-share" in STATIC  # the holder card's yearly check
    assert "python3 recover.py --passphrase-file consent.txt" in STATIC  # the consent card
    assert any(c.startswith("ceremony recover unlock SESSION") for c in STATIC)
    assert any(c.startswith("python3 recover.py") and "timelock-n" in c for c in STATIC)
    # every command the real kits' PDFs print is one of those run below
    for command, where in printed_in_pdfs(kits).items():
        assert command in STATIC, f"{command!r} printed in {where} is not in the wording files"


def fill_placeholders(command: str, kit: Path) -> str:
    if "{" not in command:
        return command
    record = Record.from_json((kit / "record.json").read_text())
    values = facts_from_record(record).values
    return re.sub(r"\{([a-z_]+)\}", lambda m: values.get(m.group(1), m.group(0)), command)


@pytest.mark.slow
@pytest.mark.parametrize("command", sorted(STATIC), ids=lambda c: c[:60])
def test_every_printed_command_runs(command: str, kits: Kits, tmp_path: Path) -> None:
    where = STATIC[command]
    if command in MENTIONS or SYNOPSIS.search(command):
        subcommand_exists(command)
        return
    source = pick_kit(command, kits)
    place = prepare(fill_placeholders(command, source), source, tmp_path)
    code, screen = run_in_terminal(place, tmp_path)
    allowed = EXIT_CODES.get(command, (0,))
    assert code in allowed, (
        f"{place.command!r} (printed in {where}) exited {code}:\n{screen[-3000:]}"
    )
    assert "Traceback" not in screen
    assert "Missing option" not in screen
