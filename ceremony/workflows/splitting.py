"""`ceremony split` as one workflow: check every option before a secret exists, make (or read) the
secret, split it (plain, or sealed under a time lock) with the same `make_split` the guided
ceremony uses, write the kit and prove it from what was written, or format the shares for --reveal.

The command line only parses options into a `SplitRequest` and prints what this returns.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from ceremony.errors import BadInput, OutputFailed, Refused
from ceremony.model.record import Record
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind
from ceremony.model.secret import Secret
from ceremony.model.timelock_mode import TimeLockMode
from ceremony.paper.content import PaperSize
from ceremony.workflows.split import KitSplit, Sealed, SplitResult

Notes = Callable[[str], None]
"""Where chatter goes (stderr at the command line): never a secret."""


@dataclass(frozen=True)
class SchemeOptions:
    """The scheme options of `ceremony split`: `groups` as NAME=TofN texts, as given."""

    groups: tuple[str, ...]
    group_threshold: int
    strength: int = 256
    kind: SecretKind = SecretKind.SLIP39
    exponent: int = 1
    extendable: bool = True


@dataclass(frozen=True)
class SourceOptions:
    """Where the secret and its passphrase come from: files, dice, or the computer alone."""

    passphrase_file: Path | None = None
    secret_file: Path | None = None
    dice_file: Path | None = None
    dice_only: bool = False
    sides: int = 6


@dataclass(frozen=True)
class LockOptions:
    """The sealed time lock (`timelock` as a duration text such as 72h), when one is asked."""

    timelock: str | None = None
    speedup: float = 10.0
    consent_card: bool = True


@dataclass(frozen=True)
class KitOptions:
    """The holder kits and record written with --kit (`directory` None: shares on stdout)."""

    directory: Path | None = None
    name: str = "Shamir backup"
    paper: str = "a4"
    force: bool = False


@dataclass(frozen=True)
class SplitRequest:
    """Every option of `ceremony split`, as given, in the four groups the help describes."""

    scheme: SchemeOptions
    source: SourceOptions = SourceOptions()
    lock: LockOptions = LockOptions()
    kit: KitOptions = KitOptions()
    reveal: bool = False


@dataclass(frozen=True)
class SplitOutcome:
    split: KitSplit
    record: Record | None = None
    """The kit's record, when a kit was written (and proved from its files)."""


def run_split(
    request: SplitRequest, notes: Notes, *, confirm_dice_only: Callable[[], None]
) -> SplitOutcome:
    """`confirm_dice_only` shows the dice-only warning and raises unless the person goes on."""
    from ceremony.workflows.inputs import read_passphrase_file
    from ceremony.workflows.passphrase_advice import split_note

    paper, delay_seconds = check_request(request)
    passphrase = read_passphrase_file(request.source.passphrase_file)
    if passphrase:
        notes(
            split_note(
                passphrase,
                exponent=request.scheme.exponent,
                names=(*request.scheme.groups, request.kit.name),
            )
        )
    scheme, secret = make_secret(request, notes, confirm_dice_only)
    notes(f"splitting a {scheme.strength_bits}-bit {scheme.kind.value} secret: {scheme.summary()}")
    timelock = None
    if delay_seconds is not None:
        from ceremony.workflows.timelock_policy import (
            SEALED,
            busy_warning,
            calibrate,
            measure_rates,
        )

        notes("measuring this machine's squaring rate for the time lock (a few seconds) ...")
        samples = measure_rates(SEALED)
        if samples.busy():
            notes(f"warning: {busy_warning(samples)}")
        timelock = calibrate(SEALED, delay_seconds, request.lock.speedup, samples=samples)
    from ceremony.workflows.split import make_split

    consent_card = request.lock.consent_card and request.kit.directory is not None
    split = make_split(scheme, secret, passphrase, timelock=timelock, consent_card=consent_card)
    if split.timelock is not None:
        notes(f"time lock: {split.timelock.description}")
    notes(f"verified: every qualifying set of the {scheme.share_count} shares rebuilds the secret")
    if request.kit.directory is None:
        if isinstance(split, Sealed):
            notes(
                "warning: keep the modulus N and the squarings T printed with the shares: "
                "without them the sealed secret can never be recovered, even with every share"
            )
        return SplitOutcome(split)
    assert paper is not None
    record = write_and_prove(request.kit.directory, split, request, paper, passphrase, notes)
    return SplitOutcome(split, record)


