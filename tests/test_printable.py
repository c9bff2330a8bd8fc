"""No tofu, ever: a name the kit's fonts cannot print as written is refused by `plan check` and by
`ceremony run`, naming the character, unless the plan gives a transliteration, which the paper
prints instead. Right-to-left scripts (which the paper cannot shape) are refused the same way."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest

from ceremony.errors import BadInput
from ceremony.paper.glyphs import unprintable
from ceremony.paper.plan_sheet import PlanSheet, render_plan_sheet
from ceremony.planfile.plan import parse_plan
from ceremony.workflows.printable import check_printable
from tests.helpers.cli import run_cli
from tests.helpers.plans import MINIMAL


def plan_with(name: str, extra: str = "") -> str:
    return MINIMAL.replace('{ name = "Bob" }', f'{{ name = "{name}"{extra} }}')


@pytest.mark.parametrize(
    ("name", "char", "why"),
    [
        ("李小龍", "U+674E", "not in the kit's fonts"),
        ("محمد", "U+0645", "right to left"),
        ("דוד", "U+05D3", "right to left"),
        ("Jose\u0301", "U+0301", "combining mark"),
    ],
)
def test_a_name_the_paper_cannot_print_is_refused(name: str, char: str, why: str) -> None:
    text = plan_with(name)
    with pytest.raises(BadInput) as caught:
        check_printable(parse_plan(text.encode()), "plan.toml")
    message = caught.value.message
    assert char in message
    assert why in message
    assert "groups[1].holders[2].name" in message
    assert "plan.toml, line 13" in message
    assert "transliteration" in caught.value.hint


def test_names_the_fonts_cover_pass() -> None:
    for name in ("Carol Nguyễn", "Bob Łukasz", "Émile Zoë", "Σωκράτης", "Чайковский"):
        assert unprintable(name) is None, name


def test_a_transliteration_is_what_the_paper_prints() -> None:
    plan = parse_plan(plan_with("李小龍", ', transliteration = "Li Xiaolong"').encode())
    check_printable(plan)
    holder = plan.groups[0].holders[1]
    assert holder.name == "李小龍"
    assert holder.printed_name == "Li Xiaolong"


def test_plan_check_refuses_with_a_hint(tmp_path: Path) -> None:
    path = tmp_path / "plan.toml"
    path.write_text(plan_with("李小龍"), encoding="utf-8")
    result = run_cli(["plan", "check", str(path)])
    assert result.code != 0
    assert "error:" in result.err
    assert "U+674E" in result.err
    assert "hint:" in result.err
    assert "Traceback" not in result.err


def test_the_plan_sheet_never_prints_a_box() -> None:
    """DejaVu Sans Mono lacks 'ễ': it is drawn in the sans face; a character no font has is
    spelled out as <U+XXXX>."""
    sheet = PlanSheet(
        title="t", text='name = "Carol Nguyễn 李"\n', sha256="0" * 64, hash_words="a b"
    )
    text = pypdf.PdfReader(io.BytesIO(render_plan_sheet(sheet))).pages[0].extract_text()
    assert "Nguyễn" in text
    assert "<U+674E>" in text
    assert "Reviewed and approved" in text
    assert "`" not in text


def test_a_ceremony_prints_the_transliteration_and_audits_clean(tmp_path: Path) -> None:
    from ceremony.ui.answers import ScriptedOperator
    from ceremony.workflows.audit import Status, audit_kit
    from ceremony.workflows.ceremony import Ceremony
    from tests.helpers.ceremony import SMALL_PLAN, pdf_text

    text = (
        SMALL_PLAN.read_text(encoding="utf-8")
        .replace(
            '{ name = "Łukasz", contact = "l@example.org" }',
            '{ name = "李小龍", transliteration = "Li Xiaolong", contact = "l@example.org" }',
        )
        .replace(
            'witnesses = ["Wim"]', 'witnesses = [{ name = "محمد", transliteration = "Muhammad" }]'
        )
    )
    plan_file = tmp_path / "plan.toml"
    plan_file.write_text(text, encoding="utf-8")
    plan = parse_plan(plan_file.read_bytes())
    kit = tmp_path / "kit"
    Ceremony(plan, ScriptedOperator(accept_preflight_failures=True, quiet=True), kit).run()
    (card,) = [p for p in (kit / "holders").iterdir() if "li-xiaolong" in p.name]
    assert "Li Xiaolong" in pdf_text(card)
    assert "Li Xiaolong" in pdf_text(kit / "record.pdf")
    assert "Muhammad" in pdf_text(kit / "record.pdf")
    assert "Muhammad" in pdf_text(kit / "runbooks" / "ceremony-script.pdf")
    report = audit_kit(kit, plan_file=plan_file)
    assert report.check("plan.record").status is Status.PASS


def test_ceremony_run_refuses_before_anything_is_written(tmp_path: Path) -> None:
    from ceremony.ui.answers import ScriptedOperator
    from ceremony.workflows.ceremony import Ceremony

    plan = parse_plan(plan_with("李小龍").encode())
    kit = tmp_path / "kit"
    with pytest.raises(BadInput, match="U\\+674E"):
        Ceremony(plan, ScriptedOperator(quiet=True), kit).run()
    assert not kit.exists()


ROLES = '[roles]\nadministrator = "Olivia"\nwitnesses = ["Wendy"]\n'


@pytest.mark.parametrize(
    ("role", "path"),
    [
        ('administrator = "李小龍"', "roles.administrator"),
        ('witnesses = ["Wendy", "محمد"]', "roles.witnesses[2]"),
        ('auditor = { name = "דוד", contact = "d@example.org" }', "roles.auditor"),
    ],
)
def test_a_role_the_paper_cannot_print_is_refused_with_the_transliteration_hint(
    role: str, path: str
) -> None:
    key = role.split(" = ")[0]
    lines = [line for line in ROLES.splitlines() if not line.startswith(key)]
    text = MINIMAL.replace(ROLES, "\n".join([*lines, role]) + "\n")
    assert text != MINIMAL
    with pytest.raises(BadInput) as caught:
        check_printable(parse_plan(text.encode()), "plan.toml")
    assert path in caught.value.message
    assert "transliteration" in caught.value.hint


def test_a_role_prints_its_transliteration() -> None:
    text = MINIMAL.replace(
        ROLES,
        '[roles]\nadministrator = { name = "李小龍", transliteration = "Li Xiaolong" }\n'
        'witnesses = [{ name = "محمد", transliteration = "Muhammad", contact = "+1 555 0100" }]\n',
    )
    plan = parse_plan(text.encode())
    check_printable(plan, "plan.toml")
    assert plan.roles.administrator == "Li Xiaolong"
    assert plan.roles.witnesses == ("Muhammad",)
    assert plan.roles.contact("Muhammad") == "+1 555 0100"
    assert dict(plan.roles.written) == {"Li Xiaolong": "李小龍", "Muhammad": "محمد"}
    bad = text.replace('transliteration = "Muhammad"', 'transliteration = "محمد"')
    with pytest.raises(BadInput, match=r"roles\.witnesses\[1\]\.transliteration"):
        check_printable(parse_plan(bad.encode()), "plan.toml")
