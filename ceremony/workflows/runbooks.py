"""The printed runbooks of one ceremony kit: every runbook filled with the record's facts, and the
recover.py appendix, written as PDFs into the kit's `runbooks/` folder.

Called by the guided ceremony when it writes the kit, and by `ceremony runbook render` afterwards
(for example once bag serials are recorded, or to check a printed kit against its record).
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, replace
from pathlib import Path

from ceremony import __version__
from ceremony.core.calibration import duration_text
from ceremony.errors import BadInput, NotVerified, Refused
from ceremony.files import write_atomic
from ceremony.markdown import parse
from ceremony.model.hashwords import hash_words
from ceremony.model.plan import EntropySource, PassphrasePolicy, Plan, RecoveryMode
from ceremony.model.record import Record, TimeLockInfo
from ceremony.model.runbook import LIFECYCLE, RUNBOOKS, Facts, HolderRow, Runbook, fill
from ceremony.model.scheme import SecretKind
from ceremony.model.steps import warning
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.paper.content import PaperSize
from ceremony.paper.listing import render_listing
from ceremony.paper.runbook import RunbookMeta, render_runbook
from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

APPENDIX = "recover-py-appendix"
"""File name (without .pdf) of the printed recover.py."""
APPENDIX_TITLE = "recover.py"


def facts_from_record(record: Record) -> Facts:
    """Everything the runbooks may say about this ceremony, from its public record only."""
    values = _record_values(record)
    if record.timelock is None:
        values["delay_mode"] = "no time lock"
    else:
        values.update(_lock_values(record.timelock))
    holders = tuple(
        HolderRow(
            holder=entry.holder,
            group=entry.group,
            member_number=entry.member_number,
            member_count=record.groups[entry.group_number - 1].count,
            check_code=entry.check_code,
            bag_serial=entry.bag_serial,
        )  # no contact: runbooks are public, names only (how to reach them is written in)
        for entry in record.shares
    )
    return Facts(
        values=values,
        holders=holders,
        conditions=frozenset(_conditions(record)),
        unknown=frozenset() if _dice(record) is not None else frozenset({"dice", "dice-only"}),
        signers=_signers(values, _witnesses(record), tuple(e.holder for e in record.shares)),
        demo=record.demo,
        facts_rows=_facts_rows(record, values),
    )


def _witnesses(record: Record) -> tuple[str, ...]:
    return tuple(str(name) for name in record.roles.get("witnesses", []) if str(name).strip())


def _record_values(record: Record) -> dict[str, str]:
    groups = ", ".join(f"{g.name} ({g.threshold} of {g.count})" for g in record.groups)
    smallest = sorted(g.threshold for g in record.groups)[: record.group_threshold]
    roles = record.roles
    return {
        "ceremony_name": record.ceremony_name,
        "ceremony_id": record.ceremony_id,
        "clock": f"{record.clock_untrusted} (the ceremony computer's clock, not trusted)",
        "tool": record.tool,
        "plan_hash_words": hash_words(bytes.fromhex(record.plan_sha256)),
        "plan_sha256": record.plan_sha256,
        "fingerprint": record.fingerprint,
        "commitment": record.commitment,
        "kind": record.kind.value,
        "kind_text": _kind_text(record.kind),
        "strength_bits": str(record.strength_bits),
        "passphrase": "yes, the shares need it" if record.passphrase else "none",
        "group_threshold": str(record.group_threshold),
        "group_count": str(len(record.groups)),
        "groups": groups,
        "scheme": f"{record.group_threshold} of {len(record.groups)} groups: {groups}",
        "share_count": str(len(record.shares)),
        "minimum_holders": str(sum(smallest)),
        "delay_summary": delay_summary(record.timelock),
        "recover_py_sha256": record.recover_py_sha256,
        "recover_command": recover_command(record),
        "transcript_head_words": (
            hash_words(bytes.fromhex(record.transcript_head)) if record.transcript_head else ""
        ),
        "administrator": str(roles.get("administrator", "")),
        "witnesses": ", ".join(_witnesses(record)),
        "auditor": str(roles.get("auditor", "")),
        "dice_only_warning": warning("dice-only"),
    }


def _lock_values(lock: TimeLockInfo) -> dict[str, str]:
    """The recorded time lock as the runbooks print it."""
    return {
        "delay_mode": lock.mode.delay_name,
        "delay_expected": duration_text(lock.expected_seconds),
        "delay_minimum": duration_text(lock.minimum_seconds, round_down=True),
        "attacker_speedup": f"{lock.attacker_speedup:g}",
        "delay_work": f"{lock.iterations:,}",
        "timelock_t": f"{lock.iterations:,}",  # read aloud: grouped
        "timelock_modulus": _grouped(lock.modulus_hex),
        "standalone_expected": (
            duration_text(lock.standalone_seconds) if lock.standalone_seconds else "(not measured)"
        ),
    }


def _signers(
    values: dict[str, str], witnesses: tuple[str, ...], holders: tuple[str, ...]
) -> dict[str, tuple[str, ...]]:
    """Who signs each runbook's signature lines (two blank lines when no witness is named)."""
    return {
        "administrator": (values["administrator"],),
        "witnesses": witnesses or ("", ""),
        "auditor": (values["auditor"],),
        "coordinator": ("",),
        "holders": holders,
    }


