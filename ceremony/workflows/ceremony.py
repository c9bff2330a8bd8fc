"""The guided key ceremony, act by act, step by step, as the printed ceremony script numbers them.

The workflow never prints or prompts: everything that involves the people in the room goes through
an `Operator` (the terminal screen, or a file of scripted answers). Every step is written to the
hash-chained transcript with public facts only. If anything interrupts the ceremony (Ctrl-C, a
failed check, a crash), the transcript ends with an abort entry, the secret files of this run are
removed, and the error goes on to the caller.
"""

from __future__ import annotations

import hashlib
import json
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Protocol

from ceremony.core.dice import DiceRolls
from ceremony.core.entropy import make_master_secret
from ceremony.errors import CeremonyError, Interrupted, NotVerified, OutputFailed, Refused
from ceremony.files import exclusive_directory, is_locked, remove_tree
from ceremony.model.plan import EntropySource, PassphrasePolicy, Plan, RecoveryMode
from ceremony.model.record import Record, TimeLockInfo, serial_key
from ceremony.model.share import Share
from ceremony.model.sources import Clock, Rng
from ceremony.model.steps import Act, Step, applicable, warning
from ceremony.process import deferred_interrupts, interruption_name
from ceremony.terminal_text import hidden_characters
from ceremony.workflows import kit as kits
from ceremony.workflows.attest import write_message
from ceremony.workflows.audit.kit_checks import closing_record_sha256
from ceremony.workflows.leftovers import transcript_state
from ceremony.workflows.passphrase_advice import Judge, plan_judge
from ceremony.workflows.preflight import Check, run_preflight
from ceremony.workflows.readback import KitProof, prove_kit
from ceremony.workflows.split import KitSplit, Sealed, make_split
from ceremony.workflows.timelock_policy import busy_warning, calibrate, measure_rates
from ceremony.workflows.transcript import Transcript, utc_now

TRANSCRIPT = "transcript.jsonl"


class Operator(Protocol):
    """What the ceremony needs from the people in the room."""

    def begin_act(self, act: Act) -> None: ...

    def begin_step(self, step: Step) -> None: ...

    def confirm(self, step: Step, question: str) -> None:
        """Return once the people confirm; raise Interrupted if they stop the ceremony."""

    def show_facts(self, title: str, facts: Sequence[tuple[str, str]]) -> None: ...

    def warn(self, text: str) -> None:
        """A warning the people must read before they confirm the step."""

    def show_checks(self, checks: Sequence[Check]) -> None: ...

    def accept_failures(self, checks: Sequence[Check]) -> bool:
        """Whether the administrator accepts failed preflight checks as recorded exceptions."""

    def read_dice(self, sides: int, strength_bits: int) -> DiceRolls:
        """Rolls that passed the health tests (the UI lets the witness roll again)."""

    def read_passphrase(self, judge: Judge) -> bytes:
        """The passphrase, typed twice, hidden; `judge` says how guessable it is (a weak one is
        kept only if the people say so, else typed again)."""

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        """Loop until the holder typed exactly `expected`; return how ("typed" or "scripted")."""

    def read_bag_serial(self, holder: str) -> str: ...

    def confirm_bag_serial(self, holder: str, serial: str) -> bool:
        """Whether `serial`, shown back as typed, is exactly the one on the bag (else re-typed)."""

    def refuse_bag_serial(self, holder: str, problem: str) -> None:
        """Say why a serial cannot be recorded; the serial is then asked for again."""


@dataclass(frozen=True)
class Outcome:
    directory: Path
    record: Record
    head: str
    head_words: str


def conditions(plan: Plan) -> set[str]:
    found = set()
    if plan.entropy.source.uses_dice:
        found.add("dice")
    if plan.recovery.mode is not RecoveryMode.NONE:
        found.add("timelock")
    if plan.recovery.mode is RecoveryMode.SEALED and plan.recovery.consent_card:
        found.add("consent")
    return found


