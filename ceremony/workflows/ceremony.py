"""The guided key ceremony, act by act, step by step, as the printed ceremony script numbers them.

The workflow never prints or prompts: everything that involves the people in the room goes through
an `Operator` (the terminal screen, or a file of scripted answers). Every step is written to the
hash-chained transcript with public facts only. If anything interrupts the ceremony (Ctrl-C, a
failed check, a crash), the transcript ends with an abort entry, the secret files of this run are
removed, and the error goes on to the caller.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path

from ceremony.core.entropy import make_master_secret
from ceremony.files import exclusive_directory
from ceremony.model.plan import EntropySource, PassphrasePolicy, Plan, RecoveryMode
from ceremony.model.record import Record, TimeLockInfo, serial_key
from ceremony.model.secret import Secret
from ceremony.model.sources import Clock, Rng
from ceremony.model.steps import Step, applicable, warning
from ceremony.terminal_text import hidden_characters
from ceremony.workflows import kit as kits
from ceremony.workflows.attest import write_message
from ceremony.workflows.passphrase_advice import plan_judge
from ceremony.workflows.preflight import Check, run_preflight
from ceremony.workflows.readback import KitProof, prove_kit
from ceremony.workflows.script_run import (
    TRANSCRIPT,
    Operator,
    Outcome,
    ScriptRun,
    contacts,
    preflight_summary,
    prepare_directory,
    remove_secret_outputs,
    role_names,
)
from ceremony.workflows.split import KitSplit, Sealed, make_split
from ceremony.workflows.timelock_policy import busy_warning, calibrate, measure_rates
from ceremony.workflows.transcript import Json, utc_now

__all__ = [
    "TRANSCRIPT",
    "Ceremony",
    "Operator",
    "Outcome",
    "bag_serial_problem",
    "preflight_summary",
    "prepare_directory",
    "remove_secret_outputs",
]


def conditions(plan: Plan) -> set[str]:
    """Which optional parts of the script this plan needs (dice, time lock, consent card); the rest
    are left out."""
    found = set()
    if plan.entropy.source.uses_dice:
        found.add("dice")
    if plan.recovery.mode is not RecoveryMode.NONE:
        found.add("timelock")
    if plan.recovery.mode is RecoveryMode.SEALED and plan.recovery.consent_card:
        found.add("consent")
    return found


class Ceremony(ScriptRun):
    """One run of the ceremony script for one plan: `_acts` reads as the printed script does, one
    method per act (templates/ceremony-steps.toml), each step logged as it is done."""

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

    def run(self) -> Outcome:
        """Check every card prints before anything is written, then run the whole script under a
        lock that allows one run per kit."""
        from ceremony.workflows.printable import check_printable

        check_printable(self.plan)  # before anything is written: no card may print a box
        prepare_directory(self.directory)
        with exclusive_directory(self.directory, "the ceremony kit"):  # one run per kit
            return self._open_and_run(
                {
                    "ceremony_id": self.ceremony_id,
                    "ceremony_name": self.plan.name,
                    "plan_sha256": self.plan.sha256,
                    "demo": self.plan.demo,
                }
            )

    def _acts(self) -> Outcome:
        self.preparation()
        secret, passphrase = self.entropy()
        kit_split = self.generation(secret, passphrase)
        self.split_and_proof(kit_split)
        record = self.paper(kit_split, passphrase)
        self.reentry(record, kit_split)
        record = self.sealing(record, kit_split, passphrase)
        return self.closing(record, kit_split, passphrase)

    # -- the acts ----------------------------------------------------------------------------

    def preparation(self) -> None:
        """Act 1: who is present (1.1), the plan's hash words (1.2), the preflight checks (1.3)."""
        plan = self.plan
        self._roles_present(plan.roles)
        step = self._begin("1.2")
        self.operator.show_facts("Plan", [("plan hash", plan.sha256), ("words", plan.hash_words)])
        self.operator.confirm(step, "Do these words match the printed plan?")
        self._log("plan_confirmed", step, {"plan_sha256": plan.sha256})
        self._preflight_checks()

    def entropy(self) -> tuple[Secret, bytes]:
        """Act 2: the dice, when the plan asks for them (2.1), then the secret (2.2) and the
        passphrase (typed twice, hidden) when the plan asks for one."""
        plan = self.plan
        source = plan.entropy.source
        dice = None
        if source.uses_dice:
            step = self._begin("2.1")
            if source is EntropySource.DICE_ONLY:
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
            dice_only=source is EntropySource.DICE_ONLY,
            rng=self.rng,
            kind=plan.secret.kind,
        )
        self.operator.show_facts("Entropy", [("source", report.summary())])
        self._log("entropy", step, report.to_record())  # type: ignore[arg-type]  # core: JSON-ready
        passphrase = b""
        if plan.secret.passphrase is PassphrasePolicy.PROMPT:
            passphrase = self.operator.read_passphrase(plan_judge(plan))
        return secret, passphrase

    def generation(self, secret: Secret, passphrase: bytes) -> KitSplit:
        """Act 3: the time lock calibrated and sealed (3.1), the fingerprint read aloud (3.2)."""
        plan = self.plan
        timelock: TimeLockInfo | None = None
        lock_step: Step | None = None
        if plan.recovery.mode is not RecoveryMode.NONE:
            lock_step = self._begin("3.1")
            timelock = self._calibrate(lock_step)
        kit_split = make_split(
            plan.scheme,
            secret,
            passphrase,
            timelock=timelock,
            consent_card=plan.recovery.consent_card,
            rng=self.rng,
        )
        if isinstance(kit_split, Sealed):
            assert lock_step is not None
            assert kit_split.timelock is not None
            lock = kit_split.timelock
            self._log(
                "timelock_sealed",
                lock_step,
                {
                    "modulus_sha256": hashlib.sha256(lock.modulus_hex.encode()).hexdigest(),
                    "squarings": lock.iterations,
                    "version": lock.version,
                    "factors_destroyed": True,
                    "consent_card": plan.recovery.consent_card,
                },
            )
        split = kit_split.result
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
        return kit_split

    def split_and_proof(self, kit_split: KitSplit) -> None:
        """Act 4: the split the plan names (4.1), and the proof that every qualifying set of
        shares rebuilds the secret (4.2; `make_split` ran it)."""
        plan, split = self.plan, kit_split.result
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
        count = len(split.all_shares())
        self.operator.show_facts(
            "Proof",
            [("result", f"passed: every qualifying set of the {count} shares rebuilds the secret")],
        )
        self._log(
            "proof_passed",
            step,
            {
                "shares": count,
                "method": "algebraic: every share on its group polynomial, digests checked, "
                "decryption compared with the commitment",
            },
        )

    def paper(self, kit_split: KitSplit, passphrase: bytes) -> Record:
        """Act 5: the kit written and read back (5.1), printed (5.2), the consent card printed
        face down (5.3, when there is one)."""
        step = self._begin("5.1")
        record = self._write_kit(kit_split)
        options = self._options(kit_split.timelock)
        card = self.directory / "consent" / "consent-card.pdf"
        if card.is_file():
            record = replace(record, consent_card_sha256=_sha(card))
            record = kits.write_public(self.directory, record, options)
        self._log(
            "kit_written",
            step,
            {
                "record_sha256": _sha(self.directory / "record.json"),
                "record_pdf_sha256": _sha(self.directory / "record.pdf"),
                "recover_py_sha256": record.recover_py_sha256,
                "holder_pdfs": [
                    {"holder": e.holder, "sha256": e.holder_pdf_sha256} for e in record.shares
                ],
            },
        )
        record = self._prove(step, kit_split, passphrase, record, "kit written")
        self.operator.show_facts("Kit", [("directory", str(self.directory))])
        step = self._begin("5.2")
        self.operator.confirm(step, "Are all holder kits and the record printed?")
        self._log("printed", step, {"holder_kits": len(record.shares)})
        if record.consent_card_sha256:
            step = self._begin("5.3")
            self.operator.confirm(step, "Is the consent card printed, and seen by nobody else?")
            self._log("consent_printed", step, {"sha256": record.consent_card_sha256})
        return record

    def reentry(self, record: Record, kit_split: KitSplit) -> None:
        """Act 6: each holder types their share back from the printed card (6.1)."""
        self._reentry(self._begin("6.1"), record.shares, kit_split.result.all_shares())

    def sealing(self, record: Record, kit_split: KitSplit, passphrase: bytes) -> Record:
        """Act 7: each card bagged and its serial typed (7.1), the consent card bagged and handed
        to its keeper (7.2); the record, now with the serials, read back again."""
        step = self._begin("7.1")
        sealed = []
        seen: dict[str, str] = {}
        for entry in record.shares:
            serial = self._bag_serial(entry.holder, seen)
            sealed.append(replace(entry, bag_serial=serial))
            self._log(
                "bag_sealed",
                step,
                {"holder": entry.holder, "commitment": entry.commitment, "bag_serial": serial},
            )
        record = replace(record, shares=tuple(sealed))
        if record.consent_card_sha256:
            step = self._begin("7.2")
            keeper = self.plan.recovery.consent_keeper
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
        record = kits.write_public(self.directory, record, self._options(kit_split.timelock))
        return self._prove(step, kit_split, passphrase, record, "cards sealed")

    def closing(self, record: Record, kit_split: KitSplit, passphrase: bytes) -> Outcome:
        """Act 8: the transcript closed and its head words read aloud (8.1), the final paper
        printed (8.2), the machine powered off (8.3). From the `closed` entry on, the ceremony is
        finished: nothing below may remove anything."""
        step = self._begin("8.1")
        serial = record.consent_bag_serial
        head = self._close_transcript(record, {"consent_bag_serial": serial} if serial else None)
        record = replace(record, transcript_head=head)
        options = self._options(kit_split.timelock)
        record = kits.write_public(self.directory, record, options)
        write_message(self.directory, self.plan.roles.signers)
        final_paper(self.directory, record, options)
        final = self.prove_final(kit_split, passphrase)
        assert self.transcript is not None
        words = self.transcript.head_words()
        facts = [("head", head), ("words", words), ("read back", final.summary())]
        if self.plan.roles.signers:  # each signer signs this on their own device (ceremony attest)
            facts.append(("to sign", str(self.directory / "attest" / "ceremony-message.txt")))
        self.operator.show_facts("Transcript closed", facts)
        self.operator.confirm(step, "Has every witness written and initialled these words?")
        step = self._begin("8.2")
        self.operator.confirm(step, "Are the final record and runbooks printed?")
        self._begin("8.3")
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
        when: str,
    ) -> Record:
        """Read the kit back and recover it by every path; log and record what was proved."""
        proof = prove_kit(self.directory, kit_split, passphrase)
        data: dict[str, Json] = {**proof.to_data(), "when": when}
        self._log("kit_read_back", step, data)
        record = replace(record, read_back=data)
        record = kits.write_public(self.directory, record, self._options(kit_split.timelock))
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
        from ceremony.paper.content import PaperSize

        return kits.KitOptions(
            ceremony_name=plan.name,
            paper_size=PaperSize.from_text(plan.paper_size.value),
            demo=plan.demo,
            contacts=contacts(plan.roles),
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
            roles={**role_names(plan.roles), "entropy": plan.entropy.source.value},
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
        mode = recovery.mode.lock
        assert mode is not None  # step 3.1 is in the script only when the plan asks for a lock
        samples = measure_rates(mode)
        if samples.busy():
            self.operator.warn(busy_warning(samples))
            self.operator.confirm(step, "Continue with the fastest sample?")
        info = calibrate(
            mode,
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
                **samples.to_transcript(),  # type: ignore[dict-item]  # core: JSON-ready
            },
        )
        return info


CONSENT_CARD = "the consent card"
"""What the consent card's bag is called where a holder's name would be."""
MAX_SERIAL = 64


def bag_serial_problem(serial: str) -> str | None:
    """Why this serial cannot be recorded, or None; a hidden or unprintable character is refused so
    the record matches the bag."""
    if not serial:
        return "the bag serial is empty"
    if len(serial) > MAX_SERIAL or not serial.isprintable() or hidden_characters(serial):
        return f"a bag serial is 1 to {MAX_SERIAL} printable characters"
    return None


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