def facts_from_plan(plan: Plan) -> Facts:
    """What is known before the ceremony, for printing its script in advance: no ceremony id,
    fingerprint or check code yet (blanks to write in), and the delay as planned, not measured."""
    values = _plan_values(plan)
    lock = plan.recovery.mode.lock
    if lock is not None:
        values.update(_planned_delay(plan, lock))
    values["recover_command"] = _planned_recover_command(plan)
    holders = tuple(
        HolderRow(holder.printed_name, group.name, number, group.count, "")
        for group in plan.groups
        for number, holder in enumerate(group.holders, start=1)
    )
    rows = (
        ("Ceremony", values["ceremony_name"]),
        ("Ceremony id", ""),
        ("Plan words", values["plan_hash_words"]),
        ("Scheme", values["scheme"]),
        ("Secret", f"{plan.secret.strength_bits}-bit {values['kind_text']}"),
        ("Passphrase", values["passphrase"]),
        ("Entropy", plan.entropy.source.value),
        ("Master fingerprint", ""),
        ("Recovery delay", values["delay_summary"]),
        ("Transcript head words", ""),
    )
    return Facts(
        values=values,
        holders=holders,
        conditions=frozenset(_plan_conditions(plan)),
        signers=_signers(values, tuple(plan.roles.witnesses), tuple(h.holder for h in holders)),
        demo=plan.demo,
        facts_rows=rows,
    )


def _plan_values(plan: Plan) -> dict[str, str]:
    groups = ", ".join(f"{g.name} ({g.threshold} of {g.count})" for g in plan.groups)
    kind = plan.secret.kind
    passphrase = plan.secret.passphrase is PassphrasePolicy.PROMPT
    return {
        "ceremony_name": plan.name,
        "tool": f"ceremony {__version__}",
        "plan_hash_words": plan.hash_words,
        "plan_sha256": plan.sha256,
        "kind": kind.value,
        "kind_text": _kind_text(kind),
        "strength_bits": str(plan.secret.strength_bits),
        "passphrase": "yes, the shares need it" if passphrase else "none",
        "group_threshold": str(plan.secret.group_threshold),
        "group_count": str(len(plan.groups)),
        "groups": groups,
        "scheme": f"{plan.secret.group_threshold} of {len(plan.groups)} groups: {groups}",
        "share_count": str(sum(g.count for g in plan.groups)),
        "minimum_holders": str(plan.minimum_holders),
        "administrator": plan.roles.administrator,
        "witnesses": ", ".join(plan.roles.witnesses),
        "auditor": plan.roles.auditor or "",
        "dice_only_warning": warning("dice-only"),
        "delay_mode": "no time lock",
        "delay_summary": delay_summary(None),
    }


def _plan_conditions(plan: Plan) -> set[str]:
    passphrase = plan.secret.passphrase is PassphrasePolicy.PROMPT
    conditions = {plan.secret.kind.value, "passphrase" if passphrase else "no-passphrase"}
    if plan.entropy.source.uses_dice:
        conditions.add("dice")
    if plan.entropy.source is EntropySource.DICE_ONLY:
        conditions.add("dice-only")
    lock = plan.recovery.mode.lock
    if lock is None:
        conditions.add("no-timelock")
    else:
        conditions.update({"timelock", lock.value})
        if plan.recovery.consent_card:
            conditions.add("consent")
    return conditions


