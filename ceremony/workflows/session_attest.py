"""Signatures over a recovery session: stakeholders sign that they received its notice, and people
present sign its close. Both messages are rebuilt from the session's own files, like the
ceremony's closing message (see `ceremony.workflows.attest`), and checked against the plan's keys.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from ceremony.errors import NotVerified
from ceremony.files import write_atomic
from ceremony.model.hashwords import hash_words
from ceremony.model.plan import Signer
from ceremony.templates import read_template
from ceremony.workflows.attest import ATTEST_DIR, Signed, verify_signature
from ceremony.workflows.notice import RecoveryNotice


class SessionEvent(StrEnum):
    """What a session signature vouches for."""

    NOTICE = "notice"
    """The signer received this notice (its hash words match their copy)."""
    CLOSE = "close"
    """The signer saw the session close at this head."""


@dataclass(frozen=True)
class SessionMessages:
    """The exact bytes signers sign for one session; `close` is None while it is open."""

    notice: bytes
    close: bytes | None

    def message(self, event: SessionEvent) -> bytes | None:
        """The bytes to sign for this event; None for the close of a session still open."""
        return self.notice if event is SessionEvent.NOTICE else self.close


def session_messages(notice_bytes: bytes, head: str, closed: bool) -> SessionMessages:
    """The texts signers sign for a recovery session; the close message exists only once the session
    is closed."""
    notice = RecoveryNotice.from_bytes(notice_bytes)
    digest = hashlib.sha256(notice_bytes).hexdigest()
    values = {
        "ceremony_id": notice.ceremony_id,
        "notice_id": notice.notice_id,
        "requester": notice.requester,
        "notice_sha256": digest,
        "notice_words": notice.hash_words,
    }
    notice_message = read_template("attest", "notice-message.txt").format(**values)
    close_message = None
    if closed:
        close_message = read_template("attest", "close-message.txt").format(
            **values, head=head, head_words=hash_words(bytes.fromhex(head))
        )
    return SessionMessages(
        notice_message.encode("utf-8"),
        close_message.encode("utf-8") if close_message is not None else None,
    )


@dataclass(frozen=True)
class SessionSigned:
    event: SessionEvent
    signed: Signed


def verify_session_signature(
    messages: SessionMessages, armored: bytes, signers: Sequence[Signer]
) -> SessionSigned:
    """Which message `armored` signs (the notice or the close) and by whom; NotVerified if none."""
    problem: NotVerified | None = None
    for event in SessionEvent:
        message = messages.message(event)
        if message is None:
            continue
        try:
            signed = verify_signature(
                message,
                armored,
                signers,
                what="this session's notice or close",
                source=f"{ATTEST_DIR}/{event.value}-message.txt of this session",
            )
        except NotVerified as exc:
            if problem is None or "does not list" in exc.message:
                problem = exc  # an unlisted key says more than "another message"
            continue
        return SessionSigned(event, signed)
    assert problem is not None
    raise problem


def write_session_messages(directory: Path) -> None:
    """The messages to sign, beside the session: `attest/notice-message.txt` from the start, and
    `attest/close-message.txt` once the session is closed."""
    from ceremony.workflows.recovery.session import NOTICE_FILE, Session

    session = Session.open(directory)
    messages = session_messages(
        (directory / NOTICE_FILE).read_bytes(), session.head, session.closed
    )
    folder = directory / ATTEST_DIR
    folder.mkdir(mode=0o755, exist_ok=True)
    for event in SessionEvent:
        message = messages.message(event)
        if message is not None:
            write_atomic(
                folder / f"{event.value}-message.txt", message, secret=False, overwrite=True
            )
