"""`ceremony demo`: a whole run on a built-in scheme with a throw-away secret."""

from __future__ import annotations

from ceremony.cli.base import app

HELP = """Run a demonstration on a built-in plan with a throw-away DEMO secret: split, prove,
recover from a quorum, and check the fingerprint. Nothing here protects real funds.

\b
Example:
  ceremony demo
"""


@app.command("demo", help=HELP)
def demo_command() -> None:
    import secrets
    import time

    from ceremony.model.scheme import GroupSpec, Scheme
    from ceremony.model.secret import Secret
    from ceremony.ui.console import say
    from ceremony.workflows.combine import combine_shares
    from ceremony.workflows.split import split_secret

    started = time.monotonic()
    scheme = Scheme(
        group_threshold=2,
        groups=(
            GroupSpec("treasury", 2, 3),
            GroupSpec("family", 2, 3),
            GroupSpec("lawyer", 1, 1),
        ),
        strength_bits=256,
    )
    say(f"DEMO: splitting a throw-away 256-bit secret: {scheme.summary()}")
    result = split_secret(scheme, Secret(secrets.token_bytes(32)), b"")
    say(f"DEMO: {scheme.share_count} shares made; every qualifying set proven to rebuild it")
    say(f"DEMO: fingerprint {result.fingerprint}, commitment {result.commitment[:16]}...")
    quorum = [*result.groups[0][:2], *result.groups[2]]
    recovered = combine_shares(quorum, b"", scheme.kind)
    if recovered.fingerprint != result.fingerprint:
        raise AssertionError("demo recovery gave another fingerprint")
    say(
        f"DEMO: recovered from treasury 2 of 3 + lawyer 1 of 1: fingerprint "
        f"{recovered.fingerprint} matches"
    )
    say(f"DEMO: done in {time.monotonic() - started:.1f} s")