def _planned_delay(plan: Plan, lock: TimeLockMode) -> dict[str, str]:
    """The delay as the plan asks for it (the ceremony measures the real one)."""
    recovery = plan.recovery
    expected = float(recovery.delay_seconds)
    minimum = expected / recovery.attacker_speedup
    summary = bounds_text(lock.delay_name, expected, minimum, recovery.attacker_speedup)
    return {
        "delay_mode": lock.delay_name,
        "delay_expected": duration_text(expected),
        "delay_minimum": duration_text(minimum, round_down=True),
        "attacker_speedup": str(recovery.attacker_speedup),
        "delay_summary": summary.removesuffix(".") + " (measured at the ceremony).",
    }


def _planned_recover_command(plan: Plan) -> str:
    command = ["python3 recover.py"]
    if plan.secret.kind is SecretKind.BIP39:
        command.append("--kind bip39")
    if plan.recovery.mode is RecoveryMode.SEALED:
        command.append('--timelock-n "$(cat modulus.txt)" --timelock-t T')
    return " ".join([*command, "shares.txt"])


def _kind_text(kind: SecretKind) -> str:
    if kind is SecretKind.BIP39:
        return "BIP-39 secret: the wallet takes it as a BIP-39 phrase"
    return "SLIP-39 secret: the wallet takes the shares, or the master secret as its seed"


def delay_summary(lock: TimeLockInfo | None) -> str:
    """The time-lock delay in the words the runbooks print, or that there is none."""
    if lock is None:
        return "none; enough shares recover the secret at once."
    return bounds_text(
        lock.mode.delay_name, lock.expected_seconds, lock.minimum_seconds, lock.attacker_speedup
    )


def bounds_text(mode: str, expected: float, minimum: float, speedup: float) -> str:
    """Both bounds in words: "evidenced delay, about 3 days on the ceremony computer and at least
    7 hours on hardware 10 times faster." The minimum is rounded down, never overstated."""
    floor = duration_text(minimum, round_down=True)
    floor = floor if floor.startswith("less") else f"at least {floor}"
    return (
        f"{mode}, about {duration_text(expected)} on the ceremony computer and {floor} on "
        f"hardware {speedup:g} times faster."
    )


def recover_command(record: Record) -> str:
    """The command line an heir types to run recover.py for this ceremony."""
    parts = ["python3 recover.py"]
    if record.kind is SecretKind.BIP39:
        parts.append("--kind bip39")
    lock = record.timelock
    if lock is not None and lock.mode is TimeLockMode.SEALED:
        parts.append(f'--timelock-n "$(cat modulus.txt)" --timelock-t {lock.iterations}')
    parts.append("shares.txt")
    return " ".join(parts)


def _grouped(hex_text: str) -> str:
    return " ".join(hex_text[i : i + 8] for i in range(0, len(hex_text), 8))


def _dice(record: Record) -> bool | None:
    """Whether dice were rolled, if the record says (roles["entropy"] as the plan's source)."""
    source = record.roles.get("entropy")
    if not isinstance(source, str) or not source:
        return None
    return "dice" in source


def _conditions(record: Record) -> set[str]:
    lock = record.timelock
    found = {record.kind.value, "passphrase" if record.passphrase else "no-passphrase"}
    if lock is None:
        found.add("no-timelock")
    else:
        found.add("timelock")
        found.add(lock.mode.value)
        if lock.consent_card:
            found.add("consent")
    if _dice(record):
        found.add("dice")
    if record.roles.get("entropy") == EntropySource.DICE_ONLY.value:
        found.add("dice-only")
    return found


def _facts_rows(record: Record, values: dict[str, str]) -> tuple[tuple[str, str], ...]:
    rows = [
        ("Ceremony", values["ceremony_name"]),
        ("Ceremony id", values["ceremony_id"]),
        ("Plan words", values["plan_hash_words"]),
        ("Scheme", values["scheme"]),
        ("Secret", f"{record.strength_bits}-bit {values['kind_text']}"),
        ("Passphrase", values["passphrase"]),
        ("Master fingerprint", values["fingerprint"]),
        ("Secret commitment", values["commitment"]),
        ("Recovery delay", values["delay_summary"]),
        ("recover.py SHA-256", values["recover_py_sha256"]),
        ("Transcript head words", values["transcript_head_words"]),
        ("Recorded at", values["clock"]),
    ]
    return tuple(rows)


# ---------------------------------------------------------------- rendering


@dataclass(frozen=True)
class RenderedRunbook:
    name: str
    runbook: Runbook
    pdf: bytes


