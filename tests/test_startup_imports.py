"""Start-up hygiene: a command imports only what it uses.

Each case runs `ceremony ARGS` in a fresh Python process (the way a person runs it) and reads the
process's `sys.modules` at exit: pydantic never (typer 0.29 would load it for every option),
reportlab and segno only to write (or, in the audit, re-render) PDFs, chiavdf and gmpy2 only for time locks, rich not for `--help`.
How long start-up takes is measured in bench/startup.py, never asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import shamir_mnemonic

from tests.helpers.cli import run_cli

PROBE = """
import json, sys
from ceremony.cli.app import main
try:
    main(sys.argv[2:])
except SystemExit:
    pass
with open(sys.argv[1], "w") as out:
    json.dump(sorted({name.split(".")[0] for name in sys.modules}), out)
"""

NEVER = {"pydantic", "pydantic_core"}
PAPER = {"reportlab", "segno", "PIL"}
TIMELOCK = {"chiavdf", "gmpy2"}
TERMINAL = {"rich"}


def top_level_modules(args: list[str], tmp_path: Path) -> set[str]:
    listing = tmp_path / "modules.json"
    done = subprocess.run(
        [sys.executable, "-c", PROBE, str(listing), *args],
        capture_output=True,
        stdin=subprocess.DEVNULL,
        check=False,
        timeout=60,
    )
    assert listing.exists(), done.stderr.decode()
    return set(json.loads(listing.read_text()))


@pytest.fixture(scope="module")
def shares_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    groups = shamir_mnemonic.generate_mnemonics(1, [(2, 3)], bytes(range(16)), b"", True, 0)
    path = tmp_path_factory.mktemp("shares") / "two.txt"
    path.write_text("\n".join(groups[0][:2]) + "\n")
    return path


@pytest.fixture(scope="module")
def kit(tmp_path_factory: pytest.TempPathFactory) -> Path:
    directory = tmp_path_factory.mktemp("kit") / "kit"
    result = run_cli(
        ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--kit", str(directory)]
    )
    assert result.code == 0, result.err
    return directory


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["split", "--help"],
        ["combine", "--help"],
        ["audit", "--help"],
        ["check-share", "--help"],
        ["recover", "wait", "--help"],
        ["plan", "--help"],
    ],
    ids=" ".join,
)
def test_help_loads_no_dependency_it_does_not_show(args: list[str], tmp_path: Path) -> None:
    loaded = top_level_modules(args, tmp_path)
    assert not loaded & (NEVER | PAPER | TIMELOCK | TERMINAL)


def test_combine_loads_neither_paper_nor_time_lock(shares_file: Path, tmp_path: Path) -> None:
    loaded = top_level_modules(["combine", str(shares_file)], tmp_path)
    assert "shamir_mnemonic" in loaded  # the probe really ran the command
    assert not loaded & (NEVER | PAPER | TIMELOCK | TERMINAL)  # stderr is a pipe: plain text


def test_verify_shares_loads_neither_paper_nor_time_lock(shares_file: Path, tmp_path: Path) -> None:
    loaded = top_level_modules(["verify-shares", str(shares_file)], tmp_path)
    assert "shamir_mnemonic" in loaded
    assert not loaded & (NEVER | PAPER | TIMELOCK)


def test_split_to_stdout_loads_neither_paper_nor_time_lock(tmp_path: Path) -> None:
    """Shares printed with --reveal, no kit and no time lock: no PDF library, no VDF, no rich."""
    args = ["split", "-t", "1", "-g", "solo=2of3", "--strength", "128", "--reveal"]
    loaded = top_level_modules(args, tmp_path)
    assert "shamir_mnemonic" in loaded
    assert not loaded & (NEVER | PAPER | TIMELOCK | TERMINAL)


def test_repair_and_check_share_load_neither_paper_nor_time_lock(
    shares_file: Path, kit: Path, tmp_path: Path
) -> None:
    one = tmp_path / "one.txt"
    one.write_text(shares_file.read_text().splitlines()[0] + "\n")
    repaired = top_level_modules(["repair", str(one), "--reveal"], tmp_path)
    assert "shamir_mnemonic" in repaired
    assert not repaired & (NEVER | PAPER | TIMELOCK | TERMINAL)
    share = tmp_path / "kit-share.txt"
    share.write_text(kit_share(kit) + "\n")
    checked = top_level_modules(["check-share", "--record", str(kit), str(share)], tmp_path)
    assert "shamir_mnemonic" in checked
    assert not checked & (NEVER | PAPER | TIMELOCK | TERMINAL)


def kit_share(kit: Path) -> str:
    """One share of the kit, read back from its holder PDF (the words are printed there)."""
    from tests.helpers.ceremony import card_words

    return " ".join(card_words(sorted((kit / "holders").glob("*.pdf"))[0]))


def test_audit_of_a_kit_without_time_lock_loads_no_vdf(kit: Path, tmp_path: Path) -> None:
    """A kit without a time lock: no VDF. The audit re-renders record.pdf from record.json and
    compares bytes (files.record.pdf), so it loads the PDF library even without --pdf."""
    loaded = top_level_modules(["audit", str(kit), "--json"], tmp_path)
    assert "shamir_mnemonic" in loaded
    assert "reportlab" in loaded
    assert not loaded & (NEVER | TIMELOCK)
    with_pdf = top_level_modules(["audit", str(kit), "--pdf", str(tmp_path / "a.pdf")], tmp_path)
    assert "reportlab" in with_pdf
    assert not with_pdf & (NEVER | TIMELOCK)


@pytest.mark.parametrize("columns", ["200", "60"])
def test_the_bare_listing_is_the_full_listing(
    columns: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`ceremony --help` builds its listing from `COMMANDS` without importing a command module;
    it must print exactly what typer prints from every command, at any terminal width."""
    from ceremony.cli.app import _load_commands, command_for

    env = {"COLUMNS": columns, "PATH": "/usr/bin:/bin"}
    lazy = subprocess.run(
        [sys.executable, "-m", "ceremony", "--help"], capture_output=True, env=env, check=True
    ).stdout.decode()
    monkeypatch.setenv("COLUMNS", columns)
    _load_commands()
    full = run_full_help(command_for(["split"]))  # every module imported: the real commands
    assert "Commands:" in lazy
    assert lazy == full


