"""Write a ceremony kit directory: one secret PDF per holder, the public record (JSON and PDF), and
the standalone recovery program. The directory appears whole, or not at all.

Layout: `record.json`, `record.pdf`, `recover.py`, `holders/NN-MM-name.pdf` (mode 0600). The guided
ceremony adds `transcript.jsonl` and `runbooks/`.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import secrets
import unicodedata
from collections.abc import Generator, Iterator, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from ceremony import __version__
from ceremony.build_info import lock_sha256, python_version
from ceremony.errors import BadInput, CeremonyError, NotVerified, OutputFailed, Refused
from ceremony.files import staged_directory, sync_directory, write_atomic
from ceremony.model.hashwords import hash_words
from ceremony.model.passphrase import CONSENT_FORMAT, consent_check_code
from ceremony.model.plan import Holder as Holder  # the plan's holder; kits.Holder for callers
from ceremony.model.record import IssuedShare, Record, TimeLockInfo
from ceremony.model.scheme import SecretKind
from ceremony.model.sources import Clock, Rng
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.paper.content import HolderKit, PaperSize, RecordSheet, ShareCard, ShareRow
from ceremony.terminal_text import hidden_characters

if TYPE_CHECKING:  # the sealed lock's module loads gmpy2, which only time-lock commands need;
    # the split and the read-back are not needed to re-render record.pdf (the audit does)
    from ceremony.core.sealed import Passphrase
    from ceremony.paper.consent import ConsentCard  # reportlab: only when a kit is written
    from ceremony.workflows.readback import CardReader, KitProof
    from ceremony.workflows.split import KitSplit, SplitResult


def utc_now() -> datetime:
    """The default clock of a record, to the second."""
    return datetime.now(UTC).replace(microsecond=0)


@dataclass(frozen=True)
class KitOptions:
    """What the paper needs beyond the split itself."""

    ceremony_name: str
    paper_size: PaperSize = PaperSize.A4
    demo: bool = False
    contacts: tuple[tuple[str, str, str], ...] = ()
    administrator: str = ""
    witnesses: tuple[str, ...] = ()
    auditor: str = ""
    time_lock_text: str | None = None


def new_ceremony_id(rng: Rng = secrets.token_bytes) -> str:
    """A random ID short enough to read aloud and compare: three groups of four hex digits."""
    raw = rng(6).hex().upper()
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def default_holders(split: SplitResult) -> list[list[Holder]]:
    """Placeholder names for a kit written by `ceremony split --kit`, which has no plan naming the
    holders."""
    return [
        [Holder(f"{spec.name} holder {n}") for n in range(1, spec.count + 1)]
        for spec in split.scheme.groups
    ]


def command_line_plan_hash(split: SplitResult, name: str) -> str:
    """Without a plan file, the 'plan' is the scheme as given; hash its canonical description."""
    scheme = split.scheme
    text = (
        f"ceremony/v1/command-line-plan\n{name}\n{scheme.summary()}\n{scheme.strength_bits}\n"
        f"{scheme.kind.value}\n{scheme.iteration_exponent}\n{scheme.extendable}\n"
    )
    return hashlib.sha256(text.encode()).hexdigest()


def build_record(
    split: SplitResult,
    *,
    ceremony_name: str,
    holders: Sequence[Sequence[Holder]],
    plan_sha256: str,
    plan_source: str,
    passphrase_used: bool,
    demo: bool,
    ceremony_id: str | None = None,
    clock: Clock = utc_now,
    timelock: TimeLockInfo | None = None,
    roles: dict[str, object] | None = None,
) -> Record:
    """The record of a split: one entry per issued share, with its commitment and check code, never
    the share itself."""
    entries = []
    for position, (spec, shares, names) in enumerate(
        zip(split.scheme.groups, split.groups, holders, strict=True), start=1
    ):
        for share, holder in zip(shares, names, strict=True):
            entries.append(
                IssuedShare(
                    holder=holder.name,
                    group=spec.name,
                    group_number=position,
                    member_number=share.member_number,
                    commitment=share.commitment(),
                    check_code=share.check_code(),
                    contact=holder.contact,
                )
            )
    scheme = split.scheme
    return Record(
        ceremony_name=ceremony_name,
        ceremony_id=ceremony_id or new_ceremony_id(),
        clock_untrusted=clock().isoformat(),
        tool=f"ceremony {__version__}",
        lock_sha256=lock_sha256(),
        python=python_version(),
        demo=demo,
        plan_sha256=plan_sha256,
        plan_source=plan_source,
        group_threshold=scheme.group_threshold,
        groups=scheme.groups,
        strength_bits=scheme.strength_bits,
        kind=scheme.kind,
        iteration_exponent=scheme.iteration_exponent,
        extendable=scheme.extendable,
        identifier=split.identifier,
        passphrase=passphrase_used,
        fingerprint=split.fingerprint,
        commitment=split.commitment,
        shares=tuple(entries),
        timelock=timelock,
        roles=dict(roles or {}),
    )


_UNDECOMPOSED = str.maketrans(
    {
        "ł": "l",
        "Ł": "L",
        "ø": "o",
        "Ø": "O",
        "đ": "d",
        "Đ": "D",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
    }
)


def holder_filename(entry: IssuedShare) -> str:
    """An ASCII file name that sorts by group and member and still says whose card it is."""
    plain = entry.holder.translate(_UNDECOMPOSED)
    folded = unicodedata.normalize("NFKD", plain).encode("ascii", "ignore").decode()
    slug = re.sub(r"[^a-z0-9]+", "-", folded.lower()).strip("-")[:40] or "holder"
    return f"{entry.group_number:02d}-{entry.member_number:02d}-{slug}.pdf"


def scheme_lines(record: Record) -> tuple[str, ...]:
    """The scheme in plain words for people to read; an amended kit also says where it came from."""
    lines = [f"{record.group_threshold} of {len(record.groups)} groups needed to recover"]
    for group in record.groups:
        lines.append(f"group {group.name}: {group.threshold} of {group.count} shares needed")
    lines.append(
        f"{record.strength_bits}-bit secret, SLIP-39 identifier {record.identifier}, "
        f"iteration exponent {record.iteration_exponent}, "
        f"extendable {'yes' if record.extendable else 'no'}, "
        f"passphrase {'yes' if record.passphrase else 'no'}"
    )
    if record.lineage is not None:
        from ceremony.workflows.lifecycle.history import lineage_lines

        lines += lineage_lines(record.lineage)
    return tuple(lines)


def record_sheet(record: Record) -> RecordSheet:
    """The printed record's values, from the record alone (so the audit can re-render it)."""
    rows = tuple(
        ShareRow(
            holder=entry.holder,
            group=entry.group,
            member_number=entry.member_number,
            member_count=record.groups[entry.group_number - 1].count,
            check_code=entry.check_code,
            share_commitment=entry.commitment,
            kit_sha256=entry.holder_pdf_sha256,
            bag_serial=entry.bag_serial,
        )
        for entry in record.shares
    )
    lock_lines: tuple[str, ...] = ()
    if record.timelock is not None:
        lock_lines = (record.timelock.description,)
    return RecordSheet(
        ceremony_name=record.ceremony_name,
        ceremony_id=record.ceremony_id,
        clock_time=record.clock_untrusted,
        plan_hash_hex=record.plan_sha256,
        plan_hash_words=hash_words(bytes.fromhex(record.plan_sha256)),
        scheme_lines=scheme_lines(record),
        secret_kind=record.kind.value,
        fingerprint=record.fingerprint,
        commitment=record.commitment,
        shares=rows,
        administrator=str(record.roles.get("administrator", "")),
        witnesses=tuple(str(name) for name in record.roles.get("witnesses", ())),
        auditor=str(record.roles.get("auditor", "")),
        time_lock_lines=lock_lines,
        transcript_head_words=(
            hash_words(bytes.fromhex(record.transcript_head)) if record.transcript_head else ""
        ),
        demo=record.demo,
        conduct=conduct_facts(record),
    )


