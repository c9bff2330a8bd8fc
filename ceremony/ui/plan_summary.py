"""`ceremony plan check`: the plan in a few lines, for the people in the room to compare with what
they agreed. Names are the plan's own text, printed literally by the caller."""

from __future__ import annotations

from ceremony.model.plan import Plan


def summary_lines(plan: Plan) -> list[str]:
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
