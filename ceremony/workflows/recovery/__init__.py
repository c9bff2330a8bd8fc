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

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
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
        release_to_file,
        sealed_lock,
        write_release,
    )

# Each name is imported from its module on first use (PEP 562), so that a caller that needs one
# module (the audit needs the delay's chain hash) does not load all of them (the run loads the
# whole recovery, with the share collection and the sealed lock's solver).
_HOME = {
    "CHECKPOINT_FILE": "ceremony.workflows.recovery.session",
    "Consent": "ceremony.workflows.recovery.consent",
    "GroupProgress": "ceremony.workflows.combine",
    "NOTICE_FILE": "ceremony.workflows.recovery.session",
    "NOTICE_PDF": "ceremony.workflows.recovery.session",
    "Outcome": "ceremony.workflows.recovery.run",
    "PREVIOUS_CHECKPOINT_FILE": "ceremony.workflows.recovery.session",
    "PROOF_DIR": "ceremony.workflows.recovery.session",
    "PuzzleResume": "ceremony.workflows.recovery.unlock",
    "RELEASE_TARGETS": "ceremony.workflows.recovery.session",
    "Reconstruction": "ceremony.workflows.recovery.unlock",
    "RecordFile": "ceremony.workflows.recovery.session",
    "SESSIONS_DIR": "ceremony.workflows.recovery.session",
    "SavedChain": "ceremony.workflows.recovery.delay",
    "Session": "ceremony.workflows.recovery.session",
    "ShareCollection": "ceremony.workflows.recovery.shares",
    "SolveEvents": "ceremony.workflows.recovery.unlock",
    "State": "ceremony.workflows.recovery.session",
    "Status": "ceremony.workflows.recovery.status",
    "TRANSCRIPT_FILE": "ceremony.workflows.recovery.session",
    "WaitPlan": "ceremony.workflows.recovery.delay",
    "cancel": "ceremony.workflows.recovery.session",
    "chain_sha256": "ceremony.workflows.recovery.delay",
    "check_delay": "ceremony.workflows.recovery.delay",
    "checkpoint_progress": "ceremony.workflows.recovery.unlock",
    "collect": "ceremony.workflows.recovery.shares",
    "consent_check_code": "ceremony.workflows.recovery.consent",
    "describe_bounds": "ceremony.workflows.recovery.session",
    "exclusive": "ceremony.workflows.recovery.session",
    "notice_sheet": "ceremony.workflows.recovery.session",
    "plan_wait": "ceremony.workflows.recovery.delay",
    "read_consent": "ceremony.workflows.recovery.consent",
    "read_record": "ceremony.workflows.recovery.session",
    "rebuild": "ceremony.workflows.recovery.unlock",
    "record_attempt": "ceremony.workflows.recovery.unlock",
    "record_delay": "ceremony.workflows.recovery.delay",
    "record_release": "ceremony.workflows.recovery.unlock",
    "record_unlock": "ceremony.workflows.recovery.unlock",
    "refuse_finished": "ceremony.workflows.recovery.session",
    "release_to_file": "ceremony.workflows.recovery.unlock",
    "run_recovery": "ceremony.workflows.recovery.run",
    "run_wait": "ceremony.workflows.recovery.delay",
    "saved_chain": "ceremony.workflows.recovery.delay",
    "sealed_lock": "ceremony.workflows.recovery.unlock",
    "segment_path": "ceremony.workflows.recovery.delay",
    "session_record": "ceremony.workflows.recovery.session",
    "start": "ceremony.workflows.recovery.session",
    "status": "ceremony.workflows.recovery.status",
    "write_release": "ceremony.workflows.recovery.unlock",
}


def __getattr__(name: str) -> Any:
    home = _HOME.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    module = importlib.import_module(home)
    # Bind every name of that module now: importing `.status` sets this package's `status` to the
    # submodule, and the function of that name must win, as it did with eager imports.
    for other, where in _HOME.items():
        if where == home:
            globals()[other] = getattr(module, other)
    return globals()[name]


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
    "release_to_file",
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