ENTROPY_TEXT = {
    "csprng": "the operating system's random generator (no dice)",
    "csprng+dice": "the operating system's random generator mixed with dice rolled at the ceremony",
    "dice-only": "dice alone, rolled at the ceremony",
}


def conduct_facts(record: Record) -> tuple[tuple[str, str], ...]:
    """The record's facts about how the ceremony ran, for the printed record."""
    facts: list[tuple[str, str]] = []
    if record.entropy_source:
        facts.append(("entropy", ENTROPY_TEXT.get(record.entropy_source, record.entropy_source)))
    facts.append(("tool", record.tool))
    if record.recover_py_sha256:
        facts.append(("recover_py", record.recover_py_sha256))
    if record.preflight:
        facts.append(("preflight", record.preflight))
    if record.consent_card_sha256:
        facts.append(("consent_card", record.consent_card_sha256))
        facts.append(("consent_bag", record.consent_bag_serial))
    return tuple(facts)


def render_holder_pdfs(
    split: SplitResult, record: Record, options: KitOptions
) -> Generator[tuple[IssuedShare, bytes], None, None]:
    """Render every holder's kit, one at a time, so that a caller writing each to disk holds only
    one in memory whatever the number of holders. The PDFs are SECRET."""
    from ceremony.paper.holder import render_holder_kit
    from ceremony.paper.layout import shared_measures

    shares = split.all_shares()
    with shared_measures():  # the kits repeat most of their text: each piece measured once
        for entry, share in zip(record.shares, shares, strict=True):
            kit = holder_kit(record, options, entry, share.words)
            yield entry, render_holder_kit(kit, options.paper_size)


