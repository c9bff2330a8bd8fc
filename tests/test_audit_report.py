"""The printed audit report: deterministic bytes, every check on paper, failures marked, a place to
sign, and long reports that run over several pages with the table header repeated."""

from __future__ import annotations

import pytest
from pypdf import PdfReader

from ceremony.errors import BadInput
from ceremony.paper.audit_report import AuditRow, AuditSheet, render_audit_report
from ceremony.paper.content import PaperSize
from ceremony.paper.wording import load, placeholders


def sheet(rows: int = 3, *, failed: int = 0, demo: bool = False) -> AuditSheet:
    items = [
        AuditRow(
            f"files.holders/{n:02d}-01-holder-{n}.pdf", "pass", f"the kit of holder {n} matches"
        )
        for n in range(1, rows + 1)
    ]
    for n in range(failed):
        items[n] = AuditRow(items[n].name, "fail", f"hashes to 0123456789abcdef...; holder {n + 1}")
    items.append(AuditRow("plan.hash", "skipped", "no plan given"))
    return AuditSheet(
        kit="/media/kit",
        ceremony_name="Acme treasury",
        ceremony_id="ABCD-1234-EF56",
        plan_hash_hex="ab" * 32,
        plan_hash_words="one two three four five six seven eight nine ten eleven twelve",
        transcript_head_words="alpha beta gamma delta echo fox golf hotel india juliet kilo lima",
        tool="ceremony 0.1.0",
        rows=tuple(items),
        demo=demo,
    )


def text(pdf: bytes) -> list[str]:
    import io

    return [page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages]


def test_the_same_results_give_the_same_bytes() -> None:
    assert render_audit_report(sheet(), PaperSize.A4) == render_audit_report(sheet(), PaperSize.A4)
    assert render_audit_report(sheet(), PaperSize.A4) != render_audit_report(
        sheet(), PaperSize.LETTER
    )


def test_every_check_and_the_signature_lines_are_printed() -> None:
    pages = text(render_audit_report(sheet(4), PaperSize.A4))
    everything = "\n".join(pages)
    for n in range(1, 5):
        assert f"files.holders/{n:02d}-01-holder-{n}.pdf" in everything
    assert "Anchored: 4 passed, 1 skipped, none failed" in everything
    assert "All checks passed" not in everything
    assert "alpha beta gamma delta" in everything
    assert "ABCD-1234-EF56" in everything
    for caption in ("Auditor", "Name", "Signature", "Date"):
        assert caption in everything
    assert "DEMO" not in everything


def test_an_unanchored_report_says_so_and_lists_what_is_not_anchored() -> None:
    import dataclasses

    unanchored = dataclasses.replace(
        sheet(2), unanchored=("the ceremony transcript's head", "recovery session X: its notice")
    )
    everything = " ".join(" ".join(text(render_audit_report(unanchored, PaperSize.A4))).split())
    assert "Consistent but unanchored: 2 passed, 1 skipped, none failed." in everything
    assert "a forger who rewrites every public file consistently passes too" in everything
    assert "the ceremony transcript's head" in everything
    assert "recovery session X: its notice" in everything
    assert "Anchored:" not in everything


def test_failures_are_counted_and_marked() -> None:
    everything = "\n".join(text(render_audit_report(sheet(5, failed=2), PaperSize.A4)))
    assert "2 of 6 checks FAILED (3 passed, 1 skipped)" in everything
    assert everything.count("FAIL") >= 3


def test_a_long_report_repeats_the_table_header_on_each_page() -> None:
    pages = text(render_audit_report(sheet(60, demo=True), PaperSize.LETTER))
    assert len(pages) >= 3
    with_table = [p for p in pages if "files.holders/" in p]
    assert len(with_table) >= 2
    assert all("What was found" in page for page in with_table)
    assert all("DEMO" in page for page in pages)
    assert "files.holders/60-01-holder-60.pdf" in "\n".join(pages)


def test_bad_values_are_refused() -> None:
    with pytest.raises(BadInput):
        AuditRow("x", "maybe", "")
    with pytest.raises(BadInput):
        AuditSheet("k", "", "", "", "", "", "t", ())


def test_an_unreadable_record_still_gives_a_report() -> None:
    unknown = AuditSheet(
        kit="/k",
        ceremony_name="",
        ceremony_id="",
        plan_hash_hex="",
        plan_hash_words="",
        transcript_head_words="",
        tool="ceremony 0.1.0",
        rows=(AuditRow("record.read", "fail", "record.json is missing from the kit"),),
    )
    everything = "\n".join(text(render_audit_report(unknown, PaperSize.A4)))
    assert "(unknown: the record could not be read)" in everything
    assert "record.json is missing from the kit" in everything


def test_the_wording_uses_only_known_placeholders() -> None:
    wording = load("paper", "audit.toml")
    known = {"ceremony_name", "ceremony_id", "kit", "tool", "checks", "passed", "failed", "skipped"}
    known |= {"plan_hash_hex", "plan_hash_words", "transcript_head_words", "demo"}

    def walk(node: object) -> None:
        if isinstance(node, str):
            assert placeholders(node) <= known, node
        elif isinstance(node, dict):
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(dict(wording.data))
