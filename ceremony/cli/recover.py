"""`ceremony recover start|status|wait|unlock|cancel`: time-locked recovery sessions.

Parses and wires only: the session logic is `ceremony.workflows.recovery` (with
`recovery_steps` and `recovery_unlock`), the prompts are `ceremony.ui.recovery_prompts`, what is
printed `ceremony.ui.recovery_reports`, the bar `ceremony.ui.progress`. Chatter goes to stderr; data (the session path,
the notice hash, the status as JSON, and the secret when asked) to stdout.
"""

import json
import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import recover_app
from ceremony.cli.options import Json, PassphraseFile, Reveal

if TYPE_CHECKING:
    from ceremony.workflows.recovery import Session

SessionDir = Annotated[
    Path,
    typer.Argument(
        help="The session directory that `ceremony recover start` printed.",
        metavar="SESSION",
        show_default=False,
    ),
]
RecordOption = Annotated[
    Path | None,
    typer.Option(
        "--record",
        help="The ceremony's record.json (or its kit directory). Default: the record two "
        "folders above the session, where `start` puts sessions.",
        show_default=False,
    ),
]

START_HELP = """Start a recovery: write a recovery notice (ceremony, requester, reason, this
machine's clock, a fresh random nonce, the required work and both bounds of the delay), print it
as a PDF for the stakeholders, and open the session's transcript.

The session directory is created whole or not at all: by default <kit>/recovery/<notice id>/
beside the record. Give everyone the notice and read them its hash words.

What the evidenced delay stops: a recovery through these sessions takes the work and leaves
evidence (the notice, the proof chain, the session transcript). What it does not stop: a quorum
that runs `ceremony combine` or types the shares into any SLIP-39 wallet, which rebuilds the secret
at once and leaves nothing. Where the delay must bind, use the sealed mode (mode = "sealed" in the
plan): there the delay is in the secret itself.

A record without a time lock needs no session: rebuild with `ceremony combine --record R` and
compare the fingerprint it shows with the record's.

\b
Examples:
  ceremony recover start --record kit/record.json --requester "Ana Lima" --reason "lost card"
  ceremony recover start --record kit --session-dir /media/usb/recovery --paper letter
"""

STATUS_HELP = """Show a session's state, the work proven so far against the work required, both
bounds of the delay, and the next step. Checks the transcript and the notice hash first.

\b
Examples:
  ceremony recover status kit/recovery/1A2B-3C4D
  ceremony recover status kit/recovery/1A2B-3C4D --json
"""

WAIT_HELP = """Compute the evidenced delay: a chain of verifiable-delay segments bound to this
notice, each checkpointed to proof/segment-NNNN.json as soon as it is done. Ctrl-C or a crash
loses at most the segment in progress; run wait again to resume. A damaged segment is found and
recomputed from the last good one. The notice is public, so any machine can do this work.

A sealed time lock has nothing to wait for before the shares are in: `unlock` solves it.

\b
Examples:
  ceremony recover wait kit/recovery/1A2B-3C4D
"""

UNLOCK_HELP = """Open the session: check that the delay's proof chain covers the required work
and is bound to this notice (evidenced), collect the shares one holder at a time, prove they agree,
open the lock, and compare the fingerprint AND the commitment with the record. Only a rebuilt
secret that is the recorded one is released: as its BIP-39 phrase (kind bip39) or master secret
in hex, on this screen after a confirmation, or into --output FILE (mode 0600).

At a terminal each holder types their share at a hidden prompt (the first four letters of each
word are enough). For scripts, give --shares-file FILE (one share per line; - for stdin).

A sealed time lock is solved here, after the shares are in (checkpointed beside the session,
resumed after Ctrl-C), unless the consent card's passphrase is given with --consent-file.

\b
Examples:
  ceremony recover unlock kit/recovery/1A2B-3C4D --output secret.txt
  ceremony recover unlock kit/recovery/1A2B-3C4D --consent-file consent.txt
  ceremony recover unlock SESSION --shares-file shares.txt --output secret.txt
  ceremony recover unlock SESSION --shares-file - --reveal < shares.txt
"""