def prepare_directory(directory: Path) -> None:
    """A new kit directory; an earlier aborted run there is moved aside, never reused."""
    if directory.exists():
        if is_locked(directory):
            raise Refused(
                f"another ceremony is running in {directory}",
                "let it finish or stop it first; one ceremony at a time writes a kit",
            )
        transcript = directory / TRANSCRIPT
        if transcript.exists() and transcript_state(transcript) != "closed":
            number = 1
            while directory.with_name(f"{directory.name}.aborted-{number}").exists():
                number += 1
            directory.rename(directory.with_name(f"{directory.name}.aborted-{number}"))
        else:
            raise Refused(
                f"the kit directory {directory} already exists",
                "choose another output directory in the plan, or move the old kit away",
            )
    try:
        directory.mkdir(mode=0o700, parents=False)
    except OSError as exc:
        raise OutputFailed(
            f"cannot create the kit directory {directory}: {exc.strerror or exc}",
            "check that its parent directory exists and is writable, or choose another with --out",
        ) from None


def aborted_name(directory: Path) -> Path:
    """The first free `NAME.aborted-N` beside the kit directory."""
    number = 1
    while directory.with_name(f"{directory.name}.aborted-{number}").exists():
        number += 1
    return directory.with_name(f"{directory.name}.aborted-{number}")


def remove_secret_outputs(directory: Path) -> Path:
    """After an abort, while the transcript is not closed: move the kit aside under an aborted
    name first (one rename, so a kit directory is whole or gone, never half-removed), then remove
    everything in it but the transcript, which says what happened. Returns where the transcript is."""
    if not directory.exists():
        return directory
    aside = aborted_name(directory)
    directory.rename(aside)
    for child in aside.iterdir():
        if child.name != TRANSCRIPT:
            remove_tree(child)
    return aside


def transcript_closed(path: Path) -> bool:
    """Whether the transcript on disk ends with `closed`: read from the file, not from memory."""
    from ceremony.workflows.transcript import CLOSED

    try:
        lines = path.read_bytes().splitlines()
        return bool(lines) and json.loads(lines[-1]).get("event") == CLOSED
    except (OSError, ValueError, AttributeError):
        return False


