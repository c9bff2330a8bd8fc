"""`ceremony audit KIT`: re-check a ceremony and its recoveries from public artefacts; report as a
table, JSON or a PDF to sign. Exit 0 when every check passes, 4 when any fails."""

import json
import re
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json

if TYPE_CHECKING:
    from ceremony.paper.audit_report import AuditSheet
    from ceremony.workflows.audit import AuditReport
    from ceremony.workflows.audit.chain import ChainAudit

HELP = """Re-check a ceremony kit from public files only, without any secret: the transcript's
hash chain and head, the plan hash and the record against the plan (with --plan), the record
against the transcript and on its own (time-lock bounds recomputed), the SHA-256 of every holder PDF
and of recover.py still in the kit, every recovery session in KIT/recovery/ (notice hash, each delay
proof, total work against T, order of states), and shares an auditor is shown (--share-file),
checked against their commitments without rebuilding anything.

A hash chain cannot vouch for its own end: whoever holds the public files can rewrite them all
consistently. So the audit compares the kit with what was kept outside it: the twelve head words
the witnesses initialled at closing (--head-words, or typed at the prompt), the hash words of each
recovery notice stakeholders received (--notice-words) and the head words shown when a recovery
session closed (--session-words). Without them the verdict is "consistent but unanchored", never
"anchored".

Each check is named, passes, fails or is skipped, and says why. Exit code 0 when none fails (the
verdict line says whether the result is anchored), 4 when any fails.

\b
Examples:
  ceremony audit kit
  ceremony audit kit --head-words "word1 word2 ... word12" --plan plan.toml --pdf audit.pdf
  ceremony audit kit --json > audit.json
  ceremony audit kit --share-file shown.txt
  ceremony audit kit --session /media/usb/recovery/3F2A-9C1B
  ceremony audit kit-3 --chain kits/
"""


@app.command("audit", help=HELP, no_args_is_help=True)
def audit_command(
    kit: Annotated[
        Path,
        typer.Argument(
            help="The kit directory (record.json, transcript.jsonl, ...).",
            metavar="KIT",
            show_default=False,
        ),
    ],
    plan: Annotated[
        Path | None,
        typer.Option(
            "--plan",
            metavar="FILE",
            help="The ceremony plan file, to check its hash and the record against it. "
            "Without it those two checks are skipped.",
            show_default=False,
        ),
    ] = None,
    session: Annotated[
        list[Path] | None,
        typer.Option(
            "--session",
            metavar="DIR",
            help="A recovery session directory kept outside KIT/recovery/. Repeat it.",
            show_default=False,
        ),
    ] = None,
    share_file: Annotated[
        Path | None,
        typer.Option(
            "--share-file",
            metavar="FILE",
            help="Shares the auditor is shown, one per line: each is checked against the "
            "record's share commitments. The shares are never printed.",
            show_default=False,
        ),
    ] = None,
    chain: Annotated[
        list[Path] | None,
        typer.Option(
            "--chain",
            metavar="DIR",
            help="For a lifecycle kit (extend, replace, reshare): the kits of its predecessors, "
            "or a directory holding them. Repeat it. The audit follows the chain of records to "
            "the first ceremony and prints the secret's history.",
            show_default=False,
        ),
    ] = None,
    head_words: Annotated[
        str | None,
        typer.Option(
            "--head-words",
            metavar="WORDS",
            help="The twelve transcript head words the witnesses initialled at closing (the "
            "first four letters of each are enough). At a terminal, asked for when not given.",
            show_default=False,
        ),
    ] = None,
    notice_words: Annotated[
        list[str] | None,
        typer.Option(
            "--notice-words",
            metavar="WORDS",
            help="The hash words of a recovery notice that stakeholders received. Repeat it, "
            "once per notice: a notice that no session in the kit has is a failed check.",
            show_default=False,
        ),
    ] = None,
    session_words: Annotated[
        list[str] | None,
        typer.Option(
            "--session-words",
            metavar="WORDS",
            help="The head words a recovery session showed when it closed (unlock or cancel). "
            "Repeat it, once per session.",
            show_default=False,
        ),
    ] = None,
    without_transcript: Annotated[
        bool,
        typer.Option(
            "--without-transcript",
            help="The kit was made by `ceremony split --kit`, which keeps no transcript. "
            "Without it a missing transcript fails: the record alone never decides that.",
        ),
    ] = False,
    as_json: Json = False,
    pdf: Annotated[
        Path | None,
        typer.Option(
            "--pdf",
            metavar="FILE",
            help="Also write the report as a PDF to sign.",
            show_default=False,
        ),
    ] = None,
    paper: Annotated[
        str,
        typer.Option(
            "--paper",
            metavar="SIZE",
            help="Paper size of the PDF: a4 or letter (default: the kit's, from its record).",
        ),
    ] = "",
    force: Annotated[bool, typer.Option("--force", help="Replace an existing PDF file.")] = False,
) -> None:
    from ceremony.errors import NotVerified
    from ceremony.paper.content import PaperSize
    from ceremony.ui.console import out, say
    from ceremony.workflows.audit import Anchors
    from ceremony.workflows.audit.chain import audit_with_chain

    size = PaperSize.from_text(paper or _kit_paper(kit))
    if head_words is None and not as_json and sys.stdin.isatty():
        head_words = ask_head_words()
    anchors = Anchors.from_text(head_words, notice_words or (), session_words or ())
    report, history = audit_with_chain(
        kit.absolute(),
        chain or (),
        plan_file=plan,
        sessions=session or (),
        share_file=share_file,
        anchors=anchors,
        without_transcript=without_transcript,
    )
    if pdf is not None:
        from ceremony.files import write_atomic
        from ceremony.paper.audit_report import render_audit_report

        write_atomic(
            pdf, render_audit_report(audit_sheet(report), size), secret=False, overwrite=force
        )
        say(f"audit report written to {pdf}")
    if as_json:
        data = report.to_dict()
        if history is not None:
            data["chain"] = history.to_dict()
        out(json.dumps(data, indent=2, ensure_ascii=False))
    else:
        show_table(report)
        if history is not None:
            show_last_seen(history)
    if not report.passed:
        first = report.failures[0]
        raise NotVerified(
            f"{len(report.failures)} of {len(report.checks)} audit checks failed, the first "
            f"{first.name}",
            "read each failed check: its line names what differs and where; audit the original "
            "copies of the files before drawing conclusions",
        )


