"""Runbook PDFs as a witness and an auditor use them: every step printed with a box, time and
initials; the ceremony's facts filled in; the runbook hash on every page and recomputable; the
same bytes for the same record; files written atomically and checked against the record."""

from __future__ import annotations

import hashlib
import io
import re
from dataclasses import replace
from functools import cache
from pathlib import Path

import pypdf
import pytest

from ceremony.errors import NotVerified, Refused
from ceremony.markdown import parse, plain_text
from ceremony.model.runbook import RUNBOOKS, Runbook, read_source
from ceremony.paper.content import PaperSize
from ceremony.paper.runbook import RunbookMeta, render_runbook
from ceremony.workflows.runbooks import (
    APPENDIX,
    check_runbooks,
    facts_from_record,
    fill_runbooks,
    render_runbooks,
)
from tests.helpers.cli import run_cli
from tests.helpers.paths import ROOT
from tests.helpers.runbooks import HOLDERS, demo_record


@cache
def rendered() -> dict[str, tuple[Runbook, bytes]]:
    record = demo_record()
    meta = RunbookMeta(record.ceremony_name, record.ceremony_id, record.demo)
    return {
        runbook.name: (runbook, render_runbook(runbook, meta, PaperSize.A4))
        for runbook in fill_runbooks(facts_from_record(record))
    }


@cache
def pages(name: str) -> tuple[str, ...]:
    reader = pypdf.PdfReader(io.BytesIO(rendered()[name][1]))
    return tuple(page.extract_text() for page in reader.pages)


def squeeze(text: str) -> str:
    """Text without any whitespace: wrapping may break lines anywhere between words."""
    return re.sub(r"\s+", "", text)


@pytest.mark.parametrize("name", RUNBOOKS)
def test_every_step_is_printed_with_its_text(name: str) -> None:
    runbook, _ = rendered()[name]
    text = squeeze("".join(pages(name)))
    for step in runbook.steps():
        assert squeeze(step.id) in text
        assert squeeze(plain_text(step.text)) in text, f"{name} {step.id}"
        if step.check:
            assert squeeze("Check: " + plain_text(step.check)) in text, f"{name} {step.id}"
    if runbook.steps():
        assert "Initials" in text
        assert "Time" in text
        assert "Done" in text


def test_ceremony_script_prints_every_step_of_ceremony_run() -> None:
    from ceremony.model.steps import ceremony_script

    text = squeeze("".join(pages("ceremony-script")))
    for act in ceremony_script():
        assert squeeze(f"Act {act.number}: {act.title}") in text
        for step in act.steps:
            if step.when == "timelock" or not step.when:  # this record has an evidenced delay
                assert squeeze(step.id + step.who.upper() + step.action) in text, step.id


def test_the_facts_are_filled_in() -> None:
    text = squeeze("".join(pages("ceremony-script")))
    record = demo_record()
    for fact in (
        record.ceremony_name,
        record.ceremony_id,
        record.fingerprint,
        record.commitment,
        "2 of 3 groups: treasury (2 of 3), family (2 of 3), lawyer (1 of 1)",
        "about 3 days on the ceremony computer",
        "at least 7 hours on hardware 10 times faster",
        "Olivia Example",
        "Wendy Example",
        "Walter Example",
        *(name for names in HOLDERS for name in names),
    ):
        assert squeeze(fact) in text, fact
    recovery = squeeze("".join(pages("recovery-script")))
    assert squeeze("python3 recover.py shares.txt") in recovery
    assert record.recover_py_sha256 in recovery


def test_bag_serials_are_printed_once_known() -> None:
    record = demo_record(bags=True)
    runbook = parse("ceremony-script", fill_runbooks(facts_from_record(record))[0].text)
    meta = RunbookMeta(record.ceremony_name, record.ceremony_id, record.demo)
    pdf = render_runbook(runbook, meta, PaperSize.LETTER)
    text = "".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)
    assert "TE-1001" in text
    assert "TE-3001" in text


