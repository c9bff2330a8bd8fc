"""A corpus of bad inputs across every command: each ends with a one-line `error:`, a `hint:`, a
documented non-zero exit code, no traceback and no "internal error", and shows no control
character of its input raw.

The cases are grouped by what is bad: the command line itself (usage), a file given by path,
the record, the plan, the answers file, the shares, and a recovery session.
"""

from __future__ import annotations

import json
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from ceremony.errors import ExitCode
from tests.helpers.ceremony import SMALL_PLAN
from tests.helpers.cli import Result, run_cli
from tests.helpers.recovery import make_kit, start

DOCUMENTED = {int(code) for code in ExitCode} - {ExitCode.OK, ExitCode.INTERNAL}
RAW_CONTROLS = ("\x1b", "\x9b", "\x9d", "\u202e", "\u200b", "\u2028", "\x07", "\x00")
OSC52 = "\x1b]52;c;aGFja2Vk\x07"


@dataclass(frozen=True)
class Env:
    """Paths a case may use: a fresh copy of the kits, and a scratch folder."""

    tmp: Path
    kit: Path
    """A kit written by `split --kit` (record.json, holders/, recover.py)."""
    lock_kit: Path
    """An evidenced kit with a started recovery session."""
    session: Path

    def file(self, name: str, content: str | bytes) -> str:
        path = self.tmp / name
        path.write_bytes(content.encode() if isinstance(content, str) else content)
        return str(path)

    @property
    def record(self) -> dict[str, Any]:
        data: dict[str, Any] = json.loads((self.kit / "record.json").read_text())
        return data


Build = Callable[[Env], tuple[list[str], str | bytes]]


@dataclass(frozen=True)
class Case:
    id: str
    build: Build
    code: ExitCode | None = None
    """The exit code, when the case pins it; otherwise any documented non-zero code."""


CASES: list[Case] = []


def case(id: str, code: ExitCode | None = None) -> Callable[[Build], Build]:
    def register(build: Build) -> Build:
        CASES.append(Case(id, build, code))
        return build

    return register


def add(id: str, args: list[str], stdin: str | bytes = b"", code: ExitCode | None = None) -> None:
    CASES.append(Case(id, lambda env: ([env_path(env, a) for a in args], stdin), code))


def env_path(env: Env, arg: str) -> str:
    """`{kit}`, `{tmp}`, `{session}`, `{lock_kit}` in an argument become the case's paths."""
    return arg.format(kit=env.kit, tmp=env.tmp, session=env.session, lock_kit=env.lock_kit)


# ---------------------------------------------------------------- the command line itself

COMMANDS = [
    ["split"],
    ["combine"],
    ["verify-shares"],
    ["check-share"],
    ["repair"],
    ["plan", "new"],
    ["plan", "check"],
    ["plan", "print"],
    ["preflight"],
    ["run"],
    ["runbook", "render"],
    ["demo"],
    ["recover", "start"],
    ["recover", "status"],
    ["recover", "wait"],
    ["recover", "unlock"],
    ["recover", "cancel"],
    ["audit"],
]
for command in COMMANDS:
    name = " ".join(command)
    add(f"usage: {name} --no-such-option", [*command, "--no-such-option"], code=ExitCode.USAGE)
    add(f"usage: {name} -Z", [*command, "-Z"], code=ExitCode.USAGE)
    add(f"usage: {name} with an escape in an option", [*command, "--x\x1b[2J"], code=ExitCode.USAGE)

