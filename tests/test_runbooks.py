"""The runbooks as reviewed Markdown: one step list for screen and paper, every quoted command real,
every placeholder and condition known, facts filled in safely."""

from __future__ import annotations

import hashlib
import os
import re
import shlex
from dataclasses import replace
from functools import cache
from pathlib import Path

import pytest
import typer

from ceremony import markdown
from ceremony.errors import OutputFailed
from ceremony.model.record import Record
from ceremony.model.runbook import (
    BLANK,
    CONDITIONS,
    PLACEHOLDERS,
    RUNBOOKS,
    STEPS_BEGIN,
    Facts,
    Steps,
    Table,
    conditions_in,
    escape,
    fill,
    placeholders_in,
    read_source,
    runbook_sha256,
    source_path,
    steps_markdown,
    steps_region,
    with_steps,
)
from ceremony.model.scheme import SecretKind
from ceremony.model.steps import ceremony_script
from ceremony.workflows.runbooks import (
    delay_summary,
    facts_from_plan,
    facts_from_record,
    fill_runbooks,
    recover_command,
)
from tests.helpers.runbooks import HOLDERS, demo_record

# ---------------------------------------------------------------- one step list


def _script_steps(text: str) -> dict[str, tuple[str, str, str, str]]:
    runbook = markdown.parse("ceremony-script", text)
    return {
        step.id: (step.who.lower(), step.text, step.check, step.note)
        for section in runbook.sections
        if section.title.startswith("Act ")
        for block in section.blocks
        if isinstance(block, Steps)
        for step in block.steps
    }


def test_ceremony_script_numbers_are_those_of_ceremony_run() -> None:
    expected = [step for act in ceremony_script() for step in act.steps]
    parsed = _script_steps(read_source("ceremony-script"))
    assert list(parsed) == [step.id for step in expected]
    for step in expected:
        who, text, check, _ = parsed[step.id]
        assert (who, text, check) == (step.who, step.action, step.check), step.id


def test_the_markdown_copy_of_the_steps_is_current() -> None:
    """The steps between the markers are generated; a change to the TOML must be copied over.

    Run with CEREMONY_REFRESH_RUNBOOKS=1 to rewrite the copy from templates/ceremony-steps.toml.
    """
    path = source_path("ceremony-script")
    source = path.read_text(encoding="utf-8")
    current = steps_markdown(ceremony_script())
    if os.environ.get("CEREMONY_REFRESH_RUNBOOKS") == "1":
        path.write_text(with_steps(source, current), encoding="utf-8")
        source = path.read_text(encoding="utf-8")
    assert steps_region(source) == current, (
        "runbooks/ceremony-script.md is out of date with templates/ceremony-steps.toml: "
        "run `CEREMONY_REFRESH_RUNBOOKS=1 .venv/bin/pytest tests/test_runbooks.py`"
    )


def test_acts_in_the_markdown_follow_the_toml() -> None:
    titles = [
        section.title
        for section in markdown.parse("ceremony-script", read_source("ceremony-script")).sections
        if section.title.startswith("Act ")
    ]
    assert titles == [f"Act {act.number}: {act.title}" for act in ceremony_script()]


def test_filled_script_keeps_only_the_steps_this_ceremony_takes() -> None:
    conditional = {s.id: s.when for act in ceremony_script() for s in act.steps if s.when}
    assert set(conditional.values()) == {"dice", "timelock", "consent"}
    dice_step = next(i for i, w in conditional.items() if w == "dice")
    lock_step = next(i for i, w in conditional.items() if w == "timelock")

    plain = _script_steps(fill("ceremony-script", facts_from_record(demo_record(mode=None))))
    assert lock_step not in plain
    assert plain[dice_step][3] == CONDITIONS["dice"], "unrecorded dice: kept, marked"

    full = _script_steps(
        fill("ceremony-script", facts_from_record(demo_record(dice=True, mode="evidenced")))
    )
    assert lock_step in full
    assert full[dice_step][3] == ""
    no_dice = _script_steps(fill("ceremony-script", facts_from_record(demo_record(dice=False))))
    assert dice_step not in no_dice
    ids = [s.id for act in ceremony_script() for s in act.steps]
    assert [i for i in ids if i in no_dice] == list(no_dice), "ids never renumbered"


