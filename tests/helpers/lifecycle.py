"""Helpers for lifecycle tests: an original kit made by the guided ceremony, an amendment naming it,
and the shares read back from its printed cards."""

from __future__ import annotations

import hashlib
from pathlib import Path

from ceremony.model.record import Record
from ceremony.model.steps import Step
from ceremony.planfile.plan import load_plan
from ceremony.ui.answers import ScriptedOperator
from ceremony.ui.lifecycle_operator import ScriptedLifecycleOperator
from ceremony.workflows.ceremony import Ceremony
from tests.helpers.ceremony import card_words
from tests.helpers.paths import DATA

LIFECYCLE_PLAN = DATA / "lifecycle-plan.toml"


def original_kit(tmp_path: Path, name: str = "kit") -> Path:
    directory = tmp_path / name
    operator = ScriptedOperator(accept_preflight_failures=True, quiet=True)
    Ceremony(load_plan(LIFECYCLE_PLAN), operator, directory).run()
    return directory


def record_of(kit: Path) -> Record:
    return Record.from_json((kit / "record.json").read_text(encoding="utf-8"))


def record_sha(kit: Path) -> str:
    return hashlib.sha256((kit / "record.json").read_bytes()).hexdigest()


def card(kit: Path, group: int, member: int) -> str:
    """The words printed on one holder card (read back from the PDF)."""
    [pdf] = (kit / "holders").glob(f"{group:02d}-{member:02d}-*.pdf")
    return " ".join(card_words(pdf))


def write_amendment(
    folder: Path,
    kit: Path,
    *,
    kind: str = "extend",
    group: str = "family",
    holders: str = '[ { name = "Fay", contact = "fay@example.org" } ]',
    lost: str = "",
    output: str = "kit-2",
    sha: str | None = None,
    plan: str = "",
    name: str = "amendment.toml",
) -> Path:
    lines = [
        "[amendment]",
        f'kind = "{kind}"',
        'name = "A test amendment"',
        "demo = true",
        "[predecessor]",
        f'record_sha256 = "{sha or record_sha(kit)}"',
        f'kit = "{kit.relative_to(folder) if kit.is_relative_to(folder) else kit}"',
    ]
    if kind == "reshare":
        lines += ["[reshare]", f'plan = "{plan}"']
    else:
        lines += ["[group]", f'name = "{group}"', f"holders = {holders}"]
        if lost:
            lines.append(f"lost = {lost}")
    lines += [
        "[roles]",
        'administrator = "Ada"',
        'witnesses = ["Wim"]',
        "[output]",
        f'directory = "{output}"',
    ]
    path = folder / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class LifecycleSpy(ScriptedLifecycleOperator):
    """Scripted lifecycle answers that can simulate Ctrl-C at a chosen step."""

    def __init__(self, shares: list[str], stop_at: str | None = None) -> None:
        super().__init__(
            accept_preflight_failures=True, quiet=True, shares=shares, bag_serial_prefix="NEW-"
        )
        self.stop_at = stop_at

    def begin_step(self, step: Step) -> None:
        if step.id == self.stop_at:
            raise KeyboardInterrupt


def tree_bytes(directory: Path) -> dict[str, bytes]:
    return {
        p.relative_to(directory).as_posix(): p.read_bytes()
        for p in sorted(directory.rglob("*"))
        if p.is_file()
    }


NEW_PLAN = """[ceremony]
name = "Lifecycle test, new scheme"
demo = true
[secret]
strength = 128
kind = "slip39"
group_threshold = 2
passphrase = "none"
iteration_exponent = 0
extendable = {extendable}
[[groups]]
name = "heirs"
threshold = 2
holders = [ {{ name = "Gus" }}, {{ name = "Hal" }}, {{ name = "Ivy" }} ]
[[groups]]
name = "lawyers"
threshold = 1
holders = [ {{ name = "Jo" }} ]
[[groups]]
name = "trustees"
threshold = 2
holders = [ {{ name = "Kim" }}, {{ name = "Lou" }} ]
[recovery]
mode = "none"
delay = "1h"
attacker_speedup = 10
consent_card = false
[roles]
administrator = "Ada"
witnesses = ["Wim"]
[output]
directory = "unused"
"""