@contextlib.contextmanager
def drawn_holder_pdfs(
    split: SplitResult, record: Record, options: KitOptions, workers: int | None = None
) -> Iterator[Iterator[tuple[int, bytes]]]:
    """Every holder's PDF as (position in `record.shares`, PDF), in the order they are done: drawn
    by worker processes for a large kit (`kit_drawing`; `workers` None: as many as suit this
    machine), one at a time, so that a caller writing each to disk holds only a few in memory
    whatever the number of holders. Started before any thread of this process (workers are
    forks). SECRET: the PDFs hold the share words."""
    from ceremony.paper.holder import render_holder_kit
    from ceremony.paper.layout import shared_measures
    from ceremony.workflows.kit_drawing import drawing, worker_count

    shares = split.all_shares()
    entries = record.shares

    def draw(index: int) -> bytes:
        kit = holder_kit(record, options, entries[index], shares[index].words)
        return render_holder_kit(kit, options.paper_size)

    count = len(entries)
    with (
        shared_measures(),
        drawing(count, draw, worker_count(count) if workers is None else workers) as pdfs,
    ):
        yield pdfs


def holder_kit(
    record: Record, options: KitOptions, entry: IssuedShare, words: tuple[str, ...]
) -> HolderKit:
    """What one holder's PDF shows. SECRET: it holds the share's words."""
    group = record.groups[entry.group_number - 1]
    card = ShareCard(
        ceremony_name=record.ceremony_name,
        ceremony_id=record.ceremony_id,
        holder=entry.holder,
        group=entry.group,
        member_number=entry.member_number,
        member_count=group.count,
        member_threshold=group.threshold,
        group_count=len(record.groups),
        group_threshold=record.group_threshold,
        words=words,
        check_code=entry.check_code,
        demo=record.demo,
    )
    sealed = record.timelock is not None and record.timelock.mode is TimeLockMode.SEALED
    return HolderKit(
        card=card,
        plan_hash_words=hash_words(bytes.fromhex(record.plan_sha256)),
        fingerprint=record.fingerprint,
        contacts=options.contacts,
        time_lock=options.time_lock_text,
        rule=tuple((g.name, g.threshold, g.count) for g in record.groups),
        passphrase=record.passphrase,
        bip39=record.kind is SecretKind.BIP39,
        sealed=sealed,
        consent_card=sealed and record.timelock is not None and record.timelock.consent_card,
        administrator=options.administrator,
    )