def test_references_to_acts_and_steps_exist() -> None:
    acts = {act.number for act in ceremony_script()}
    steps = {s.id for act in ceremony_script() for s in act.steps}
    for name in RUNBOOKS:
        text = read_source(name)
        for number in re.findall(r"\bact (\d+)\b", text, re.IGNORECASE):
            assert int(number) in acts, f"{name}.md names act {number}, which does not exist"
        if name == "ceremony-script":
            for ref in re.findall(r"\bstep (\d+\.\d+)\b", text, re.IGNORECASE):
                assert ref in steps, f"{name}.md names step {ref}, which does not exist"


# ---------------------------------------------------------------- every runbook


@pytest.mark.parametrize("name", RUNBOOKS)
def test_runbook_parses_with_numbered_parts(name: str) -> None:
    runbook = markdown.parse(name, read_source(name))
    assert runbook.title
    assert runbook.title[0].isupper()
    steps = runbook.steps()
    assert steps, f"{name}.md has no numbered steps under an Act or Part heading"
    assert len({s.id for s in steps}) == len(steps), "step ids are unique"
    for section in runbook.sections:
        if section.number is not None and name != "ceremony-script":
            numbers = [
                int(step.id.split(".")[1])
                for block in section.blocks
                if isinstance(block, Steps)
                for step in block.steps
            ]
            assert numbers == list(range(1, len(numbers) + 1)), section.title
            assert all(
                step.id.startswith(f"{section.number}.")
                for step in runbook.steps()
                if step.id.split(".")[0] == str(section.number)
            )
    numbered = [s.number for s in runbook.sections if s.number is not None]
    if name != "ceremony-script":
        assert numbered == list(range(1, len(numbered) + 1)), "parts are numbered 1, 2, 3, ..."


@pytest.mark.parametrize("name", RUNBOOKS)
def test_placeholders_and_conditions_are_known(name: str) -> None:
    source = read_source(name)
    assert placeholders_in(source) <= PLACEHOLDERS, placeholders_in(source) - PLACEHOLDERS
    assert conditions_in(source) <= set(CONDITIONS), conditions_in(source) - set(CONDITIONS)


@pytest.mark.parametrize("name", RUNBOOKS)
def test_steps_are_short(name: str) -> None:
    """Every step one action: a sentence or two, not a paragraph."""
    for step in markdown.parse(name, read_source(name)).steps():
        words = len(markdown.plain_text(step.text).split())
        assert words <= 30, f"{name} step {step.id} has {words} words: split it"


@pytest.mark.parametrize("mode", [None, "evidenced", "sealed"])
@pytest.mark.parametrize("name", RUNBOOKS)
def test_filled_runbooks_leave_no_placeholder(name: str, mode: str | None) -> None:
    text = fill(name, facts_from_record(demo_record(mode=mode, consent=mode == "sealed")))
    left = re.findall(r"(?<!\\)\{[a-z_]+\}", text)
    assert not left, f"{name}: {left} not filled"
    assert "<!-- when:" not in text
    if name != "ceremony-script":
        assert STEPS_BEGIN not in text


