"""`ceremony runbook render` as one workflow: the printed runbooks filled from the plan (before the
ceremony) or from the record (after it), or, with --check, a fresh rendering compared with the
PDFs already printed. What is written and what differs is returned; a mismatch is raised once it
has been shown (`require_match`)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from ceremony.errors import BadInput, NotVerified

if TYPE_CHECKING:
    from ceremony.workflows.runbooks import RunbookCheck


@dataclass(frozen=True)
class RenderRequest:
    """The source (`record` or `plan`, exactly one), the folder, the paper and the modes."""

    record: Path | None = None
    plan: Path | None = None
    out_dir: Path | None = None
    paper: str = ""
    force: bool = False
    markdown: bool = False
    check: bool = False


@dataclass(frozen=True)
class Rendered:
    """The files written, with the runbook hash of each runbook by name."""

    directory: Path
    paths: list[Path]
    hashes: dict[str, str]


@dataclass(frozen=True)
class Checked:
    """Each printed PDF against a fresh rendering (`check`: match, stale, differs, missing...)."""

    directory: Path
    record_file: Path
    results: list[RunbookCheck]


def render(request: RenderRequest) -> Rendered | Checked:
    """Refuse both --record and --plan; with neither, use the record of the kit folder the command
    runs in."""
    if request.record is not None and request.plan is not None:
        raise BadInput(
            "give either --record (after the ceremony) or --plan (before it)",
            "ceremony runbook render --record kit/record.json",
        )
    if request.plan is not None:
        return _from_plan(request.plan, request)
    if request.record is None:  # as every runbook page prints it: in the kit folder
        from ceremony.workflows.check_share import find_record

        return _from_record(find_record(Path.cwd(), "runbook render"), request)
    return _from_record(request.record, request)


def _from_plan(plan_path: Path, request: RenderRequest) -> Rendered:
    from ceremony.paper.content import PaperSize
    from ceremony.planfile.plan import load_plan
    from ceremony.workflows.runbooks import facts_from_plan, fill_runbooks, render_plan_runbooks

    if request.check:
        raise BadInput(
            "--check compares printed runbooks with a record", "use --record with --check"
        )
    plan = load_plan(plan_path)
    size = PaperSize.from_text(request.paper or plan.paper_size.value)
    directory = request.out_dir if request.out_dir is not None else plan_path.parent / "runbooks"
    paths = render_plan_runbooks(
        plan, directory, size, overwrite=request.force, markdown=request.markdown
    )
    hashes = {runbook.name: runbook.sha256 for runbook in fill_runbooks(facts_from_plan(plan))}
    return Rendered(directory, paths, hashes)


def _from_record(record_path: Path, request: RenderRequest) -> Rendered | Checked:
    from ceremony.paper.content import PaperSize
    from ceremony.workflows import runbooks as rb

    record, record_file = rb.load_record(record_path)
    size = PaperSize.from_text(request.paper or record.paper_size or "a4")
    directory = request.out_dir if request.out_dir is not None else record_file.parent / "runbooks"
    program = rb.kit_program(record, record_file.parent / "recover.py")
    if request.check:
        results = rb.check_runbooks(record, directory, program=program)
        return Checked(directory, record_file, results)
    paths = rb.render_runbooks(
        record, directory, size, overwrite=request.force, program=program, markdown=request.markdown
    )
    facts = rb.facts_from_record(record)
    hashes = {r.name: r.sha256 for r in rb.fill_runbooks(facts, rb.runbook_names(record))}
    return Rendered(directory, paths, hashes)


def require_match(checked: Checked) -> None:
    """Raise NotVerified when a printed runbook differs from the record's (stale ones named)."""
    results = checked.results
    bad = [r for r in results if r.status != "match"]
    if any(r.status == "stale" for r in bad):
        raise NotVerified(
            f"{len(bad)} of {len(results)} printed runbooks do not match the record "
            f"(first: {bad[0].file}, {bad[0].status}): stale runbooks were filled before "
            "sealing, without the bag serials and transcript head words",
            f"render the final runbooks with `ceremony runbook render --record "
            f"{checked.record_file} --force`, print them, and destroy the stale copies",
        )
    if bad:
        raise NotVerified(
            f"{len(bad)} of {len(results)} printed runbooks do not match the record "
            f"(first: {bad[0].file}, {bad[0].status})",
            "compare the runbook hash printed on each page with the one listed here; "
            "a PDF made by another version of ceremony differs in its bytes only",
        )
