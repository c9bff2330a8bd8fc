"""`ceremony runbook render`: the printed runbooks of a ceremony, filled with its record's facts."""

import json
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


@runbook_app.command("render", help=HELP)
def render_command(
    record_path: Annotated[
        Path | None,
        typer.Option(
            "--record",
            help="The ceremony's record.json (public), or the kit directory that holds it.",
            show_default=False,
        ),
    ] = None,
    plan_path: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            help="Instead of --record: render from the plan, before the ceremony, with blanks "
            "for what only the ceremony can tell (ceremony id, fingerprint, check codes).",
            show_default=False,
        ),
    ] = None,
    out_dir: Annotated[
        Path | None,
        typer.Option(
            "--out",
            help="Folder for the PDFs; by default runbooks/ beside the record.",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str,
        typer.Option(
            "--paper",
            help="Paper size: a4 or letter (default: the plan's, or the kit's from the record).",
        ),
    ] = "",
    force: Annotated[
        bool, typer.Option("--force", help="Replace runbooks already in the folder.")
    ] = False,
    markdown: Annotated[
        bool,
        typer.Option("--markdown", help="Also write each filled-in runbook as NAME.md."),
    ] = False,
    check: Annotated[
        bool,
        typer.Option(
            "--check", help="Compare the PDFs in the folder with a fresh rendering; write nothing."
        ),
    ] = False,
    as_json: Json = False,
) -> None:
    from ceremony.errors import BadInput, NotVerified
    from ceremony.paper.content import PaperSize
    from ceremony.ui.console import out, say
    from ceremony.workflows.runbooks import (
        check_runbooks,
        facts_from_plan,
        facts_from_record,
        fill_runbooks,
        kit_program,
        load_record,
        render_plan_runbooks,
        render_runbooks,
    )

    if (record_path is None) == (plan_path is None):
        raise BadInput(
            "give either --record (after the ceremony) or --plan (before it)",
            "ceremony runbook render --record kit/record.json",
        )
    if plan_path is not None:
        from ceremony.planfile.plan import load_plan

        if check:
            raise BadInput(
                "--check compares printed runbooks with a record", "use --record with --check"
            )
        plan = load_plan(plan_path)
        size = PaperSize.from_text(paper or plan.paper_size.value)
        directory = out_dir if out_dir is not None else plan_path.parent / "runbooks"
        paths = render_plan_runbooks(plan, directory, size, overwrite=force, markdown=markdown)
        hashes = {runbook.name: runbook.sha256 for runbook in fill_runbooks(facts_from_plan(plan))}
        _report(paths, hashes, directory, as_json=as_json)
        return
    assert record_path is not None
    record, record_file = load_record(record_path)
    size = PaperSize.from_text(paper or record.paper_size or "a4")
    directory = out_dir if out_dir is not None else record_file.parent / "runbooks"
    program = kit_program(record, record_file.parent / "recover.py")
    if check:
        results = check_runbooks(record, directory, program=program)
        if as_json:
            out(
                json.dumps(
                    {
                        "format": "ceremony-runbook-check/v1",
                        "directory": str(directory),
                        "results": [
                            {"file": r.file, "status": r.status, "sha256": r.sha256}
                            for r in results
                        ],
                    },
                    indent=2,
                )
            )
        else:
            for result in results:
                out(f"{result.status:8} {result.file}  {result.sha256}")
        bad = [r for r in results if r.status != "match"]
        if any(r.status == "stale" for r in bad):
            raise NotVerified(
                f"{len(bad)} of {len(results)} printed runbooks do not match the record "
                f"(first: {bad[0].file}, {bad[0].status}): stale runbooks were filled before "
                "sealing, without the bag serials and transcript head words",
                f"render the final runbooks with `ceremony runbook render --record "
                f"{record_file} --force`, print them, and destroy the stale copies",
            )
        if bad:
            raise NotVerified(
                f"{len(bad)} of {len(results)} printed runbooks do not match the record "
                f"(first: {bad[0].file}, {bad[0].status})",
                "compare the runbook hash printed on each page with the one listed here; "
                "a PDF made by another version of ceremony differs in its bytes only",
            )
        say(f"all {len(results)} runbooks in {directory} match the record")
        return
    paths = render_runbooks(
        record, directory, size, overwrite=force, program=program, markdown=markdown
    )
    hashes = {runbook.name: runbook.sha256 for runbook in fill_runbooks(facts_from_record(record))}
    _report(paths, hashes, directory, as_json=as_json)


def _report(paths: list[Path], hashes: dict[str, str], directory: Path, *, as_json: bool) -> None:
    """Each PDF written, with the runbook hash printed on it (stdout), then a summary (stderr)."""
    from ceremony.ui.console import out, say

    rows = [(path, hashes.get(path.stem, "")) for path in paths if path.suffix == ".pdf"]
    if as_json:
        out(
            json.dumps(
                {
                    "format": "ceremony-runbooks/v1",
                    "directory": str(directory),
                    "files": [{"file": str(p), "runbook_sha256": h} for p, h in rows],
                },
                indent=2,
            )
        )
    else:
        for path, digest in rows:
            out(f"{path}  {digest}" if digest else str(path))
    say(f"{len(rows)} PDFs written to {directory} (public: they hold no share and no secret)")
