"""Every document of a stress plan, on Letter and A4, read back from the PDF as a reader sees it:
16 groups, two of 8 holders, 40-character names, 64-character bag serials. Fails on text outside
the printable area or over other text, a check code broken across lines, a heading alone at the
foot of a page, or a page of another paper size."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from dataclasses import replace

import pypdfium2 as pdfium
import pytest

from ceremony.core.slip39 import wordlist
from ceremony.model.record import IssuedShare, Record, TimeLockInfo
from ceremony.model.scheme import GroupSpec, SecretKind
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.plan_sheet import PlanSheet, render_plan_sheet
from ceremony.paper.record import render_record
from ceremony.paper.specimen import SpecimenGroup, specimen_kits
from ceremony.workflows import kit as kits
from ceremony.workflows.runbooks import (
    facts_from_record,
    record_meta,
    render_all,
    render_recover_appendix,
)

LONG = "Maximiliane Wolfeschlegelsteinhausenberg"
MARGIN = 8 * MM
"""Nothing may print closer to the paper's edge: office printers lose about 5 mm."""
FOOT = 21 * MM
"""Below this, a page holds only its footer."""

Rect = tuple[float, float, float, float]


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


def overprinted(rects: list[Rect]) -> list[tuple[Rect, Rect]]:
    found = []
    for a, (l1, b1, r1, t1) in enumerate(rects):
        for l2, b2, r2, t2 in rects[a + 1 :]:
            w, h = min(r1, r2) - max(l1, l2), min(t1, t2) - max(b1, b2)
            small = min((r1 - l1) * (t1 - b1), (r2 - l2) * (t2 - b2))
            if w > 1 and h > 1 and w * h > 0.3 * small:
                found.append(((l1, b1, r1, t1), (l2, b2, r2, t2)))
    return found


def alone_at_foot(text: pdfium.PdfTextPage, rects: list[Rect], heading: str) -> bool:
    """Whether `heading` is the lowest text of the page above its footer."""
    searcher = text.search(heading, match_case=True, match_whole_word=False)
    found = searcher.get_next()
    while found is not None:
        start, count = found
        bottom = min(text.get_charbox(i)[1] for i in range(start, start + count))
        body = [b for _, b, _, t in rects if t > FOOT and b < bottom - 1]
        if not body:
            return True
        found = searcher.get_next()
    return False


@pytest.mark.slow
@pytest.mark.parametrize("size", list(PaperSize), ids=str)
def test_every_document_of_a_stress_plan_reads_cleanly(size: PaperSize) -> None:
    record = stress_record()
    codes = [entry.check_code for entry in record.shares]
    problems: list[str] = []
    for name, pdf_bytes, headings in documents(size):
        pdf = pdfium.PdfDocument(pdf_bytes)
        whole = ""
        for index in range(len(pdf)):
            page = pdf[index]
            where = f"{name}, page {index + 1}"
            width, height = page.get_size()
            if abs(width - size.points[0]) > 0.5 or abs(height - size.points[1]) > 0.5:
                problems.append(f"{where}: {width:.0f} x {height:.0f} pt, not {size.value}")
            text = page.get_textpage()
            rects = [text.get_rect(i) for i in range(text.count_rects())]
            for left, bottom, right, top in rects:
                if (
                    left < MARGIN
                    or right > width - MARGIN
                    or bottom < MARGIN
                    or top > height - MARGIN
                ):
                    problems.append(f"{where}: text outside the printable area at x={right:.0f}")
                    break
            for first, _ in overprinted(rects)[:1]:
                problems.append(f"{where}: text printed over other text at {first[:2]}")
            if index < len(pdf) - 1:
                for heading in headings:
                    if alone_at_foot(text, rects, heading):
                        problems.append(f"{where}: heading {heading!r} alone at the foot")
            whole += text.get_text_range()
        if name in ("record", "ceremony-script"):
            broken = [code for code in codes if code not in whole]
            if broken:
                problems.append(f"{name}: check code {broken[0]} broken across lines")
    assert not problems, "\n".join(problems[:20])