UNKNOWN_ID = "____-____-____"
"""The ceremony id on runbooks printed from a plan, before the ceremony gives it: written in."""


def runbook_names(record: Record | None) -> tuple[str, ...]:
    """The runbooks a kit holds: a lifecycle ceremony's kit holds the lifecycle runbook too."""
    if record is not None and record.lineage is not None:
        return (*RUNBOOKS, LIFECYCLE)
    return RUNBOOKS


def fill_runbooks(facts: Facts, names: Sequence[str] = RUNBOOKS) -> list[Runbook]:
    """Every runbook filled with these facts, parsed; their `.text` is what is hashed."""
    return [parse(name, fill(name, facts)) for name in names]


def record_meta(record: Record) -> RunbookMeta:
    """The header facts of a runbook printed after the ceremony, from its record."""
    return RunbookMeta(record.ceremony_name, record.ceremony_id, record.demo)


def plan_meta(plan: Plan) -> RunbookMeta:
    """The header facts of a runbook printed before the ceremony, when there is no ceremony ID
    yet."""
    return RunbookMeta(plan.name, UNKNOWN_ID, plan.demo)


def render_all(
    facts: Facts, meta: RunbookMeta, paper: PaperSize, names: Sequence[str] = RUNBOOKS
) -> list[RenderedRunbook]:
    """Fill and render the named runbooks in order, one PDF each, deterministic for the same
    inputs."""
    return [
        RenderedRunbook(runbook.name, runbook, render_runbook(runbook, meta, paper))
        for runbook in fill_runbooks(facts, names)
    ]


def load_record(path: Path) -> tuple[Record, Path]:
    """The record from record.json or a kit directory, and the file it came from."""
    path = Path(path)
    file = path / "record.json" if path.is_dir() else path
    try:
        text = file.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else type(exc).__name__
        raise BadInput(
            f"cannot read the record {file}: {reason}",
            "give the record.json of the ceremony kit, or the kit directory",
        ) from None
    return Record.from_json(text, source=str(file)), file


def kit_program(record: Record, kit_copy: Path) -> str:
    """The kit's own recover.py when it is there, else this version's (checked either way)."""
    return recover_program(record, kit_copy if kit_copy.is_file() else None)


def recover_program(record: Record, kit_copy: Path | None = None) -> str:
    """The recover.py to print: the kit's own copy if given, else this version's; either way it
    must be the one whose SHA-256 the record holds."""
    text = kit_copy.read_text(encoding="utf-8") if kit_copy is not None else render_recover_py()
    digest = recover_py_sha256(text)
    if record.recover_py_sha256 and digest != record.recover_py_sha256:
        raise NotVerified(
            f"the recover.py to print (SHA-256 {digest[:16]}...) is not the one in the record",
            "render with the kit's own recover.py beside record.json, or with the ceremony "
            "version that made the kit",
        )
    return text


def render_recover_appendix(
    paper: PaperSize, program: str | None = None, *, demo: bool = False
) -> bytes:
    """The printed appendix: recover.py with line numbers and its SHA-256 on every page (and the
    DEMO band on every page of a demonstration kit, like every other document of it)."""
    text = render_recover_py() if program is None else program
    return render_listing(APPENDIX_TITLE, text, recover_py_sha256(text), paper, demo=demo)


def render_runbooks(
    record: Record,
    out_dir: Path,
    paper: PaperSize,
    *,
    overwrite: bool,
    program: str | None = None,
    markdown: bool = False,
) -> list[Path]:
    """Write every runbook PDF and the recover.py appendix into `out_dir` (created if missing).

    Nothing is written if any output exists and `overwrite` is false. `markdown` also writes each
    filled runbook as NAME.md, whose `sha256sum` is the hash printed on its PDF.
    """
    program = recover_program(record) if program is None else program
    facts = facts_from_record(record)
    return _write(
        render_all(facts, record_meta(record), paper, runbook_names(record)),
        render_recover_appendix(paper, program, demo=record.demo),
        out_dir,
        overwrite=overwrite,
        markdown=markdown,
    )


def render_plan_runbooks(
    plan: Plan, out_dir: Path, paper: PaperSize, *, overwrite: bool, markdown: bool = False
) -> list[Path]:
    """The runbooks as far as the plan knows them, to print and work through at the ceremony
    itself (the kit's copies, rendered from the record, come only after act 5)."""
    return _write(
        render_all(facts_from_plan(plan), plan_meta(plan), paper),
        render_recover_appendix(paper, demo=plan.demo),
        out_dir,
        overwrite=overwrite,
        markdown=markdown,
    )


