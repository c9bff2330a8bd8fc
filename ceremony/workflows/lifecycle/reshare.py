"""`ceremony reshare`: the same wallet under a new scheme, and the old share set retired.

A quorum of the old set rebuilds the encrypted master secret (EMS); with the extendable-backup
flag, the same EMS under a new identifier, split by the new plan's scheme, decrypts to the same
master secret for every passphrase, so the fingerprint stays the same and the master secret is never
decrypted. Each old card is then destroyed in front of the witnesses, or recorded as not returned.
Shares without the flag cannot be reshared to the same wallet: that is refused before anything is
written, saying what to do instead.
"""

from __future__ import annotations

from dataclasses import replace

from ceremony.core.lifecycle import Reshare, rebuild_ems, reshare
from ceremony.core.verify import verify_shares
from ceremony.errors import BadInput, Refused
from ceremony.model.plan import Plan
from ceremony.model.record import Lineage, Record, RetiredCard
from ceremony.model.share import Share
from ceremony.planfile.plan import load_plan
from ceremony.workflows import kit as kits
from ceremony.workflows.ceremony import Outcome
from ceremony.workflows.check_share import ShareCheck as Found
from ceremony.workflows.lifecycle.base import LifecycleRun
from ceremony.workflows.split import SplitResult

NOT_DECRYPTED = (
    "the encrypted secret is rebuilt and split again; the master secret itself is never decrypted"
)


