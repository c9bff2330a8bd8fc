"""`ceremony combine`: rebuild the secret from shares; reveal it only when asked."""

import json
from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json, Kind, PassphraseFile, Reveal, SharesFile
from ceremony.model.scheme import SecretKind

HELP = """Combine shares (one per line) into the secret, after proving that all of them agree.

Without --reveal only the fingerprint and commitment are printed, so a quorum can check that it
holds the right shares without revealing the secret. With --record the result is compared with the
record, and a time lock in the record is pointed out: combining skips an evidenced delay and
leaves no evidence; the delay binds only `ceremony recover`.

\b
Examples:
  ceremony combine                  type the shares at a hidden prompt
  ceremony combine shares.txt
  ceremony combine shares.txt --passphrase-file pass.txt --reveal
  ceremony combine shares.txt --record kit/record.json
  cat shares.txt | ceremony combine - --kind bip39 --reveal --json
"""


@app.command("combine", help=HELP)
def combine_command(
    source: SharesFile = None,
    passphrase_file: PassphraseFile = None,
    kind: Kind = SecretKind.SLIP39,
    reveal: Reveal = False,
    as_json: Json = False,
    record: Annotated[
        Path | None,
        typer.Option(
            "--record",
            metavar="FILE",
            help="The ceremony's record.json (or its kit directory): the result is compared "
            "with it, and a time lock in it is pointed out.",
            show_default=False,
        ),
    ] = None,
) -> None:
    from ceremony.core.fingerprint import bip39_phrase
    from ceremony.ui.console import out, say
    from ceremony.ui.share_source import read_shares
    from ceremony.workflows.combine import (
        combine_shares,
        progress_lines,
        record_verdict,
        time_lock_warning,
    )
    from ceremony.workflows.inputs import read_passphrase_file

    found = None
    if record is not None:  # the recovery package (kits, paper content) only when asked
        from ceremony.workflows.recovery.session import read_record

        found = read_record(record)
    if found is not None:
        warning = time_lock_warning(found.record, str(record))
        if warning:
            say(warning)
    shares = read_shares(source)
    passphrase = read_passphrase_file(passphrase_file)
    recovered = combine_shares(shares, passphrase, kind)
    for line in progress_lines(recovered.proof):
        say(line)
    say("all given shares agree; the secret was rebuilt")
    if found is not None:
        say(record_verdict(recovered, found.record))
    data: dict[str, object] = {
        "format": "ceremony-combine/v1",
        "identifier": recovered.identifier,
        "kind": kind.value,
        "fingerprint": recovered.fingerprint,
        "commitment": recovered.commitment,
    }
    if reveal:
        data["secret_hex"] = recovered.secret.reveal().hex()
        if kind is SecretKind.BIP39:
            data["bip39_phrase"] = bip39_phrase(recovered.secret)
    if as_json:
        out(json.dumps(data, indent=2))
        return
    out(f"fingerprint {recovered.fingerprint}")
    out(f"commitment {recovered.commitment}")
    if reveal:
        out(f"secret {data['secret_hex']}")
        if "bip39_phrase" in data:
            out(f"bip39 {data['bip39_phrase']}")
    else:
        say("the secret was not printed; add --reveal to print it")
