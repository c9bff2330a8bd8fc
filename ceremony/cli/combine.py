"""`ceremony combine`: rebuild the secret from shares; reveal it only when asked."""

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


RecordFile = Annotated[
    Path | None,
    typer.Option(
        "--record",
        metavar="FILE",
        help="The ceremony's record.json (or its kit directory): the result is compared "
        "with it, and a time lock in it is pointed out.",
        show_default=False,
    ),
]


@app.command("combine", help=HELP)
def combine_command(
    source: SharesFile = None,
    passphrase_file: PassphraseFile = None,
    kind: Kind = SecretKind.SLIP39,
    reveal: Reveal = False,
    as_json: Json = False,
    record: RecordFile = None,
) -> None:
    from ceremony.ui.console import out, say
    from ceremony.ui.share_reports import combine_report
    from ceremony.ui.share_source import read_shares
    from ceremony.workflows.combine import combine

    recovered = combine(lambda: read_shares(source), passphrase_file, kind, record, say)
    out(combine_report(recovered, kind, reveal=reveal, as_json=as_json))
    if not reveal and not as_json:
        say("the secret was not printed; add --reveal to print it")