CANCEL_HELP = """End a session for good: no later wait or unlock will use it. The transcript
records the cancellation and the reason given.

\b
Examples:
  ceremony recover cancel kit/recovery/1A2B-3C4D --reason "the card was found"
"""


StartRecord = Annotated[
    Path,
    typer.Option(
        "--record",
        help="The ceremony's record.json, or the kit directory that holds it.",
        show_default=False,
    ),
]
Requester = Annotated[str, typer.Option("--requester", help="Who asks for the recovery (printed).")]
StartReason = Annotated[
    str, typer.Option("--reason", help="Why, in one line (printed and recorded).")
]
NewSessionDir = Annotated[
    Path | None,
    typer.Option(
        "--session-dir", help="Create the session here (a new directory).", show_default=False
    ),
]
NoticePaper = Annotated[
    str,
    typer.Option(
        "--paper",
        help="Paper size of the notice: a4 or letter (default: the kit's, from the record).",
    ),
]
Output = Annotated[
    Path | None,
    typer.Option(
        "--output", help="Write the secret into this new file (mode 0600).", show_default=False
    ),
]
Force = Annotated[bool, typer.Option("--force", help="Replace an existing --output file.")]
UnlockSharesFile = Annotated[
    str | None,
    typer.Option(
        "--shares-file",
        help="File with one share per line (- for stdin), instead of typing them.",
        show_default=False,
    ),
]
ConsentFile = Annotated[
    Path | None,
    typer.Option(
        "--consent-file",
        help="Sealed lock: the consent file (ceremony-consent/v1) holding the passphrase; "
        "opens the lock at once.",
        show_default=False,
    ),
]
CancelReason = Annotated[str, typer.Option("--reason", help="Why, in one line (recorded).")]


@recover_app.command("start", help=START_HELP)
def start_command(
    record: StartRecord,
    requester: Requester = "",
    reason: StartReason = "",
    session_dir: NewSessionDir = None,
    paper: NoticePaper = "",
    as_json: Json = False,
) -> None:
    from ceremony.ui.console import out, say
    from ceremony.ui.recovery_reports import start_report, started_notes
    from ceremony.workflows.recovery_steps import start_session

    session = start_session(record, requester, reason, session_dir, paper)
    out(start_report(session, as_json=as_json))
    for line in started_notes(session, record):
        say(line)


@recover_app.command("status", help=STATUS_HELP)
def status_command(session_dir: SessionDir, as_json: Json = False) -> None:
    from ceremony.ui.console import out
    from ceremony.ui.recovery_reports import mode_name, next_text
    from ceremony.workflows.recovery import Session, describe_bounds, status

    session = Session.open(session_dir)
    report = status(session)
    if as_json:
        out(json.dumps(report.to_dict(), indent=2))
        return
    notice = session.notice
    required = notice.required_iterations
    out(f"session {notice.notice_id} of {notice.ceremony_name} ({notice.ceremony_id})")
    out(f"state: {session.state.value} ({mode_name(notice.mode)})")
    if session.sealed:
        if report.checkpoint_squarings is not None:
            out(
                f"work: {report.checkpoint_squarings:,} of {required:,} squarings at the last "
                "checkpoint (checked when unlock resumes)"
            )
        else:
            out(f"work: {required:,} squarings, done by unlock once the shares are in")
    else:
        percent = 100 * min(report.done_iterations, required) // required
        out(
            f"work: {report.done_iterations:,} of {required:,} iterations proven ({percent}%) in "
            f"{report.good_segments} segment(s)"
        )
        if report.damaged_segment is not None:
            out(
                f"damaged: segment {report.damaged_segment}; the next wait recomputes it from "
                "the last good one"
            )
    out(f"delay: {describe_bounds(session)}")
    out(f"next: {next_text(report.next_step, session)}")


