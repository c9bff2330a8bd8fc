"""`ceremony split`: make (or read) a secret, split it, prove the split, print or write the shares."""

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
  ceremony split -t 1 -g solo=2of3 --timelock 72h --no-consent-card --kit kit-sealed
  ceremony split -t 2 -g treasury=2of3 -g family=2of3 -g lawyer=1of1 \\
      --kit kit-acme --name "Acme treasury" --paper letter
"""


Groups = Annotated[
    list[str],
    typer.Option("--group", "-g", help="A group as NAME=TofN, e.g. treasury=2of3. Repeat it."),
]
GroupThreshold = Annotated[
    int, typer.Option("--group-threshold", "-t", help="How many groups are needed.")
]
Strength = Annotated[int, typer.Option("--strength", help="Secret size in bits.")]
Exponent = Annotated[
    int, typer.Option("--exponent", help="SLIP-39 iteration exponent (passphrase work).")
]
NoExtendable = Annotated[
    bool, typer.Option("--no-extendable", help="Clear the SLIP-39 extendable-backup flag.")
]
SecretFile = Annotated[
    Path | None,
    typer.Option(
        "--secret-file",
        help="Split this secret (hex, or BIP-39 words for --kind bip39) instead of a new one.",
    ),
]
DiceFile = Annotated[
    Path | None,
    typer.Option(
        "--dice-file",
        help="Mix dice rolls from this file into the secret (see docs/entropy.md).",
    ),
]
DiceOnly = Annotated[
    bool,
    typer.Option(
        "--dice-only",
        help="Use the dice alone, no computer randomness: for a two-machine cross-check.",
    ),
]
Sides = Annotated[int, typer.Option("--sides", help="Sides of the dice (--dice-file).")]
Timelock = Annotated[
    str | None,
    typer.Option(
        "--timelock",
        help="Seal the secret under a time lock of about this long on this machine "
        "(e.g. 72h, 30d): recovery then needs the shares plus sequential work, or the "
        "consent card.",
    ),
]
Speedup = Annotated[
    float,
    typer.Option("--speedup", help="Attacker speed-up k for the guaranteed minimum bound."),
]
KitDir = Annotated[
    Path | None,
    typer.Option("--kit", help="Write holder kits and the record into this new directory."),
]
Name = Annotated[str, typer.Option("--name", help="Ceremony name printed on the kit (with --kit).")]
Paper = Annotated[str, typer.Option("--paper", help="Paper size for --kit: a4 or letter.")]
NoConsentCard = Annotated[
    bool,
    typer.Option(
        "--no-consent-card",
        help="With --timelock --kit: write no consent card (only the time lock opens the secret).",
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing --kit directory.")]


@app.command("split", help=HELP, no_args_is_help=True)
def split_command(
    group: Groups,
    group_threshold: GroupThreshold,
    strength: Strength = 256,
    kind: Kind = SecretKind.SLIP39,
    exponent: Exponent = 1,
    no_extendable: NoExtendable = False,
    passphrase_file: PassphraseFile = None,
    secret_file: SecretFile = None,
    dice_file: DiceFile = None,
    dice_only: DiceOnly = False,
    sides: Sides = 6,
    timelock: Timelock = None,
    speedup: Speedup = 10.0,
    kit: KitDir = None,
    name: Name = "Shamir backup",
    paper: Paper = "a4",
    no_consent_card: NoConsentCard = False,
    force: Force = False,
    reveal: Reveal = False,
    as_json: Json = False,
) -> None:
    from ceremony.ui.confirm import confirm_dice_only
    from ceremony.ui.console import out, say
    from ceremony.workflows import splitting as wf

    request = wf.SplitRequest(
        wf.SchemeOptions(
            tuple(group), group_threshold, strength, kind, exponent, not no_extendable
        ),
        wf.SourceOptions(passphrase_file, secret_file, dice_file, dice_only, sides),
        wf.LockOptions(timelock, speedup, consent_card=not no_consent_card),
        wf.KitOptions(kit, name, paper, force),
        reveal=reveal,
    )
    outcome = wf.run_split(request, say, confirm_dice_only=confirm_dice_only)
    out(wf.split_output(outcome, reveal=reveal, as_json=as_json))
