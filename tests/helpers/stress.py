"""The stress plan's documents: 16 groups, two of 8 holders, 40-character names, 64-character bag
serials, every document rendered on a given paper size."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime

from ceremony.core.slip39 import wordlist
from ceremony.model.record import IssuedShare, Record, TimeLockInfo
from ceremony.model.scheme import GroupSpec, SecretKind
from ceremony.paper.audit_report import AuditRow, AuditSheet, render_audit_report
from ceremony.paper.content import PaperSize
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.notice import NoticeSheet, render_notice
from ceremony.paper.plan_sheet import PlanSheet, render_plan_sheet
from ceremony.paper.record import render_record
from ceremony.paper.specimen import SpecimenGroup, specimen_kits
from ceremony.workflows import kit as kits
from ceremony.workflows.notice import RecoveryNotice
from ceremony.workflows.recovery import notice_sheet
from ceremony.workflows.runbooks import (
    facts_from_record,
    record_meta,
    render_all,
    render_recover_appendix,
)

LONG = "Maximiliane Wolfeschlegelsteinhausenberg"


def stress_record() -> Record:
    groups = [GroupSpec(f"board-{n:02d}-international-trustees", 5, 8) for n in (1, 2)]
    groups += [GroupSpec(f"branch-{n:02d}", 2, 2) for n in range(3, 17)]
    entries = []
    for number, group in enumerate(groups, start=1):
        for member in range(1, group.count + 1):
            digest = hashlib.sha256(f"{number}/{member}".encode()).hexdigest()
            entries.append(
                IssuedShare(
                    holder=f"{LONG[:34]} {number:02d}-{member:02d}",
                    group=group.name,
                    group_number=number,
                    member_number=member,
                    commitment=digest,
                    check_code=f"{digest[:4]}-{digest[4:8]}".upper(),
                    holder_pdf_sha256=hashlib.sha256(digest.encode()).hexdigest(),
                    bag_serial=f"TAMPER-EVIDENT-2026-{number:02d}{member:02d}-" + "X" * 39,
                )
            )
    lock = TimeLockInfo(
        mode="evidenced",
        iterations=17_561_878_105,
        rate_per_second=67_752.0,
        attacker_speedup=10.0,
        expected_seconds=259_200.0,
        minimum_seconds=25_920.0,
        description="after a recovery notice, recovery waits for 17,561,878,105 VDF iterations",
        version="ceremony/v1",
    )
    return Record(
        ceremony_name="Example Company international treasury cold-storage ceremony 2026",
        ceremony_id="A384-C490-A2E8",
        clock_untrusted="2026-01-02T03:04:05+00:00",
        tool="ceremony 0.1.0",
        demo=False,
        plan_sha256=hashlib.sha256(b"plan").hexdigest(),
        plan_source="plan",
        group_threshold=9,
        groups=tuple(groups),
        strength_bits=256,
        kind=SecretKind.SLIP39,
        iteration_exponent=1,
        extendable=True,
        identifier=1234,
        passphrase=True,
        fingerprint="4bbfed8a",
        commitment=hashlib.sha256(b"secret").hexdigest(),
        shares=tuple(entries),
        timelock=lock,
        recover_py_sha256=hashlib.sha256(b"recover").hexdigest(),
        transcript_head=hashlib.sha256(b"head").hexdigest(),
        roles={
            "administrator": LONG + " (administrator)",
            "witnesses": [LONG + " Witness-One", LONG + " Witness-Two"],
            "auditor": LONG + " Auditor",
            "entropy": "csprng+dice",
        },
        entropy_source="csprng+dice",
        preflight="passed with warnings: swap, terminal",
    )


def plan_text(record: Record) -> str:
    lines = ["[ceremony]", f'name = "{record.ceremony_name}"', "", "[secret]", "strength = 256"]
    for group in record.groups:
        holders = ", ".join(
            f'{{ name = "{e.holder}", contact = "{e.holder.split()[0].lower()}@example.org" }}'
            for e in record.shares
            if e.group == group.name
        )
        lines += ["", "[[groups]]", f'name = "{group.name}"', f"threshold = {group.threshold}"]
        lines.append(f"holders = [ {holders} ]")
    return "\n".join(lines) + "\n"


def documents(size: PaperSize) -> Iterator[tuple[str, bytes, tuple[str, ...]]]:
    """(name, PDF, headings it may have) for every document of the stress plan."""
    record = stress_record()
    roles = record.roles
    yield "record", render_record(kits.record_sheet(record), size), ()
    for item in render_all(facts_from_record(record), record_meta(record), size):
        yield item.name, item.pdf, tuple(section.title for section in item.runbook.sections)
    yield "recover.py appendix", render_recover_appendix(size, demo=True), ()
    groups = [SpecimenGroup(g.name, g.threshold, g.count) for g in record.groups]
    specimen = specimen_kits(wordlist(), groups, record.group_threshold)
    for kit in (specimen[0], specimen[-1]):
        card = replace(kit.card, holder=LONG)
        contacts = (("administrator", roles["administrator"], ""), ("witness", LONG, "+1 555 0100"))
        kit = replace(
            kit,
            card=card,
            contacts=contacts,
            rule=tuple((g.name, g.threshold, g.count) for g in record.groups),
        )
        yield f"holder kit {kit.card.group}", render_holder_kit(kit, size), ()
    sheet = PlanSheet(
        title=record.ceremony_name,
        text=plan_text(record),
        sha256=record.plan_sha256,
        hash_words="one two three four five six seven eight nine ten eleven twelve",
        paper=size.value,
        demo=True,
    )
    yield "plan sheet", render_plan_sheet(sheet), ()
    yield "recovery notice", render_notice(stress_notice(record), size), ()
    yield "audit report", render_audit_report(stress_audit(record), size), ()


def stress_notice(record: Record) -> NoticeSheet:
    notice = RecoveryNotice.issue(
        record,
        b"the record's bytes",
        requester=LONG + " on behalf of the board of international trustees",
        reason="the treasurer retired and the board voted to move the funds " + "X" * 60,
        clock=lambda: datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        rng=lambda n: bytes(range(n)),
    )
    return replace(notice_sheet(notice, record), demo=True)


def stress_audit(record: Record) -> AuditSheet:
    rows = [
        AuditRow(
            f"files.holders/{entry.group_number:02d}-{entry.member_number:02d}-{LONG.lower()}.pdf",
            ("pass", "fail", "skipped")[index % 3],
            f"the kit of {entry.holder} hashes to {entry.holder_pdf_sha256} (bag {entry.bag_serial})",
        )
        for index, entry in enumerate(record.shares[:40])
    ]
    return AuditSheet(
        kit="/media/" + "very-long-removable-medium-name/" * 4 + "kit",
        ceremony_name=record.ceremony_name,
        ceremony_id=record.ceremony_id,
        plan_hash_hex=record.plan_sha256,
        plan_hash_words="one two three four five six seven eight nine ten eleven twelve",
        transcript_head_words="alpha beta gamma delta echo fox golf hotel india juliet kilo lima",
        tool=record.tool,
        rows=tuple(rows),
        demo=True,
        unanchored=("the transcript: " + LONG,),
    )