for args, what in [
    (["split", "-t", "1"], "missing --group"),
    (["split", "-g", "a=2of3"], "missing --group-threshold"),
    (["split", "-t", "x", "-g", "a=2of3"], "threshold not a number"),
    (["split", "-t", "1", "-g", "a=2of3", "--strength", "lots"], "strength not a number"),
    (["split", "-t", "1", "-g", "a=2of3", "--kind", "monero"], "unknown kind"),
    (["split", "-t", "1", "-g", "a=2of3", "--exponent", "1.5"], "exponent not whole"),
    (["split", "-t", "1", "-g", "a=2of3", "--speedup", "fast"], "speedup not a number"),
    (["split", "-t", "1", "-g", "a=2of3", "--sides", "six"], "sides not a number"),
    (["split", "-t", "1", "-g"], "--group without a value"),
    (["check-share", "--record"], "--record without a value"),
    (["plan", "check"], "missing plan"),
    (["plan", "check", "a.toml", "b.toml"], "two plans"),
    (["plan", "print"], "print without a plan"),
    (["run"], "missing plan"),
    (["run", "{tmp}/p.toml", "--answers"], "--answers without a value"),
    (["recover", "start"], "missing --record"),
    (["recover", "status"], "missing session"),
    (["recover", "wait"], "wait without a session"),
    (["recover", "unlock"], "unlock without a session"),
    (["recover", "cancel"], "cancel without a session"),
    (["audit"], "missing kit"),
    (["audit", "a", "b"], "two kits"),
    (["audit", "{kit}", "--paper"], "--paper without a value"),
    (["combine", "a", "b"], "two share files"),
    (["repair", "a", "b"], "two share files"),
    (["verify-shares", "a", "b"], "two share files"),
    (["preflight", "--output-dir"], "--output-dir without a value"),
    (["runbook", "render", "--out"], "--out without a value"),
    (["nosuch"], "unknown command"),
    (["plan", "nosuch"], "unknown plan command"),
    (["recover", "nosuch"], "unknown recover command"),
    (["recover"], "recover alone"),
    (["plan"], "plan alone"),
    (["runbook"], "runbook alone"),
]:
    add(f"usage: {' '.join(args[:2])}: {what}", args, code=ExitCode.USAGE)

for args, what, code in [
    (["split", "-t", "1", "-g", "a=2of3", "--paper", "A5", "--kit", "{tmp}/k"], "paper", None),
    (["runbook", "render", "--record", "{kit}", "--paper", "A5"], "runbook paper", None),
    (["audit", "{kit}", "--pdf", "{tmp}/a.pdf", "--paper", "legal"], "audit paper", None),
    (["split", "-t", "1", "-g", "a=2of3x", "--reveal"], "group text", ExitCode.BAD_INPUT),
    (["split", "-t", "1", "-g", "a\x1b[31m=2of3", "--reveal"], "group name escape", None),
    (["split", "-t", "1", "-g", "a=2of3", "--timelock", "soon", "--kit", "{tmp}/k"], "delay", None),
    (["split", "-t", "1", "-g", "a=2of3", "--kit", "{tmp}/k", "--name", "x" * 5000], "name", None),
    (["split", "-t", "1", "-g", "a=2of3", "--kit", "{tmp}/k", "--name", OSC52], "name osc52", None),
    (
        ["split", "-t", "1", "-g", "a=2of3", "--kit", "{tmp}/k", "--name", "a\u2028b"],
        "name ls",
        None,
    ),
    (["recover", "start", "--record", "{lock_kit}", "--requester", OSC52], "requester", None),
    (["recover", "start", "--record", "{lock_kit}", "--reason", "a\u202eb"], "reason bidi", None),
    (
        ["recover", "start", "--record", "{lock_kit}", "--reason", "x" * 100_000],
        "reason long",
        None,
    ),
    (["recover", "start", "--record", "{lock_kit}", "--paper", "A0"], "notice paper", None),
]:
    add(f"bad value: {what}", args, code=code)


# ---------------------------------------------------------------- files given by path