def record_pdf(record: Record) -> bytes:
    """record.pdf exactly: a function of the record's fields (all but its own hash) and nothing else,
    since the fonts ship with the package."""
    from ceremony.paper.record import render_record

    return render_record(record_sheet(record), PaperSize.from_text(record.paper_size or "a4"))


def write_public(
    directory: Path, record: Record, options: KitOptions, drawn: tuple[Record, bytes] | None = None
) -> Record:
    """(Re)write the public record, JSON and PDF, atomically; returns the record as written (with
    its paper size and the hash of record.pdf). `drawn`: a record and its record.pdf drawn ahead,
    used when it is this very record."""
    record = replace(record, paper_size=options.paper_size.value)
    pdf = drawn[1] if drawn is not None and drawn[0] == record else record_pdf(record)
    record = replace(record, record_pdf_sha256=hashlib.sha256(pdf).hexdigest())
    write_atomic(directory / "record.json", record.to_json().encode(), secret=False, overwrite=True)
    write_atomic(directory / "record.pdf", pdf, secret=False, overwrite=True)
    return record


def kit_record(
    split: KitSplit,
    *,
    ceremony_name: str,
    holders: Sequence[Sequence[Holder]],
    plan_sha256: str,
    plan_source: str,
    demo: bool,
    ceremony_id: str | None = None,
    clock: Clock = utc_now,
    roles: dict[str, object] | None = None,
) -> Record:
    """The record of a kit: the time lock (and whether a passphrase was used) come from the split
    itself, so a sealed kit can never be recorded without its lock."""
    from ceremony.workflows.split import Unsealed

    return build_record(
        split.result,
        ceremony_name=ceremony_name,
        holders=holders,
        plan_sha256=plan_sha256,
        plan_source=plan_source,
        passphrase_used=isinstance(split, Unsealed) and split.passphrase_used,
        demo=demo,
        ceremony_id=ceremony_id,
        clock=clock,
        timelock=split.timelock,
        roles=roles,
    )


def check_kit_split(split: KitSplit, record: Record) -> None:
    """The record must carry exactly the split's lock: a sealed kit without N and T is lost."""
    if record.timelock != split.timelock or record.fingerprint != split.result.fingerprint:
        raise NotVerified(
            "the kit record does not carry the split's time lock and fingerprint",
            "this is a bug; nothing was written",
        )


def populate_kit(
    directory: Path,
    split: KitSplit,
    record: Record,
    options: KitOptions,
    reader: CardReader | None = None,
    *,
    record_pdf_now: bool = True,
    pdfs: Iterator[tuple[int, bytes]] | None = None,
) -> Record:
    """Write holder PDFs, recover.py, the record and (sealed, with a consent card) the consent
    card into an existing (staging) directory; `reader` reads each holder PDF back as written.
    `pdfs`: the holder PDFs as `drawn_holder_pdfs` gives them (None: drawn here, in this
    process). Without `record_pdf_now` only record.json is written: the caller writes the public
    record again once it is final (record.pdf is a function of the record, drawn once)."""
    from ceremony.workflows.split import Sealed
    from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

    check_kit_split(split, record)
    holders_dir = directory / "holders"
    os.mkdir(holders_dir, 0o700)
    with contextlib.ExitStack() as stack:
        if pdfs is None:  # closed on an error too: the measures it shares (words) are forgotten
            pdfs = stack.enter_context(drawn_holder_pdfs(split.result, record, options, 0))
        digests = _write_holder_pdfs(holders_dir, record, pdfs, reader)
    sync_directory(holders_dir)
    program = render_recover_py()
    write_atomic(directory / "recover.py", program.encode(), secret=False)
    record = replace(
        record,
        shares=tuple(
            replace(entry, holder_pdf_sha256=digests[index])
            for index, entry in enumerate(record.shares)
        ),
        recover_py_sha256=recover_py_sha256(program),
        paper_size=options.paper_size.value,
    )
    if record_pdf_now:
        record = write_public(directory, record, options)
    else:
        write_atomic(directory / "record.json", record.to_json().encode(), secret=False)
    if isinstance(split, Sealed) and split.consent is not None:
        write_consent(directory, record, split.consent, options)
    return record


