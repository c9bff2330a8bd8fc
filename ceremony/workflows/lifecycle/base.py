"""What every lifecycle ceremony shares with the guided key ceremony: the Operator (the people in
the room), the numbered script, the hash-chained transcript, the kit writer, re-entry and sealing,
and the abort rule (an interrupted run keeps only its transcript, ending in an abort entry).

A lifecycle transcript's opening entry names the predecessor's record hash and transcript head, and
so does its record (`Record.lineage`): the audit follows the chain back to the first ceremony.
"""

from __future__ import annotations

import hashlib
import secrets
from collections.abc import Callable, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Protocol

from ceremony.errors import Interrupted, NotVerified
from ceremony.model.amendment import Amendment
from ceremony.model.record import IssuedShare, Record
from ceremony.model.share import Share
from ceremony.model.sources import Clock, Rng
from ceremony.model.steps import Act, Step, applicable, lifecycle_script
from ceremony.paper.content import PaperSize
from ceremony.workflows import kit as kits
from ceremony.workflows.attest import write_message
from ceremony.workflows.audit.kit_checks import closing_record_sha256
from ceremony.workflows.ceremony import (
    TRANSCRIPT,
    Operator,
    Outcome,
    _reason,
    preflight_summary,
    prepare_directory,
    remove_secret_outputs,
)
from ceremony.workflows.lifecycle.predecessor import Predecessor
from ceremony.workflows.preflight import Check, run_preflight
from ceremony.workflows.split import SplitResult
from ceremony.workflows.transcript import Json, Transcript, utc_now

ShareCheck = Callable[[Share], str]
"""Checks a typed share and says what it is (public); raises a CeremonyError to refuse it."""


class LifecycleOperator(Operator, Protocol):
    """What a lifecycle ceremony needs beyond the key ceremony's Operator."""

    def read_share(self, who: str, words: int, check: ShareCheck) -> Share:
        """A share of `words` words typed by a holder (hidden). `check` refuses a wrong one; the
        terminal shows why and asks again, a script stops."""

    def read_fate(self, holder: str, bag_serial: str) -> str:
        """What became of an old card at a reshare: 'destroyed' or 'not returned'."""


