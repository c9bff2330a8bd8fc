"""What to tell the people about a passphrase's strength, at `ceremony run` and `ceremony split`.

The estimate comes from `core.passphrase_strength` (zxcvbn); the wording from the `[warnings]` of
templates/ceremony-steps.toml. A verdict holds no part of the passphrase, only a number of bits.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

from ceremony.core.passphrase_strength import (
    MAX_ADVISED_EXPONENT,
    MIN_BITS,
    PassphraseStrength,
    estimate,
)
from ceremony.model.plan import Plan
from ceremony.model.steps import warning


@dataclass(frozen=True)
class PassphraseVerdict:
    """Whether a passphrase is weak, and the sentence the people read about it."""

    weak: bool
    text: str


Judge = Callable[[bytes], PassphraseVerdict]
"""Reads a candidate passphrase and says what to tell the people; never keeps the passphrase."""


def judge(
    passphrase: bytes, *, exponent: int, public_words: Sequence[str], setting: str
) -> PassphraseVerdict:
    """The verdict on `passphrase` used with iteration exponent `exponent`. `setting` names where
    the exponent is changed ("the plan's iteration_exponent", "--exponent")."""
    strength = estimate(passphrase, exponent=exponent, public_words=public_words)
    if not strength.weak:
        return PassphraseVerdict(
            False, f"zxcvbn estimates the passphrase at {MIN_BITS} bits or more"
        )
    return PassphraseVerdict(True, weak_warning(strength, setting))


def weak_warning(strength: PassphraseStrength, setting: str) -> str:
    """The warning for a guessable passphrase: it says how short it falls and whether a higher
    iteration exponent would be enough."""
    recommended = strength.recommended_exponent
    values = {
        "bits": f"{strength.bits:.0f}",
        "minimum": MIN_BITS,
        "setting": setting,
        "exponent": strength.exponent,
        "recommended": recommended,
        "shortfall": strength.shortfall,
        "maximum": MAX_ADVISED_EXPONENT,
    }
    advice = "weak-passphrase-exponent" if recommended is not None else "weak-passphrase-longer"
    values["advice"] = warning(advice).format(**values)
    return warning("weak-passphrase").format(**values)


def plan_judge(plan: Plan) -> Judge:
    """The judge for a ceremony's passphrase: every name the public record will print counts as
    known to the attacker."""
    words = public_words(plan)
    exponent = plan.secret.iteration_exponent
    return lambda passphrase: judge(
        passphrase,
        exponent=exponent,
        public_words=words,
        setting="the plan's iteration_exponent",
    )


def split_note(passphrase: bytes, *, exponent: int, names: Sequence[str]) -> str:
    """The line `ceremony split` prints about a passphrase from --passphrase-file (`names`: the
    group specs and the kit's name, which the record prints)."""
    words = _with_parts(name.split("=")[0] for name in names if name)
    verdict = judge(passphrase, exponent=exponent, public_words=words, setting="--exponent")
    return f"{'warning' if verdict.weak else 'passphrase'}: {verdict.text}"


def public_words(plan: Plan) -> list[str]:
    """The plan's names (ceremony, groups, holders, roles) and each of their words."""
    names = [plan.name, plan.roles.administrator, plan.roles.auditor or ""]
    names += list(plan.roles.witnesses)
    for group in plan.groups:
        names.append(group.name)
        names += [holder.name for holder in group.holders]
    return _with_parts(name for name in names if name)


def _with_parts(names: Iterable[str]) -> list[str]:
    found: list[str] = []
    for name in names:
        for word in (name, *name.split()):
            if word not in found:
                found.append(word)
    return found