@recover_app.command("wait", help=WAIT_HELP)
def wait_command(session_dir: SessionDir) -> None:
    from ceremony.ui.console import say
    from ceremony.ui.recovery_reports import next_step
    from ceremony.workflows.recovery import Session, exclusive

    session = Session.open(session_dir)
    if session.sealed:
        say(
            "this session has a sealed time lock: there is nothing to wait for before the shares "
            "are in. The time lock is solved by unlock, after the holders have typed their shares."
        )
        say(next_step(session, "unlock"))
        return
    with exclusive(session):
        _wait(Session.open(session_dir), session_dir)


def _wait(session: "Session", session_dir: Path) -> None:
    from ceremony.errors import Interrupted
    from ceremony.ui.console import say
    from ceremony.ui.progress import ProgressBar
    from ceremony.ui.recovery_reports import next_step
    from ceremony.workflows.recovery import Session, chain_sha256, plan_wait, run_wait, saved_chain

    plan = plan_wait(session)
    saved = plan.saved
    if saved.damaged is not None:
        say(
            f"segment {saved.damaged} is damaged or does not verify: recomputing from "
            + (f"segment {saved.damaged - 1}" if saved.damaged > 1 else "the start")
        )
    if saved.good.segments:
        say(f"resuming after {len(saved.good.segments)} good segment(s), {plan.done:,} iterations")
    required = plan.required_iterations
    segments = math.ceil(max(0, required - plan.done) / plan.segment_iterations)
    if not plan.finished:
        say(
            f"computing {required - plan.done:,} more iterations in {segments} segment(s) of up "
            f"to {plan.segment_iterations:,}; Ctrl-C keeps every finished segment"
        )
    try:
        with ProgressBar(
            "delay", unit="it", rate_hint=float(session.notice.rate_per_second)
        ) as bar:
            chain = run_wait(session, plan, progress=bar)
    except KeyboardInterrupt:
        kept = saved_chain(Session.open(session_dir)).good
        raise Interrupted(
            f"the wait was interrupted: {len(kept.segments)} segment(s), "
            f"{kept.total_iterations:,} of {required:,} iterations are saved",
            f"run `ceremony recover wait {session_dir}` again to resume from there",
        ) from None
    say(
        f"the delay is done: {chain.total_iterations:,} iterations in {len(chain.segments)} "
        f"segment(s), chain sha256 {chain_sha256(chain)}"
    )
    say(next_step(session, "unlock"))


@recover_app.command("unlock", help=UNLOCK_HELP)
def unlock_command(
    session_dir: SessionDir,
    record: RecordOption = None,
    output: Output = None,
    force: Force = False,
    shares_file: UnlockSharesFile = None,
    consent_file: ConsentFile = None,
    passphrase_file: PassphraseFile = None,
    reveal: Reveal = False,
) -> None:
    from ceremony.ui.console import say
    from ceremony.ui.recovery_prompts import TerminalUnlockScreen
    from ceremony.ui.recovery_reports import closed_notes
    from ceremony.workflows.recovery_unlock import UnlockRequest, unlock

    request = UnlockRequest(
        session_dir, record, output, force, shares_file, consent_file, passphrase_file, reveal
    )
    for line in closed_notes(unlock(request, TerminalUnlockScreen())):
        say(line)


@recover_app.command("cancel", help=CANCEL_HELP)
def cancel_command(session_dir: SessionDir, reason: CancelReason = "") -> None:
    from ceremony.ui.console import say
    from ceremony.ui.recovery_reports import closed_notes
    from ceremony.workflows.recovery_steps import cancel_session

    session = cancel_session(session_dir, reason)
    say(f"session {session.notice.notice_id} is cancelled for good")
    say(f"transcript head: {session.head}")
    for line in closed_notes(session):
        say(line)