def show_table(report: "AuditReport") -> None:
    """The results on stdout, one row per check. Every text is printed with markup off: names
    and reasons quote holder names and other text from the kit."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ceremony.ui.console import console as make_console
    from ceremony.workflows.audit import Status, Verdict

    # At a terminal the table fits its width; piped, long lines stay whole so they can be grepped.
    width = None if sys.stdout.isatty() else 240
    console = make_console(file=sys.stdout, highlight=False, soft_wrap=False, width=width)
    title = f"audit of {report.kit}"
    if report.ceremony_id:
        title += f": {report.ceremony_name} ({report.ceremony_id})"
    console.print(Text(title, style="bold"))
    styles = {Status.PASS: "green", Status.FAIL: "bold red", Status.SKIPPED: "yellow"}
    table = Table(box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False)
    table.add_column("result", no_wrap=True)
    table.add_column("check", no_wrap=True)
    table.add_column("detail", overflow="fold")
    for check in report.checks:
        table.add_row(
            Text(check.status.value, style=styles[check.status]),
            Text(check.name),
            Text(check.detail),
        )
    console.print(table)
    for item in report.not_found:
        console.print(Text(f"not found: {item}"))
    for item in report.unanchored:
        console.print(Text(f"unanchored: {item}", style="yellow"))
    for line in report.skipped_lines():
        console.print(Text(f"skipped: {line}"))
    counts = (
        f"{report.count(Status.PASS)} passed, {report.count(Status.FAIL)} failed, "
        f"{report.count(Status.SKIPPED)} skipped (each named above with its reason)"
    )
    verdict = report.verdict
    style = {Verdict.ANCHORED: "bold green", Verdict.UNANCHORED: "bold yellow"}.get(
        verdict, "bold red"
    )
    console.print(Text(f"{verdict.value}: {counts}; {verdict.meaning}", style=style))


def _kit_paper(kit: Path) -> str:
    """The paper size the kit was printed on, as its record says (a4 when it cannot say)."""
    from ceremony.errors import CeremonyError
    from ceremony.model.record import Record

    try:
        text = (kit / "record.json").read_text(encoding="utf-8")
        return Record.from_json(text).paper_size or "a4"
    except (OSError, UnicodeDecodeError, CeremonyError):
        return "a4"


def ask_head_words() -> str | None:
    """At a terminal: the head words from the initialled paper, or None to go without."""
    from ceremony.ui.console import err, say

    say(
        "the head words the witnesses initialled at closing anchor this audit; without them "
        "the verdict can only be 'consistent but unanchored'"
    )
    typed = err().input("head words (Enter to go without): ", markup=False)
    return typed.strip() or None


def show_last_seen(history: "ChainAudit") -> None:
    """When each current share was last seen (custody logs), after the history rows."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    console = Console(file=sys.stdout, highlight=False, soft_wrap=False, width=240)
    table = Table(title="last seen", box=box.SIMPLE_HEAD, title_justify="left")
    for column in ("holder", "group", "member", "check code", "last seen"):
        table.add_column(column)
    for row in history.last_seen:
        seen = f"{row.seen} ({row.how})" if row.seen else row.how
        table.add_row(
            Text(row.holder), Text(row.group), str(row.member), row.check_code, Text(seen)
        )
    console.print(table)


def audit_sheet(report: "AuditReport") -> "AuditSheet":
    """The report as the paper module's plain values."""
    from ceremony.model.hashwords import hash_words
    from ceremony.paper.audit_report import AuditRow, AuditSheet

    plan_words = ""
    if re.fullmatch(r"[0-9a-f]{64}", report.plan_sha256):
        plan_words = hash_words(bytes.fromhex(report.plan_sha256))
    return AuditSheet(
        kit=report.kit,
        ceremony_name=report.ceremony_name,
        ceremony_id=report.ceremony_id,
        plan_hash_hex=report.plan_sha256 if plan_words else "",
        plan_hash_words=plan_words,
        transcript_head_words=report.head_words,
        tool=report.tool,
        rows=tuple(AuditRow(c.name, c.status.value, c.detail) for c in report.checks),
        demo=report.demo,
        unanchored=report.unanchored,
    )
