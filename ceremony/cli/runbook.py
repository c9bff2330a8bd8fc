"""`ceremony runbook render`: the printed runbooks of a ceremony, filled with its record's facts."""

from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import runbook_app
from ceremony.cli.options import Json

HELP = """Render every runbook of a ceremony as a PDF with its facts filled in (names, groups,
thresholds, fingerprint, delay bounds, bag serials when recorded): a box, a time and initials
for each numbered step, exception sheets and signature lines; plus the printed appendix of
recover.py with its SHA-256.

Each runbook PDF carries its runbook hash: the SHA-256 of its filled-in text, which --markdown
writes beside it (so `sha256sum NAME.md` recomputes the hash). --check renders afresh and
compares with the PDFs already in --out, writing nothing.

\b
Examples:
  ceremony runbook render --record kit/record.json
  ceremony runbook render --record kit/record.json --out printed --paper letter
  ceremony runbook render --record kit/record.json --force
  ceremony runbook render --record kit/record.json --check
  ceremony runbook render --plan plan.toml --out before-the-ceremony
"""


RecordSource = Annotated[
    Path | None,
    typer.Option(
        "--record",
        help="The ceremony's record.json (public), or the kit directory that holds it.",
        show_default=False,
    ),
]
PlanSource = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        help="Instead of --record: render from the plan, before the ceremony, with blanks "
        "for what only the ceremony can tell (ceremony id, fingerprint, check codes).",
        show_default=False,
    ),
]
OutDir = Annotated[
    Path | None,
    typer.Option(
        "--out",
        help="Folder for the PDFs; by default runbooks/ beside the record.",
        show_default=False,
    ),
]
Paper = Annotated[
    str,
    typer.Option(
        "--paper",
        help="Paper size: a4 or letter (default: the plan's, or the kit's from the record).",
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace runbooks already in the folder.")]
Markdown = Annotated[
    bool,
    typer.Option("--markdown", help="Also write each filled-in runbook as NAME.md."),
]
Check = Annotated[
    bool,
    typer.Option(
        "--check", help="Compare the PDFs in the folder with a fresh rendering; write nothing."
    ),
]


@runbook_app.command("render", help=HELP)
def render_command(
    record_path: RecordSource = None,
    plan_path: PlanSource = None,
    out_dir: OutDir = None,
    paper: Paper = "",
    force: Force = False,
    markdown: Markdown = False,
    check: Check = False,
    as_json: Json = False,
) -> None:
    from ceremony.ui.console import say
    from ceremony.ui.runbook_report import check_passed_note, show_render
    from ceremony.workflows.runbook_render import Checked, RenderRequest, render, require_match

    request = RenderRequest(record_path, plan_path, out_dir, paper, force, markdown, check)
    done = render(request)
    show_render(done, as_json=as_json)
    if isinstance(done, Checked):
        require_match(done)
        say(check_passed_note(done))
