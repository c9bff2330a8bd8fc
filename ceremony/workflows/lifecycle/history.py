"""How a lifecycle record says, in words people print, what it amends and what changed."""

from __future__ import annotations

from ceremony.model.hashwords import hash_words
from ceremony.model.record import Lineage


def lineage_lines(lineage: Lineage) -> tuple[str, ...]:
    """The lines that say which ceremony this kit amends and what changed, so a reader can follow
    the chain back."""
    head = hash_words(bytes.fromhex(lineage.predecessor_transcript_head))
    lines = [
        f"{lineage.kind} ceremony amending ceremony {lineage.predecessor_ceremony_id} (first "
        f"ceremony {lineage.origin_ceremony_id}); predecessor record SHA-256 "
        f"{lineage.predecessor_record_sha256}; predecessor head words: {head}",
    ]
    if lineage.kind == "reshare":
        destroyed = sum(1 for c in lineage.retired if c.fate == "destroyed")
        lines.append(
            f"the share set {lineage.retired_identifier} is retired: {destroyed} card(s) "
            f"destroyed, {len(lineage.retired) - destroyed} not returned; the wallet is unchanged"
        )
    else:
        members = ", ".join(str(n) for n in lineage.new_members)
        lines.append(
            f"group {lineage.group}: new member(s) {members}; every earlier share stays valid"
        )
    if lineage.lost:
        lost = ", ".join(str(n) for n in lineage.lost)
        lines.append(
            f"group {lineage.group}: member(s) {lost} reported lost; a lost card still works if "
            "found: reshare to retire it"
        )
    return tuple(lines)