def test_sections_follow_the_recovery_mode() -> None:
    def titles(record: Record) -> list[str]:
        runbook = markdown.parse(
            "recovery-script", fill("recovery-script", facts_from_record(record))
        )
        return [s.title for s in runbook.sections]

    evidenced = titles(demo_record(mode="evidenced"))
    assert any("Evidenced delay" in t for t in evidenced)
    assert not any("Sealed time lock" in t or "Consent card" in t for t in evidenced)
    sealed = titles(demo_record(mode="sealed", consent=True))
    assert any("Sealed time lock" in t for t in sealed)
    assert any("Consent card" in t for t in sealed)
    assert any("modulus" in t.lower() for t in sealed)
    # Parts are renumbered after the ones left out, so they still read 1, 2, 3, ...
    runbook = markdown.parse(
        "recovery-script", fill("recovery-script", facts_from_record(demo_record()))
    )
    numbers = [s.number for s in runbook.sections if s.number is not None]
    assert numbers == sorted(numbers)


def test_a_holder_name_is_printed_as_written() -> None:
    text = fill("ceremony-script", facts_from_record(demo_record()))
    runbook = markdown.parse("ceremony-script", text)
    tables = [
        block
        for section in runbook.sections
        for block in section.blocks
        if isinstance(block, Table) and block.kind == "sealing"
    ]
    assert len(tables) == 1
    holders = [markdown.plain_text(row[0]) for row in tables[0].rows]
    assert holders == [name for names in HOLDERS for name in names]
    assert all(row[5] == BLANK for row in tables[0].rows), "no serials yet: blanks to write in"


def test_bag_serials_fill_the_table_once_recorded() -> None:
    text = fill("ceremony-script", facts_from_record(demo_record(bags=True)))
    assert "TE-1001" in text
    assert "TE-3001" in text


def test_escape_round_trips_through_the_inline_parser() -> None:
    for value in ("a|b", "*x*", "`c`", "{fingerprint}", "back\\slash", "<!-- x -->", "José"):
        assert markdown.plain_text(escape(value)) == value


def test_unknown_placeholders_and_conditions_are_template_bugs() -> None:
    facts = facts_from_record(demo_record())
    with pytest.raises(OutputFailed, match="placeholder"):
        fill("shareholder-guide", facts, source="# T\n\nHello {nobody}.\n")
    with pytest.raises(OutputFailed, match="condition"):
        fill("shareholder-guide", facts, source="# T\n\n## Part 1: A <!-- when: moon -->\n")
    with pytest.raises(OutputFailed, match="table"):
        fill("shareholder-guide", facts, source="# T\n\n<!-- table: nothing -->\n")


def test_conditional_steps_are_dropped_and_parts_renumbered() -> None:
    source = (
        "# T\n\n## Part 1: A\n\n1. First.\n2. Only sealed. <!-- when: sealed -->\n"
        "   *Check:* gone too.\n3. Third.\n   *Check:* kept.\n"
    )
    facts = Facts(values={}, conditions=frozenset({"evidenced"}))
    steps = markdown.parse("t", fill("shareholder-guide", facts, source=source)).steps()
    assert [(s.id, s.text, s.check) for s in steps] == [
        ("1.1", "First.", ""),
        ("1.2", "Third.", "kept."),
    ]


def test_unknown_facts_become_blanks_to_write_in() -> None:
    text = fill("shareholder-guide", Facts(values={"ceremony_name": "X"}))
    assert BLANK in text
    assert '"X"' in text


def test_runbook_hash_is_the_sha256_of_the_filled_text() -> None:
    for runbook in fill_runbooks(facts_from_record(demo_record())):
        assert runbook.sha256 == hashlib.sha256(runbook.text.encode()).hexdigest()
        assert runbook.sha256 == runbook_sha256(
            fill(runbook.name, facts_from_record(demo_record()))
        )


def test_facts_state_both_delay_bounds() -> None:
    record = demo_record()
    assert record.timelock is not None
    summary = delay_summary(record.timelock)
    assert "about 3 days" in summary
    assert "at least 7 hours" in summary
    assert "10 times" in summary
    assert delay_summary(None).startswith("none")
    facts = facts_from_record(record)
    assert facts.values["fingerprint"] == "4bbfed8a"
    assert facts.values["groups"] == "treasury (2 of 3), family (2 of 3), lawyer (1 of 1)"
    assert facts.values["minimum_holders"] == "3"


