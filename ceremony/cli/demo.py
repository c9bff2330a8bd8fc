"""`ceremony demo`: a whole ceremony on a built-in plan, then a recovery that checks the result."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app

HELP = """Run the whole mission on a built-in plan with a throw-away DEMO secret: the guided
ceremony in scriptable mode (every page marked DEMO), then a recovery from a quorum whose result
is checked against the recorded fingerprint and commitment. Nothing here protects real funds.

\b
Examples:
  ceremony demo
  ceremony demo --out /tmp
"""


@app.command("demo", help=HELP)
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", help="Where to create the demo-kit directory.")
    ] = Path("."),
) -> None:
    import time

    from ceremony.model.share import Share
    from ceremony.ui.answers import ScriptedOperator
    from ceremony.ui.console import say
    from ceremony.workflows.combine import combine_shares
    from ceremony.workflows.demo import demo_directory, quorum, run_demo_ceremony

    class DemoOperator(ScriptedOperator):
        """Scripted answers that keep the DEMO shares in memory for the recovery that follows."""

        shares: list[Share]

        def reenter_share(self, holder: str, group: str, expected: Share) -> str:
            self.shares.append(expected)
            return super().reenter_share(holder, group, expected)

    started = time.monotonic()
    operator = DemoOperator(accept_preflight_failures=True, bag_serial_prefix="DEMO-BAG-")
    operator.shares = []
    directory = demo_directory(out)
    say("DEMO: running the whole ceremony on the built-in plan (answers are scripted)")
    demo = run_demo_ceremony(operator, directory)
    record = demo.outcome.record
    say("")
    say(f"DEMO: recovery from a quorum of {record.group_threshold} groups")
    chosen = quorum(record, operator.shares)
    recovered = combine_shares(chosen, b"", record.kind)
    verdict = (
        recovered.fingerprint == record.fingerprint and recovered.commitment == record.commitment
    )
    say(
        f"DEMO: recovered fingerprint {recovered.fingerprint}, recorded {record.fingerprint}: "
        + ("it IS the recorded secret" if verdict else "NOT the recorded secret")
    )
    if not verdict:
        raise AssertionError("the demo recovery did not give the recorded secret")
    say("")
    say(f"DEMO: done in {time.monotonic() - started:.1f} s. The kit is in {directory}:")
    say(f"  {directory}/record.pdf          the public ceremony record (print it, sign it)")
    say(f"  {directory}/holders/*.pdf       one share card + instructions per holder (SECRET)")
    say(f"  {directory}/runbooks/*.pdf      the printed runbooks, facts filled in")
    say(f"  {directory}/recover.py          the standalone recovery program")
    say(f"  {directory}/transcript.jsonl    the hash-chained transcript; check it with:")
    say(f"      ceremony audit {directory}")
