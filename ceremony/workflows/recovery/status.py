"""A session's state and progress, for `recover status`: all public."""

from __future__ import annotations

from dataclasses import dataclass

from ceremony.workflows.recovery.delay import saved_chain
from ceremony.workflows.recovery.session import Session, State
from ceremony.workflows.recovery.unlock import checkpoint_progress


@dataclass(frozen=True)
class Status:
    """A session's state and progress, all public."""

    session: Session
    done_iterations: int
    good_segments: int
    saved_segments: int
    damaged_segment: int | None
    checkpoint_squarings: int | None
    next_step: str
    """One of: wait, unlock, none."""

    def to_dict(self) -> dict[str, object]:
        """The status as the JSON of `ceremony recover status --json`; it holds no secret."""
        notice = self.session.notice
        return {
            "format": "ceremony-recovery-status/v1",
            "session": str(self.session.path),
            "notice_id": notice.notice_id,
            "notice_sha256": notice.sha256.hex(),
            "ceremony_id": notice.ceremony_id,
            "ceremony_name": notice.ceremony_name,
            "mode": notice.mode,
            "state": self.session.state.value,
            "closed": self.session.closed,
            "delay_done": self.session.delay_done,
            "required_iterations": notice.required_iterations,
            "done_iterations": self.done_iterations,
            "good_segments": self.good_segments,
            "saved_segments": self.saved_segments,
            "damaged_segment": self.damaged_segment,
            "checkpoint_squarings": self.checkpoint_squarings,
            "expected_seconds": notice.expected_seconds,
            "minimum_seconds": notice.minimum_seconds,
            "attacker_speedup": notice.attacker_speedup,
            "transcript_head": self.session.head,
            "next_step": self.next_step,
        }


def status(session: Session) -> Status:
    """Only reads the session folder: nothing is written, and a damaged segment is reported, not
    repaired."""
    done = good = saved = 0
    damaged = None
    checkpoint = None
    finished = session.state in (State.RECOVERED, State.CANCELLED) or session.closed
    if session.sealed:
        checkpoint = checkpoint_progress(session)
        next_step = "none" if finished else "unlock"
    else:
        chain = saved_chain(session)
        done, good, saved = (
            chain.good.total_iterations,
            len(chain.good.segments),
            len(chain.segments),
        )
        damaged = chain.damaged
        enough = done >= session.notice.required_iterations and damaged is None
        next_step = "none" if finished else ("unlock" if enough else "wait")
    return Status(session, done, good, saved, damaged, checkpoint, next_step)