FILE_OPTIONS = {
    "combine FILE": lambda f: ["combine", f],
    "verify-shares FILE": lambda f: ["verify-shares", f],
    "repair FILE": lambda f: ["repair", f],
    "check-share --record": lambda f: ["check-share", "--record", f, "-"],
    "check-share FILE": lambda f: ["check-share", "--record", "{kit}", f],
    "plan check": lambda f: ["plan", "check", f],
    "plan print": lambda f: ["plan", "print", f, "--out", "{tmp}/plan.pdf"],
    "run PLAN": lambda f: ["run", f, "--answers", "{tmp}/answers.toml", "--out", "{tmp}/k"],
    "run --answers": lambda f: ["run", str(SMALL_PLAN), "--answers", f, "--out", "{tmp}/k"],
    "split --passphrase-file": lambda f: [
        "split",
        "-t",
        "1",
        "-g",
        "a=2of3",
        "--reveal",
        "--passphrase-file",
        f,
    ],
    "split --secret-file": lambda f: [
        "split",
        "-t",
        "1",
        "-g",
        "a=2of3",
        "--reveal",
        "--secret-file",
        f,
    ],
    "split --dice-file": lambda f: [
        "split",
        "-t",
        "1",
        "-g",
        "a=2of3",
        "--reveal",
        "--strength",
        "128",
        "--dice-file",
        f,
    ],
    "combine --passphrase-file": lambda f: ["combine", "{tmp}/none", "--passphrase-file", f],
    "runbook render --record": lambda f: ["runbook", "render", "--record", f, "--out", "{tmp}/r"],
    "runbook render --plan": lambda f: ["runbook", "render", "--plan", f, "--out", "{tmp}/r"],
    "recover start --record": lambda f: ["recover", "start", "--record", f],
    "recover status": lambda f: ["recover", "status", f],
    "recover wait": lambda f: ["recover", "wait", f],
    "recover cancel": lambda f: ["recover", "cancel", f],
    "recover unlock --shares-file": lambda f: [
        "recover",
        "unlock",
        "{session}",
        "--shares-file",
        f,
        "--output",
        "{tmp}/secret.txt",
    ],
    "audit KIT": lambda f: ["audit", f],
    "audit --plan": lambda f: ["audit", "{kit}", "--plan", f],
    "audit --share-file": lambda f: ["audit", "{kit}", "--share-file", f],
}
for what, make in FILE_OPTIONS.items():
    add(f"file: {what}: missing", make("{tmp}/missing/nothing.txt"))
    add(f"file: {what}: a directory", make("{tmp}"))
    add(f"file: {what}: name with an escape", make("{tmp}/\x1b]52;c;eA==\x07x"))


def _content_case(what: str, make: Callable[[str], list[str]], label: str, data: bytes) -> None:
    @case(f"file: {what}: {label}")
    def build(env: Env) -> tuple[list[str], bytes]:
        return [env_path(env, a) for a in make(env.file("input", data))], b""


for what in (
    "combine FILE",
    "plan check",
    "run --answers",
    "runbook render --record",
    "recover start --record",
    "split --secret-file",
    "split --dice-file",
    "check-share --record",
):
    make = FILE_OPTIONS[what]
    _content_case(what, make, "empty", b"")
    _content_case(what, make, "binary", bytes(range(256)) * 16)
    _content_case(what, make, "ten megabytes", b"7" * 10_000_000)


# ---------------------------------------------------------------- the record


def record_text(env: Env, change: Callable[[dict[str, Any]], object]) -> str:
    data = env.record
    change(data)
    return json.dumps(data)


def put(path: str, value: object) -> Callable[[dict[str, Any]], None]:
    """Set a field by a dotted path (`shares.0.group_number`)."""

    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        if isinstance(target, list):
            target[int(last)] = value
        else:
            target[last] = value

    return change


def drop(path: str) -> Callable[[dict[str, Any]], None]:
    def change(data: dict[str, Any]) -> None:
        *parents, last = path.split(".")
        target: Any = data
        for part in parents:
            target = target[int(part)] if isinstance(target, list) else target[part]
        del target[last]

    return change