@pytest.mark.parametrize("name", RUNBOOKS)
def test_the_runbook_hash_is_on_every_page(name: str) -> None:
    runbook, pdf = rendered()[name]
    digest = runbook.sha256
    assert digest == hashlib.sha256(runbook.text.encode()).hexdigest()
    first = squeeze(pages(name)[0])
    assert digest in first, "the full hash on the first page"
    short = f"{digest[:8]} {digest[8:16]}"
    for number, text in enumerate(pages(name), start=1):
        assert short in text, f"page {number} lacks the runbook hash"
        assert squeeze("SHA-256 of the filled-in runbook text") in squeeze(text)
    assert pypdf.PdfReader(io.BytesIO(pdf)).metadata.subject.endswith(digest)


@pytest.mark.parametrize("name", RUNBOOKS)
def test_demo_band_on_every_page(name: str) -> None:
    assert all("DEMO" in text for text in pages(name))


def test_exception_sheets_and_attestation() -> None:
    texts = pages("ceremony-script")
    sheets = [t for t in texts if "Exception sheet" in t and "What happened" in t]
    assert len(sheets) == 2
    assert "Exception sheet 1 of 2" in sheets[0]
    assert "Exception sheet 2 of 2" in sheets[1]
    last = texts[-1]
    assert "Attestation" in last
    for label in ("Signature", "Date and time", "Administrator", "Witness", "Auditor"):
        assert label in last
    assert "Wendy Example" in last
    assert "Walter Example" in last


def test_same_record_same_bytes() -> None:
    record = demo_record()
    meta = RunbookMeta(record.ceremony_name, record.ceremony_id, record.demo)
    for size in PaperSize:
        first = [render_runbook(r, meta, size) for r in fill_runbooks(facts_from_record(record))]
        again = [render_runbook(r, meta, size) for r in fill_runbooks(facts_from_record(record))]
        assert first == again
    other = replace(record, fingerprint="00000000")
    changed = {r.name: r.sha256 for r in fill_runbooks(facts_from_record(other))}
    for name, (runbook, _) in rendered().items():
        if "{fingerprint}" in read_source(name):
            assert changed[name] != runbook.sha256, f"{name}: the hash covers the facts"


def test_pdfs_render_to_images() -> None:
    import pypdfium2

    document = pypdfium2.PdfDocument(rendered()["ceremony-script"][1])
    image = document[0].render(scale=0.5).to_pil()
    assert image.size[0] > 200
    assert image.getextrema() != ((255, 255), (255, 255), (255, 255))


# ---------------------------------------------------------------- files


def test_render_runbooks_writes_refuses_and_checks(tmp_path: Path) -> None:
    record = demo_record()
    out = tmp_path / "runbooks"
    paths = render_runbooks(record, out, PaperSize.A4, overwrite=False)
    assert sorted(p.name for p in paths) == sorted(
        [f"{name}.pdf" for name in RUNBOOKS] + [f"{APPENDIX}.pdf"]
    )
    assert all(p.stat().st_mode & 0o777 == 0o644 for p in paths)
    assert not [p for p in out.iterdir() if p.name.startswith(".")], "no temporary file left"
    before = {p.name: p.read_bytes() for p in paths}
    with pytest.raises(Refused):
        render_runbooks(record, out, PaperSize.LETTER, overwrite=False)
    assert {p.name: p.read_bytes() for p in paths} == before, "a refusal writes nothing"
    assert {r.status for r in check_runbooks(record, out)} == {"match"}

    render_runbooks(record, out, PaperSize.LETTER, overwrite=True)
    assert {r.status for r in check_runbooks(record, out)} == {"match"}, "either paper size"

    target = out / "recovery-script.pdf"
    target.write_bytes(target.read_bytes().replace(b"Recovery", b"Rec0very", 1))
    (out / "media-destruction.pdf").unlink()
    status = {r.file: r.status for r in check_runbooks(record, out)}
    assert status["recovery-script.pdf"] == "differs"
    assert status["media-destruction.pdf"] == "missing"
    assert status["ceremony-script.pdf"] == "match"


