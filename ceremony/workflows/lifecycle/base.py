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

from ceremony.errors import BadInput
from ceremony.model.amendment import Amendment
from ceremony.model.record import IssuedShare, Record
from ceremony.model.share import Share
from ceremony.model.sources import Clock, Rng
from ceremony.model.steps import Act, Step, applicable, lifecycle_script
from ceremony.paper.content import PaperSize
from ceremony.workflows import kit as kits
from ceremony.workflows.attest import write_message
from ceremony.workflows.ceremony import final_paper
from ceremony.workflows.check_share import ShareCheck as Found
from ceremony.workflows.check_share import check_share
from ceremony.workflows.lifecycle.predecessor import Predecessor
from ceremony.workflows.preflight import Check, run_preflight
from ceremony.workflows.readback import LifecycleProof, prove_lifecycle_kit
from ceremony.workflows.script_run import Operator, Outcome, ScriptRun, contacts, prepare_directory
from ceremony.workflows.split import SplitResult
from ceremony.workflows.transcript import Json, utc_now

ShareCheck = Callable[[Share], str]
"""Checks a typed share and says what it is (public); raises a CeremonyError to refuse it."""


class LifecycleOperator(Operator, Protocol):
    """What a lifecycle ceremony needs beyond the key ceremony's Operator."""

    def read_share(self, who: str, words: int, check: ShareCheck) -> Share:
        """A share of `words` words typed by a holder (hidden). `check` refuses a wrong one; the
        terminal shows why and asks again, a script stops."""

    def read_fate(self, holder: str, bag_serial: str) -> str:
        """What became of an old card at a reshare: 'destroyed' or 'not returned'."""


