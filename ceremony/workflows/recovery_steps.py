"""`ceremony recover start` and `cancel` as workflows: each does the session's step and writes the
messages people may sign beside the session (ceremony.workflows.session_attest)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ceremony.workflows.recovery import Session


def start_session(
    record: Path, requester: str, reason: str, session_dir: Path | None, paper: str
) -> Session:
    """A notice and its session; the notice's paper is the kit's (from its record) unless given."""
    from ceremony.paper.content import PaperSize
    from ceremony.workflows.recovery import read_record, start
    from ceremony.workflows.session_attest import write_session_messages

    if not paper:
        paper = read_record(record).record.paper_size or "a4"
    session = start(
        record,
        requester=requester,
        reason=reason,
        session_dir=session_dir,
        paper=PaperSize.from_text(paper),
    )
    write_session_messages(session.path)
    return session


def cancel_session(session_dir: Path, reason: str) -> Session:
    """End the session for good, recording why; returns the closed session."""
    from ceremony.workflows.recovery import Session, cancel
    from ceremony.workflows.session_attest import write_session_messages

    session = cancel(Session.open(session_dir), reason)
    write_session_messages(session.path)
    return session