def test_recover_command_follows_kind_and_lock() -> None:
    assert recover_command(demo_record()) == "python3 recover.py shares.txt"
    assert "--kind bip39" in recover_command(demo_record(kind=SecretKind.BIP39))
    sealed = recover_command(demo_record(mode="sealed"))
    assert "--timelock-n" in sealed
    assert "--timelock-t 12960000000" in sealed


def test_facts_from_the_plan_before_the_ceremony() -> None:
    from ceremony.planfile.plan import load_plan
    from ceremony.templates import template_path

    plan = load_plan(template_path("plan-example.toml"))
    facts = facts_from_plan(plan)
    assert facts.holds("dice") is True  # the example plan rolls dice
    text = fill("ceremony-script", facts)
    assert plan.hash_words in text
    assert facts.value("fingerprint") == BLANK
    steps = _script_steps(text)
    dice_step = next(s.id for act in ceremony_script() for s in act.steps if s.when == "dice")
    assert dice_step in steps


# ---------------------------------------------------------------- quoted commands


PLANNED = {
    "demo",
    "plan new",
    "plan check",
    "plan print",
    "preflight",
    "run",
    "split",
    "combine",
    "verify-shares",
    "check-share",
    "repair",
    "recover start",
    "recover status",
    "recover wait",
    "recover unlock",
    "recover cancel",
    "audit",
    "runbook render",
}
"""The command-line surface of DESIGN section 13: commands another engineer may still be adding."""


def quoted_commands(text: str) -> list[str]:
    """Every `ceremony ...` in a code span or at the start of a code-block line."""
    found = re.findall(r"`(ceremony [^`]+)`", text)
    in_code = False
    for line in text.splitlines():
        if line.startswith("```"):
            in_code = not in_code
            continue
        stripped = line.strip().removeprefix("$ ")
        if in_code and stripped.startswith("ceremony "):
            found.append(stripped)
    return found


@cache
def _root() -> object:
    import ceremony.cli.runbook  # noqa: F401  (registers `runbook render`, if not yet listed)
    from ceremony.cli.app import _load_commands
    from ceremony.cli.base import app

    _load_commands()
    return typer.main.get_command(app)


def resolve(args: list[str]) -> tuple[list[str], object | None, list[str]]:
    """Walk sub-commands: the path found, the command (None if missing), the remaining args."""
    command = _root()
    path: list[str] = []
    while isinstance(getattr(command, "commands", None), dict) and args:
        if args[0].startswith("-"):
            break
        child = command.commands.get(args[0])  # type: ignore[attr-defined]
        if child is None:
            return [*path, args[0]], None, args[1:]
        path.append(args[0])
        command, args = child, args[1:]
    return path, command, args


def _is_path(param: object) -> bool:
    annotation = getattr(getattr(param, "type_descriptor", None), "annotation", None)
    return annotation is Path or Path in getattr(annotation, "__args__", ())


def _cases() -> list[object]:
    cases: list[object] = []
    for name in RUNBOOKS:
        for quoted in dict.fromkeys(quoted_commands(read_source(name))):
            path, command, _ = resolve(shlex.split(quoted)[1:])
            marks = []
            if command is None and " ".join(path) in PLANNED:
                marks.append(
                    pytest.mark.xfail(
                        reason=f"`ceremony {' '.join(path)}` is not registered yet", strict=False
                    )
                )
            cases.append(pytest.param(name, quoted, marks=marks, id=f"{name}: {quoted}"))
    return cases