class LifecycleRun(ScriptRun):
    """The frame of one lifecycle ceremony; subclasses supply `_acts`."""

    untouched = ", and the predecessor kit was not touched"

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
        self.operator: LifecycleOperator = operator
        self.directory = directory
        self.rng = rng
        self.clock = clock
        self.preflight = preflight or (lambda out: run_preflight(output_dir=out))
        self.kind = amendment.kind.value
        self.name = f"the {self.kind} ceremony"
        self.check_amendment()
        self.ceremony_id = kits.new_ceremony_id(rng)
        self.script = applicable(self.conditions(), lifecycle_script())
        self.fresh: tuple[IssuedShare, ...] = ()
        """The new cards' record rows, once the kit is written."""

    def check_amendment(self) -> None:
        """Refuse, before anything is written, an amendment the record cannot take."""

    def conditions(self) -> set[str]:
        """Which optional parts of the lifecycle script this kind of amendment needs."""
        return {"group"}

    def opening(self) -> dict[str, Json]:
        """The first transcript line: it names the amendment and the predecessor's record and head,
        chaining the kits."""
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
        """Run the whole script in a fresh directory; the predecessor kit is only read, never
        written."""
        prepare_directory(self.directory)
        return self._open_and_run(self.opening())

    def acts(self) -> tuple[Act, ...]:
        """The script, with the parts this amendment does not need already left out."""
        return self.script

    # -- the shared acts ---------------------------------------------------------------------

    def preparation(self) -> None:
        """Act 1: who is present (1.1), the amendment and its predecessor (1.2), preflight (1.3)."""
        self._roles_present(self.amendment.roles)
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
        self._preflight_checks()

    def _old_share(
        self, step: Step, who: str, typed: list[Share], describe: Callable[[Found], str]
    ) -> Share:
        """One share of the predecessor's set, typed by its holder (hidden) and checked against
        the record: refused when from another ceremony, or typed already; `describe` says what it
        is (and may refuse it too). It is added to `typed` and logged by its public facts."""
        record = self.predecessor.record

        def check(share: Share) -> str:
            found = check_share(record, share)
            if any(s.commitment() == share.commitment() for s in typed):
                raise BadInput(f"{found.holder}'s share was already typed", "the next holder types")
            return describe(found)

        share = self.operator.read_share(who, share_words(record.strength_bits), check)
        entry = record.share_by_commitment(share.commitment())
        assert entry is not None
        typed.append(share)
        self._log(
            "share_checked",
            step,
            {
                "holder": entry.holder,
                "group": entry.group,
                "member": entry.member_number,
                "commitment": entry.commitment,
            },
            role="shareholder",
        )
        return share

    def _proved(self, step: Step, shares: int, result: str, method: str) -> None:
        """The algebraic proof's result on screen and in the transcript."""
        self.operator.show_facts("Proof", [("result", result)])
        self._log("proof_passed", step, {"shares": shares, "method": method})

    def options(self) -> kits.KitOptions:
        """The kit options of the new kit: the ceremony name and time lock text come from the
        predecessor."""
        roles = self.amendment.roles
        record = self.predecessor.record
        return kits.KitOptions(
            ceremony_name=record.ceremony_name,
            paper_size=PaperSize.from_text(self.amendment.paper_size.value),
            demo=self.amendment.demo or record.demo,
            contacts=contacts(roles),
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
                "record_pdf_sha256": _sha(self.directory / "record.pdf"),
                "recover_py_sha256": record.recover_py_sha256,
                "holder_pdfs": [{"holder": e.holder, "sha256": e.holder_pdf_sha256} for e in fresh],
            },
        )
        self.fresh = tuple(fresh)
        record = self.read_back(step, record, "kit written")
        self.operator.show_facts("Kit", [("directory", str(self.directory))])
        step = self._begin("4.2")
        self.operator.confirm(step, "Are the new holder kits and the amended record printed?")
        self._log("printed", step, {"holder_kits": len(fresh)})
        return record

    def read_back(self, step: Step, record: Record, when: str) -> Record:
        """The kit read back from its written files and recovered (`prove_lifecycle_kit`);
        logged, kept in the record, and said on screen."""
        proof = self.prove(record)
        data: dict[str, Json] = {**proof.to_data(), "when": when}
        self._log("kit_read_back", step, data)
        record = replace(record, read_back=data)
        kits.write_public(self.directory, record, self.options())
        self.operator.show_facts("Read back", [(when, proof.summary())])
        return record

    def prove(self, record: Record) -> LifecycleProof:
        """Read the written kit back and prove the new cards; never removes anything."""
        return prove_lifecycle_kit(self.directory, record, self.fresh, self.sources())

    def sources(self) -> list[Path]:
        """Where the old cards' holder PDFs may still be: the predecessor kit, and the kits kept
        beside it (each PDF is used only if it is the one the record names)."""
        kit = self.predecessor.directory
        found = [kit]
        try:
            siblings = sorted(p for p in kit.parent.iterdir() if p.is_dir())
        except OSError:
            return found
        found += [
            p for p in siblings if p != kit and p != self.directory and (p / "holders").is_dir()
        ]
        return found

    def reentry(self, entries: Sequence[IssuedShare], shares: Sequence[Share]) -> None:
        """Act 5: each new holder types their share back from the printed card (5.1)."""
        self._reentry(self._begin("5.1"), entries, shares)

    def sealing(self, record: Record, commitments: Sequence[str]) -> Record:
        """Act 6: a bag serial for each card in `commitments` (new cards, and old cards brought);
        the record, now with the serials, read back again."""
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
        return self.read_back(step, replace(record, shares=tuple(sealed)), "cards sealed")

    def closing(self, record: Record) -> Outcome:
        """Close the transcript, write the final public files with its head, prove the kit again,
        then have the witnesses write the words."""
        step = self._begin("8.1")
        head = self._close_transcript(record)
        assert self.transcript is not None
        record = replace(record, transcript_head=head)
        kits.write_public(self.directory, record, self.options())
        write_message(self.directory, self.amendment.roles.signers)
        final_paper(self.directory, record, self.options())  # the runbooks with serials and head
        final = self.prove(record)  # never removes anything: the transcript is closed
        words = self.transcript.head_words()
        facts = [("head", head), ("words", words), ("read back", final.summary())]
        self.operator.show_facts("Transcript closed", facts)
        self.operator.confirm(step, "Has every witness written and initialled these words?")
        step = self._begin("8.2")
        self.operator.confirm(step, "Remove the kit media and power the machine off when done.")
        return Outcome(self.directory, record, head, words)


def share_words(strength_bits: int) -> int:
    """The words in a share of a secret this long: 7 of metadata and checksum, 10 bits a word."""
    return 7 + -(-strength_bits // 10)


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()