class ReshareCeremony(LifecycleRun):
    def conditions(self) -> set[str]:
        """A reshare always runs the steps that retire the old share set."""
        return {"reshare"}

    def check_amendment(self) -> None:
        """Refuse, before anything is written, a record made without the extendable flag or a new
        plan that would open another wallet."""
        record = self.predecessor.record
        if not record.extendable:
            raise Refused(
                "the shares of this record were made without the extendable-backup flag: under a "
                "new identifier they would open a different wallet, so they cannot be reshared",
                "to change who holds shares, extend a group or replace a lost card (`ceremony "
                "extend`); to change the scheme, run a new ceremony (`ceremony run`) and move the "
                "funds to its wallet",
            )
        assert self.amendment.plan_file is not None
        plan = load_plan(self.amendment.plan_file)
        problems = []
        if not plan.secret.extendable:
            problems.append("extendable = true (the wallet stays the same only then)")
        if plan.secret.iteration_exponent != record.iteration_exponent:
            problems.append(f"iteration_exponent = {record.iteration_exponent}")
        if plan.secret.strength_bits != record.strength_bits:
            problems.append(f"strength = {record.strength_bits}")
        if plan.secret.kind is not record.kind:
            problems.append(f'kind = "{record.kind.value}"')
        if problems:
            raise BadInput(
                f"the new plan {self.amendment.plan_file} does not fit the secret it reshares",
                "set in its [secret]: " + "; ".join(problems),
            )
        self.plan: Plan = plan

    def _acts(self) -> Outcome:
        self.preparation()
        typed = self.quorum_brought()
        result = self.new_set(typed)
        record = self.new_record(result)
        split = SplitResult(
            scheme=self.plan.scheme,
            identifier=result.ems.identifier,
            fingerprint=record.fingerprint,
            commitment=record.commitment,
            groups=result.groups,
        )
        record = self.write_paper(record, split)
        self.reentry(record.shares, result.all_shares())
        record = self.sealing(record, [e.commitment for e in record.shares])
        record = self.retirement(record)
        return self.closing(record)

    def quorum_brought(self) -> list[Share]:
        """A full quorum of the old cards is typed; the master secret itself is never decrypted."""
        record = self.predecessor.record
        step = self._begin("2.1")
        self.operator.show_facts(
            "Shares brought",
            [
                ("needed", f"{record.group_threshold} groups, each up to its threshold"),
                ("note", NOT_DECRYPTED),
            ],
        )
        typed: list[Share] = []

        def describe(found: Found) -> str:
            return f"{found.holder}: share {found.member} of group {found.group}"

        while len(typed) < len(record.shares):
            self._old_share(step, f"holder {len(typed) + 1} of the quorum", typed, describe)
            if verify_shares(typed).quorum:
                return typed
        raise BadInput(  # pragma: no cover - every share of the record was typed
            "every share was typed but no quorum formed", "audit the predecessor kit"
        )

    def new_set(self, typed: list[Share]) -> Reshare:
        """Split the rebuilt encrypted secret under the new scheme; the fingerprint, and so the
        wallet, stays the same."""
        record = self.predecessor.record
        step = self._begin("3.3")
        result = reshare(rebuild_ems(typed), self.plan.scheme, rng=self.rng)
        self.operator.show_facts(
            "New share set",
            [
                ("old identifier", str(record.identifier)),
                ("new identifier", str(result.ems.identifier)),
                ("scheme", self.plan.scheme.summary()),
                ("fingerprint", f"{record.fingerprint} (unchanged: the same wallet)"),
                ("note", NOT_DECRYPTED),
            ],
        )
        self._log(
            "reshare",
            step,
            {
                "old_identifier": record.identifier,
                "identifier": result.ems.identifier,
                "scheme": self.plan.scheme.summary(),
                "share_commitments": [s.commitment() for s in result.all_shares()],
            },
        )
        count = len(result.all_shares())
        self._proved(
            self._begin("3.4"),
            count,
            f"passed: every qualifying set of the {count} new shares rebuilds the old encrypted "
            "secret under the new identifier, extendable, so every passphrase opens the same "
            "wallet as before",
            "algebraic: every new share on its group polynomial, digests checked, the rebuilt "
            "encrypted secret equal to the old quorum's, extendable flag set",
        )
        return result

    def new_record(self, result: Reshare) -> Record:
        """The record of the new share set, keeping the predecessor's fingerprint and commitment."""
        before = self.predecessor.record
        plan = self.plan
        split = SplitResult(
            scheme=plan.scheme,
            identifier=result.ems.identifier,
            fingerprint=before.fingerprint,
            commitment=before.commitment,
            groups=result.groups,
        )
        holders = [[kits.Holder(h.name, h.contact) for h in g.holders] for g in plan.groups]
        roles = self.amendment.roles
        record = kits.build_record(
            split,
            ceremony_name=plan.name,
            holders=holders,
            plan_sha256=plan.sha256,
            plan_source="plan",
            passphrase_used=before.passphrase,
            demo=before.demo or plan.demo or self.amendment.demo,
            ceremony_id=self.ceremony_id,
            clock=self.clock,
            timelock=before.timelock,
            roles={
                "administrator": roles.administrator,
                "witnesses": list(roles.witnesses),
                "auditor": roles.auditor or "",
            },
        )
        lineage = Lineage(
            kind="reshare",
            predecessor_record_sha256=self.predecessor.record_sha256,
            predecessor_transcript_head=before.transcript_head,
            predecessor_ceremony_id=before.ceremony_id,
            origin_ceremony_id=self.predecessor.origin_ceremony_id,
            amendment_sha256=self.amendment.sha256,
            retired_identifier=before.identifier,
        )
        return replace(record, lineage=lineage)

    def retirement(self, record: Record) -> Record:
        """Record, card by card, whether each old card was destroyed or not returned; each answer
        goes in the transcript."""
        step = self._begin("7.1")
        retired = []
        for entry in self.predecessor.record.shares:
            fate = self.operator.read_fate(entry.holder, entry.bag_serial)
            retired.append(
                RetiredCard(
                    holder=entry.holder,
                    group=entry.group,
                    member_number=entry.member_number,
                    commitment=entry.commitment,
                    bag_serial=entry.bag_serial,
                    fate=fate,
                )
            )
            self._log(
                "card_retired",
                step,
                {
                    "holder": entry.holder,
                    "commitment": entry.commitment,
                    "bag_serial": entry.bag_serial,
                    "fate": fate,
                },
                role="witness",
            )
        assert record.lineage is not None
        return replace(record, lineage=replace(record.lineage, retired=tuple(retired)))
