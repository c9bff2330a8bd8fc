"""`ceremony verify-shares`: check a set of shares without rebuilding the secret for anyone."""

from ceremony.cli.base import app
from ceremony.cli.options import Json, SharesFile

HELP = """Check each share (word list, checksum), that they belong together, which groups are
complete, whether a quorum is present, and prove that all given shares agree.

\b
Examples:
  ceremony verify-shares            type the shares at a hidden prompt
  ceremony verify-shares shares.txt
  ceremony verify-shares - --json < shares.txt
"""


@app.command("verify-shares", help=HELP)
def verify_command(source: SharesFile = None, as_json: Json = False) -> None:
    from ceremony.ui.console import out
    from ceremony.ui.share_reports import verify_report
    from ceremony.ui.share_source import read_shares
    from ceremony.workflows.combine import verify

    shares = read_shares(source)
    out(verify_report(shares, verify(shares), as_json=as_json))
