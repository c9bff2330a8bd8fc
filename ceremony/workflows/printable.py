"""Every name and contact the plan puts on paper must print exactly as written: no tofu, ever.

Run by `ceremony plan check` and before `ceremony run` makes a secret, so that a card never
differs from the plan people signed. A holder whose name the fonts cannot print as written may be
given a `transliteration`, which the paper prints instead.
"""

from __future__ import annotations

from collections.abc import Iterator

from ceremony.errors import BadInput
from ceremony.model.plan import Plan
from ceremony.paper.glyphs import unprintable
from ceremony.planfile.positions import Key, field_line, field_name


def printed_texts(plan: Plan) -> Iterator[tuple[tuple[str | int, ...], str, str]]:
    """(field, text as printed, hint) for every text of the plan that reaches paper."""
    latin = "write it in Latin, Greek or Cyrillic letters, as it should be printed"
    yield ("ceremony", "name"), plan.name, latin
    for gi, group in enumerate(plan.groups):
        for hi, holder in enumerate(group.holders):
            path: Key = ("groups", gi, "holders", hi)
            if holder.transliteration:
                yield (*path, "transliteration"), holder.transliteration, latin
            else:
                yield (
                    (*path, "name"),
                    holder.name,
                    'add transliteration = "..." to this holder, the name in Latin letters: '
                    "the paper prints it instead (the plan keeps the name as written)",
                )
            if holder.contact:
                yield (*path, "contact"), holder.contact, latin
    roles = plan.roles
    yield ("roles", "administrator"), roles.administrator, latin
    for i, witness in enumerate(roles.witnesses):
        yield ("roles", "witnesses", i), witness, latin
    if roles.auditor:
        yield ("roles", "auditor"), roles.auditor, latin
    for name, contact in roles.contacts:
        yield ("roles",), contact, f"{latin} (the contact of {name})"


def check_printable(plan: Plan, source: str = "plan") -> None:
    """Raise BadInput naming the first character the paper cannot print as written."""
    for path, text, hint in printed_texts(plan):
        problem = unprintable(text)
        if problem is None:
            continue
        line = field_line(plan.text, path)
        where = f"{source}, line {line}" if line else source
        raise BadInput(
            f"{where}: {field_name(path)} {text!r}: {problem.label} {problem.reason}",
            hint,
        )
