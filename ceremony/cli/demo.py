"""`ceremony demo`: a whole ceremony on a built-in plan, then a recovery that checks the result."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app

HELP = """Run the whole mission on a built-in plan with a throw-away DEMO secret: the guided
ceremony in scriptable mode (every page marked DEMO), then a recovery session with an evidenced
delay of a few seconds (notice, VDF proof chain with a progress bar, shares from a quorum) whose
result is checked against the recorded fingerprint and commitment. Nothing here protects real funds.

\b
Examples:
  ceremony demo
  ceremony demo --out /tmp
"""


def how_to_run() -> str:
    """How to type `ceremony` so that it runs this program: plain when it is on PATH, else the path
    it was started by (`.venv/bin/ceremony` after `make demo`), or `python -m ceremony`."""
    import shlex
    import shutil
    import sys

    started = Path(sys.argv[0])
    if started.name == "__main__.py":
        return f"{shlex.quote(sys.executable)} -m ceremony"
    found = shutil.which("ceremony")
    if started.name != "ceremony" or (found and Path(found).resolve() == started.resolve()):
        return "ceremony"
    return shlex.quote(str(started))


@app.command("demo", help=HELP)
def demo_command(
    out: Annotated[
        Path, typer.Option("--out", help="Where to create the demo-kit directory.")
    ] = Path("."),
) -> None:
    import time

    from ceremony.model.hashwords import hash_words
    from ceremony.model.share import Share
    from ceremony.ui.answers import ScriptedOperator
    from ceremony.ui.console import say
    from ceremony.ui.progress import ProgressBar
    from ceremony.workflows.demo import demo_directory, quorum, run_demo_ceremony
    from ceremony.workflows.recovery import run_recovery

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
    lock = record.timelock
    assert lock is not None, "the built-in plan has a time lock"
    say(
        f"DEMO: time-locked recovery by a quorum of {record.group_threshold} groups: "
        f"a notice, then {lock.iterations} VDF iterations of sequential work, then the shares"
    )
    chosen = quorum(record, operator.shares)
    with ProgressBar("DEMO delay", unit="it", rate_hint=lock.rate_per_second) as bar:
        recovered = run_recovery(
            directory / "record.json",
            chosen,
            progress=bar,
            requester="DEMO coordinator",
            reason="demonstration of a time-locked recovery",
            segment_iterations=max(1, lock.iterations // 10),
            released_to="terminal",
        )
    result = recovered.reconstruction
    say(
        f"DEMO: session {recovered.session.path}: notice {recovered.session.notice.notice_id}, "
        f"proof chain of {len(recovered.chain.segments) if recovered.chain else 0} segments "
        "verified"
    )
    say(
        f"DEMO: recovered fingerprint {result.fingerprint}, recorded {record.fingerprint}: "
        "it IS the recorded secret (fingerprint and commitment match)"
    )
    say(f"DEMO: the throw-away DEMO secret: {result.release_text()}")
    say("")
    say(f"DEMO: done in {time.monotonic() - started:.1f} s. The kit is in {directory}:")
    say(f"  {directory}/record.pdf          the public ceremony record (print it, sign it)")
    say(f"  {directory}/holders/*.pdf       one share card + instructions per holder (SECRET)")
    say(f"  {directory}/runbooks/*.pdf      the printed runbooks, facts filled in")
    say(f"  {directory}/recover.py          the standalone recovery program")
    say(f"  {directory}/transcript.jsonl    the hash-chained transcript")
    say(f"  {directory}/recovery/           the recovery session: notice, proofs, its transcript")
    session = recovered.session
    say("  words people write down, outside the kit, to anchor the audit:")
    say(f"    transcript head (initialled at closing): {demo.outcome.head_words}")
    say(f"    recovery notice hash (for stakeholders): {session.notice.hash_words}")
    say(f"    recovery session head (at its close):    {hash_words(bytes.fromhex(session.head))}")
    say("  check it all from the public files, anchored by those words, with:")
    say(
        f'      {how_to_run()} audit {directory} --head-words "{demo.outcome.head_words}" '
        f'--notice-words "{session.notice.hash_words}" '
        f'--session-words "{hash_words(bytes.fromhex(session.head))}"'
    )
