"""`ceremony split`: make (or read) a secret, split it, prove the split, print or write the shares."""

import json
from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json, Kind, PassphraseFile, Reveal
from ceremony.model.scheme import SecretKind

HELP = """Make a fresh secret (or read one), split it into SLIP-39 shares, and prove that every
qualifying set of shares rebuilds it.

Shares are secrets: they are printed only with --reveal, or written into holder kits (one PDF per
holder, mode 0600) and a public record with --kit DIR.

\b
Examples:
  ceremony split --group-threshold 2 --group treasury=2of3 --group family=2of3 \\
      --group lawyer=1of1 --reveal
  ceremony split --group-threshold 1 --group solo=3of5 --strength 128 --kind bip39 \\
      --secret-file seed.txt --passphrase-file pass.txt --reveal --json
  ceremony split -t 1 -g solo=2of3 --strength 128 --dice-file rolls.txt --dice-only --reveal
  ceremony split -t 1 -g solo=2of3 --timelock 72h --kit kit-sealed
  ceremony split -t 2 -g treasury=2of3 -g family=2of3 -g lawyer=1of1 \\
      --kit kit-acme --name "Acme treasury" --paper letter
"""


@app.command("split", help=HELP, no_args_is_help=True)
def split_command(
    group: Annotated[
        list[str],
        typer.Option("--group", "-g", help="A group as NAME=TofN, e.g. treasury=2of3. Repeat it."),
    ],
    group_threshold: Annotated[
        int, typer.Option("--group-threshold", "-t", help="How many groups are needed.")
    ],
    strength: Annotated[int, typer.Option("--strength", help="Secret size in bits.")] = 256,
    kind: Kind = SecretKind.SLIP39,
    exponent: Annotated[
        int, typer.Option("--exponent", help="SLIP-39 iteration exponent (passphrase work).")
    ] = 1,
    no_extendable: Annotated[
        bool, typer.Option("--no-extendable", help="Clear the SLIP-39 extendable-backup flag.")
    ] = False,
    passphrase_file: PassphraseFile = None,
    secret_file: Annotated[
        Path | None,
        typer.Option(
            "--secret-file",
            help="Split this secret (hex, or BIP-39 words for --kind bip39) instead of a new one.",
        ),
    ] = None,
    dice_file: Annotated[
        Path | None,
        typer.Option(
            "--dice-file",
            help="Mix dice rolls from this file into the secret (see README, Entropy).",
        ),
    ] = None,
    dice_only: Annotated[
        bool,
        typer.Option(
            "--dice-only",
            help="Use the dice alone, no computer randomness: for a two-machine cross-check.",
        ),
    ] = False,
    sides: Annotated[int, typer.Option("--sides", help="Sides of the dice (--dice-file).")] = 6,
    timelock: Annotated[
        str | None,
        typer.Option(
            "--timelock",
            help="Seal the secret under a time lock of about this long on this machine "
            "(e.g. 72h, 30d): recovery then needs the shares plus sequential work, or the "
            "consent card.",
        ),
    ] = None,
    speedup: Annotated[
        float,
        typer.Option("--speedup", help="Attacker speed-up k for the guaranteed minimum bound."),
    ] = 10.0,
    kit: Annotated[
        Path | None,
        typer.Option("--kit", help="Write holder kits and the record into this new directory."),
    ] = None,
    name: Annotated[
        str, typer.Option("--name", help="Ceremony name printed on the kit (with --kit).")
    ] = "Shamir backup",
    paper: Annotated[
        str, typer.Option("--paper", help="Paper size for --kit: a4 or letter.")
    ] = "a4",
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing --kit directory.")
    ] = False,
    reveal: Reveal = False,
    as_json: Json = False,
) -> None:
    from ceremony.errors import BadInput, OutputFailed, Refused
    from ceremony.model.scheme import GroupSpec, Scheme
    from ceremony.ui.console import out, say
    from ceremony.workflows.inputs import read_passphrase_file, read_secret_file
    from ceremony.workflows.split import split_secret

    if not reveal and kit is None:
        raise Refused(
            "shares are secrets: refusing to print them without --reveal",
            "add --reveal to print the shares on stdout (only on an offline machine), "
            "or --kit DIR to write holder kits",
        )
    # Everything about the outputs is checked before any secret is made.
    if kit is not None:
        from ceremony.paper.content import PaperSize

        PaperSize.from_text(paper)
        if kit.exists() and not force:
            raise Refused(f"{kit} already exists", "choose a new directory, or pass --force")
        if not kit.parent.is_dir():
            raise OutputFailed(
                f"cannot write the kit {kit}: the directory {kit.parent} does not exist",
                "create that directory first, or choose another --kit",
            )
    delay_seconds = None
    if timelock is not None:
        from ceremony.core.calibration import duration_from_text

        delay_seconds = duration_from_text(timelock)
        if passphrase_file is not None or secret_file is not None:
            raise BadInput(
                "--timelock cannot be combined with --passphrase-file or --secret-file",
                "a sealed time lock makes its own passphrase and secret; leave those out",
            )
    if dice_file is not None and secret_file is not None:
        raise BadInput(
            "--dice-file and --secret-file cannot be used together",
            "dice make a new secret; --secret-file splits one you already have",
        )
    if dice_file is None and (dice_only or sides != 6):
        raise BadInput(
            "--dice-only and --sides need --dice-file", "give the rolls with --dice-file F"
        )
    groups = tuple(GroupSpec.from_text(text) for text in group)
    passphrase = read_passphrase_file(passphrase_file)
    if secret_file is not None:
        secret = read_secret_file(secret_file, kind)
        if strength not in (256, secret.strength_bits):
            raise BadInput(
                f"--strength {strength} does not match the {secret.strength_bits}-bit secret file",
                "leave out --strength when you give --secret-file",
            )
        strength = secret.strength_bits
    scheme = Scheme(
        group_threshold=group_threshold,
        groups=groups,
        strength_bits=strength,
        kind=kind,
        iteration_exponent=exponent,
        extendable=not no_extendable,
    )
    if secret_file is None:
        from ceremony.core.dice import read_dice_file
        from ceremony.core.entropy import make_master_secret

        dice = read_dice_file(dice_file, sides) if dice_file is not None else None
        if dice_only:
            from ceremony.ui.confirm import confirm_dice_only

            confirm_dice_only()
        secret, entropy = make_master_secret(
            scheme.strength_bits, dice=dice, dice_only=dice_only, kind=kind
        )
        say(entropy.summary())
    say(f"splitting a {scheme.strength_bits}-bit {kind.value} secret: {scheme.summary()}")
    sealed = None
    if timelock is not None:
        from ceremony.workflows.split import split_sealed
        from ceremony.workflows.timelock_policy import (
            SEALED,
            busy_warning,
            calibrate,
            measure_rates,
            with_lock,
        )

        say("measuring this machine's squaring rate for the time lock (a few seconds) ...")
        assert delay_seconds is not None
        samples = measure_rates(SEALED)
        if samples.busy():
            say(f"warning: {busy_warning(samples)}")
        info = calibrate(SEALED, delay_seconds, speedup, samples=samples)
        sealed = split_sealed(scheme, secret.reveal(), info.iterations)
        result = sealed.result
        info = with_lock(info, sealed.lock, consent_card=kit is not None)
        say(f"time lock: {info.description}")
    else:
        result = split_secret(scheme, secret, passphrase)
    say(f"verified: every qualifying set of the {scheme.share_count} shares rebuilds the secret")
    if kit is not None:
        write_split_kit(
            kit, result, name=name, paper=paper, force=force, passphrase_used=bool(passphrase)
        )
        if not reveal:
            if as_json:
                out(json.dumps({k: v for k, v in split_json(result).items() if k != "groups"}))
            else:
                out(f"fingerprint {result.fingerprint}")
                out(f"commitment {result.commitment}")
            return
    data = split_json(result)
    if sealed is not None:
        data["timelock"] = {
            "mode": "sealed",
            "version": sealed.lock.version,
            "modulus_hex": f"{sealed.lock.modulus:x}",
            "squarings": sealed.lock.squarings,
            "consent_passphrase": sealed.consent.reveal(),
        }
    if as_json:
        out(json.dumps(data, indent=2))
        return
    out(f"# ceremony split: identifier {result.identifier}, {scheme.summary()}")
    if sealed is not None:
        out(f"# sealed time lock {sealed.lock.version}: squarings {sealed.lock.squarings}")
        out(f"# modulus {sealed.lock.modulus:x}")
        out(f"# consent passphrase (SECRET, unlocks at once): {sealed.consent.reveal()}")
    out(f"# kind {kind.value}, fingerprint {result.fingerprint}")
    out(f"# commitment {result.commitment}")
    for spec, shares in zip(scheme.groups, result.groups, strict=True):
        out("")
        out(f"# group {spec.name}: {spec.threshold} of {spec.count} needed")
        for share in shares:
            out(
                f"# {spec.name} share {share.member_number} of {spec.count}, "
                f"check code {share.check_code()}"
            )
            out(share.mnemonic())