def test_runbooks_filled_before_sealing_are_stale(tmp_path: Path) -> None:
    """Runbooks written at act 5, before bag serials and the transcript head exist, say less than
    the final record: the check calls them stale (the appendix has no facts: it matches)."""
    final = replace(demo_record(bags=True), transcript_head=hashlib.sha256(b"t").hexdigest())
    early = replace(demo_record(), transcript_head="")
    render_runbooks(early, tmp_path / "kit", PaperSize.A4, overwrite=False)
    status = {r.file: r.status for r in check_runbooks(final, tmp_path / "kit")}
    assert status.pop(f"{APPENDIX}.pdf") == "match"
    assert set(status.values()) == {"stale"}
    render_runbooks(final, tmp_path / "late", PaperSize.A4, overwrite=False)
    assert {r.status for r in check_runbooks(final, tmp_path / "late")} == {"match"}
    other = replace(final, ceremony_name="Another ceremony")
    assert "differs" in {r.status for r in check_runbooks(other, tmp_path / "kit")}


def test_the_appendix_must_be_the_recorded_program(tmp_path: Path) -> None:
    record = replace(demo_record(), recover_py_sha256="0" * 64)
    with pytest.raises(NotVerified, match=r"recover\.py"):
        render_runbooks(record, tmp_path / "r", PaperSize.A4, overwrite=False)
    assert not (tmp_path / "r").exists()


def _kit(tmp_path: Path) -> Path:
    from ceremony.workflows.standalone import render_recover_py

    kit = tmp_path / "kit"
    kit.mkdir()
    (kit / "record.json").write_text(demo_record().to_json())
    (kit / "recover.py").write_text(render_recover_py())
    return kit


def test_command_renders_refuses_and_checks(tmp_path: Path) -> None:
    import ceremony.cli.runbook  # noqa: F401  (registers the command until the lead lists it)

    kit = _kit(tmp_path)
    result = run_cli(["runbook", "render", "--record", str(kit)])
    assert result.code == 0, result.err
    listed = dict(line.split("  ") for line in result.out.splitlines() if "  " in line)
    assert len(list((kit / "runbooks").glob("*.pdf"))) == len(RUNBOOKS) + 1
    again = run_cli(["runbook", "render", "--record", str(kit / "record.json")])
    assert again.code == 5
    assert "--force" in again.err
    assert run_cli(["runbook", "render", "--record", str(kit), "--check"]).code == 0

    md = tmp_path / "md"
    result = run_cli(
        [
            "runbook",
            "render",
            "--record",
            str(kit),
            "--out",
            str(md),
            "--markdown",
            "--paper",
            "letter",
        ]
    )
    assert result.code == 0, result.err
    for name in RUNBOOKS:
        digest = hashlib.sha256((md / f"{name}.md").read_bytes()).hexdigest()
        assert listed[str(kit / "runbooks" / f"{name}.pdf")] == digest, "sha256sum NAME.md"

    (kit / "runbooks" / "shareholder-guide.pdf").write_bytes(b"%PDF-1.4 forged")
    checked = run_cli(["runbook", "render", "--record", str(kit), "--check", "--json"])
    assert checked.code == 4
    assert '"differs"' in checked.out


def test_command_from_the_plan_before_the_ceremony(tmp_path: Path) -> None:
    import ceremony.cli.runbook  # noqa: F401

    plan = ROOT / "templates" / "plan-example.toml"
    out = tmp_path / "before"
    result = run_cli(["runbook", "render", "--plan", str(plan), "--out", str(out)])
    assert result.code == 0, result.err
    text = "".join(
        page.extract_text() for page in pypdf.PdfReader(out / "ceremony-script.pdf").pages
    )
    assert "Alice Example" in text
    assert squeeze(
        "Roll the dice and type the rolls as they fall; the screen shows counts"
    ) in squeeze(text)
    both = run_cli(["runbook", "render", "--plan", str(plan), "--record", "r.json"])
    assert both.code == 3


def test_source_runbooks_are_shipped_in_the_wheel() -> None:
    import tomllib

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    include = pyproject["tool"]["hatch"]["build"]["targets"]["wheel"]["force-include"]
    assert include.get("runbooks") == "ceremony/_data/runbooks"
    for name in RUNBOOKS:
        assert read_source(name).startswith("# ")