def run_full_help(group: object) -> str:
    import contextlib
    import io

    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer), contextlib.suppress(SystemExit):
        group.main(["--help"], prog_name="ceremony")  # type: ignore[attr-defined]
    return buffer.getvalue()


def test_every_listed_command_is_defined_in_its_module() -> None:
    import typer

    from ceremony.cli.app import COMMANDS, _load_commands
    from ceremony.cli.base import app

    _load_commands()
    assert set(typer.main.get_group(app).commands) == set(COMMANDS)


def test_every_cli_module_imports_on_its_own(tmp_path: Path) -> None:
    """Command modules keep their annotations unpostponed (no `from __future__ import
    annotations`): typer would otherwise compile and evaluate every annotation string at each
    start. A name imported under TYPE_CHECKING must then be quoted, or the import fails here."""
    cli = Path(__file__).resolve().parents[1] / "ceremony" / "cli"
    for module in sorted(path.stem for path in cli.glob("*.py") if path.stem != "__init__"):
        done = subprocess.run(
            [sys.executable, "-c", f"import ceremony.cli.{module}"],
            capture_output=True,
            check=False,
        )
        assert done.returncode == 0, f"ceremony.cli.{module}: {done.stderr.decode()[-500:]}"


def test_chatter_to_a_pipe_is_what_rich_would_print(capsys: pytest.CaptureFixture[str]) -> None:
    """`say` writes plain text when stderr is not a terminal: rich is not loaded for it, and the
    text is the same as rich's (its control codes dropped), except that emoji codes stay literal."""
    import io

    from ceremony.ui.console import console, say

    text = "holder :smile: a\x07b\rc\x1b[31m [b]x[/b] \u00e9"
    say(text)
    plain = capsys.readouterr().err
    buffer = io.StringIO()
    console(file=buffer, highlight=False, soft_wrap=True).print(
        text, markup=False, highlight=False, emoji=False
    )
    assert plain == buffer.getvalue()
    assert ":smile:" in plain
