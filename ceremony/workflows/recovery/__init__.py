"""Recovery sessions: a notice, a delay that leaves evidence or a sealed lock, and a verified rebuild.

A session is a directory (notice.json and its PDF, a hash-chained transcript.jsonl, and in
evidenced mode proof/segment-NNNN.json) whose state is read back from the transcript every time.
States: requested -> waiting -> unlocked -> recovered, or cancelled at any point before recovered.
Every file is written atomically; nothing here prints or prompts: the command line shows what these
functions return and raise.

    session   the files, the state, start and cancel
    delay     the evidenced delay's chain on disk: wait, and its check at unlock
    shares    shares checked against the record as holders give them
    consent   the consent file, the sealed lock's fast path
    unlock    rebuild, open the lock, verify against the record, release
    status    state and progress, for `recover status`
    run       start, wait and unlock without prompts (the demo, scripts)
"""

from ceremony.workflows.combine import GroupProgress
from ceremony.workflows.recovery.consent import Consent, consent_check_code, read_consent
from ceremony.workflows.recovery.delay import (
    SavedChain,
    WaitPlan,
    chain_sha256,
    check_delay,
    plan_wait,
    record_delay,
    run_wait,
    saved_chain,
    segment_path,
)
from ceremony.workflows.recovery.run import Outcome, run_recovery
from ceremony.workflows.recovery.session import (
    CHECKPOINT_FILE,
    NOTICE_FILE,
    NOTICE_PDF,
    PREVIOUS_CHECKPOINT_FILE,
    PROOF_DIR,
    RELEASE_TARGETS,
    SESSIONS_DIR,
    TRANSCRIPT_FILE,
    RecordFile,
    Session,
    State,
    cancel,
    describe_bounds,
    exclusive,
    notice_sheet,
    read_record,
    refuse_finished,
    session_record,
    start,
)
from ceremony.workflows.recovery.shares import ShareCollection, collect
from ceremony.workflows.recovery.status import Status, status
from ceremony.workflows.recovery.unlock import (
    PuzzleResume,
    Reconstruction,
    SolveEvents,
    checkpoint_progress,
    rebuild,
    record_attempt,
    record_release,
    record_unlock,
    sealed_lock,
    write_release,
)

__all__ = [
    "CHECKPOINT_FILE",
    "NOTICE_FILE",
    "NOTICE_PDF",
    "PREVIOUS_CHECKPOINT_FILE",
    "PROOF_DIR",
    "RELEASE_TARGETS",
    "SESSIONS_DIR",
    "TRANSCRIPT_FILE",
    "Consent",
    "GroupProgress",
    "Outcome",
    "PuzzleResume",
    "Reconstruction",
    "RecordFile",
    "SavedChain",
    "Session",
    "ShareCollection",
    "SolveEvents",
    "State",
    "Status",
    "WaitPlan",
    "cancel",
    "chain_sha256",
    "check_delay",
    "checkpoint_progress",
    "collect",
    "consent_check_code",
    "describe_bounds",
    "exclusive",
    "notice_sheet",
    "plan_wait",
    "read_consent",
    "read_record",
    "rebuild",
    "record_attempt",
    "record_delay",
    "record_release",
    "record_unlock",
    "refuse_finished",
    "run_recovery",
    "run_wait",
    "saved_chain",
    "sealed_lock",
    "segment_path",
    "session_record",
    "start",
    "status",
    "write_release",
]