def check_request(request: SplitRequest) -> tuple[PaperSize | None, int | None]:
    """Everything about the outputs and the options is checked before any secret is made."""
    if not request.reveal and request.kit.directory is None:
        raise Refused(
            "shares are secrets: refusing to print them without --reveal",
            "add --reveal to print the shares on stdout (only on an offline machine), "
            "or --kit DIR to write holder kits",
        )
    paper = None
    kit = request.kit.directory
    if kit is not None:
        paper = PaperSize.from_text(request.kit.paper)
        from ceremony.workflows.kit import check_ceremony_name, check_replaceable

        check_ceremony_name(request.kit.name)
        if (kit.exists() or kit.is_symlink()) and not request.kit.force:
            raise Refused(f"{kit} already exists", "choose a new directory, or pass --force")
        if kit.exists() or kit.is_symlink():
            check_replaceable(kit)
        if not kit.parent.is_dir():
            raise OutputFailed(
                f"cannot write the kit {kit}: the directory {kit.parent} does not exist",
                "create that directory first, or choose another --kit",
            )
    delay_seconds = None
    if request.lock.timelock is not None:
        from ceremony.core.calibration import duration_from_text

        delay_seconds = duration_from_text(request.lock.timelock)
        if request.source.passphrase_file is not None or request.source.secret_file is not None:
            raise BadInput(
                "--timelock cannot be combined with --passphrase-file or --secret-file",
                "a sealed time lock makes its own passphrase and secret; leave those out",
            )
    elif not request.lock.consent_card:
        raise BadInput(
            "--no-consent-card is for a sealed time lock", "add --timelock D, or leave it out"
        )
    if request.source.dice_file is not None and request.source.secret_file is not None:
        raise BadInput(
            "--dice-file and --secret-file cannot be used together",
            "dice make a new secret; --secret-file splits one you already have",
        )
    if request.source.dice_file is None and (request.source.dice_only or request.source.sides != 6):
        raise BadInput(
            "--dice-only and --sides need --dice-file", "give the rolls with --dice-file F"
        )
    return paper, delay_seconds


def make_secret(
    request: SplitRequest, notes: Notes, confirm_dice_only: Callable[[], None]
) -> tuple[Scheme, Secret]:
    """Read the secret file, or make a secret from dice or the computer; a --strength that disagrees
    with the file is refused."""
    from ceremony.workflows.inputs import read_secret_file

    groups = tuple(GroupSpec.from_text(text) for text in request.scheme.groups)
    strength = request.scheme.strength
    secret = None
    if request.source.secret_file is not None:
        secret = read_secret_file(request.source.secret_file, request.scheme.kind)
        if strength not in (256, secret.strength_bits):
            raise BadInput(
                f"--strength {strength} does not match the {secret.strength_bits}-bit secret file",
                "leave out --strength when you give --secret-file",
            )
        strength = secret.strength_bits
    scheme = Scheme(
        group_threshold=request.scheme.group_threshold,
        groups=groups,
        strength_bits=strength,
        kind=request.scheme.kind,
        iteration_exponent=request.scheme.exponent,
        extendable=request.scheme.extendable,
    )
    if secret is None:
        from ceremony.core.dice import read_dice_file
        from ceremony.core.entropy import make_master_secret

        dice = None
        if request.source.dice_file is not None:
            dice = read_dice_file(request.source.dice_file, request.source.sides)
        if request.source.dice_only:
            confirm_dice_only()
        secret, entropy = make_master_secret(
            scheme.strength_bits,
            dice=dice,
            dice_only=request.source.dice_only,
            kind=request.scheme.kind,
        )
        notes(entropy.summary())
    return scheme, secret


