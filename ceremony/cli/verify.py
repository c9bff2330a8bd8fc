"""`ceremony verify-shares`: check a set of shares without rebuilding the secret for anyone."""

import json

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
    from ceremony.core.verify import verify_shares
    from ceremony.ui.console import out
    from ceremony.ui.share_source import read_shares
    from ceremony.workflows.combine import progress_lines

    shares = read_shares(source)
    proof = verify_shares(shares)
    if as_json:
        out(
            json.dumps(
                {
                    "format": "ceremony-verify/v1",
                    "identifier": proof.identifier,
                    "shares": len(shares),
                    "consistent": True,
                    "quorum": proof.quorum,
                    "group_threshold": proof.group_threshold,
                    "group_count": proof.group_count,
                    "groups": [
                        {
                            "group": g.number,
                            "present": g.present,
                            "threshold": g.threshold,
                            "complete": g.complete,
                        }
                        for g in proof.groups
                    ],
                    "shares_checked": [
                        {"prefix": s.prefix, "check_code": s.check_code()} for s in shares
                    ],
                },
                indent=2,
            )
        )
        return
    out(f"{len(shares)} shares of set {proof.identifier}: all well-formed and consistent")
    for line in progress_lines(proof):
        out(line)
    out(
        "quorum present: the secret can be rebuilt"
        if proof.quorum
        else "no quorum yet: more shares are needed to rebuild the secret"
    )
