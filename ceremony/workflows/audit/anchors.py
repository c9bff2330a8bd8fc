"""Anchors: what the audit compares with things kept outside the kit's files.

A hash chain cannot vouch for its own end: whoever can rewrite the public files can re-chain the
transcript, rewrite the record and re-issue a notice so that every internal check agrees. Only
something the forger cannot reach tells the copy from the original: the head words the witnesses
initialled on paper at closing, the hash words of a recovery notice that stakeholders received,
the head words shown when a recovery session closed, and signatures made on the witnesses' own
devices (see `signature_checks`). Each anchor is a named check; whatever no anchor covered is
listed, and without any the verdict is "consistent but unanchored".
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from ceremony.errors import BadInput
from ceremony.model.hashwords import DEFAULT_COUNT, hash_words
from ceremony.workflows.audit.common import _fail, _Kit, _skip
from ceremony.workflows.audit.report import AuditCheck, Status

_TOKEN = re.compile(r"[a-z0-9]+")
_HEX64 = re.compile(r"^[0-9a-f]{64}$")
HEAD = "the ceremony transcript's head"


@dataclass(frozen=True)
class Anchors:
    """What the auditor brings from outside the kit, each already as twelve words."""

    head_words: str | None = None
    """The ceremony transcript's head, as the witnesses initialled it at closing."""
    notice_words: tuple[str, ...] = ()
    """The hash words of each recovery notice the auditor's stakeholders received."""
    session_words: tuple[str, ...] = ()
    """The head words each recovery session showed when it closed (unlock or cancel)."""

    @classmethod
    def from_text(
        cls,
        head_words: str | None = None,
        notice_words: Sequence[str] = (),
        session_words: Sequence[str] = (),
    ) -> Anchors:
        """Read the words as typed (any case, spaces or commas, the first four letters of each
        word, or the 64 hex digits of the hash); raise BadInput naming the word that is wrong."""
        return cls(
            head_words=None
            if head_words is None or not head_words.strip()
            else read_words(head_words, "the head words"),
            notice_words=tuple(
                read_words(text, f"the notice words ({n})") for n, text in _numbered(notice_words)
            ),
            session_words=tuple(
                read_words(text, f"the session words ({n})") for n, text in _numbered(session_words)
            ),
        )

    @property
    def given(self) -> bool:
        """Whether the auditor brought any words (head, notice or session) to compare."""
        return bool(self.head_words or self.notice_words or self.session_words)


NO_ANCHORS = Anchors()


def _numbered(items: Sequence[str]) -> list[tuple[int, str]]:
    return [(n, text) for n, text in enumerate(items, 1) if text.strip()]


def read_words(text: str, what: str) -> str:
    """Twelve BIP-39 words, single-spaced, from what a person typed or a 64-hex-digit hash."""
    from ceremony.model.hashwords import _english

    tokens = _TOKEN.findall(text.lower())
    if len(tokens) == 1 and _HEX64.match(tokens[0]):
        return hash_words(bytes.fromhex(tokens[0]))
    hint = (
        "type the twelve words as written on the initialled paper (the first four letters of "
        "each are enough), or the 64 hex digits of the hash"
    )
    if len(tokens) != DEFAULT_COUNT:
        raise BadInput(f"{what}: {len(tokens)} words given, {DEFAULT_COUNT} expected", hint)
    words = _english()
    found = []
    for number, token in enumerate(tokens, 1):
        matches = [w for w in words if w == token or (len(token) >= 4 and w.startswith(token))]
        if len(matches) != 1:
            raise BadInput(f"{what}: word {number} '{token}' is not on the BIP-39 word list", hint)
        found.append(matches[0])
    return " ".join(found)


def head_anchor(kit: _Kit, anchors: Anchors) -> AuditCheck:
    """`anchor.head-words`: the words initialled at closing against the transcript's own head."""
    name = "anchor.head-words"
    if anchors.head_words is None:
        return _skip(
            name,
            "no head words given: without them a consistent rewrite of the transcript and the "
            "record passes every other check (give --head-words)",
        )
    summary = kit.transcript
    if summary is None:
        return _fail(name, "there is no verified transcript to compare the head words with")
    if summary.head_words == anchors.head_words:
        return AuditCheck(
            name,
            Status.PASS,
            f"the transcript ends at the head the witnesses initialled: {anchors.head_words}",
        )
    record = kit.record
    note = ""
    if record and _words(record.transcript_head) == anchors.head_words:
        note = "; the record still holds the initialled head, so the transcript was changed"
    return _fail(
        name,
        f"the transcript's head words are '{summary.head_words}', not the initialled "
        f"'{anchors.head_words}': the transcript was rewritten after closing, or the words "
        f"belong to another ceremony{note}",
    )


@dataclass(frozen=True)
class SessionFacts:
    """What the anchors need from one audited recovery session."""

    label: str
    notice_sha256: str
    """"" when the notice could not be read."""
    head: str
    """The session transcript's head (hex), "" when it did not verify."""
    closed: bool
    signed_notice: bool = False
    """A key the plan pins signed that its holder received this notice."""
    signed_close: bool = False
    """A key the plan pins signed the session's close at its present head."""


def session_anchors(
    sessions: Sequence[SessionFacts], anchors: Anchors
) -> tuple[list[AuditCheck], list[str]]:
    """A check per notice and session words given, and what no anchor covered."""
    checks: list[AuditCheck] = []
    notices = {s.label: _words(s.notice_sha256) for s in sessions}
    heads = {s.label: _words(s.head) for s in sessions}
    notice_anchored: set[str] = set()
    close_anchored: set[str] = set()
    for number, words in enumerate(anchors.notice_words, 1):
        name = f"anchor.notice-{number}"
        matched = [label for label, found in notices.items() if found == words]
        if matched:
            notice_anchored.update(matched)
            checks.append(
                AuditCheck(
                    name,
                    Status.PASS,
                    f"the notice of session {', '.join(matched)} has the words stakeholders "
                    f"received: {words}",
                )
            )
        else:
            checks.append(
                _fail(
                    name,
                    f"no recovery session in the kit has a notice with the words '{words}': its "
                    "folder was deleted, renamed away or its notice replaced (a session kept "
                    "elsewhere is given with --session)",
                )
            )
    for number, words in enumerate(anchors.session_words, 1):
        name = f"anchor.session-{number}"
        matched = [label for label, found in heads.items() if found == words]
        if matched:
            close_anchored.update(matched)
            checks.append(
                AuditCheck(
                    name,
                    Status.PASS,
                    f"session {', '.join(matched)} ends at the head shown when it closed: {words}",
                )
            )
        else:
            checks.append(
                _fail(
                    name,
                    f"no recovery session in the kit ends at the head words '{words}': a session "
                    "transcript was cut, rewritten or removed after it closed",
                )
            )
    notice_anchored.update(s.label for s in sessions if s.signed_notice)
    close_anchored.update(s.label for s in sessions if s.signed_close)
    unanchored = []
    for session in sessions:
        if session.label not in notice_anchored:
            unanchored.append(
                f"recovery session {session.label}: its notice (give --notice-words, or a "
                "stakeholder's signature)"
            )
        if session.label in close_anchored:
            continue
        if session.closed:
            unanchored.append(
                f"recovery session {session.label}: what happened after the notice (give the "
                "head words shown at its close with --session-words)"
            )
        else:
            unanchored.append(
                f"recovery session {session.label}: it is not closed, so nothing vouches for its "
                "last entries (a transcript cut short looks the same)"
            )
    return checks, unanchored


def _words(digest: str) -> str:
    return hash_words(bytes.fromhex(digest)) if _HEX64.match(digest) else ""