def write_and_prove(
    kit: Path,
    split: KitSplit,
    request: SplitRequest,
    paper: PaperSize,
    passphrase: bytes,
    notes: Notes,
) -> Record:
    """Write the kit with --kit and read it back; the record is returned only once the written kit
    proved to recover."""
    from ceremony.workflows.kit import write_split_kit

    record, proof = write_split_kit(
        kit,
        split,
        name=request.kit.name,
        paper=paper,
        overwrite=request.kit.force,
        passphrase=passphrase,
    )
    consent = ""
    if isinstance(split, Sealed):
        consent = (
            ", consent/ (the consent card and consent.txt, secret, mode 0600)"
            if split.consent_card
            else "; no consent card (--no-consent-card): only the time lock opens it"
        )
    notes(
        f"kit written to {kit}: {len(record.shares)} holder PDFs (secret, mode 0600), "
        f"record.json and record.pdf (public), recover.py{consent}"
    )
    notes(proof.summary())
    return record


def split_output(outcome: SplitOutcome, *, reveal: bool, as_json: bool) -> str:
    """What `ceremony split` prints on stdout. Holds the shares (SECRET) when `reveal` is set."""
    split = outcome.split
    result = split.result
    if outcome.record is not None and not reveal:
        if as_json:
            return json.dumps({k: v for k, v in split_json(result).items() if k != "groups"})
        return f"fingerprint {result.fingerprint}\ncommitment {result.commitment}"
    data = split_json(result)
    lock = split.sealed.lock if isinstance(split, Sealed) else None
    consent = split.sealed.consent.reveal() if isinstance(split, Sealed) else ""
    if lock is not None:
        data["timelock"] = {
            "mode": TimeLockMode.SEALED,
            "version": lock.version,
            "modulus_hex": f"{lock.modulus:x}",
            "squarings": lock.squarings,
            "consent_passphrase": consent,
        }
    if as_json:
        return json.dumps(data, indent=2)
    scheme = result.scheme
    lines = [f"# ceremony split: identifier {result.identifier}, {scheme.summary()}"]
    if lock is not None:
        lines += [
            f"# sealed time lock {lock.version}: squarings {lock.squarings}",
            f"# modulus {lock.modulus:x}",
            "# keep the modulus and the squarings with the shares: the secret needs them",
            f"# consent passphrase (SECRET, unlocks at once): {consent}",
        ]
    lines += [
        f"# kind {scheme.kind.value}, fingerprint {result.fingerprint}",
        f"# commitment {result.commitment}",
    ]
    for spec, shares in zip(scheme.groups, result.groups, strict=True):
        lines += ["", f"# group {spec.name}: {spec.threshold} of {spec.count} needed"]
        for share in shares:
            lines.append(
                f"# {spec.name} share {share.member_number} of {spec.count}, "
                f"check code {share.check_code()}"
            )
            lines.append(share.mnemonic())
    return "\n".join(lines)


def split_json(result: SplitResult) -> dict[str, object]:
    """The split as the JSON of `ceremony split --reveal --json`; it holds the shares, so it goes to
    stdout only."""
    scheme = result.scheme
    return {
        "format": "ceremony-split/v1",
        "identifier": result.identifier,
        "kind": scheme.kind.value,
        "strength": scheme.strength_bits,
        "group_threshold": scheme.group_threshold,
        "iteration_exponent": scheme.iteration_exponent,
        "extendable": scheme.extendable,
        "fingerprint": result.fingerprint,
        "commitment": result.commitment,
        "groups": [
            {
                "name": spec.name,
                "index": position,
                "threshold": spec.threshold,
                "count": spec.count,
                "shares": [
                    {
                        "member": share.member_number,
                        "mnemonic": share.mnemonic(),
                        "commitment": share.commitment(),
                        "check_code": share.check_code(),
                    }
                    for share in shares
                ],
            }
            for position, (spec, shares) in enumerate(
                zip(scheme.groups, result.groups, strict=True), start=1
            )
        ],
    }