def write_split_kit(
    kit: Path,
    result: object,
    *,
    name: str,
    paper: str,
    force: bool,
    passphrase_used: bool,
    timelock: object = None,
    consent: object = None,
) -> None:
    from ceremony.paper.content import PaperSize
    from ceremony.ui.console import say
    from ceremony.workflows.kit import (
        KitOptions,
        build_record,
        command_line_plan_hash,
        default_holders,
        write_kit,
    )
    from ceremony.workflows.split import SplitResult

    assert isinstance(result, SplitResult)
    from ceremony.core.sealed import Passphrase
    from ceremony.model.record import TimeLockInfo

    assert timelock is None or isinstance(timelock, TimeLockInfo)
    assert consent is None or isinstance(consent, Passphrase)
    options = KitOptions(
        ceremony_name=name,
        paper_size=PaperSize.from_text(paper),
        time_lock_text=timelock.description if timelock else None,
    )
    record = build_record(
        result,
        ceremony_name=name,
        holders=default_holders(result),
        plan_sha256=command_line_plan_hash(result, name),
        plan_source="command-line",
        passphrase_used=passphrase_used,
        demo=False,
        timelock=timelock,
    )
    final = write_kit(kit, result, record, options, consent=consent, overwrite=force)
    say(
        f"kit written to {kit}: {len(final.shares)} holder PDFs (secret, mode 0600), "
        "record.json and record.pdf (public), recover.py"
    )


def split_json(result: object) -> dict[str, object]:
    from ceremony.workflows.split import SplitResult

    assert isinstance(result, SplitResult)
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