class Ceremony:
    """One run of the ceremony script for one plan."""

    def __init__(
        self,
        plan: Plan,
        operator: Operator,
        directory: Path,
        *,
        rng: Rng = secrets.token_bytes,
        clock: Clock = utc_now,
        preflight: Callable[[Path], Sequence[Check]] | None = None,
    ) -> None:
        self.plan = plan
        self.operator = operator
        self.directory = directory
        self.rng = rng
        self.clock = clock
        self.preflight = preflight or (lambda out: run_preflight(output_dir=out))
        self.ceremony_id = kits.new_ceremony_id(rng)
        self.script = applicable(conditions(plan))
        self.transcript: Transcript | None = None
        self.current: Step | None = None
        self.preflight_summary = ""

    # -- running -----------------------------------------------------------------------------

    def run(self) -> Outcome:
        from ceremony.workflows.printable import check_printable

        check_printable(self.plan)  # before anything is written: no card may print a box
        prepare_directory(self.directory)
        with exclusive_directory(self.directory, "the ceremony kit"):  # one run per kit
            return self._run_in_directory()

    def _run_in_directory(self) -> Outcome:
        self.transcript = Transcript.create(
            self.directory / TRANSCRIPT,
            role="administrator",
            data={
                "ceremony_id": self.ceremony_id,
                "ceremony_name": self.plan.name,
                "plan_sha256": self.plan.sha256,
                "demo": self.plan.demo,
            },
            clock=self.clock,
        )
        try:
            return self._acts()
        except BaseException as exc:
            raise self._failed(exc) from None

    def _failed(self, exc: BaseException) -> BaseException:
        """What an interruption or failure leaves. After `closed` (read from the transcript file)
        nothing is ever removed: the kit is finished. Before it, the transcript ends with an abort
        entry and the secret files are removed, crash-safely. The message says what was done."""
        assert self.transcript is not None
        path = self.directory / TRANSCRIPT
        if transcript_closed(path):
            if isinstance(exc, KeyboardInterrupt | Interrupted):
                return Interrupted(
                    f"stopped at step {self._step_id()}, after the transcript was closed",
                    f"the ceremony is complete and nothing was removed: the kit in "
                    f"{self.directory} is final (its transcript ends with 'closed')",
                )
            if isinstance(exc, CeremonyError):
                exc.hint = (
                    f"{exc.hint}. The transcript was already closed: nothing in "
                    f"{self.directory} was removed"
                )
            return exc
        reason = _reason(exc)
        wrote_abort = False
        with deferred_interrupts():  # a second Ctrl-C or SIGTERM cannot stop the clean-up
            if not self.transcript.finished:
                self.transcript.abort(reason, step=self.current.id if self.current else None)
                wrote_abort = True
            where = remove_secret_outputs(self.directory) / TRANSCRIPT
        said = (
            f"the transcript {where} ends with an abort entry"
            if wrote_abort
            else f"the transcript is in {where}"
        )
        if isinstance(exc, KeyboardInterrupt):
            return Interrupted(
                f"the ceremony was interrupted at step {self._step_id()}",
                f"no secret file was kept; {said}. Run the ceremony again to start afresh",
            )
        if isinstance(exc, CeremonyError):
            exc.hint = f"{exc.hint}. No secret file was kept; {said}"
        return exc

    def _step_id(self) -> str:
        return self.current.id if self.current else "1.1"

    def _begin(self, step_id: str) -> Step:
        for act in self.script:
            for step in act.steps:
                if step.id == step_id:
                    if step is act.steps[0]:
                        self.operator.begin_act(act)
                    self.current = step
                    self.operator.begin_step(step)
                    return step
        raise KeyError(step_id)

    def _log(
        self, event: str, step: Step, data: dict[str, object], role: str | None = None
    ) -> None:
        assert self.transcript is not None
        self.transcript.append(event, role=role or step.who, step=step.id, data=data)  # type: ignore[arg-type]

    def _acts(self) -> Outcome:
        plan = self.plan
        # Act 1: preparation
        step = self._begin("1.1")
        roles = plan.roles
        self.operator.show_facts(
            "Roles",
            [
                ("administrator", roles.administrator),
                *[("witness", w) for w in roles.witnesses],
                ("auditor", roles.auditor or "(none present)"),
            ],
        )
        self.operator.confirm(step, "Is everyone named here present, and nobody else?")
        self._log(
            "roles_recorded",
            step,
            {
                "administrator": roles.administrator,
                "witnesses": list(roles.witnesses),
                "auditor": roles.auditor or "",
            },
        )
        step = self._begin("1.2")
        self.operator.show_facts("Plan", [("plan hash", plan.sha256), ("words", plan.hash_words)])
        self.operator.confirm(step, "Do these words match the printed plan?")
        self._log("plan_confirmed", step, {"plan_sha256": plan.sha256})
        step = self._begin("1.3")
        checks = self.preflight(self.directory)
        self.operator.show_checks(checks)
        failed = [c for c in checks if c.status.value == "fail"]
        accepted = bool(failed) and self.operator.accept_failures(failed)
        self._log(
            "preflight",
            step,
            {
                "checks": [{"name": c.name, "status": c.status.value} for c in checks],
                "failures_accepted": accepted,
            },
        )
        self.preflight_summary = preflight_summary(checks, accepted)
        if failed and not accepted:
            raise NotVerified(
                f"preflight failed: {', '.join(c.name for c in failed)}",
                "fix the failed checks (see `ceremony preflight`), then run the ceremony again",
            )
        # Act 2: entropy
        dice = None
        if plan.entropy.source.uses_dice:
            step = self._begin("2.1")
            if plan.entropy.source is EntropySource.DICE_ONLY:
                self.operator.warn(warning("dice-only"))
                self.operator.confirm(
                    step, "Has everyone read this, and are the dice out of sight of any camera?"
                )
                self._log("dice_only_warning_confirmed", step, {})
            dice = self.operator.read_dice(plan.entropy.dice_sides, plan.secret.strength_bits)
        step = self._begin("2.2")
        secret, report = make_master_secret(
            plan.secret.strength_bits,
            dice=dice,
            dice_only=plan.entropy.source is EntropySource.DICE_ONLY,
            rng=self.rng,
            kind=plan.secret.kind,
        )
        self.operator.show_facts("Entropy", [("source", report.summary())])
        self._log("entropy", step, report.to_record())
        passphrase = b""
        if plan.secret.passphrase is PassphrasePolicy.PROMPT:
            passphrase = self.operator.read_passphrase(plan_judge(plan))
        # Act 3: generation
        timelock: TimeLockInfo | None = None
        if plan.recovery.mode is not RecoveryMode.NONE:
            step = self._begin("3.1")
            timelock = self._calibrate(step)
        kit_split = make_split(
            plan.scheme,
            secret,
            passphrase,
            timelock=timelock,
            consent_card=plan.recovery.consent_card,
            rng=self.rng,
        )
        split, timelock = kit_split.result, kit_split.timelock
        if isinstance(kit_split, Sealed):
            assert timelock is not None
            self._log(
                "timelock_sealed",
                step,
                {
                    "modulus_sha256": hashlib.sha256(timelock.modulus_hex.encode()).hexdigest(),
                    "squarings": timelock.iterations,
                    "version": timelock.version,
                    "factors_destroyed": True,
                    "consent_card": plan.recovery.consent_card,
                },
            )
        step = self._begin("3.2")
        self.operator.show_facts(
            "Secret",
            [
                ("fingerprint", split.fingerprint),
                ("commitment", split.commitment),
                ("kind", plan.secret.kind.value),
            ],
        )
        self.operator.confirm(step, "Has the witness written down the fingerprint?")
        self._log(
            "secret_generated",
            step,
            {
                "fingerprint": split.fingerprint,
                "commitment": split.commitment,
                "kind": plan.secret.kind.value,
                "strength": plan.secret.strength_bits,
                "passphrase": bool(passphrase),
            },
        )
        # Act 4: split and proof
        step = self._begin("4.1")
        self.operator.show_facts(
            "Split",
            [(g.name, f"{g.threshold} of {g.count} shares") for g in plan.scheme.groups]
            + [("groups needed", f"{plan.secret.group_threshold} of {len(plan.groups)}")],
        )
        self._log(
            "split",
            step,
            {
                "identifier": split.identifier,
                "scheme": plan.scheme.summary(),
                "share_commitments": [s.commitment() for s in split.all_shares()],
            },
        )
        step = self._begin("4.2")
        self.operator.show_facts(
            "Proof",
            [
                (
                    "result",
                    f"passed: every qualifying set of the {len(split.all_shares())} shares "
                    "rebuilds the secret",
                )
            ],
        )
        self._log(
            "proof_passed",
            step,
            {
                "shares": len(split.all_shares()),
                "method": "algebraic: every share on its group polynomial, digests checked, "
                "decryption compared with the commitment",
            },
        )
        # Act 5: paper
        step = self._begin("5.1")
        record = self._write_kit(kit_split)
        card = self.directory / "consent" / "consent-card.pdf"
        if card.is_file():
            record = replace(record, consent_card_sha256=_sha(card))
            record = kits.write_public(self.directory, record, self._options(timelock))
        self._log(
            "kit_written",
            step,
            {
                "record_sha256": _sha(self.directory / "record.json"),
                "recover_py_sha256": record.recover_py_sha256,
                "holder_pdfs": [
                    {"holder": e.holder, "sha256": e.holder_pdf_sha256} for e in record.shares
                ],
            },
        )
        record = self._prove(step, kit_split, passphrase, record, timelock, "kit written")
        self.operator.show_facts("Kit", [("directory", str(self.directory))])
        step = self._begin("5.2")
        self.operator.confirm(step, "Are all holder kits and the record printed?")
        self._log("printed", step, {"holder_kits": len(record.shares)})
        if record.consent_card_sha256:
            step = self._begin("5.3")
            self.operator.confirm(step, "Is the consent card printed, and seen by nobody else?")
            self._log("consent_printed", step, {"sha256": record.consent_card_sha256})
        # Act 6: re-entry
        step = self._begin("6.1")
        for entry, share in zip(record.shares, split.all_shares(), strict=True):
            how = self.operator.reenter_share(entry.holder, entry.group, share)
            self._log(
                "share_confirmed",
                step,
                {
                    "holder": entry.holder,
                    "group": entry.group,
                    "member": entry.member_number,
                    "commitment": entry.commitment,
                    "method": how,
                },
                role="shareholder",
            )
        # Act 7: sealing
        step = self._begin("7.1")
        sealed = []
        seen: dict[str, str] = {}
        for entry in record.shares:
            serial = self._bag_serial(entry.holder, seen)
            sealed.append(replace(entry, bag_serial=serial))
            self._log(
                "bag_sealed",
                step,
                {
                    "holder": entry.holder,
                    "commitment": entry.commitment,
                    "bag_serial": serial,
                },
            )
        record = replace(record, shares=tuple(sealed))
        if record.consent_card_sha256:
            step = self._begin("7.2")
            keeper = plan.recovery.consent_keeper
            serial = self._bag_serial(CONSENT_CARD, seen)
            self.operator.confirm(
                step,
                f"Has {keeper or 'the keeper named in the plan'} taken the sealed consent card?",
            )
            self._log(
                "consent_sealed",
                step,
                {"bag_serial": serial, "keeper": keeper, "sha256": record.consent_card_sha256},
            )
            record = replace(record, consent_bag_serial=serial)
        record = kits.write_public(self.directory, record, self._options(timelock))
        record = self._prove(step, kit_split, passphrase, record, timelock, "cards sealed")
        # Act 8: closing
        step = self._begin("8.1")
        assert self.transcript is not None
        head = self.transcript.close(
            role="administrator",
            data={
                "fingerprint": record.fingerprint,
                "commitment": record.commitment,
                "bag_serials": [e.bag_serial for e in record.shares],
                **(
                    {"consent_bag_serial": record.consent_bag_serial}
                    if record.consent_bag_serial
                    else {}
                ),
                # Bound both ways: this entry holds the record's hash, the record this head.
                "record_sha256": closing_record_sha256(record),
            },
        )
        # From here on the ceremony is finished: nothing below may remove anything.
        record = replace(record, transcript_head=head)
        record = kits.write_public(self.directory, record, self._options(timelock))
        write_message(self.directory, plan.roles.signers)
        final_paper(self.directory, record, self._options(timelock))
        final = self.prove_final(kit_split, passphrase)
        words = self.transcript.head_words()
        facts = [("head", head), ("words", words), ("read back", final.summary())]
        if plan.roles.signers:  # each signer signs this on their own device (ceremony attest)
            facts.append(("to sign", str(self.directory / "attest" / "ceremony-message.txt")))
        self.operator.show_facts("Transcript closed", facts)
        self.operator.confirm(step, "Has every witness written and initialled these words?")
        step = self._begin("8.2")
        self.operator.confirm(step, "Are the final record and runbooks printed?")
        step = self._begin("8.3")
        self.operator.show_facts(
            "Reminder",
            [
                ("kit", f"the ceremony is complete and the kit in {self.directory} is final"),
                ("now", "remove the kit media and power the machine off"),
            ],
        )
        return Outcome(self.directory, record, head, words)

    def prove_final(self, kit_split: KitSplit, passphrase: bytes) -> KitProof:
        """The read-back proof of the finished kit, after the record took the transcript head
        (and after any later re-rendering of public files). It raises NotRecoverable on a
        difference but never removes anything: the transcript is closed."""
        return prove_kit(self.directory, kit_split, passphrase)

    def _prove(
        self,
        step: Step,
        kit_split: KitSplit,
        passphrase: bytes,
        record: Record,
        timelock: TimeLockInfo | None,
        when: str,
    ) -> Record:
        """Read the kit back and recover it by every path; log and record what was proved."""
        proof = prove_kit(self.directory, kit_split, passphrase)
        data = {**proof.to_data(), "when": when}
        self._log("kit_read_back", step, data)
        record = replace(record, read_back=data)
        record = kits.write_public(self.directory, record, self._options(timelock))
        self.operator.show_facts("Read back", [(when, proof.summary())])
        return record

    # -- pieces ------------------------------------------------------------------------------

    def _bag_serial(self, holder: str, seen: dict[str, str]) -> str:
        """A serial confirmed as typed and used for no other card; asked again until it is."""
        while True:
            serial = self.operator.read_bag_serial(holder).strip()
            problem = bag_serial_problem(serial)
            key = serial_key(serial)
            if not problem and key in seen:
                problem = f"bag serial {serial} is already recorded for {seen[key]}"
            if problem:
                self.operator.refuse_bag_serial(holder, problem)
                continue
            if self.operator.confirm_bag_serial(holder, serial):
                seen[key] = holder if holder == CONSENT_CARD else f"{holder}'s card"
                return serial

    def _options(self, timelock: TimeLockInfo | None) -> kits.KitOptions:
        plan = self.plan
        roles = plan.roles
        contacts: tuple[tuple[str, str, str], ...] = (
            ("administrator", roles.administrator, roles.contact(roles.administrator)),
            *(("witness", w, roles.contact(w)) for w in roles.witnesses),
            *((("auditor", roles.auditor, roles.contact(roles.auditor)),) if roles.auditor else ()),
        )
        from ceremony.paper.content import PaperSize

        return kits.KitOptions(
            ceremony_name=plan.name,
            paper_size=PaperSize.from_text(plan.paper_size.value),
            demo=plan.demo,
            contacts=contacts,
            administrator=plan.roles.administrator,
            witnesses=plan.roles.witnesses,
            auditor=plan.roles.auditor or "",
            time_lock_text=timelock.description if timelock else None,
        )

    def _write_kit(self, kit_split: KitSplit) -> Record:
        plan = self.plan
        holders = [[kits.Holder(h.printed_name, h.contact) for h in g.holders] for g in plan.groups]
        record = kits.kit_record(
            kit_split,
            ceremony_name=plan.name,
            holders=holders,
            plan_sha256=plan.sha256,
            plan_source="plan",
            demo=plan.demo,
            ceremony_id=self.ceremony_id,
            clock=self.clock,
            roles={
                "administrator": plan.roles.administrator,
                "witnesses": list(plan.roles.witnesses),
                "auditor": plan.roles.auditor or "",
                "entropy": plan.entropy.source.value,
            },
        )
        record = replace(
            record, entropy_source=plan.entropy.source.value, preflight=self.preflight_summary
        )
        options = self._options(kit_split.timelock)
        record = kits.populate_kit(self.directory, kit_split, record, options)
        _render_runbooks(self.directory, record, options)
        return record

    def _calibrate(self, step: Step) -> TimeLockInfo:
        recovery = self.plan.recovery
        samples = measure_rates(recovery.mode.value)
        if samples.busy():
            self.operator.warn(busy_warning(samples))
            self.operator.confirm(step, "Continue with the fastest sample?")
        info = calibrate(
            recovery.mode.value,
            recovery.delay_seconds,
            recovery.attacker_speedup,
            samples=samples,
        )
        self.operator.show_facts(
            "Time lock",
            [
                ("mode", info.mode),
                ("work", f"{info.iterations} sequential steps"),
                ("bounds", info.description),
            ],
        )
        self.operator.confirm(step, "Have both delay bounds been read aloud?")
        self._log(
            "timelock_calibrated",
            step,
            {
                "mode": info.mode,
                "iterations": info.iterations,
                "rate_per_second": f"{info.rate_per_second:.3f}",
                "attacker_speedup": f"{info.attacker_speedup:g}",
                "expected_seconds": f"{info.expected_seconds:.3f}",
                "minimum_seconds": f"{info.minimum_seconds:.3f}",
                **samples.to_transcript(),
            },
        )
        return info


