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
    from ceremony.ui.console import say
    from ceremony.ui.demo_screen import DemoTerminal, mission_summary
    from ceremony.workflows.demo_mission import run_mission

    for line in mission_summary(run_mission(out, DemoTerminal()), how_to_run()):
        say(line)
