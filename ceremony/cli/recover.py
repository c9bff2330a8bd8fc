"""`ceremony recover start|status|wait|unlock|cancel`: time-locked recovery sessions.

Parses and wires only: the session logic is `ceremony.workflows.recovery`, the prompts are
`SharePrompt`, the bar is `ceremony.ui.progress`. Chatter goes to stderr; data (the session path,
the notice hash, the status as JSON, and the secret when asked) to stdout.
"""

import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import recover_app
from ceremony.cli.options import Json, PassphraseFile, Reveal

if TYPE_CHECKING:
    from ceremony.model.record import Record
    from ceremony.workflows.recovery import Session, ShareCollection

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


@recover_app.command("start", help=START_HELP)
def start_command(
    record: Annotated[
        Path,
        typer.Option(
            "--record",
            help="The ceremony's record.json, or the kit directory that holds it.",
            show_default=False,
        ),
    ],
    requester: Annotated[
        str, typer.Option("--requester", help="Who asks for the recovery (printed).")
    ] = "",
    reason: Annotated[
        str, typer.Option("--reason", help="Why, in one line (printed and recorded).")
    ] = "",
    session_dir: Annotated[
        Path | None,
        typer.Option(
            "--session-dir", help="Create the session here (a new directory).", show_default=False
        ),
    ] = None,
    paper: Annotated[
        str,
        typer.Option(
            "--paper",
            help="Paper size of the notice: a4 or letter (default: the kit's, from the record).",
        ),
    ] = "",
    as_json: Json = False,
) -> None:
    from ceremony.paper.content import PaperSize
    from ceremony.ui.console import out, say
    from ceremony.workflows.recovery import NOTICE_PDF, describe_bounds, start
    from ceremony.workflows.session_attest import write_session_messages

    if not paper:
        from ceremony.workflows.recovery.session import read_record

        paper = read_record(record).record.paper_size or "a4"
    session = start(
        record,
        requester=requester,
        reason=reason,
        session_dir=session_dir,
        paper=PaperSize.from_text(paper),
    )
    notice = session.notice
    if as_json:
        out(
            json.dumps(
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
        )
    else:
        out(f"session      {session.path}")
        out(f"notice       {notice.notice_id}")
        out(f"notice hash  {notice.sha256.hex()}")
        out(f"hash words   {notice.hash_words}")
        out(f"work         {notice.required_iterations:,} {_unit(notice.mode)}")
        out(f"delay        {describe_bounds(session)}")
    say(f"the notice is printed in {session.path / NOTICE_PDF}: give a copy to every stakeholder")
    write_session_messages(session.path)
    say(
        "stakeholders may sign that they received it: attest/notice-message.txt in the session "
        "(`ceremony attest SESSION SIGFILE --plan PLAN`)"
    )
    given = record / "record.json" if record.is_dir() else record
    if session.path.resolve().parent.parent / "record.json" != given.resolve():
        say(f"the session is not beside the record: give unlock --record {given}")
    say(_next_step(session, "wait" if notice.mode == "evidenced" else "unlock"))


@recover_app.command("status", help=STATUS_HELP)
def status_command(session_dir: SessionDir, as_json: Json = False) -> None:
    from ceremony.ui.console import out
    from ceremony.workflows.recovery import Session, describe_bounds, status

    session = Session.open(session_dir)
    report = status(session)
    if as_json:
        out(json.dumps(report.to_dict(), indent=2))
        return
    notice = session.notice
    required = notice.required_iterations
    out(f"session {notice.notice_id} of {notice.ceremony_name} ({notice.ceremony_id})")
    out(f"state: {session.state.value} ({_mode_name(notice.mode)})")
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
    out(f"next: {_next_text(report.next_step, session)}")


@recover_app.command("wait", help=WAIT_HELP)
def wait_command(session_dir: SessionDir) -> None:
    from ceremony.ui.console import say
    from ceremony.workflows.recovery import Session, exclusive

    session = Session.open(session_dir)
    if session.sealed:
        say(
            "this session has a sealed time lock: there is nothing to wait for before the shares "
            "are in. The time lock is solved by unlock, after the holders have typed their shares."
        )
        say(_next_step(session, "unlock"))
        return
    with exclusive(session):
        _wait(Session.open(session_dir), session_dir)


def _wait(session: "Session", session_dir: Path) -> None:
    from ceremony.errors import Interrupted
    from ceremony.ui.console import say
    from ceremony.ui.progress import ProgressBar
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
    say(_next_step(session, "unlock"))


@recover_app.command("unlock", help=UNLOCK_HELP)
def unlock_command(
    session_dir: SessionDir,
    record: RecordOption = None,
    output: Annotated[
        Path | None,
        typer.Option(
            "--output", help="Write the secret into this new file (mode 0600).", show_default=False
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an existing --output file.")
    ] = False,
    shares_file: Annotated[
        str | None,
        typer.Option(
            "--shares-file",
            help="File with one share per line (- for stdin), instead of typing them.",
            show_default=False,
        ),
    ] = None,
    consent_file: Annotated[
        Path | None,
        typer.Option(
            "--consent-file",
            help="Sealed lock: the consent file (ceremony-consent/v1) holding the passphrase; "
            "opens the lock at once.",
            show_default=False,
        ),
    ] = None,
    passphrase_file: PassphraseFile = None,
    reveal: Reveal = False,
) -> None:
    from ceremony.files import check_output_target, remove_stale_partials
    from ceremony.workflows import recovery as rec

    if output is not None:  # a copy of the secret left by a crashed write to this path goes first
        remove_stale_partials(output.parent, output.name)
        check_output_target(output, force)
    with rec.exclusive(rec.Session.open(session_dir)):
        _unlock(
            rec.Session.open(session_dir),
            session_dir,
            record,
            output=output,
            force=force,
            shares_file=shares_file,
            consent_file=consent_file,
            passphrase_file=passphrase_file,
            reveal=reveal,
        )


def _unlock(
    session: "Session",
    session_dir: Path,
    record: Path | None,
    *,
    output: Path | None,
    force: bool,
    shares_file: str | None,
    consent_file: Path | None,
    passphrase_file: Path | None,
    reveal: bool,
) -> None:
    """The whole unlock, under the session's lock: no second unlock, wait or cancel meanwhile."""
    from ceremony.errors import Interrupted, Refused
    from ceremony.ui.console import out, say
    from ceremony.ui.progress import ProgressBar
    from ceremony.workflows import recovery as rec

    rec.refuse_finished(session, "unlock")
    found = rec.session_record(session, record)
    the_record = found.record
    _check_release_target(output, force, reveal)
    chain = None
    if session.sealed:
        if consent_file is not None:
            consent = rec.read_consent(consent_file, the_record)
            say(
                f"consent file for ceremony {consent.ceremony_id or the_record.ceremony_id}, "
                "check code "
                f"{consent.check_code}: compare it with the consent card"
            )
        else:
            consent = None
    else:
        if consent_file is not None:
            from ceremony.errors import BadInput

            raise BadInput(
                "a consent file opens a sealed time lock; this session has an evidenced delay",
                "leave out --consent-file",
            )
        consent = None
        chain = rec.check_delay(session)
        say(
            f"the delay is proven: {chain.total_iterations:,} iterations in "
            f"{len(chain.segments)} segment(s), bound to notice {session.notice.notice_id}"
        )
    session = rec.record_attempt(session)
    collection = _read_shares(the_record, shares_file)
    shares = list(collection.shares)
    passphrase = b""
    if not session.sealed:
        passphrase = _passphrase(the_record, passphrase_file)
    lock = the_record.timelock
    if session.sealed and consent is None:
        assert lock is not None
        say(f"solving the time lock: {lock.iterations:,} sequential squarings")
        try:
            with ProgressBar("time lock", unit="sq", rate_hint=lock.rate_per_second) as bar:
                events = rec.SolveEvents(on_resume=_say_resume, progress=bar)
                result = rec.rebuild(session, the_record, shares, solve=events)
        except KeyboardInterrupt:
            saved = rec.checkpoint_progress(session) or 0
            raise Interrupted(
                f"the time lock was interrupted: {saved:,} of {lock.iterations:,} squarings "
                f"({100 * saved // lock.iterations}%) are saved in the checkpoint",
                f"run `ceremony recover unlock {session_dir}` again and have a quorum type their "
                "shares again (any quorum): it resumes from the checkpoint, which only the value "
                "the shares open can unlock, and the tool never writes that value to disk",
            ) from None
    else:
        result = rec.rebuild(
            session, the_record, shares, passphrase=passphrase, consent=consent, chain=chain
        )
    say(
        f"verified: this IS the recorded secret (fingerprint {result.fingerprint}, commitment "
        f"{result.commitment[:16]}... both match the record)"
    )
    session = rec.record_unlock(session, result, refused_shares=collection.refused)
    if output is not None:
        session = rec.release_to_file(session, result, output, force=force)
        say(f"the {result.release_form} was written to {output} (mode 0600)")
        _say_closed(session)
        return
    if sys.stdin.isatty() and not _confirm(result.release_form):
        raise Refused(
            "nothing was released",
            "run unlock again to release it, or give --output FILE; the session stays unlocked",
        )
    out(result.release_text())
    session = rec.record_release(session, result, "terminal")
    say(f"the {result.release_form} was shown; the transcript records that, never the secret")
    _say_closed(session)


@recover_app.command("cancel", help=CANCEL_HELP)
def cancel_command(
    session_dir: SessionDir,
    reason: Annotated[str, typer.Option("--reason", help="Why, in one line (recorded).")] = "",
) -> None:
    from ceremony.ui.console import say
    from ceremony.workflows.recovery import Session, cancel

    session = cancel(Session.open(session_dir), reason)
    say(f"session {session.notice.notice_id} is cancelled for good")
    say(f"transcript head: {session.head}")
    _say_closed(session)


def _say_closed(session: "Session") -> None:
    """The closed session's head as words: written down outside the kit, they anchor the audit
    (`ceremony audit --session-words`) against a transcript cut or rewritten later."""
    from ceremony.model.hashwords import hash_words
    from ceremony.ui.console import say
    from ceremony.workflows.session_attest import write_session_messages

    say(
        f"session closed; write down its head words for the audit: "
        f"{hash_words(bytes.fromhex(session.head))}"
    )
    write_session_messages(session.path)
    say("people present may sign its close: attest/close-message.txt in the session")


# -- helpers --------------------------------------------------------------------------------------


def _unit(mode: str) -> str:
    return "VDF iterations" if mode == "evidenced" else "sequential squarings"


def _mode_name(mode: str) -> str:
    return "evidenced delay" if mode == "evidenced" else "sealed time lock"


def _next_text(step: str, session: "Session") -> str:
    if step == "wait":
        return f"ceremony recover wait {session.path}"
    if step == "unlock":
        return f"ceremony recover unlock {session.path}"
    return "nothing: the session has ended"


def _next_step(session: "Session", step: str) -> str:
    return f"next: {_next_text(step, session)}"


def _check_release_target(output: Path | None, force: bool, reveal: bool) -> None:
    """Refuse an unusable destination before anyone types a share."""
    from ceremony.errors import Refused

    if output is not None:
        if output.exists() and not force:
            raise Refused(
                f"{output} already exists", "choose another path, or pass --force to replace it"
            )
        return
    if not sys.stdout.isatty() and not reveal:
        raise Refused(
            "refusing to write the secret to standard output, which is not a terminal",
            "give --output FILE (written with mode 0600), or --reveal if you really mean it",
        )
    if not sys.stdin.isatty() and not reveal:
        raise Refused(
            "the secret is shown only after a confirmation at the terminal",
            "give --output FILE, or --reveal to show it without asking",
        )


def _confirm(form: str) -> bool:
    from ceremony.ui.console import err

    answer = err().input(
        f"Show the {form} on this screen now? Make sure nobody else can see it. [y/N] ",
        markup=False,
    )
    return answer.strip().lower() in {"y", "yes"}


def _share_words(record: "Record") -> int | None:
    from ceremony.core.slip39 import valid_length

    words = 7 + math.ceil(record.strength_bits / 10)
    return words if valid_length(words) else None


def _read_shares(record: "Record", source: str | None) -> "ShareCollection":
    """Shares from --shares-file, from piped stdin, or typed one holder at a time."""
    from ceremony.ui.console import say
    from ceremony.workflows.inputs import read_shares
    from ceremony.workflows.recovery import collect

    if source is None and sys.stdin.isatty():
        return _type_shares(record)
    shares = read_shares(source or "-")
    collection = collect(record, shares)
    for line in collection.progress_lines():
        say(line)
    return collection


def _type_shares(record: "Record") -> "ShareCollection":
    """One holder at a time at the hidden prompt, until the record's quorum is complete."""
    from ceremony.core import slip39
    from ceremony.errors import BadInput, NotVerified
    from ceremony.ui.share_entry import SharePrompt
    from ceremony.ui.share_source import hidden_terminal
    from ceremony.workflows.recovery import ShareCollection

    terminal = hidden_terminal()
    console = terminal.console

    def say(text: str) -> None:
        console.print(text, markup=False, highlight=False)

    collection = ShareCollection(record)
    say(
        "each holder in turn types their share at the hidden prompt; the first four letters of "
        "each word are enough, '?' marks a word you cannot read"
    )
    for line in collection.progress_lines():
        say(f"  {line}")
    while not collection.quorum:
        say(f"share {len(collection.shares) + 1}: next holder, please type your share")
        entry = SharePrompt(
            terminal.read_hidden,
            console,
            read_answer=terminal.read_answer,
            expected_words=_share_words(record),
        )
        try:
            entered = entry.read()
            share = slip39.share_from_indices(entered.words)
        except (BadInput, NotVerified) as exc:
            collection.refuse()  # counted in the transcript; add() counts its own refusals
            say(f"refused: {exc.message}")
            say(f"hint: {exc.hint}")
            continue
        try:
            check = collection.add(share)
        except (BadInput, NotVerified) as exc:
            say(f"refused: {exc.message}")
            say(f"hint: {exc.hint}")
            continue
        say(
            f"accepted: share {check.member} of {check.members} of group {check.group}, issued "
            f"to {check.holder}; check code {check.check_code}"
        )
        for line in collection.progress_lines():
            say(f"  {line}")
    say("enough shares are in")
    return collection


def _passphrase(record: "Record", path: Path | None) -> bytes:
    """The SLIP-39 passphrase: from a file, or at a hidden prompt when the record says one is used."""
    import getpass

    from ceremony.errors import BadInput, Interrupted
    from ceremony.model.passphrase import check_passphrase
    from ceremony.workflows.inputs import read_passphrase_file

    if path is not None or not record.passphrase:
        return read_passphrase_file(path)
    if not sys.stdin.isatty():
        raise BadInput(
            "the record says the shares need a passphrase",
            "give it with --passphrase-file FILE",
        )
    try:
        text = getpass.getpass("passphrase (hidden): ", stream=sys.stderr)
    except EOFError:
        raise Interrupted("no passphrase was typed", "run unlock again") from None
    return check_passphrase(text.encode("utf-8"))


def _say_resume(resume: object) -> None:
    from ceremony.ui.console import say
    from ceremony.workflows.recovery import PuzzleResume

    assert isinstance(resume, PuzzleResume)
    for name in resume.discarded:
        say(f"the checkpoint {name} is damaged or belongs to another lock: not used")
    if resume.checkpoint is not None:
        say(f"resuming the time lock after {resume.checkpoint.done:,} squarings")
