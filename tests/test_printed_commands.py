"""Run what you print: every `ceremony ...` and `python3 recover.py ...` command printed in the
README and on the paper of real kits (holder kits, consent card, record, runbooks; the text read
back from the PDFs with pypdfium2) is RUN against a real kit, as a person would type it: at a
terminal, the shares typed at its prompt (read from the kit's holder PDFs), not only parsed.

Found by a general search (tests/helpers/printed.py), so a command added to any of those later is
found too; `test_the_runner_knows_every_printed_command` fails until RUNS says how to run it.

Speed: the kits are made once per test session (a 1000-steps-per-second calibration, so a lock of
a few seconds is a few thousand steps); identical commands (after their placeholders are filled
in) run once; `ceremony` commands run in-process at a pretended terminal (the same path through the
program as at a real one), `python3 recover.py` in a pseudo-terminal (it starts in milliseconds).
Only the whole ceremonies (`run`, `demo`, `extend`, `reshare` and the chain they make) are `slow`.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from collections.abc import Iterator
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from ceremony.model.hashwords import hash_words, sha256_words
from ceremony.model.record import Record
from ceremony.planfile.plan import load_plan
from ceremony.ui.answers import ScriptedOperator
from ceremony.workflows.ceremony import Ceremony
from tests.helpers.ceremony import SMALL_PLAN, card_words
from tests.helpers.cli import run_cli
from tests.helpers.lifecycle import NEW_PLAN, LifecycleSpy, write_amendment
from tests.helpers.paths import DATA, ROOT
from tests.helpers.printed import Printed, printed_in
from tests.helpers.terminal import Person, Ran, at_terminal, in_pty

PASSPHRASE = "correct horse"
SEED = " ".join(["abandon"] * 11 + ["about"])  # a 128-bit BIP-39 phrase, for --secret-file
RATE = 1000.0
SESSION = "1A2B-3C4D"
SSH_KEYGEN = shutil.which("ssh-keygen")
SIGNERS = ("wendy", "walter", "stella")
BIN = Path(sys.executable).parent
DOCUMENTATION = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
"""The documentation whose commands run: the README and the pages it links in docs/."""

pytestmark = pytest.mark.xdist_group("printed")  # one worker makes the kits, once


# -- how each printed command is run -------------------------------------------------------------


@dataclass(frozen=True)
class How:
    """How to run a printed command: against which kit ("printed": the one whose paper printed
    it, the evidenced kit for the README; "with transcript", "without transcript": the printing
    kit if it is of that kind, else one that is), after what (a recovery `session` started, waited,
    closed, or kept outside the kit; `signed` messages; an `amendment`), expecting which exit
    codes; whether it recovers the secret (its output must show the recorded fingerprint); and
    `slow`, why it runs only in the slow set."""

    kit: str = "printed"
    session: str = ""
    codes: tuple[int, ...] = (0,)
    recovers: bool = False
    slow: str = ""
    setup: str = ""


WHOLE = "a whole guided ceremony (every act, paper, re-entry, read-back proof)"

RUNS: tuple[tuple[str, str, How], ...] = (
    # the guided ceremony and its changes: whole ceremonies
    ("demo", r"ceremony demo", How(slow="the whole demo ceremony and a time-locked recovery")),
    ("run", r"ceremony run plan\.toml( --answers answers\.toml)?", How(slow=WHOLE, setup="fresh")),
    ("extend", r"ceremony extend amendment\.toml", How(slow=WHOLE, setup="extend")),
    ("reshare", r"ceremony reshare reshare\.toml", How(slow=WHOLE, setup="reshare")),
    (
        "chain",
        r"ceremony audit kit-3 --chain kits/",
        How(slow="two extensions make the chain", setup="chain"),
    ),
    ("reprint", r"ceremony reprint --record kit --out new-card\.pdf", How()),
    # before the ceremony
    ("plan-new", r"ceremony plan new plan\.toml", How(setup="no plan")),
    ("plan-check-print", r"ceremony plan (check|print) plan\.toml.*", How()),
    (
        "preflight",
        r"ceremony preflight.*",
        How(codes=(0, 4)),
    ),  # 4: this test machine is not air-gapped
    ("split", r"ceremony split .*", How(kit="none")),
    # custody
    ("check-share", r"ceremony check-share.*", How()),
    ("repair", r"ceremony repair", How()),
    ("combine-typed", r"ceremony combine", How(recovers=True)),
    ("verify-shares-typed", r"ceremony verify-shares", How()),
    ("combine-file", r"ceremony combine shares\.txt", How(recovers=True)),
    ("combine-record", r"ceremony combine --record record\.json", How(recovers=True)),
    (
        "combine-passphrase",
        r"ceremony combine shares\.txt --passphrase-file pass\.txt .*",
        How("passphrase", recovers=True),
    ),
    ("verify-shares", r"ceremony verify-shares shares\.txt", How()),
    # recovery
    ("recover-start", r"ceremony recover start .*", How()),
    (
        "recover-status-cancel",
        r"ceremony recover (status|cancel) {SESSION}",
        How(session="started"),
    ),
    ("recover-wait", r"ceremony recover wait {SESSION}", How(session="started")),
    (
        "recover-unlock",
        r"ceremony recover unlock {SESSION}( --output secret\.txt)?",
        How(session="waited", recovers=True),
    ),
    (
        "recover-unlock-consent",
        r"ceremony recover unlock {SESSION} --consent-file ((kit-example-co/)?consent/|)consent\.txt( --output secret\.txt)?",
        How("sealed", session="started", recovers=True),
    ),
    ("recover-py", r"python3 recover\.py( shares\.txt)?", How(recovers=True)),
    (
        "recover-py-bip39",
        r"python3 recover\.py --kind bip39 shares\.txt",
        How("bip39", recovers=True),
    ),
    (
        "recover-py-passphrase",
        r"python3 recover\.py --passphrase-file pass\.txt shares\.txt",
        How("passphrase", recovers=True),
    ),
    (
        "recover-py-timelock",
        r"python3 recover\.py --timelock-n (\S+|\"[^\"]+\") --timelock-t \S+ shares\.txt",
        How("sealed", recovers=True),
    ),
    (
        "recover-py-consent",
        r"python3 recover\.py --passphrase-file (consent/)?consent\.txt( --sealed)?( shares\.txt)?",
        How("sealed", recovers=True),
    ),
    # audit
    (
        "audit",
        r"ceremony audit {KIT}( --plan plan\.toml)?( --head-words (\"WORDS\"|\"\$\(cat head-words\.txt\)\"))?( --pdf audit\.pdf)?( --json( > audit\.json)?)?",
        How("with transcript"),
    ),
    ("audit-split", r"ceremony audit {KIT} --without-transcript", How("without transcript")),
    ("audit-share-file", r"ceremony audit {KIT} --share-file (shares|shown)\.txt", How()),
    (
        "audit-session-words",
        r"ceremony audit {KIT}( --head-words \"WORDS\")? --notice-words \"WORDS\" --session-words \"WORDS\"",
        How(session="closed"),
    ),
    ("audit-session-outside", r"ceremony audit {KIT} --session DIR", How(session="outside")),
    ("attest-kit", r"ceremony attest kit \S+\.sig \S+\.sig --plan plan\.toml", How(setup="signed")),
    (
        "attest-session",
        r"ceremony attest kit/recovery/[^\s\"]+ \S+\.sig --plan plan\.toml",
        How(session="started", setup="signed"),
    ),
    (
        "runbook-render-new",
        r"ceremony runbook render --record (kit|KIT)/record\.json",
        How("passphrase"),
    ),
    (
        "runbook-render",
        r"ceremony runbook render( --record (kit|KIT)/record\.json)?( --out KIT/runbooks)?( --check| --markdown)?",
        How(),
    ),
)
"""Every printed command matches one of these (first match wins)."""

MENTIONS: dict[str, str] = {
    "ceremony run": "prose naming the command; `ceremony run plan.toml` is run",
    "ceremony audit": "prose naming the command; each `ceremony audit KIT ...` is run",
    "ceremony extend": "prose naming the command (a link to docs/lifecycle.md); its examples are run",
    "ceremony recover unlock": "prose naming the command; each `ceremony recover unlock ...` is run",
    "ceremony run --answers": "prose naming the option; `ceremony run plan.toml --answers answers.toml` is run",
    "ceremony attest": "prose naming the command; `ceremony attest kit wendy.sig ...` is run",
    "ceremony recover": "prose naming the command group; each `ceremony recover ...` is run",
    "ceremony split": "the command table's name of the command; the split examples are run",
    "ceremony split --kit": "prose naming the option; kits are made with it for every test here",
    "ceremony split --timelock 72h": "prose naming the option; a 72-hour lock takes 72 hours",
    "ceremony split --dice-only": "prose naming the option (it asks for a witness's consent)",
    "ceremony split --json": "prose naming the option's JSON format",
    "ceremony combine --json": "prose naming the option's JSON format",
    "ceremony verify-shares --json": "prose naming the option's JSON format",
}
"""Code in the README that names a command or an option in a sentence, not a command to type, and
why. Each must still name a real command and real options. (Paper has no mentions: a command on
paper is typed.)"""

SYNOPSIS = re.compile(r"\[|\]| / |\.\.\.|\b(R|F|P|N|PLAN|AMENDMENT|SIGFILE)\b")
"""A synopsis (the README's table of commands, an option's form): checked like a mention."""


PLACEHOLDERS = {
    "KIT": r"(KIT|kit|kit-example-co)",
    "SESSION": r'(SESSION|"\$SESSION"|kit/recovery/[^\s"]+)',
}
"""In RUNS: {KIT} is a kit as printed (KIT, or a kit folder's name), {SESSION} a recovery session."""


def how_to_run(command: str) -> tuple[str, How] | None:
    for name, pattern, how in RUNS:
        if re.fullmatch(
            pattern.replace("{KIT}", PLACEHOLDERS["KIT"]).replace(
                "{SESSION}", PLACEHOLDERS["SESSION"]
            ),
            command,
        ):
            return name, how
    return None


# -- the kits, made once -------------------------------------------------------------------------


@dataclass(frozen=True)
class Kit:
    name: str
    directory: Path
    plan: Path | None
    passphrase: str = ""

    @property
    def record(self) -> Record:
        return Record.from_json((self.directory / "record.json").read_text())

    def shares(self) -> list[str]:
        """A quorum read from the holder PDFs: the first members of the first groups."""
        record = self.record
        chosen = []
        for number, group in enumerate(record.groups[: record.group_threshold], 1):
            cards = sorted((self.directory / "holders").glob(f"{number:02d}-*.pdf"))
            chosen += [" ".join(card_words(card)) for card in cards[: group.threshold]]
        return chosen


@dataclass(frozen=True)
class Kits:
    folder: Path
    made: dict[str, Kit]
    keys: dict[str, Path]
    printed: dict[tuple[str, str], Printed]


def _keys(folder: Path) -> tuple[dict[str, Path], str]:
    keys, listed = {}, []
    for name in SIGNERS:
        key = folder / f"{name}-key"
        made = [str(SSH_KEYGEN), "-q", "-t", "ed25519", "-N", "", "-C", name, "-f", str(key)]
        subprocess.run(made, check=True)
        keys[name] = key
        public = key.with_suffix(".pub").read_text().strip()
        listed.append(f'{{ name = "{name.title()}", key = "{public}" }}')
    return keys, ", ".join(listed)


def _evidenced_plan(folder: Path, signers: str) -> Path:
    text = SMALL_PLAN.read_text().replace('mode = "none"', 'mode = "evidenced"')
    text = text.replace('delay = "1h"', 'delay = "3s"')
    text = text.replace('witnesses = ["Wim"]\n', f'witnesses = ["Wim"]\nsigners = [ {signers} ]\n')
    path = folder / "evidenced-plan.toml"
    path.write_text(text)
    return path


def make_kits(folder: Path) -> Kits:
    keys, signers = _keys(folder) if SSH_KEYGEN else ({}, "")
    plans = {"evidenced": _evidenced_plan(folder, signers), "sealed": DATA / "sealed-plan.toml"}
    made = {}
    for name, plan in plans.items():
        operator = ScriptedOperator(accept_preflight_failures=True, quiet=True)
        Ceremony(load_plan(plan), operator, folder / name).run()
        made[name] = Kit(name, folder / name, plan)
    consent = (folder / "sealed" / "consent" / "consent.txt").read_text()
    made["sealed"] = replace(made["sealed"], passphrase=_consent_passphrase(consent))
    (folder / "pass.txt").write_text(PASSPHRASE)
    splits = {
        "passphrase": ["-g", "a=2of3", "--passphrase-file", str(folder / "pass.txt")],
        "bip39": ["-g", "a=2of2", "--strength", "128", "--kind", "bip39"],
    }
    for name, args in splits.items():
        result = run_cli(["split", "-t", "1", *args, "--kit", str(folder / name)])
        assert result.code == 0, result.err
        made[name] = Kit(name, folder / name, None, PASSPHRASE if name == "passphrase" else "")
    documents = {name: kit.directory for name, kit in made.items()}
    return Kits(folder, made, keys, printed_in(documents, DOCUMENTATION, ROOT))


def _consent_passphrase(consent: str) -> str:
    (line,) = [x for x in consent.splitlines() if x.startswith("passphrase:")]
    return "".join(line.partition(":")[2].split())


@pytest.fixture(scope="session")
def kits(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Kits]:
    from ceremony.workflows import timelock_policy

    saved = timelock_policy.default_rate
    timelock_policy.default_rate = lambda mode: RATE  # type: ignore[assignment]
    try:
        yield make_kits(tmp_path_factory.mktemp("printed"))
    finally:
        timelock_policy.default_rate = saved  # type: ignore[assignment]


# -- what is printed, and which runs it takes ------------------------------------------------------


@dataclass(frozen=True)
class Run:
    """One printed command to run: the command, the kit it runs against, how, where printed."""

    command: str
    kit: str
    rule: str
    how: How
    where: str


def runs(kits: Kits) -> tuple[list[Run], list[Printed], list[Printed]]:
    """The distinct runs (a command printed on several kits' paper that runs against the same
    kit runs once), the mentions, and the printed commands no rule knows."""
    found: dict[tuple[str, str], Run] = {}
    mentions, unknown = [], []
    for (printed_for, command), printed in sorted(kits.printed.items()):
        if not printed_for and (command in MENTIONS or SYNOPSIS.search(command)):
            mentions.append(printed)
            continue
        known = how_to_run(command)
        if known is None:
            unknown.append(printed)
            continue
        rule, how = known
        kit = _kit_for(how.kit, printed_for or "evidenced", kits)
        found.setdefault((kit, command), Run(command, kit, rule, how, printed.where))
    return list(found.values()), mentions, unknown


def _kit_for(wanted: str, printed_for: str, kits: Kits) -> str:
    """The kit a command runs against: named, or the one that printed it, or (for a command the
    paper prints for kits with or without a transcript) the printing kit when it is of that kind."""
    if wanted not in ("printed", "with transcript", "without transcript"):
        return wanted
    if wanted == "printed":
        return printed_for
    has = (kits.made[printed_for].directory / "transcript.jsonl").exists()
    if has == (wanted == "with transcript"):
        return printed_for
    return "evidenced" if wanted == "with transcript" else "passphrase"


def test_the_runner_knows_every_printed_command(kits: Kits) -> None:
    every, mentions, unknown = runs(kits)
    assert not unknown, (
        "printed commands the runner does not know how to run (add them to RUNS):\n"
        + "\n".join(f"  {p.command}   (printed in {p.where})" for p in unknown)
    )
    commands = {run.command for run in every}
    assert "ceremony check-share" in commands  # the holder card's yearly check
    assert "python3 recover.py --passphrase-file consent.txt" in commands  # the consent card
    assert "ceremony recover unlock SESSION --consent-file consent.txt" in commands
    assert any(c.startswith("python3 recover.py --timelock-n") for c in commands)
    assert len(mentions) < len(every)


def test_every_mention_names_a_real_command_and_options(kits: Kits) -> None:
    _, mentions, _ = runs(kits)
    for printed in mentions:
        words = printed.command.split()
        names = [w for w in words[1:3] if re.fullmatch(r"[a-z][a-z-]*", w)]
        result = run_cli([*names, "--help"])
        assert result.code == 0, f"{printed.command!r} ({printed.where}) names no command"
        for option in re.findall(r"--[a-z][a-z-]*", printed.command):
            assert option in result.out, f"{printed.command!r} ({printed.where}): no {option}"


# -- running one ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class Place:
    """Where a run happens: its folder, the kit's copy, and the command with its placeholders
    filled in."""

    cwd: Path
    kit: Path
    command: str
    person: Person


USES_KIT_PATH = re.compile(r"(^| )(kit|KIT)(/| |$)|kits/|kit-3|kit-example-co")


def _files(folder: Path, kit: Kit | None) -> None:
    (folder / "pass.txt").write_text(PASSPHRASE)
    (folder / "seed.txt").write_text(SEED + "\n")
    (folder / "answers.toml").write_text("confirm = true\naccept_preflight_failures = true\n")
    if kit is None:
        return
    shares = "\n".join(kit.shares()) + "\n"
    if kit.record.transcript_head:  # the head words initialled on paper, typed into a file
        head = hash_words(bytes.fromhex(kit.record.transcript_head))
        (folder / "head-words.txt").write_text(head + "\n")
    (folder / "shares.txt").write_text(shares)
    (folder / "shown.txt").write_text(shares)
    if kit.plan is not None:
        shutil.copy(kit.plan, folder / "plan.toml")
    timelock = kit.record.timelock
    if timelock is not None and timelock.modulus_hex:
        (folder / "modulus.txt").write_text(timelock.modulus_hex + "\n")
    consent = kit.directory / "consent" / "consent.txt"
    if consent.exists():
        shutil.copy(consent, folder / "consent.txt")


def _session(how: How, kit: Path, work: Path) -> Path:
    inside = how.session != "outside"
    session = (kit / "recovery" if inside else work / "elsewhere") / SESSION
    session.parent.mkdir(exist_ok=True)
    start = ["recover", "start", "--record", str(kit), "--requester", "A", "--reason", "test"]
    result = run_cli([*start, "--session-dir", str(session)])
    assert result.code == 0, result.err
    if how.session in ("waited", "closed"):
        result = run_cli(["recover", "wait", str(session)])
        assert result.code == 0, result.err
    if how.session == "closed":
        shares = (work / "shares.txt").read_text()
        unlock = ["recover", "unlock", str(session), "--output", str(work / "secret.bin")]
        result = run_cli(unlock, stdin=shares)
        assert result.code == 0, result.err
    return session


def _sign(message: Path, key: Path, out: Path) -> None:
    copy = out.with_suffix(".txt")
    shutil.copy(message, copy)
    sign = [str(SSH_KEYGEN), "-Y", "sign", "-n", "ceremony-attestation", "-f", str(key), str(copy)]
    subprocess.run(sign, check=True, capture_output=True)
    copy.with_name(copy.name + ".sig").rename(out)


def _words(option: str, kit: Path, session: Path | None) -> str:
    from ceremony.workflows.transcript import verify_transcript

    if option == "--head-words":
        return hash_words(
            bytes.fromhex(Record.from_json((kit / "record.json").read_text()).transcript_head)
        )
    assert session is not None
    if option == "--notice-words":
        return sha256_words((session / "notice.json").read_bytes())
    return verify_transcript(session / "transcript.jsonl").head_words


def prepare(run: Run, kits: Kits, tmp: Path) -> Place:
    """A copy of the kit, the files the command names, the session or signatures it needs, and
    the command with its placeholders (KIT, SESSION, DIR, WORDS, T, HEX) filled in."""
    work = tmp / "work"
    work.mkdir(parents=True)
    source = kits.made.get(run.kit)
    kit = work / "kit"
    if source is not None:
        shutil.copytree(source.directory, kit)
    _files(work, source)
    if run.how.setup != "no plan" and source is not None:
        _files(kit, source)
    else:
        (work / "plan.toml").unlink(missing_ok=True)
    (work / "usb").mkdir()
    cwd = work if USES_KIT_PATH.search(run.command) or source is None else kit
    session = _session(run.how, kit, work) if run.how.session else None
    if run.how.setup == "signed":
        assert session is not None or "recovery" not in run.command
        for name in SIGNERS:
            message = kit / "attest" / "ceremony-message.txt"
            if session is not None:
                message = session / "attest" / "notice-message.txt"
            _sign(message, kits.keys[name], cwd / f"{name}.sig")
    if run.how.setup == "fresh":
        cwd = work / "fresh"
        cwd.mkdir()
        shutil.copy(SMALL_PLAN, cwd / "plan.toml")
        shutil.copy(work / "answers.toml", cwd)
    lifecycle = {"extend": _extend, "reshare": _reshare, "chain": _chain}.get(run.how.setup)
    if lifecycle is not None:
        cwd = work
    shares = lifecycle(work, kit) if lifecycle else (source.shares() if source else [])
    command = _fill(run.command, kit, session, cwd, work)
    audited = work / "kit-3" if run.how.setup == "chain" else kit  # whose head words are asked
    person = Person(
        shares=shares,
        passphrase=source.passphrase if source else "",
        head_words=_words("--head-words", audited, None)
        if (audited / "transcript.jsonl").exists()
        else "",
        cards=(lambda: _new_cards(cwd, kit)) if run.how.slow else None,
    )
    return Place(cwd, kit, command, person)


def _new_cards(cwd: Path, kit: Path) -> list[str]:
    """The cards of the kit a command just made, as the holders read them for re-entry."""

    def old(pdf: Path) -> bool:
        before = kit / "holders" / pdf.name
        return pdf.is_relative_to(kit) or (
            before.exists() and before.read_bytes() == pdf.read_bytes()
        )

    return [" ".join(card_words(pdf)) for pdf in sorted(cwd.rglob("holders/*.pdf")) if not old(pdf)]


def _extend(work: Path, kit: Path) -> list[str]:
    """amendment.toml: one more holder for the kit's first group; its holders' shares."""
    group = Record.from_json((kit / "record.json").read_text()).groups[0]
    write_amendment(work, kit, group=group.name, output="kit-2")
    return _group_shares(kit, 1, group.threshold)


def _group_shares(kit: Path, group: int, count: int) -> list[str]:
    cards = sorted((kit / "holders").glob(f"{group:02d}-*.pdf"))[:count]
    return [" ".join(card_words(pdf)) for pdf in cards]


def _reshare(work: Path, kit: Path) -> list[str]:
    """reshare.toml: the kit under a new scheme (new-plan.toml); a quorum of its shares."""
    (work / "new-plan.toml").write_text(NEW_PLAN.format(extendable="true"))
    write_amendment(
        work, kit, kind="reshare", plan="new-plan.toml", output="kit-3", name="reshare.toml"
    )
    record = Record.from_json((kit / "record.json").read_text())
    return [
        s
        for n, g in enumerate(record.groups[: record.group_threshold], 1)
        for s in _group_shares(kit, n, g.threshold)
    ]


def _chain(work: Path, kit: Path) -> list[str]:
    """kits/kit, kits/kit-2 (extended), and kit-3 (kit-2 reshared), made by the lifecycle
    workflows: `ceremony audit kit-3 --chain kits/` follows it."""
    from ceremony.planfile.amendment import load_amendment
    from ceremony.workflows.lifecycle import lifecycle_ceremony

    kits = work / "kits"
    kits.mkdir()
    first = kits / "kit"
    shutil.copytree(kit, first)
    shares = _extend(kits, first)
    lifecycle_ceremony(
        load_amendment(kits / "amendment.toml"), LifecycleSpy(shares), kits / "kit-2"
    ).run()
    _reshare(kits, kits / "kit-2")
    shares = _group_shares(first, 1, 2)  # the first kit's cards still open kit-2
    reshare = load_amendment(kits / "reshare.toml")
    lifecycle_ceremony(reshare, LifecycleSpy(shares), work / "kit-3").run()
    return []


def _fill(command: str, kit: Path, session: Path | None, cwd: Path, work: Path) -> str:
    def relative(path: Path) -> str:
        import os

        return os.path.relpath(path, cwd)

    command = re.sub(r"\bkit-example-co\b", relative(kit), command)  # the example plan's kit folder
    if session is not None:
        command = command.replace("$SESSION", relative(session))
        command = re.sub(
            r"\bSESSION\b|kit/recovery/[^\s\"]+|(?<=--session )DIR\b", relative(session), command
        )
    command = re.sub(r"\bKIT\b", relative(kit), command)
    for option in ("--head-words", "--notice-words", "--session-words"):
        if f'{option} "WORDS"' in command:
            words = _words(option, kit, session)
            command = command.replace(f'{option} "WORDS"', f'{option} "{words}"')
    record = Record.from_json((kit / "record.json").read_text()) if kit.exists() else None
    if record is not None and record.timelock is not None:
        # T as printed (a placeholder, or the README's example value) is this kit's T
        command = re.sub(
            r"--timelock-t (T|\d+)\b", f"--timelock-t {record.timelock.iterations}", command
        )
        command = re.sub(
            r"--timelock-n HEX\b", f"--timelock-n {record.timelock.modulus_hex}", command
        )
    command = command.replace("/media/usb", relative(work / "usb"))
    return re.sub(r"(?<=--output-dir )DIR\b", relative(work / "usb"), command)


def execute(place: Place) -> Ran:
    """The command at a terminal: `ceremony` in-process, `python3 recover.py` in a
    pseudo-terminal (with the system's python3, as an heir would run it)."""
    if place.command.startswith("python3 "):
        env = {"PATH": "/usr/bin:/bin", "TERM": "xterm", "HOME": str(place.cwd)}
        return in_pty(place.command, place.person, place.cwd, env, timeout=120)

    def cat(found: re.Match[str]) -> str:  # what the shell would put there
        return (place.cwd / found.group(1)).read_text().strip()

    args = shlex.split(re.sub(r"\$\(cat ([^)\s]+)\)", cat, place.command))
    target = None
    if ">" in args:
        at = args.index(">")
        args, target = args[:at], args[at + 1]
    ran = at_terminal(args[1:], place.person, place.cwd, stdout_is_terminal=target is None)
    if target is not None:
        (place.cwd / target).write_text(ran.out)
    return ran


def check(run: Run, place: Place, ran: Ran, kits: Kits) -> None:
    said = f"{place.command!r} (printed as {run.command!r} in {run.where}) exited {ran.code}:\n"
    assert ran.code in run.how.codes, said + ran.screen[-3000:]
    assert "Traceback" not in ran.screen, said + ran.screen[-3000:]
    if run.how.recovers:
        fingerprint = kits.made[run.kit].record.fingerprint
        assert fingerprint in ran.screen, (
            said + f"no fingerprint {fingerprint}:\n" + ran.screen[-3000:]
        )


def _rule_params() -> list[object]:
    marks = {name: [pytest.mark.slow] if how.slow else [] for name, _, how in RUNS}
    return [pytest.param(name, marks=marks[name], id=name) for name, _, _ in RUNS]


@pytest.mark.parametrize("rule", _rule_params())
def test_every_printed_command_runs(rule: str, kits: Kits, tmp_path: Path) -> None:
    chosen = [run for run in runs(kits)[0] if run.rule == rule]
    if not chosen:
        pytest.skip(f"nothing printed today matches the rule {rule!r}")
    failed = []
    for number, run in enumerate(chosen):
        try:
            place = prepare(run, kits, tmp_path / str(number))
            check(run, place, execute(place), kits)
        except Exception as problem:  # every printed command is tried, and all failures shown
            failed.append(f"{run.command} ({run.kit} kit): {problem}")
    assert not failed, "\n\n".join(failed)
