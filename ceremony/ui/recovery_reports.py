"""What the `ceremony recover` commands print: the new session (stdout, as lines or JSON), the
notes after it (stderr), the next step, and the head words of a closed session."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, assert_never

from ceremony.model.timelock_mode import TimeLockMode

if TYPE_CHECKING:
    from ceremony.workflows.recovery import Session


def unit(mode: TimeLockMode) -> str:
    return mode.work_unit


def mode_name(mode: TimeLockMode) -> str:
    return mode.delay_name


def after_notice(mode: TimeLockMode) -> str:
    """The step after the notice: an evidenced delay is waited out, a sealed lock is solved."""
    match mode:
        case TimeLockMode.EVIDENCED:
            return "wait"
        case TimeLockMode.SEALED:
            return "unlock"
        case unreachable:
            assert_never(unreachable)


def next_text(step: str, session: Session) -> str:
    if step == "wait":
        return f"ceremony recover wait {session.path}"
    if step == "unlock":
        return f"ceremony recover unlock {session.path}"
    return "nothing: the session has ended"


def next_step(session: Session, step: str) -> str:
    return f"next: {next_text(step, session)}"


def start_report(session: Session, *, as_json: bool) -> str:
    """`recover start` on stdout: the session, its notice and hash words, the work and delay."""
    from ceremony.workflows.recovery import describe_bounds

    notice = session.notice
    if as_json:
        return json.dumps(
            {
                "format": "ceremony-recovery-start/v1",
                "session": str(session.path),
                "notice_id": notice.notice_id,
                "notice_sha256": notice.sha256.hex(),
                "notice_words": notice.hash_words,
                "mode": notice.mode,
                "required_iterations": notice.required_iterations,
                "expected_seconds": notice.expected_seconds,
                "minimum_seconds": notice.minimum_seconds,
                "attacker_speedup": notice.attacker_speedup,
            },
            indent=2,
        )
    return "\n".join(
        [
            f"session      {session.path}",
            f"notice       {notice.notice_id}",
            f"notice hash  {notice.sha256.hex()}",
            f"hash words   {notice.hash_words}",
            f"work         {notice.required_iterations:,} {unit(notice.mode)}",
            f"delay        {describe_bounds(session)}",
        ]
    )


def started_notes(session: Session, record: Path) -> list[str]:
    """`recover start` on stderr: who gets the notice, who may sign, and the next command."""
    from ceremony.workflows.recovery import NOTICE_PDF

    notes = [
        f"the notice is printed in {session.path / NOTICE_PDF}: give a copy to every stakeholder",
        "stakeholders may sign that they received it: attest/notice-message.txt in the session "
        "(`ceremony attest SESSION SIGFILE --plan PLAN`)",
    ]
    given = record / "record.json" if record.is_dir() else record
    if session.path.resolve().parent.parent / "record.json" != given.resolve():
        notes.append(f"the session is not beside the record: give unlock --record {given}")
    notes.append(next_step(session, after_notice(session.notice.mode)))
    return notes


def closed_notes(session: Session) -> list[str]:
    """The closed session's head as words: written down outside the kit, they anchor the audit
    (`ceremony audit --session-words`) against a transcript cut or rewritten later."""
    from ceremony.model.hashwords import hash_words

    return [
        "session closed; write down its head words for the audit: "
        f"{hash_words(bytes.fromhex(session.head))}",
        "people present may sign its close: attest/close-message.txt in the session",
    ]
