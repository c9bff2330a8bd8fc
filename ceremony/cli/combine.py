"""`ceremony combine`: rebuild the secret from shares; reveal it only when asked."""

import json

from ceremony.cli.base import app
from ceremony.cli.options import Json, Kind, PassphraseFile, Reveal, SharesFile
from ceremony.model.scheme import SecretKind

HELP = """Combine shares (one per line) into the secret, after proving that all of them agree.

Without --reveal only the fingerprint and commitment are printed, so a quorum can check that it
holds the right shares without revealing the secret.

\b
Examples:
  ceremony combine                  type the shares at a hidden prompt
  ceremony combine shares.txt
  ceremony combine shares.txt --passphrase-file pass.txt --reveal
  cat shares.txt | ceremony combine - --kind bip39 --reveal --json
"""


@app.command("combine", help=HELP)
def combine_command(
    source: SharesFile = None,
    passphrase_file: PassphraseFile = None,
    kind: Kind = SecretKind.SLIP39,
    reveal: Reveal = False,
    as_json: Json = False,
) -> None:
    from ceremony.core.fingerprint import bip39_phrase
    from ceremony.ui.console import out, say
    from ceremony.ui.share_source import read_shares
    from ceremony.workflows.combine import combine_shares, progress_lines
    from ceremony.workflows.inputs import read_passphrase_file

    shares = read_shares(source)
    passphrase = read_passphrase_file(passphrase_file)
    recovered = combine_shares(shares, passphrase, kind)
    for line in progress_lines(recovered.proof):
        say(line)
    say("all given shares agree; the secret was rebuilt")
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