def _write(
    rendered: Sequence[RenderedRunbook],
    appendix: bytes,
    out_dir: Path,
    *,
    overwrite: bool,
    markdown: bool,
) -> list[Path]:
    outputs: list[tuple[str, bytes]] = []
    for item in rendered:
        outputs.append((f"{item.name}.pdf", item.pdf))
        if markdown:
            outputs.append((f"{item.name}.md", item.runbook.text.encode("utf-8")))
    outputs.append((f"{APPENDIX}.pdf", appendix))
    out_dir = Path(out_dir)
    kept = {name for name, data in outputs if markdown and _holds(out_dir / name, data)}
    if not overwrite:
        existing = [n for n, _ in outputs if n not in kept and (out_dir / n).exists()]
        if existing:
            raise Refused(
                f"{out_dir / existing[0]} already exists",
                "choose another --out folder, or pass --force to replace the runbooks",
            )
    out_dir.mkdir(mode=0o755, exist_ok=True)
    paths = []
    for name, data in outputs:
        path = out_dir / name
        if name not in kept:
            write_atomic(path, data, secret=False, overwrite=overwrite)
        paths.append(path)
    return paths


def _holds(path: Path, data: bytes) -> bool:
    """Whether `path` already holds exactly `data`: with --markdown in a printed kit, its PDFs
    are kept as they are and only the text is written beside them."""
    try:
        return path.is_file() and path.read_bytes() == data
    except OSError:
        return False


@dataclass(frozen=True)
class RunbookCheck:
    """One printed runbook compared with a fresh rendering from the record."""

    file: str
    status: str
    """'match', 'stale' (the version written at act 5, before the bag serials and the transcript
    head were known), 'differs' or 'missing'."""
    sha256: str
    """The runbook hash (of the filled text) expected on the paper; the file's SHA-256 for the
    appendix."""


def as_written_in_the_kit(record: Record) -> Record:
    """The record as it stood when the guided ceremony first wrote the runbooks (act 5): before
    the bag serials (act 7) and the transcript head (act 8) were known."""
    shares = tuple(replace(entry, bag_serial="") for entry in record.shares)
    return replace(record, shares=shares, transcript_head="", consent_bag_serial="")


def check_runbooks(
    record: Record, directory: Path, *, program: str | None = None
) -> list[RunbookCheck]:
    """Compare the PDFs in `directory` with fresh renderings from the record, in either paper
    size. Only the final facts match: a runbook filled before sealing (no bag serials, no head
    words, as ceremonies before the final re-rendering left them) is 'stale', since its tables
    say less than the record.

    Same bytes means the same filled text and the same layout. A PDF made by another version of
    this program differs in its bytes alone: compare the runbook hash printed on its pages with
    the one reported here.
    """
    program = recover_program(record) if program is None else program
    early = as_written_in_the_kit(record)
    names = runbook_names(record)
    meta = record_meta(record)
    final = [render_all(facts_from_record(record), meta, s, names) for s in PaperSize]
    stale = (
        []
        if early == record
        else [render_all(facts_from_record(early), meta, s, names) for s in PaperSize]
    )
    results = []
    for index, name in enumerate(names):
        candidates = [(r[index].pdf, r[index].runbook.sha256) for r in final]
        olds = [r[index].pdf for r in stale]
        results.append(_compare(directory / f"{name}.pdf", candidates, olds))
    digest = recover_py_sha256(program)
    appendix = [
        (render_recover_appendix(size, program, demo=record.demo), digest) for size in PaperSize
    ]
    results.append(_compare(directory / f"{APPENDIX}.pdf", appendix, []))
    return results


def _compare(
    path: Path, candidates: Sequence[tuple[bytes, str]], stale: Sequence[bytes]
) -> RunbookCheck:
    """'match' with the hash of the rendering it matched, else the hash from the final facts."""
    if not path.is_file():
        return RunbookCheck(path.name, "missing", candidates[0][1])
    actual = hashlib.sha256(path.read_bytes()).digest()
    for pdf, digest in candidates:
        if hashlib.sha256(pdf).digest() == actual:
            return RunbookCheck(path.name, "match", digest)
    if any(hashlib.sha256(pdf).digest() == actual for pdf in stale):
        return RunbookCheck(path.name, "stale", candidates[0][1])
    return RunbookCheck(path.name, "differs", candidates[0][1])