CONSENT_CARD = "the consent card"
"""What the consent card's bag is called where a holder's name would be."""
MAX_SERIAL = 64


def bag_serial_problem(serial: str) -> str | None:
    if not serial:
        return "the bag serial is empty"
    if len(serial) > MAX_SERIAL or not serial.isprintable() or hidden_characters(serial):
        return f"a bag serial is 1 to {MAX_SERIAL} printable characters"
    return None


def preflight_summary(checks: Sequence[Check], accepted: bool) -> str:
    """One line for the record: 'passed', 'passed with warnings: ...', 'failures accepted: ...'."""
    failed = [c.name for c in checks if c.status.value == "fail"]
    warned = [c.name for c in checks if c.status.value == "warn"]
    if failed:
        return ("failures accepted: " if accepted else "failed: ") + ", ".join(failed)
    if warned:
        return "passed with warnings: " + ", ".join(warned)
    return "passed"


def final_paper(directory: Path, record: Record, options: kits.KitOptions) -> None:
    """After sealing and closing: the kit's runbooks re-rendered with the bag serials and the
    transcript head words, replacing the act 5 versions (record.pdf is rewritten with the record).
    The kit then holds only the final paper, which step 8.2 prints."""
    from ceremony.workflows.runbooks import render_runbooks

    program = (directory / "recover.py").read_text(encoding="utf-8")
    render_runbooks(
        record, directory / "runbooks", options.paper_size, overwrite=True, program=program
    )


def _render_runbooks(directory: Path, record: Record, options: kits.KitOptions) -> None:
    from ceremony.workflows.runbooks import render_runbooks

    render_runbooks(record, directory / "runbooks", options.paper_size, overwrite=False)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, KeyboardInterrupt):
        return f"interrupted ({interruption_name(exc)})"
    if isinstance(exc, CeremonyError):
        return exc.message
    return f"internal error ({type(exc).__name__})"