RECORDS: dict[str, Callable[[Env], str]] = {
    "demo is the text false": lambda e: record_text(e, put("demo", "false")),
    "extendable is 1": lambda e: record_text(e, put("extendable", 1)),
    "passphrase is null": lambda e: record_text(e, put("passphrase", None)),
    "group_threshold is text": lambda e: record_text(e, put("group_threshold", "1")),
    "group_threshold is true": lambda e: record_text(e, put("group_threshold", True)),
    "group_threshold is 1.5": lambda e: record_text(e, put("group_threshold", 1.5)),
    "group_threshold is 1e999": lambda e: record_text(e, put("group_threshold", 1)).replace(
        '"group_threshold": 1', '"group_threshold": 1e999'
    ),
    "group_threshold is NaN": lambda e: record_text(e, put("group_threshold", 1)).replace(
        '"group_threshold": 1', '"group_threshold": NaN'
    ),
    "identifier has 5000 digits": lambda e: record_text(e, put("identifier", 1)).replace(
        '"identifier": 1', '"identifier": ' + "9" * 5000
    ),
    "strength_bits is a list": lambda e: record_text(e, put("strength_bits", [256])),
    "kind is unknown": lambda e: record_text(e, put("kind", "monero")),
    "kind is a number": lambda e: record_text(e, put("kind", 39)),
    "fingerprint is a number": lambda e: record_text(e, put("fingerprint", 12345678)),
    "fingerprint is missing": lambda e: record_text(e, drop("fingerprint")),
    "commitment is short": lambda e: record_text(e, put("commitment", "ab")),
    "shares is an object": lambda e: record_text(e, put("shares", {})),
    "shares is null": lambda e: record_text(e, put("shares", None)),
    "a share is a string": lambda e: record_text(e, put("shares.0", "holder")),
    "group_number is text": lambda e: record_text(e, put("shares.0.group_number", "1")),
    "member_number is a bool": lambda e: record_text(e, put("shares.0.member_number", True)),
    "a share has an unknown field": lambda e: record_text(e, put("shares.0.extra", 1)),
    "holder is missing": lambda e: record_text(e, drop("shares.0.holder")),
    "holder is a number": lambda e: record_text(e, put("shares.0.holder", 7)),
    "groups is a string": lambda e: record_text(e, put("groups", "solo")),
    "group threshold is text": lambda e: record_text(e, put("groups.0.threshold", "2")),
    "group has an unknown field": lambda e: record_text(e, put("groups.0.colour", "red")),
    "group name is unusable": lambda e: record_text(e, put("groups.0.name", "a b\x1b[2J")),
    "timelock is a string": lambda e: record_text(e, put("timelock", "72h")),
    "timelock without iterations": lambda e: record_text(e, put("timelock", {"mode": "evidenced"})),
    "roles is a list": lambda e: record_text(e, put("roles", ["Ada"])),
    "a witness is a number": lambda e: record_text(e, put("roles", {"witnesses": [1]})),
    "format is missing": lambda e: record_text(e, drop("format")),
    "format is another": lambda e: record_text(e, put("format", "ceremony-record/v9")),
    "an unknown top-level field": lambda e: record_text(e, put("note", "approved")),
    "OSC 52 in a holder name": lambda e: record_text(e, put("shares.0.holder", f"Eve{OSC52}")),
    "escape in the ceremony name": lambda e: record_text(e, put("ceremony_name", "A\x1b[2JB")),
    "bidi override in the ceremony name": lambda e: record_text(
        e, put("ceremony_name", "Acme \u202eyrusaert")
    ),
    "zero-width space in a holder": lambda e: record_text(e, put("shares.0.holder", "Al\u200bice")),
    "U+2028 in a contact": lambda e: record_text(e, put("shares.0.contact", "a\u2028b")),
    "C1 CSI in a bag serial": lambda e: record_text(e, put("shares.0.bag_serial", "B\x9b2J")),
    "a duplicate key": lambda e: record_text(e, lambda d: None).replace(
        '"demo": ', '"demo": true, "demo": ', 1
    ),
    "nested 5000 deep": lambda e: (
        record_text(e, lambda d: None)[:-1] + ', "roles": ' + "[" * 5000 + "]" * 5000 + "}"
    ),
    "a list at the top": lambda e: "[]",
    "null at the top": lambda e: "null",
    "not JSON": lambda e: "{'format': 'ceremony-record/v1'}",
    "cut short": lambda e: record_text(e, lambda d: None)[:100],
    "a 2 MB holder name": lambda e: record_text(e, put("shares.0.holder", "x" * 2_000_000)),
}
RECORD_COMMANDS = {
    "check-share": lambda r: ["check-share", "--record", r, "{tmp}/none"],
    "runbook render": lambda r: ["runbook", "render", "--record", r, "--out", "{tmp}/r"],
    "recover start": lambda r: ["recover", "start", "--record", r],
}


def _record_case(label: str, text: Callable[[Env], str], command: str) -> None:
    make = RECORD_COMMANDS[command]

    @case(f"record: {command}: {label}")
    def build(env: Env) -> tuple[list[str], bytes]:
        path = env.file("record.json", text(env))
        (env.tmp / "none").write_text(" ".join(["academic"] * 20) + "\n")
        return [env_path(env, a) for a in make(path)], b""


for label, text in RECORDS.items():
    for command in RECORD_COMMANDS:
        _record_case(label, text, command)


# ---------------------------------------------------------------- the plan

