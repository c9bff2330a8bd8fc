"""`ceremony demo` (what `make demo` runs): the whole mission, every page marked DEMO, and a kit
that passes the audit, recovery session included."""

from __future__ import annotations

import json
import shlex
from pathlib import Path

from pypdf import PdfReader

from ceremony.workflows.audit import Status, Verdict, audit_kit
from tests.helpers.cli import run_cli


def test_demo_runs_the_whole_mission(tmp_path: Path) -> None:
    result = run_cli(["demo", "--out", str(tmp_path)])
    assert result.code == 0, result.err[-3000:]
    kit = tmp_path / "demo-kit"
    assert "it IS the recorded secret" in result.err
    assert "proof chain of" in result.err
    pdfs = sorted(kit.rglob("*.pdf"))
    assert len(pdfs) >= 7 + 1 + 6 + 1  # holder kits, record, runbooks, recovery notice
    for pdf in pdfs:
        if pdf.name == "recover-py-appendix.pdf":
            continue  # a program listing, not ceremony paper
        for number, page in enumerate(PdfReader(pdf).pages, start=1):
            assert "DEMO" in page.extract_text(), f"{pdf.relative_to(kit)} page {number}"
    report = audit_kit(kit)
    failed = [c for c in report.checks if c.status is Status.FAIL]
    assert not failed, failed
    assert report.verdict is Verdict.UNANCHORED
    assert any(c.name.endswith(".outcome") and c.status is Status.PASS for c in report.checks)
    # run what it prints: the anchored audit commands, of the kit and of its extension
    printed = [line.strip() for line in result.err.splitlines() if "ceremony audit " in line]
    assert len(printed) == 2
    args = shlex.split(printed[1])
    assert args[:3] == ["ceremony", "audit", str(kit)]
    audited = run_cli(args[1:])
    assert audited.code == 0, audited.out
    assert audited.out.splitlines()[-1].startswith("anchored: ")
    # the lifecycle step: one group extended after the recovery, and its audit follows the chain
    extended = tmp_path / "demo-kit-extend"
    args = shlex.split(printed[0])
    assert args[:5] == ["ceremony", "audit", str(extended), "--chain", str(kit)]
    chained = run_cli([*args[1:], "--json"])
    assert chained.code == 0, chained.out[-3000:]
    report = json.loads(chained.out)
    assert [row["kind"] for row in report["chain"]["history"]] == ["ceremony", "extend"]
    assert not [c for c in report["checks"] if c["status"] == "fail"]
    assert "Hana DEMO-Newholder" in (extended / "record.json").read_text(encoding="utf-8")
    # a second demo goes into a fresh directory
    assert run_cli(["demo", "--out", str(tmp_path)]).code == 0
    assert (tmp_path / "demo-kit-2" / "record.json").exists()
