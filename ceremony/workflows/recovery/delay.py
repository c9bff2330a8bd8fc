"""The evidenced delay on disk: `proof/segment-NNNN.json`, computed by `wait`, checked by `unlock`.

Each segment is written atomically as soon as it is proven, so Ctrl-C or a crash loses at most the
one in progress; a damaged segment, and every one after it, is recomputed from the last good one.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path

from ceremony.core.vdf import (
    Chain,
    ChainProver,
    Progress,
    Segment,
    good_prefix,
    plan_segment_iterations,
    verify_chain,
)
from ceremony.errors import BadInput, Locked, NotVerified, Refused
from ceremony.files import write_atomic
from ceremony.workflows.inputs import read_bounded
from ceremony.workflows.recovery.session import (
    DELAY_DONE,
    WAITING,
    Session,
    State,
    exclusive,
    refuse_finished,
)


def segment_path(session: Session, index: int) -> Path:
    """Where a delay segment is saved; the zero-padded index keeps the files in order."""
    return session.proof_dir / f"segment-{index:04d}.json"


@dataclass(frozen=True)
class SavedChain:
    """The segment files found, read in order until the first missing or unreadable one."""

    segments: tuple[Segment, ...]
    unreadable: int | None
    """Index of a segment file that exists but cannot be read (it ends the list), or None."""
    good: Chain
    """The longest prefix that links up and verifies: what a wait resumes from."""

    @property
    def damaged(self) -> int | None:
        """The first saved segment that is not part of the good prefix, if any."""
        if len(self.good.segments) < len(self.segments):
            return len(self.good.segments) + 1
        return self.unreadable


def saved_chain(session: Session) -> SavedChain:
    """Read the saved segments in order, stopping at the first unreadable one; only the prefix that
    checks out counts as done."""
    segments: list[Segment] = []
    unreadable = None
    index = 1
    while True:
        path = segment_path(session, index)
        if not path.exists():
            break
        try:
            segments.append(Segment.from_json(read_bounded(path, "delay segment")))
        except BadInput:
            unreadable = index
            break
        index += 1
    good = good_prefix(segments, session.notice_hash) if segments else Chain()
    return SavedChain(tuple(segments), unreadable, good)


@dataclass(frozen=True)
class WaitPlan:
    """What a `wait` will do, known before the long work starts."""

    saved: SavedChain
    segment_iterations: int
    required_iterations: int

    @property
    def done(self) -> int:
        """Iterations already proved by the saved chain; a damaged segment and what follows it do
        not count."""
        return self.saved.good.total_iterations

    @property
    def finished(self) -> bool:
        """Whether the proved delay already reaches the required iterations."""
        return self.done >= self.required_iterations


def plan_wait(session: Session, *, segment_iterations: int | None = None) -> WaitPlan:
    """Check that the session can wait, and what it resumes from. `segment_iterations` overrides
    the plan from the record's rate (for demonstrations and tests)."""
    if session.sealed:
        raise BadInput(
            "a sealed time lock has nothing to wait for before the shares are in",
            "run `ceremony recover unlock SESSION`: it solves the time lock once the shares are in",
        )
    refuse_finished(session, "wait")
    if session.state is State.UNLOCKED:
        raise Refused(
            f"session {session.notice.notice_id} is already unlocked",
            "run `ceremony recover unlock SESSION` to finish it",
        )
    required = session.notice.required_iterations
    size = segment_iterations or plan_segment_iterations(
        required, rate=float(session.notice.rate_per_second)
    )
    return WaitPlan(saved_chain(session), size, required)


def run_wait(session: Session, plan: WaitPlan, *, progress: Progress | None = None) -> Chain:
    """Compute the rest of the chain, one atomically written segment at a time.

    Appends `waiting` when work starts and `delay_done` when the chain holds the required work
    (once: a wait that finds the chain complete and recorded adds nothing).
    Ctrl-C (KeyboardInterrupt) propagates and loses at most the segment in progress; it leaves no
    transcript entry, so the next wait simply resumes.
    """
    with exclusive(session):
        return _run_wait(session, plan, progress)


def _run_wait(session: Session, plan: WaitPlan, progress: Progress | None) -> Chain:
    good = plan.saved.good
    _drop_segments_after(session, len(good.segments))
    if not plan.finished:
        session = session.append(WAITING, {"segments": len(good.segments)})
        os.makedirs(session.proof_dir, mode=0o755, exist_ok=True)

        def save(segment: Segment) -> None:
            write_atomic(
                segment_path(session, segment.index),
                segment.to_json().encode(),
                secret=False,
                overwrite=True,
            )

        prover = ChainProver(
            session.notice_hash,
            plan.required_iterations,
            segment_iterations=plan.segment_iterations,
            on_segment=save,
            progress=progress,
        )
        chain = prover.run(good.segments)
    else:
        chain = good
        if progress is not None:
            progress.advanced(
                min(chain.total_iterations, plan.required_iterations), plan.required_iterations
            )
    record_delay(session, chain)
    return chain


def record_delay(session: Session, chain: Chain) -> Session:
    """Write down, once, that the session's chain holds the required work: `delay_done`, after a
    `waiting` if no wait ran here (the notice is public: the chain may come from another machine).

    `chain` must already be checked (`check_delay`, or the wait that just computed it)."""
    session = Session.open(session.path)
    if session.delay_done:
        return session
    if session.state is State.REQUESTED:
        session = session.append(WAITING, {"segments": len(chain.segments)})
    return session.append(
        DELAY_DONE,
        {
            "total_iterations": chain.total_iterations,
            "segments": len(chain.segments),
            "chain_sha256": chain_sha256(chain),
        },
    )


def _drop_segments_after(session: Session, keep: int) -> None:
    """Remove saved segments past the good prefix: damaged, or built on a damaged one."""
    if not session.proof_dir.is_dir():
        return
    for path in session.proof_dir.glob("segment-*.json"):
        number = path.stem.removeprefix("segment-")
        if number.isdigit() and int(number) > keep:
            path.unlink(missing_ok=True)


def chain_sha256(chain: Chain) -> str:
    """SHA-256 of the segment files' bytes in order: `cat proof/segment-*.json | sha256sum`."""
    digest = hashlib.sha256()
    for segment in chain.segments:
        digest.update(segment.to_json().encode())
    return digest.hexdigest()


def check_delay(session: Session) -> Chain:
    """The chain that lets this session unlock. Raises Locked while work is missing, NotVerified
    when a segment is damaged, altered or made for another notice."""
    saved = saved_chain(session)
    required = session.notice.required_iterations
    if saved.unreadable is not None and len(saved.good.segments) == len(saved.segments):
        raise NotVerified(
            f"delay segment {saved.unreadable} cannot be read",
            "run `ceremony recover wait SESSION`: it recomputes from the last good segment",
        )
    if not saved.segments:
        raise Locked(
            f"the delay has not started: no proof of the {required} iterations this notice needs",
            "run `ceremony recover wait SESSION`, then unlock",
        )
    done = saved.good.total_iterations
    if len(saved.good.segments) == len(saved.segments) and done < required:
        raise Locked(
            f"the delay is not finished: {done} of {required} iterations "
            f"({100 * done // required}%) are proven",
            "run `ceremony recover wait SESSION` to finish the delay, then unlock",
        )
    chain = Chain(saved.segments)
    verify_chain(chain, session.notice_hash, required)
    return chain