PLAN = SMALL_PLAN.read_text()
PLANS: dict[str, str] = {
    "strength is text": PLAN.replace("strength = 128", 'strength = "128"'),
    "strength is 1e999": PLAN.replace("strength = 128", "strength = 1e999"),
    "strength is inf": PLAN.replace("strength = 128", "strength = inf"),
    "strength is nan": PLAN.replace("strength = 128", "strength = nan"),
    "group_threshold is 1.0": PLAN.replace("group_threshold = 1", "group_threshold = 1.0"),
    "threshold is text": PLAN.replace("threshold = 2\n", 'threshold = "2"\n'),
    "threshold is huge": PLAN.replace("threshold = 2\n", "threshold = " + "9" * 400 + "\n"),
    "extendable is the text true": PLAN.replace("extendable = true", 'extendable = "true"'),
    "demo is 1": PLAN.replace("demo = true", "demo = 1"),
    "consent_card is the text false": PLAN.replace(
        "consent_card = false", 'consent_card = "false"'
    ),
    "attacker_speedup is text": PLAN.replace("attacker_speedup = 10", 'attacker_speedup = "10"'),
    "delay is a number": PLAN.replace('delay = "1h"', "delay = 3600"),
    "dice_sides is true": PLAN.replace("dice_sides = 6", "dice_sides = true"),
    "iteration_exponent is 99": PLAN.replace("iteration_exponent = 0", "iteration_exponent = 99"),
    "holders is a string": PLAN.replace(
        'holders = [ { name = "Zoë", contact = "z@example.org" }, '
        '{ name = "Łukasz", contact = "l@example.org" } ]',
        'holders = "Zoë, Łukasz"',
    ),
    "names differ only by a zero-width space": PLAN.replace("Łukasz", "Zo\u200bë"),
    "U+2028 in a name": PLAN.replace("Łukasz", "Łu\u2028kasz"),
    "OSC 52 in the ceremony name": PLAN.replace("Small test ceremony", f"Small{OSC52}"),
    "bidi override in a witness": PLAN.replace('"Wim"', '"W\u202eim"'),
    "escape in the administrator": PLAN.replace('"Ada"', '"A\\u001b[2Jda"'),
    "a 2 MB holder name": PLAN.replace("Łukasz", "x" * 2_000_000),
    "nested 5000 deep": PLAN + "\n[extra]\nx = " + "[" * 5000 + "]" * 5000 + "\n",
    "tables nested 5000 deep": PLAN + "\n" + "a = {" * 5000 + "}" * 5000 + "\n",
    "a duplicate key": PLAN.replace("strength = 128", "strength = 128\nstrength = 256"),
    "an unknown key": PLAN.replace("strength = 128", "strength = 128\nstrenght = 256"),
    "an unknown section": PLAN + "\n[bonus]\nx = 1\n",
    "groups missing": PLAN.split("[[groups]]")[0] + "[recovery]" + PLAN.split("[recovery]")[1],
    "not TOML": "this is not toml = = =\n",
    "a date for a name": PLAN.replace('name = "Small test ceremony"', "name = 2024-01-01"),
    "a table for a number": PLAN.replace("strength = 128", "strength = { bits = 128 }"),
}
for label, text in PLANS.items():
    for command in ("plan check", "run"):

        def build(env: Env, text: str = text, command: str = command) -> tuple[list[str], bytes]:
            plan = env.file("plan.toml", text)
            if command == "plan check":
                return ["plan", "check", plan], b""
            answers = env.file("answers.toml", "confirm = true\n")
            return ["run", plan, "--answers", answers, "--out", str(env.tmp / "k")], b""

        CASES.append(Case(f"plan: {command}: {label}", build, ExitCode.BAD_INPUT))


# ---------------------------------------------------------------- the answers file

