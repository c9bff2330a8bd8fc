"""`ceremony extend` and `ceremony reshare` through the real entry point: scripted answers, and bad
input with its exit code, an `error:` line and a `hint:` line, never a traceback."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceremony.errors import ExitCode
from tests.helpers.cli import run_cli
from tests.helpers.lifecycle import card, original_kit, record_of, write_amendment


@pytest.fixture(scope="module")
def first_kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return original_kit(tmp_path_factory.mktemp("first"))


def _answers(tmp_path: Path, shares: list[str]) -> Path:
    (tmp_path / "brought.txt").write_text("\n".join(shares) + "\n", encoding="utf-8")
    path = tmp_path / "answers.toml"
    path.write_text(
        'share_file = "brought.txt"\nbag_serial_prefix = "X-"\naccept_preflight_failures = true\n',
        encoding="utf-8",
    )
    return path


def test_extend_from_an_answers_file(tmp_path: Path, first_kit: Path) -> None:
    amendment = write_amendment(tmp_path, first_kit)
    answers = _answers(tmp_path, [card(first_kit, 1, 1), card(first_kit, 1, 2)])
    result = run_cli(["extend", str(amendment), "--answers", str(answers)])
    assert result.code == 0, result.err
    assert "extend complete: kit in" in result.err
    assert record_of(tmp_path / "kit-2").lineage is not None
    for share in (card(first_kit, 1, 1), card(first_kit, 1, 2)):
        assert " ".join(share.split()[4:8]) not in result.err + result.out


def _fails(args: list[str], code: ExitCode, message: str) -> str:
    result = run_cli(args)
    assert result.code == code, result.err
    lines = result.err.strip().splitlines()
    assert lines[-2].startswith("error: ")
    assert message in lines[-2]
    assert lines[-1].startswith("hint: ")
    assert "Traceback" not in result.err
    return result.err


def test_extend_without_a_terminal_or_answers_is_refused(tmp_path: Path, first_kit: Path) -> None:
    amendment = write_amendment(tmp_path, first_kit)
    _fails(["extend", str(amendment)], ExitCode.REFUSED, "needs a terminal")
    assert not (tmp_path / "kit-2").exists()


def test_each_command_refuses_the_other_kind(tmp_path: Path, first_kit: Path) -> None:
    extend = write_amendment(tmp_path, first_kit)
    err = _fails(["reshare", str(extend)], ExitCode.BAD_INPUT, "not a reshare")
    assert "ceremony extend" in err
    reshare = write_amendment(tmp_path, first_kit, kind="reshare", plan="p.toml", name="r.toml")
    err = _fails(["extend", str(reshare)], ExitCode.BAD_INPUT, "asks for a reshare")
    assert "ceremony reshare" in err


def test_an_amendment_for_another_record_exits_4(tmp_path: Path, first_kit: Path) -> None:
    amendment = write_amendment(tmp_path, first_kit, sha="0" * 64)
    answers = _answers(tmp_path, [])
    _fails(
        ["extend", str(amendment), "--answers", str(answers)],
        ExitCode.NOT_VERIFIED,
        "for another record",
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("not toml = = =", "line 1"),
        ('[amendment]\nkind = "extend"\nname = "x"\n', "the [predecessor] section is missing"),
    ],
)
def test_a_malformed_amendment_says_where(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "amendment.toml"
    path.write_text(text, encoding="utf-8")
    _fails(["extend", str(path)], ExitCode.BAD_INPUT, message)


def test_a_member_beyond_sixteen_is_refused_by_the_parser(tmp_path: Path, first_kit: Path) -> None:
    amendment = write_amendment(tmp_path, first_kit, holders='[ { name = "Q", member = 17 } ]')
    _fails(["extend", str(amendment)], ExitCode.BAD_INPUT, "at most 16 members")


def test_a_misspelt_kind_is_named_with_its_line(tmp_path: Path, first_kit: Path) -> None:
    path = write_amendment(tmp_path, first_kit)
    path.write_text(path.read_text().replace('"extend"', '"extnd"'), encoding="utf-8")
    err = _fails(["extend", str(path)], ExitCode.BAD_INPUT, "line 2")
    assert "did you mean 'extend'" in err


def test_the_lifecycle_runbook_lists_every_step_on_screen() -> None:
    import re

    from ceremony.model.steps import lifecycle_script
    from tests.helpers.paths import ROOT

    text = (ROOT / "runbooks" / "lifecycle.md").read_text(encoding="utf-8")
    table = text.split("## The steps on screen", 1)[1]
    listed = {
        s.strip() for cell in re.findall(r"^\| ([\d., ]+) \|", table, re.M) for s in cell.split(",")
    }
    assert listed == {s.id for act in lifecycle_script() for s in act.steps}
    for command in ("ceremony extend", "ceremony reprint", "ceremony reshare", "--chain"):
        assert command in text
