"""`ceremony plan new|check|print`: the ceremony plan, written from the example, checked, printed.

Names in a plan are untrusted text: they are written out literally, never as markup.
"""

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from ceremony.cli.base import plan_app
from ceremony.cli.options import Json

if TYPE_CHECKING:
    from ceremony.model.plan import Plan

PlanFile = Annotated[Path, typer.Argument(help="The plan file (TOML).", show_default=False)]
Force = Annotated[bool, typer.Option("--force", help="Replace the file if it exists.")]

NEW_HELP = """Write an annotated example plan to FILE. Every field is explained in a comment;
edit it for your ceremony, then check it.

\b
Examples:
  ceremony plan new plan.toml
  ceremony plan new plan.toml --force    # replace an existing file
"""

CHECK_HELP = """Validate a plan and print its summary and its hash, as hex and as twelve words.
Errors name the field and the line. The same words are printed on every page of the kit.

\b
Examples:
  ceremony plan check plan.toml
  ceremony plan check plan.toml --json
"""

PRINT_HELP = """Write a PDF of the plan for review before the ceremony: the file's text with line
numbers, and the plan hash as hex and words on every page.

\b
Examples:
  ceremony plan print plan.toml --out plan.pdf
  ceremony plan print plan.toml --out plan.pdf --force
"""


@plan_app.command("new", help=NEW_HELP)
def new_command(file: PlanFile, force: Force = False) -> None:
    from ceremony.files import write_text_atomic
    from ceremony.paper.wording import read_text
    from ceremony.ui.console import say

    write_text_atomic(file, read_text("plan-example.toml"), secret=False, overwrite=force)
    say(f"wrote {file}; edit it, then run: ceremony plan check {file}")


@plan_app.command("check", help=CHECK_HELP)
def check_command(file: PlanFile, as_json: Json = False) -> None:
    from ceremony.planfile.plan import load_plan
    from ceremony.ui.console import out, say
    from ceremony.workflows.printable import check_printable

    plan = load_plan(file)
    check_printable(plan, str(file))
    if as_json:
        document = {
            "format": "ceremony-plan-check/v1",
            "valid": True,
            "warnings": list(plan.warnings()),
            "plan": plan.to_dict(),
        }
        out(json.dumps(document, indent=2))
        return
    for line in summary_lines(plan):
        out(line)
    for warning in plan.warnings():
        say(f"warning: {warning}")
    say("the plan is valid")


@plan_app.command("print", help=PRINT_HELP)
def print_command(
    file: PlanFile,
    output: Annotated[
        Path,
        typer.Option("--out", "-o", help="The PDF to write.", show_default=False),
    ],
    force: Force = False,
) -> None:
    import hashlib

    from ceremony.files import write_atomic
    from ceremony.paper.plan_sheet import PlanSheet, render_plan_sheet
    from ceremony.planfile.plan import load_plan
    from ceremony.ui.console import say

    plan = load_plan(file)
    pdf = render_plan_sheet(
        PlanSheet(
            title=plan.name,
            text=plan.text,
            sha256=plan.sha256,
            hash_words=plan.hash_words,
            paper=plan.paper_size.label,
            demo=plan.demo,
        )
    )
    write_atomic(output, pdf, secret=False, overwrite=force)
    say(f"wrote {output} (sha256 {hashlib.sha256(pdf).hexdigest()})")
    say(f"plan words: {plan.hash_words}")


def summary_lines(plan: "Plan") -> list[str]:
    """The plan in a few lines, for a person to compare with what they agreed."""
    secret = plan.secret
    scheme = plan.scheme
    lines = []
    if plan.demo:
        lines.append("DEMO plan: never keep value under a secret made from it")
    lines += [
        f"ceremony   {plan.name}",
        f"secret     {secret.strength_bits} bits, kind {secret.kind.value}, passphrase "
        f"{secret.passphrase.value}, iteration exponent {secret.iteration_exponent}, "
        + ("extendable" if secret.extendable else "not extendable"),
        f"scheme     {secret.group_threshold} of {len(plan.groups)} groups needed; "
        f"at least {plan.minimum_holders} people recover; {scheme.share_count} shares of "
        f"{scheme.words_per_share} words",
    ]
    for group in plan.groups:
        lines.append(f"group      {group.name}: {group.threshold} of {group.count} needed")
        for holder in group.holders:
            contact = f"  <{holder.contact}>" if holder.contact else ""
            lines.append(f"             {holder.name}{contact}")
    entropy = plan.entropy
    dice = f" ({entropy.dice_sides}-sided dice)" if entropy.source.uses_dice else ""
    lines.append(f"entropy    {entropy.source.value}{dice}")
    recovery = plan.recovery
    if recovery.mode.value == "none":
        lines.append("recovery   none: no delay")
    else:
        card = "a consent card" if recovery.consent_card else "no consent card"
        lines.append(
            f"recovery   {recovery.mode.value}, delay {recovery.delay}, attacker speed-up "
            f"{recovery.attacker_speedup}x, {card}"
        )
    roles = plan.roles
    lines.append(f"roles      administrator: {roles.administrator}")
    lines.append(f"           witnesses: {', '.join(roles.witnesses) or '(none)'}")
    lines.append(f"           auditor: {roles.auditor or '(none)'}")
    lines.append(f"paper      {plan.paper_size.label}")
    lines.append(f"output     {plan.output_directory}")
    lines.append(f"sha256     {plan.sha256}")
    lines.append(f"words      {plan.hash_words}")
    return lines