def _write_holder_pdfs(
    folder: Path,
    record: Record,
    pdfs: Iterator[tuple[int, bytes]],
    reader: CardReader | None,
) -> dict[int, str]:
    """Each holder PDF written as it comes (atomically, mode 0600, synced) and handed to the
    reader; the SHA-256 of each, by its position in the record."""
    digests: dict[int, str] = {}
    for index, pdf in pdfs:
        path = folder / holder_filename(record.shares[index])
        write_atomic(path, pdf, secret=True, batch=True)
        if reader is not None:
            reader.submit(path)
        digests[index] = hashlib.sha256(pdf).hexdigest()
    if sorted(digests) != list(range(len(record.shares))):
        raise OutputFailed("not every holder PDF was drawn", "this is a bug; nothing was written")
    return digests


def write_kit(
    directory: Path,
    split: KitSplit,
    record: Record,
    options: KitOptions,
    *,
    overwrite: bool = False,
) -> Record:
    """Write a whole kit (and the consent card of a sealed lock) into a new directory; on any
    failure nothing is left behind."""
    with staged_directory(directory, overwrite=overwrite) as staging:
        final = populate_kit(staging, split, record, options)
    return final


def write_split_kit(
    directory: Path,
    split: KitSplit,
    *,
    name: str,
    paper: PaperSize,
    overwrite: bool,
    passphrase: bytes = b"",
) -> tuple[Record, KitProof]:
    """The kit of `ceremony split --kit`: default holder names, the command line as the plan.
    The kit is proved from its written files before it is moved into place, so a kit that does
    not recover is never left behind."""
    from ceremony.workflows.readback import prove_kit, reading_ahead

    options = KitOptions(
        ceremony_name=name,
        paper_size=paper,
        time_lock_text=split.timelock.description if split.timelock else None,
    )
    record = kit_record(
        split,
        ceremony_name=name,
        holders=default_holders(split.result),
        plan_sha256=command_line_plan_hash(split.result, name),
        plan_source="command-line",
        demo=False,
    )
    with (
        staged_directory(directory, overwrite=overwrite) as staging,
        drawn_holder_pdfs(split.result, record, options) as pdfs,  # before the reader's thread
        reading_ahead() as reader,
    ):
        record = populate_kit(
            staging, split, record, options, reader, record_pdf_now=False, pdfs=pdfs
        )
        written = record
        drawn: list[tuple[Record, bytes]] = []

        def draw_record(proof: KitProof) -> None:  # while recover.py runs: drawn, not written
            final = replace(written, read_back=proof.to_data(), paper_size=paper.value)
            drawn.append((final, record_pdf(final)))

        proof = prove_kit(staging, split, passphrase, reader, meanwhile=draw_record)
        record = replace(record, read_back=proof.to_data())
        record = write_public(staging, record, options, drawn[0] if drawn else None)
    return record, proof


def consent_text(record: Record, consent: Passphrase) -> str:
    """The consent file that `ceremony recover unlock --consent-file` and `recover.py
    --passphrase-file` read: the form printed on the card, with its check code. SECRET."""
    p = consent.reveal()
    return (
        f"{CONSENT_FORMAT}\nceremony_id: {record.ceremony_id}\npassphrase: {p}\n"
        f"check_code: {consent_check_code(p)}\n"
    )


def write_consent(
    directory: Path, record: Record, consent: Passphrase, options: KitOptions
) -> None:
    """The consent card (PDF and text file) in `consent/`, mode 0600: the fast path past the lock."""
    folder = directory / "consent"
    os.mkdir(folder, 0o700)
    write_atomic(folder / "consent.txt", consent_text(record, consent).encode(), secret=True)
    from ceremony.paper.consent import render_card

    pdf = render_card(consent_card(record, consent.reveal()), options.paper_size)
    write_atomic(folder / "consent-card.pdf", pdf, secret=True)


