"""What `ceremony audit` shows: the head words asked for at a terminal, and the report on stdout
as a table (one row per check, then the history's last-seen table) or as JSON.

Every text is printed with markup off: names and reasons quote holder names and other text from
the kit."""

from __future__ import annotations

import json
import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.console import Console

    from ceremony.workflows.audit import AuditReport
    from ceremony.workflows.audit.chain import ChainAudit
    from ceremony.workflows.audit_run import AuditRun


def ask_head_words() -> str | None:
    """At a terminal: the head words from the initialled paper, or None to go without."""
    from ceremony.ui.console import err, say

    say(
        "the head words the witnesses initialled at closing anchor this audit; without them "
        "the verdict can only be 'consistent but unanchored'"
    )
    typed = err().input("head words (Enter to go without): ", markup=False)
    return typed.strip() or None


def show_audit(done: AuditRun, *, as_json: bool) -> None:
    """The report on stdout: JSON, or the table and (for a lifecycle kit) the last-seen table."""
    if as_json:
        from ceremony.ui.console import out

        out(json.dumps(done.to_dict(), indent=2, ensure_ascii=False))
        return
    show_table(done.report)
    if done.history is not None:
        show_last_seen(done.history)


def show_table(report: AuditReport) -> None:
    """The results on stdout, one row per check, then what was not found, unanchored or skipped,
    and the verdict."""
    from rich.text import Text

    from ceremony.ui.console import console as make_console

    # At a terminal the table fits its width; piped, long lines stay whole so they can be grepped.
    width = None if sys.stdout.isatty() else 240
    console = make_console(file=sys.stdout, highlight=False, soft_wrap=False, width=width)
    title = f"audit of {report.kit}"
    if report.ceremony_id:
        title += f": {report.ceremony_name} ({report.ceremony_id})"
    console.print(Text(title, style="bold"))
    _checks(console, report)
    for item in report.not_found:
        console.print(Text(f"not found: {item}"))
    for item in report.unanchored:
        console.print(Text(f"unanchored: {item}", style="yellow"))
    for line in report.skipped_lines():
        console.print(Text(f"skipped: {line}"))
    _verdict(console, report)


def _checks(console: Console, report: AuditReport) -> None:
    from rich import box
    from rich.table import Table
    from rich.text import Text

    from ceremony.workflows.audit import Status

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


def _verdict(console: Console, report: AuditReport) -> None:
    from rich.text import Text

    from ceremony.workflows.audit import Status, Verdict

    counts = (
        f"{report.count(Status.PASS)} passed, {report.count(Status.FAIL)} failed, "
        f"{report.count(Status.SKIPPED)} skipped (each named above with its reason)"
    )
    verdict = report.verdict
    style = {Verdict.ANCHORED: "bold green", Verdict.UNANCHORED: "bold yellow"}.get(
        verdict, "bold red"
    )
    console.print(Text(f"{verdict.value}: {counts}; {verdict.meaning}", style=style))


def show_last_seen(history: ChainAudit) -> None:
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
