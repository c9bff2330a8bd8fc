"""Option types shared by several commands."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.model.scheme import SecretKind

PassphraseFile = Annotated[
    Path | None,
    typer.Option(
        "--passphrase-file",
        help="File holding the SLIP-39 passphrase (printable ASCII; one trailing newline is "
        "removed). Without it, no passphrase is used. Never give a passphrase as an argument.",
        show_default=False,
    ),
]
Kind = Annotated[
    SecretKind,
    typer.Option(
        "--kind",
        help="slip39: the master secret is the wallet seed. bip39: the shares carry BIP-39 "
        "entropy and recovery gives back the BIP-39 phrase.",
        case_sensitive=False,
    ),
]
Json = Annotated[bool, typer.Option("--json", help="Print machine-readable JSON on stdout.")]
Reveal = Annotated[
    bool,
    typer.Option("--reveal", help="Print secret material (shares or the secret) on stdout."),
]
SharesFile = Annotated[
    str | None,
    typer.Argument(
        help="File with one share per line (blank lines and # comments ignored); - for stdin. "
        "Without it, at a terminal the shares are typed at a hidden prompt.",
        metavar="FILE",
        show_default=False,
    ),
]