def consent_card(record: Record, passphrase: str) -> ConsentCard:
    """What the consent card of a sealed record shows. SECRET: it holds P."""
    from ceremony.paper.consent import ConsentCard

    lock = record.timelock
    return ConsentCard(
        ceremony_name=record.ceremony_name,
        ceremony_id=record.ceremony_id,
        passphrase=passphrase,
        squarings=lock.iterations if lock is not None else 0,
        fingerprint=record.fingerprint,
        demo=record.demo,
    )


SPLIT_KIT_ENTRIES = {
    "record.json": "file",
    "record.pdf": "file",
    "recover.py": "file",
    "holders": "dir",
    "consent": "dir",
    "runbooks": "dir",
}
"""What `split --kit` writes (and `runbook render` adds beside it): all that `--force` may replace."""


def check_replaceable(directory: Path) -> None:
    """Refuse `--force` unless `directory` is a kit that `split --kit` wrote, and nothing more.

    How it knows: the path itself is a real directory (not a symlink); its record.json reads as a
    ceremony record (strictly) made from the command line (`plan_source` "command-line"); it holds
    only the entries split writes (record.json, record.pdf, recover.py, holders/, consent/, and
    runbooks/ rendered beside them), regular files and folders only, no symlink anywhere and no
    recovery session. A kit of `ceremony run` (it has a transcript) is finished work: never replaced.
    """
    hint = "choose a new --kit directory; --force replaces only a kit that `split --kit` wrote"
    if directory.is_symlink() or not directory.is_dir():
        raise Refused(f"{directory} is not a kit directory (a symlink or not a directory)", hint)
    names = {entry.name for entry in directory.iterdir()}
    if "transcript.jsonl" in names or "recovery" in names:
        raise Refused(
            f"{directory} is a ceremony kit with a transcript or recovery sessions: finished work",
            hint,
        )
    unknown = sorted(names - set(SPLIT_KIT_ENTRIES))
    if unknown or "record.json" not in names:
        what = f"it holds {unknown[0]!r}" if unknown else "it has no record.json"
        raise Refused(f"{directory} is not a kit written by split ({what})", hint)
    for name in names:
        _check_entry(directory / name, SPLIT_KIT_ENTRIES[name], hint)
    try:
        record = Record.from_json((directory / "record.json").read_bytes(), str(directory))
    except CeremonyError:
        raise Refused(f"{directory}/record.json is not a readable ceremony record", hint) from None
    if record.plan_source != "command-line":
        raise Refused(f"{directory} is the kit of a planned ceremony, not of split", hint)


def _check_entry(path: Path, kind: str, hint: str) -> None:
    if path.is_symlink():
        raise Refused(f"{path} is a symlink: --force never follows one", hint)
    if kind == "file":
        if not path.is_file():
            raise Refused(f"{path} is not a regular file", hint)
        return
    if not path.is_dir():
        raise Refused(f"{path} is not a folder", hint)
    for inner in path.rglob("*"):
        if inner.is_symlink() or not (inner.is_file() or inner.is_dir()):
            raise Refused(
                f"{inner} is a symlink or a special file: --force never follows one", hint
            )


MAX_CEREMONY_NAME = 100
"""As long as a plan's names may be (`ceremony.planfile.fields.MAX_NAME`): it is printed on every page."""


def check_ceremony_name(name: str) -> None:
    """`split --name`: one line of visible text that fits on the printed pages."""
    hidden = hidden_characters(name)
    if not name.strip() or len(name) > MAX_CEREMONY_NAME or hidden:
        why = f"contains {hidden[0]}" if hidden else f"must be 1 to {MAX_CEREMONY_NAME} characters"
        raise BadInput(
            f"the ceremony name {why}",
            "give --name a short line of visible text; control, bidi and zero-width characters "
            "could disguise what is printed",
        )