ANSWERS: dict[str, str] = {
    'confirm = "false"': 'confirm = "false"\n',
    "confirm = 0": "confirm = 0\n",
    "accept_preflight_failures = yes": 'accept_preflight_failures = "yes"\n',
    "bag_serials = 5": "bag_serials = 5\n",
    "bag_serials of numbers": "bag_serials = [1, 2]\n",
    "an empty bag serial": 'bag_serials = [""]\n',
    "a 2 MB bag serial": 'bag_serials = ["' + "S" * 2_000_000 + '"]\n',
    "a 100-character bag serial": 'bag_serials = ["' + "S" * 100 + '"]\n',
    "an escape in a bag serial": 'bag_serials = ["BAG\\u001b[2J"]\n',
    "OSC 52 in a bag serial": 'bag_serials = ["B\\u001b]52;c;eA==\\u0007"]\n',
    "U+2028 in a bag serial": 'bag_serials = ["B\\u2028C"]\n',
    "a prefix with a newline": 'bag_serial_prefix = "B\\n"\n',
    "a prefix that is a number": "bag_serial_prefix = 7\n",
    "dice is a number": "dice = 123456\n",
    "passphrase is a list": "passphrase = []\n",
    'reentry = "typed"': 'reentry = "typed"\n',
    "an unknown key": "confrm = true\n",
    "an escape in an unknown key": '"k\\u001b[2J" = true\n',
    "not TOML": "confirm = = true\n",
    "a duplicate key": "confirm = true\nconfirm = false\n",
    "nested 5000 deep": "dice = " + "[" * 5000 + "]" * 5000 + "\n",
}
for label, text in ANSWERS.items():

    def build_answers(env: Env, text: str = text) -> tuple[list[str], bytes]:
        answers = env.file("answers.toml", text)
        return ["run", str(SMALL_PLAN), "--answers", answers, "--out", str(env.tmp / "k")], b""

    CASES.append(Case(f"answers: {label}", build_answers, ExitCode.BAD_INPUT))


# ---------------------------------------------------------------- shares on standard input

WORDS20 = " ".join(["academic"] * 20)
SHARES: dict[str, bytes] = {
    "an unknown word": b"bitcoin " * 20,
    "an escape sequence": ("academic \x1b[2J " * 10).encode(),
    "OSC 52": (OSC52 + " academic" * 19).encode(),
    "a bidi override": ("academic\u202e " * 20).encode(),
    "a zero-width space": ("acade\u200bmic " * 20).encode(),
    "NUL bytes": b"academic\x00 " * 20,
    "a bad checksum": WORDS20.encode(),
    "too few words": b"academic acid",
    "only comments": b"# nothing\n",
    "nothing": b"",
    "binary": bytes(range(256)),
    "ten megabytes": b"a" * 10_000_000,
    "one long line": b"academic " * 100_000,
}
for label, data in SHARES.items():
    for command in (
        ["combine", "-"],
        ["verify-shares", "-"],
        ["repair", "-"],
        ["check-share", "--record", "{kit}", "-"],
    ):
        add(f"shares: {command[0]}: {label}", command, data)


# ---------------------------------------------------------------- a recovery session


def session_case(label: str, change: Callable[[Path], None], command: str = "status") -> None:
    @case(f"session: {command}: {label}")
    def build(env: Env) -> tuple[list[str], bytes]:
        change(env.session)
        args = ["recover", command, str(env.session)]
        if command == "unlock":
            shares = env.file("shares.txt", WORDS20 + "\n")
            args += ["--shares-file", shares, "--output", str(env.tmp / "secret.txt")]
        return args, b""


def rewrite(name: str, edit: Callable[[str], str]) -> Callable[[Path], None]:
    def change(session: Path) -> None:
        path = session / name
        path.write_text(edit(path.read_text()))

    return change


def replace_with_directory(name: str) -> Callable[[Path], None]:
    def change(session: Path) -> None:
        path = session / name
        path.unlink()
        path.mkdir()

    return change


def first_segment_is_a_directory(session: Path) -> None:
    proofs = session / "proofs"
    proofs.mkdir(exist_ok=True)
    (proofs / "segment-0001.json").mkdir()


def first_segment_is(text: str) -> Callable[[Path], None]:
    def change(session: Path) -> None:
        proofs = session / "proofs"
        proofs.mkdir(exist_ok=True)
        (proofs / "segment-0001.json").write_text(text)

    return change


