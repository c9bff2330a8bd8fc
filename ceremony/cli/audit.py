"""`ceremony audit KIT`: re-check a ceremony and its recoveries from public artefacts; report as a
table, JSON or a PDF to sign. Exit 0 when every check passes, 4 when any fails."""

import sys
from pathlib import Path
from typing import Annotated

import typer

from ceremony.cli.base import app
from ceremony.cli.options import Json

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


Kit = Annotated[
    Path,
    typer.Argument(
        help="The kit directory (record.json, transcript.jsonl, ...).",
        metavar="KIT",
        show_default=False,
    ),
]
PlanFile = Annotated[
    Path | None,
    typer.Option(
        "--plan",
        metavar="FILE",
        help="The ceremony plan file, to check its hash and the record against it. "
        "Without it those two checks are skipped.",
        show_default=False,
    ),
]
Sessions = Annotated[
    list[Path] | None,
    typer.Option(
        "--session",
        metavar="DIR",
        help="A recovery session directory kept outside KIT/recovery/. Repeat it.",
        show_default=False,
    ),
]
ShareFile = Annotated[
    Path | None,
    typer.Option(
        "--share-file",
        metavar="FILE",
        help="Shares the auditor is shown, one per line: each is checked against the "
        "record's share commitments. The shares are never printed.",
        show_default=False,
    ),
]
Chain = Annotated[
    list[Path] | None,
    typer.Option(
        "--chain",
        metavar="DIR",
        help="For a lifecycle kit (extend, replace, reshare): the kits of its predecessors, "
        "or a directory holding them. Repeat it. The audit follows the chain of records to "
        "the first ceremony and prints the secret's history.",
        show_default=False,
    ),
]
HeadWords = Annotated[
    str | None,
    typer.Option(
        "--head-words",
        metavar="WORDS",
        help="The twelve transcript head words the witnesses initialled at closing (the "
        "first four letters of each are enough). At a terminal, asked for when not given.",
        show_default=False,
    ),
]
NoticeWords = Annotated[
    list[str] | None,
    typer.Option(
        "--notice-words",
        metavar="WORDS",
        help="The hash words of a recovery notice that stakeholders received. Repeat it, "
        "once per notice: a notice that no session in the kit has is a failed check.",
        show_default=False,
    ),
]
SessionWords = Annotated[
    list[str] | None,
    typer.Option(
        "--session-words",
        metavar="WORDS",
        help="The head words a recovery session showed when it closed (unlock or cancel). "
        "Repeat it, once per session.",
        show_default=False,
    ),
]
WithoutTranscript = Annotated[
    bool,
    typer.Option(
        "--without-transcript",
        help="The kit was made by `ceremony split --kit`, which keeps no transcript. "
        "Without it a missing transcript fails: the record alone never decides that.",
    ),
]
Pdf = Annotated[
    Path | None,
    typer.Option(
        "--pdf",
        metavar="FILE",
        help="Also write the report as a PDF to sign.",
        show_default=False,
    ),
]
Paper = Annotated[
    str,
    typer.Option(
        "--paper",
        metavar="SIZE",
        help="Paper size of the PDF: a4 or letter (default: the kit's, from its record).",
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing PDF file.")]


@app.command("audit", help=HELP, no_args_is_help=True)
def audit_command(
    kit: Kit,
    plan: PlanFile = None,
    session: Sessions = None,
    share_file: ShareFile = None,
    chain: Chain = None,
    head_words: HeadWords = None,
    notice_words: NoticeWords = None,
    session_words: SessionWords = None,
    without_transcript: WithoutTranscript = False,
    as_json: Json = False,
    pdf: Pdf = None,
    paper: Paper = "",
    force: Force = False,
) -> None:
    from ceremony.ui.audit_screen import ask_head_words, show_audit
    from ceremony.ui.console import say
    from ceremony.workflows.audit_run import AuditPdf, AuditRequest, require_passed, run_audit

    if head_words is None and not as_json and sys.stdin.isatty():
        head_words = ask_head_words()
    request = AuditRequest(
        kit,
        head_words,
        notice_words or (),
        session_words or (),
        plan,
        session or (),
        share_file,
        chain or (),
        without_transcript,
    )
    done = run_audit(request, AuditPdf(pdf, paper, force))
    if pdf is not None:
        say(f"audit report written to {pdf}")
    show_audit(done, as_json=as_json)
    require_passed(done.report)
