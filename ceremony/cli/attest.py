"""`ceremony attest KIT SIGFILE...`: add witness signatures over the ceremony's close to the kit."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app

HELP = """Add signatures over the ceremony's closing message to the kit, or over a recovery
session's notice or close to the session (KIT is then the session directory). After closing, the kit
holds attest/ceremony-message.txt (ceremony id, transcript head and its words, the record's hash)
and attest/how-to-sign.txt. Each signer copies the message to their own device, checks its head
words against the words they initialled, and signs it with the key the plan lists for them:

\b
  ssh-keygen -Y sign -n ceremony-attestation -f ~/.ssh/id_ed25519 ceremony-message.txt

Every signature is checked against the keys pinned in the plan before any is added; the command
names who signed. The audit (with --plan) then checks them again and counts them as an anchor.

For a recovery session, stakeholders sign attest/notice-message.txt (they received this notice)
and people present sign attest/close-message.txt (it closed at this head), the same way.

\b
Examples:
  ceremony attest kit wendy.sig walter.sig --plan plan.toml
  ceremony attest kit/recovery/1A2B-3C4D stella.sig --plan plan.toml
  ceremony attest kit/recovery/1A2B-3C4D --plan plan.toml
"""


Kit = Annotated[
    Path,
    typer.Argument(help="The kit directory, after closing.", metavar="KIT", show_default=False),
]
PlanFile = Annotated[
    Path,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="The ceremony plan, which pins each signer's public key.",
        show_default=False,
    ),
]
Signatures = Annotated[
    list[Path] | None,
    typer.Argument(
        help="Signature files made by `ssh-keygen -Y sign` (.sig). Without any, the "
        "messages to sign are written (again) into KIT/attest/.",
        metavar="SIGFILE...",
        show_default=False,
    ),
]
RecordFile = Annotated[
    Path | None,
    typer.Option(
        "--record",
        metavar="FILE",
        help="The ceremony's record.json, for a recovery session kept away from its kit.",
        show_default=False,
    ),
]


@app.command("attest", help=HELP, no_args_is_help=True)
def attest_command(
    kit: Kit, plan: PlanFile, signatures: Signatures = None, record: RecordFile = None
) -> None:
    from ceremony.ui.console import say
    from ceremony.workflows.attest import attest

    added_any = False
    for added in attest(kit, signatures or (), plan, record_file=record):
        added_any = True
        signed = added.signed
        what = "added" if added.new else "already in the kit"
        say(f"signed by {signed.signer.name} ({signed.fingerprint}): {what}, {added.path}")
    if not added_any:
        say(f"the messages to sign are in {kit / 'attest'}")