class LifecycleRun:
    """The frame of one lifecycle ceremony; subclasses supply `_acts`."""

    def __init__(
        self,
        amendment: Amendment,
        predecessor: Predecessor,
        operator: LifecycleOperator,
        directory: Path,
        *,
        rng: Rng = secrets.token_bytes,
        clock: Clock = utc_now,
        preflight: Callable[[Path], Sequence[Check]] | None = None,
    ) -> None:
        self.amendment = amendment
        self.predecessor = predecessor
        self.operator = operator
        self.directory = directory
        self.rng = rng
        self.clock = clock
        self.preflight = preflight or (lambda out: run_preflight(output_dir=out))
        self.kind = amendment.kind.value
        self.check_amendment()
        self.ceremony_id = kits.new_ceremony_id(rng)
        self.script = applicable(self.conditions(), lifecycle_script())
        self.transcript: Transcript | None = None
        self.current: Step | None = None
        self.preflight_summary = ""

    def check_amendment(self) -> None:
        """Refuse, before anything is written, an amendment the record cannot take."""

    def conditions(self) -> set[str]:
        return {"group"}

    def opening(self) -> dict[str, Json]:
        record = self.predecessor.record
        return {
            "ceremony_id": self.ceremony_id,
            "ceremony_name": record.ceremony_name,
            "lifecycle": self.kind,
            "amendment_name": self.amendment.name,
            "amendment_sha256": self.amendment.sha256,
            "predecessor_record_sha256": self.predecessor.record_sha256,
            "predecessor_transcript_head": self.predecessor.transcript_head,
            "predecessor_ceremony_id": record.ceremony_id,
            "origin_ceremony_id": self.predecessor.origin_ceremony_id,
            "demo": self.amendment.demo,
        }

    def run(self) -> Outcome:
        prepare_directory(self.directory)
        self.transcript = Transcript.create(
            self.directory / TRANSCRIPT,
            role="administrator",
            data=self.opening(),
            clock=self.clock,
        )
        try:
            return self._acts()
        except BaseException as exc:
            if self.transcript.finished:
                # Closed: the kit is final, and no answer, signal or crash removes any of it.
                if isinstance(exc, KeyboardInterrupt):
                    raise Interrupted(
                        f"interrupted after the transcript was closed; the kit in "
                        f"{self.directory} is complete and was kept",
                        "check that every witness has the head words, then power off",
                    ) from None
                raise
            self.transcript.abort(_reason(exc), step=self.current.id if self.current else None)
            remove_secret_outputs(self.directory)
            if isinstance(exc, KeyboardInterrupt):
                raise Interrupted(
                    f"the {self.kind} ceremony was interrupted at step {self._step_id()}",
                    f"no secret file was kept; the transcript in {self.directory} ends with an "
                    "abort entry, and the predecessor kit was not touched. Run it again to start "
                    "afresh",
                ) from None
            raise

    def _acts(self) -> Outcome:
        raise NotImplementedError

    # -- steps -------------------------------------------------------------------------------

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

    def _log(self, event: str, step: Step, data: dict[str, Json], role: str | None = None) -> None:
        assert self.transcript is not None
        self.transcript.append(event, role=role or step.who, step=step.id, data=data)

    def acts(self) -> tuple[Act, ...]:
        return self.script

    # -- the shared acts ---------------------------------------------------------------------

    def preparation(self) -> None:
        roles = self.amendment.roles
        step = self._begin("1.1")
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
        record = self.predecessor.record
        from ceremony.model.hashwords import hash_words

        self.operator.show_facts(
            "Amendment",
            [
                ("change", f"{self.kind}: {self.amendment.name}"),
                ("amendment words", self.amendment.hash_words),
                ("amends ceremony", f"{record.ceremony_name} ({record.ceremony_id})"),
                ("its head words", hash_words(bytes.fromhex(record.transcript_head))),
                ("fingerprint", record.fingerprint),
            ],
        )
        self.operator.confirm(
            step, "Do these words match the signed amendment and the predecessor's record?"
        )
        self._log(
            "amendment_confirmed",
            step,
            {
                "amendment_sha256": self.amendment.sha256,
                "predecessor_record_sha256": self.predecessor.record_sha256,
            },
        )
        step = self._begin("1.3")
        checks = self.preflight(self.directory)
        self.operator.show_checks(checks)
        failed = [c for c in checks if c.status.value == "fail"]
        accepted = bool(failed) and self.operator.accept_failures(failed)
        self.preflight_summary = preflight_summary(checks, accepted)
        self._log(
            "preflight",
            step,
            {
                "checks": [{"name": c.name, "status": c.status.value} for c in checks],
                "failures_accepted": accepted,
            },
        )
        if failed and not accepted:
            raise NotVerified(
                f"preflight failed: {', '.join(c.name for c in failed)}",
                "fix the failed checks (see `ceremony preflight`), then run it again",
            )

    def options(self) -> kits.KitOptions:
        roles = self.amendment.roles
        record = self.predecessor.record
        contacts: tuple[tuple[str, str, str], ...] = (
            ("administrator", roles.administrator, roles.contact(roles.administrator)),
            *(("witness", w, roles.contact(w)) for w in roles.witnesses),
            *((("auditor", roles.auditor, roles.contact(roles.auditor)),) if roles.auditor else ()),
        )
        return kits.KitOptions(
            ceremony_name=record.ceremony_name,
            paper_size=PaperSize.from_text(self.amendment.paper_size.value),
            demo=self.amendment.demo or record.demo,
            contacts=contacts,
            administrator=roles.administrator,
            witnesses=roles.witnesses,
            auditor=roles.auditor or "",
            time_lock_text=record.timelock.description if record.timelock else None,
        )

    def write_paper(self, record: Record, new: SplitResult) -> Record:
        """New holder kits, recover.py and the amended record, straight into the kit directory
        (an abort removes them, as at the key ceremony)."""
        from ceremony.workflows.lifecycle.paper import write_lifecycle_kit

        step = self._begin("4.1")
        record = replace(
            record,
            entropy_source=self.predecessor.record.entropy_source,  # the same secret
            preflight=self.preflight_summary,
            paper_size=self.options().paper_size.value,
            read_back={},  # the predecessor's read-back proof says nothing about this kit
        )
        record = write_lifecycle_kit(self.directory, new, record, self.options())
        fresh = record.shares[-len(new.all_shares()) :]
        self._log(
            "kit_written",
            step,
            {
                "record_sha256": _sha(self.directory / "record.json"),
                "recover_py_sha256": record.recover_py_sha256,
                "holder_pdfs": [{"holder": e.holder, "sha256": e.holder_pdf_sha256} for e in fresh],
            },
        )
        self.operator.show_facts("Kit", [("directory", str(self.directory))])
        step = self._begin("4.2")
        self.operator.confirm(step, "Are the new holder kits and the amended record printed?")
        self._log("printed", step, {"holder_kits": len(fresh)})
        return record

    def reentry(self, entries: Sequence[IssuedShare], shares: Sequence[Share]) -> None:
        step = self._begin("5.1")
        for entry, share in zip(entries, shares, strict=True):
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

    def sealing(self, record: Record, commitments: Sequence[str]) -> Record:
        """A bag serial for each card in `commitments` (new cards, and old cards brought)."""
        step = self._begin("6.1")
        wanted = set(commitments)
        sealed = []
        for entry in record.shares:
            if entry.commitment in wanted:
                serial = self.operator.read_bag_serial(entry.holder)
                entry = replace(entry, bag_serial=serial)
                self._log(
                    "bag_sealed",
                    step,
                    {"holder": entry.holder, "commitment": entry.commitment, "bag_serial": serial},
                )
            sealed.append(entry)
        return replace(record, shares=tuple(sealed))

    def closing(self, record: Record) -> Outcome:
        step = self._begin("8.1")
        assert self.transcript is not None
        head = self.transcript.close(
            role="administrator",
            data={
                "fingerprint": record.fingerprint,
                "commitment": record.commitment,
                "bag_serials": [e.bag_serial for e in record.shares],
                # Bound both ways: this entry holds the record's hash, the record this head.
                "record_sha256": closing_record_sha256(record),
            },
        )
        record = replace(record, transcript_head=head)
        kits.write_public(self.directory, record, self.options())
        write_message(self.directory, self.amendment.roles.signers)
        words = self.transcript.head_words()
        self.operator.show_facts("Transcript closed", [("head", head), ("words", words)])
        self.operator.confirm(step, "Has every witness written and initialled these words?")
        step = self._begin("8.2")
        self.operator.confirm(step, "Remove the kit media and power the machine off when done.")
        return Outcome(self.directory, record, head, words)


def share_words(strength_bits: int) -> int:
    """The words in a share of a secret this long: 7 of metadata and checksum, 10 bits a word."""
    return 7 + -(-strength_bits // 10)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
