"""A whole recovery without prompts (start, wait, unlock), for the demo and for scripts."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ceremony.core.vdf import Chain, Progress
from ceremony.model.share import Share
from ceremony.model.sources import Clock, Rng
from ceremony.paper.content import PaperSize
from ceremony.workflows.notice import utc_now
from ceremony.workflows.recovery.consent import Consent
from ceremony.workflows.recovery.delay import check_delay, plan_wait, run_wait
from ceremony.workflows.recovery.session import Session, exclusive, read_record, start
from ceremony.workflows.recovery.shares import collect
from ceremony.workflows.recovery.unlock import (
    Reconstruction,
    SolveEvents,
    rebuild,
    record_attempt,
    record_release,
    record_unlock,
    release_to_file,
)


@dataclass(frozen=True)
class Outcome:
    """What `run_recovery` did: the session as it ended, the chain, and the verified secret."""

    session: Session
    chain: Chain | None
    reconstruction: Reconstruction = field(repr=False)
    released_to: str | None


def run_recovery(
    record_source: str | Path,
    shares: Sequence[Share],
    *,
    passphrase: bytes = b"",
    consent: Consent | None = None,
    progress: Progress | None = None,
    session_dir: Path | None = None,
    requester: str = "",
    reason: str = "",
    paper: PaperSize = PaperSize.A4,
    segment_iterations: int | None = None,
    output: Path | None = None,
    released_to: str | None = None,
    clock: Clock = utc_now,
    rng: Rng = secrets.token_bytes,
) -> Outcome:
    """start, wait (evidenced) and unlock without prompts, for the demo and for scripts.

    With `output` the secret is written there (mode 0600) and the session closes with
    released_to "file"; with `released_to="terminal"` the caller shows
    `outcome.reconstruction.release_text()` and the session closes; otherwise the session is left
    unlocked and nothing is recorded as released.
    """
    found = read_record(record_source)
    collection = collect(found.record, shares)  # refuse foreign shares before any work
    session = start(
        found.path,
        requester=requester,
        reason=reason,
        session_dir=session_dir,
        paper=paper,
        clock=clock,
        rng=rng,
    )
    with exclusive(session):  # nobody else waits, unlocks or cancels meanwhile
        chain = None
        if not session.sealed:
            plan = plan_wait(session, segment_iterations=segment_iterations)
            run_wait(session, plan, progress=progress)
            session = Session.open(session.path)
            chain = check_delay(session)
        session = record_attempt(session)
        reconstruction = rebuild(
            session,
            found.record,
            collection.shares,
            passphrase=passphrase,
            consent=consent,
            chain=chain,
            solve=SolveEvents(progress=progress),
        )
        session = record_unlock(session, reconstruction, refused_shares=collection.refused)
        if output is not None:
            session = release_to_file(session, reconstruction, output)
            released_to = "file"
        elif released_to is not None:
            session = record_release(session, reconstruction, released_to)
    return Outcome(session, chain, reconstruction, released_to)