@pytest.mark.parametrize(("name", "quoted"), _cases())
def test_quoted_command_exists_and_its_options_parse(name: str, quoted: str) -> None:
    tokens = shlex.split(quoted)[1:]
    for stop in (">", "<", "|"):
        if stop in tokens:
            tokens = tokens[: tokens.index(stop)]
    path, command, args = resolve(tokens)
    assert command is not None, (
        f"{name}.md quotes `{quoted}`, but `ceremony {' '.join(path)}` does not exist"
    )
    assert getattr(command, "commands", None) is None, f"{name}.md quotes a group: `{quoted}`"
    try:
        command.make_context(" ".join(path), list(args))  # type: ignore[attr-defined]
    except typer.BadParameter as exc:
        # A placeholder path (KIT, SESSION) need not exist; any other bad value is a mistake.
        missing = type(exc).__name__ == "MissingParameter"
        if missing or not _is_path(getattr(exc, "param", None)):
            pytest.fail(f"{name}.md: `{quoted}` does not parse: {exc}")
    except typer.TyperException as exc:
        pytest.fail(f"{name}.md: `{quoted}` does not parse: {exc}")


def test_quoted_commands_are_found() -> None:
    text = "Run `ceremony audit KIT --json`.\n\n```\n$ ceremony preflight\nls\n```\n"
    assert quoted_commands(text) == ["ceremony audit KIT --json", "ceremony preflight"]


def test_a_record_with_every_option_renders_every_runbook() -> None:
    record = demo_record(
        mode="sealed", consent=True, dice=True, bags=True, passphrase=True, kind=SecretKind.BIP39
    )
    record = replace(record, transcript_head=hashlib.sha256(b"t").hexdigest())
    for runbook in fill_runbooks(facts_from_record(record)):
        assert runbook.steps()


def test_parser_reads_every_block_kind() -> None:
    from ceremony.model.runbook import Bullets, Code, Numbered, Paragraph

    source = (
        "# Title\n\nIntro line one\nline two.\n\n## Notes\n\n- a\n- b\n  c\n\n1. first\n2. second\n\n"
        "```\nceremony audit KIT\n```\n\n| A | B |\n|---|---|\n| x \\| y | |\n\n"
        "## Part 1: Do <!-- exception-sheets: 3 -->\n\n1. **Witness** (only if dice are rolled): Roll.\n"
        "   *Check:* Rolled\n   well.\n\n2. Next.\n"
    )
    runbook = markdown.parse("t", source)
    assert runbook.title == "Title"
    assert runbook.intro == (Paragraph("Intro line one line two."),)
    notes, part = runbook.sections
    assert [type(b) for b in notes.blocks] == [Bullets, Numbered, Code, Table]
    assert notes.blocks[0] == Bullets(("a", "b\nc"))
    assert notes.blocks[1] == Numbered(((1, "first"), (2, "second")))
    assert notes.blocks[2] == Code(("ceremony audit KIT",))
    table = notes.blocks[3]
    assert isinstance(table, Table)
    assert table.header == ("A", "B")
    assert table.rows == (("x | y", ""),)  # GFM: an escaped pipe is a pipe inside the cell
    assert (part.number, part.exception_sheets, part.title) == (1, 3, "Part 1: Do")
    first, second = runbook.steps()
    assert (first.id, first.who, first.note, first.text, first.check) == (
        "1.1",
        "Witness",
        "only if dice are rolled",
        "Roll.",
        "Rolled well.",
    )
    assert (second.id, second.text) == ("1.2", "Next.")


def test_public_runbooks_print_names_never_contact_details() -> None:
    record = demo_record()
    shares = tuple(
        replace(e, contact=f"{e.holder.split()[0].lower()}@example.org") for e in record.shares
    )
    record = replace(record, shares=shares)
    for name in RUNBOOKS:
        text = fill(name, facts_from_record(record))
        assert "@example.org" not in text, name


def test_figures_read_aloud_have_thousands_separators() -> None:
    record = demo_record(mode="sealed")
    assert record.timelock is not None
    assert record.timelock.iterations >= 1000
    facts = facts_from_record(record)
    grouped = f"{record.timelock.iterations:,}"
    assert facts.values["timelock_t"] == facts.values["delay_work"] == grouped
    assert f"T = {grouped} squarings" in " ".join(fill("recovery-script", facts).split())