SESSION_CHANGES: dict[str, Callable[[Path], None]] = {
    "notice is not JSON": rewrite("notice.json", lambda t: "not json"),
    "notice has a duplicate key": rewrite(
        "notice.json", lambda t: t.replace("{", '{"a":1,"a":2,', 1)
    ),
    "notice nested deep": rewrite("notice.json", lambda t: "[" * 5000 + "]" * 5000),
    "notice has 1e999": rewrite(
        "notice.json",
        lambda t: t.replace('"required_iterations":', '"required_iterations":1e999,"x":', 1),
    ),
    "notice is a directory": replace_with_directory("notice.json"),
    "transcript is a directory": replace_with_directory("transcript.jsonl"),
    "transcript has a duplicate key": rewrite(
        "transcript.jsonl", lambda t: t.replace('{"clock', '{"seq":1,"clock', 1)
    ),
    "transcript nested deep": rewrite("transcript.jsonl", lambda t: "[" * 5000 + "]" * 5000 + "\n"),
    "transcript has an escape": rewrite(
        "transcript.jsonl", lambda t: t.replace("requested", "re\x1b[2Jq", 1)
    ),
}
DAMAGED_SEGMENTS: dict[str, Callable[[Path], None]] = {
    "a segment is a directory": first_segment_is_a_directory,
    "a segment has a duplicate key": first_segment_is('{"version": 1, "version": 2}'),
    "a segment has 1e999": first_segment_is('{"index": 1e999}'),
    "a segment nested deep": first_segment_is("[" * 5000 + "]" * 5000),
    "a segment is not JSON": first_segment_is("\x1b]52;c;eA==\x07"),
}
"""A damaged segment is not an error: `status` says so and `wait` computes it again."""
for label, change in SESSION_CHANGES.items():
    for command in ("status", "wait", "unlock", "cancel"):
        session_case(label, change, command)
add("session: status: not a session", ["recover", "status", "{kit}"])
add("session: wait: a file", ["recover", "wait", "{kit}/record.json"])


# ---------------------------------------------------------------- running the cases


@pytest.fixture(scope="module")
def made(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path, Path]:
    root = tmp_path_factory.mktemp("corpus")
    kit = root / "kit"
    result = run_cli(
        ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--kit", str(kit)]
    )
    assert result.code == 0, result.err
    lock = make_kit(root, rate=10.0, name="lock-kit")
    session = start(lock).path
    return kit, lock.directory, session


@pytest.fixture
def env(made: tuple[Path, Path, Path], tmp_path: Path) -> Env:
    kit, lock_kit, session = made
    kit_copy = shutil.copytree(kit, tmp_path / "kit")
    lock_copy = shutil.copytree(lock_kit, tmp_path / "lock-kit")
    session_copy = lock_copy / session.relative_to(lock_kit)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    (scratch / "answers.toml").write_text("confirm = true\n")
    return Env(scratch, kit_copy, lock_copy, session_copy)


def assert_clean(result: Result, code: ExitCode | None) -> None:
    shown = result.err + result.out
    assert "Traceback" not in shown
    assert "internal error" not in shown, result.err[-500:]
    assert result.code in DOCUMENTED, (result.code, result.err[-500:])
    if code is not None:
        assert result.code == code, (result.code, result.err[-500:])
    lines = [line for line in result.err.splitlines() if line.strip()]
    assert len(lines) >= 2, result.err
    assert lines[-2].startswith("error: "), result.err[-500:]
    assert lines[-1].startswith("hint: "), result.err[-500:]
    assert len(lines[-2]) < 1000, "an error is one short line"
    for char in RAW_CONTROLS:
        assert char not in shown, f"U+{ord(char):04X} reached the terminal raw"


def test_the_corpus_is_large() -> None:
    assert len(CASES) >= 200
    assert len({c.id for c in CASES}) == len(CASES), "case ids are unique"


@pytest.mark.parametrize("item", CASES, ids=[c.id for c in CASES])
def test_bad_input(item: Case, env: Env) -> None:
    args, stdin = item.build(env)
    assert_clean(run_cli(args, stdin), item.code)


@pytest.mark.parametrize("label", DAMAGED_SEGMENTS)
@pytest.mark.parametrize("command", ["status", "wait", "cancel"])
def test_a_damaged_segment_is_redone_not_a_crash(label: str, command: str, env: Env) -> None:
    DAMAGED_SEGMENTS[label](env.session)
    result = run_cli(["recover", command, str(env.session)])
    assert result.code == 0, result.err[-500:]
    assert "Traceback" not in result.err
    for char in RAW_CONTROLS:
        assert char not in result.err + result.out
