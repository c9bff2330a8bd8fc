"""What the share commands print on stdout (`verify-shares`, `combine`, `check-share`, `repair`):
formatters that return text, as JSON or as lines; the command line alone writes it.

`combine_report` and `repair_report` hold secret material (the secret, repaired shares) only when
the person asked for it (`reveal`); the others are public (prefixes and check codes, no words).
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ceremony.model.scheme import SecretKind

if TYPE_CHECKING:
    from ceremony.core.repair import Repair
    from ceremony.core.verify import SetProof
    from ceremony.model.share import Share
    from ceremony.workflows.check_share import ShareCheck
    from ceremony.workflows.combine import Recovered


def verify_report(shares: Sequence[Share], proof: SetProof, *, as_json: bool) -> str:
    """`verify-shares`: the set's groups, its quorum, and each share's prefix and check code."""
    from ceremony.workflows.combine import progress_lines

    if as_json:
        return json.dumps(
            {
                "format": "ceremony-verify/v1",
                "identifier": proof.identifier,
                "shares": len(shares),
                "consistent": True,
                "quorum": proof.quorum,
                "group_threshold": proof.group_threshold,
                "group_count": proof.group_count,
                "groups": [
                    {
                        "group": g.number,
                        "present": g.present,
                        "threshold": g.threshold,
                        "complete": g.complete,
                    }
                    for g in proof.groups
                ],
                "shares_checked": [
                    {"prefix": s.prefix, "check_code": s.check_code()} for s in shares
                ],
            },
            indent=2,
        )
    return "\n".join(
        [
            f"{len(shares)} shares of set {proof.identifier}: all well-formed and consistent",
            *progress_lines(proof),
            "quorum present: the secret can be rebuilt"
            if proof.quorum
            else "no quorum yet: more shares are needed to rebuild the secret",
        ]
    )


def combine_report(recovered: Recovered, kind: SecretKind, *, reveal: bool, as_json: bool) -> str:
    """`combine`: fingerprint and commitment; the secret (SECRET) only with `reveal`."""
    from ceremony.core.fingerprint import bip39_phrase

    data: dict[str, object] = {
        "format": "ceremony-combine/v1",
        "identifier": recovered.identifier,
        "kind": kind.value,
        "fingerprint": recovered.fingerprint,
        "commitment": recovered.commitment,
    }
    if reveal:
        data["secret_hex"] = recovered.secret.reveal().hex()
        if kind is SecretKind.BIP39:
            data["bip39_phrase"] = bip39_phrase(recovered.secret)
    if as_json:
        return json.dumps(data, indent=2)
    lines = [f"fingerprint {recovered.fingerprint}", f"commitment {recovered.commitment}"]
    if reveal:
        lines.append(f"secret {data['secret_hex']}")
        if "bip39_phrase" in data:
            lines.append(f"bip39 {data['bip39_phrase']}")
    return "\n".join(lines)


def corrected_note(corrected: Sequence[int]) -> str:
    """The words a holder confirmed a correction of, by position (never the words)."""
    words = "words" if len(corrected) > 1 else "word"
    positions = ", ".join(str(p + 1) for p in corrected)
    return (
        f"corrected as you confirmed: {words} {positions}; if the card reads differently "
        "there, have it rewritten"
    )


def check_share_report(result: ShareCheck, *, as_json: bool) -> str:
    """`check-share`: whose share it is and its check code, to compare with the card."""
    if as_json:
        return json.dumps(
            {
                "format": "ceremony-check-share/v1",
                "ceremony_id": result.ceremony_id,
                "holder": result.holder,
                "group": result.group,
                "member": result.member,
                "check_code": result.check_code,
                "matches": True,
            },
            indent=2,
        )
    return "\n".join(
        [
            result.summary(),
            f"check code {result.check_code}: compare it with the code on your card",
            f"ceremony {result.ceremony_name} ({result.ceremony_id})",
        ]
    )


def repair_report(result: Repair, *, as_json: bool) -> str | None:
    """`repair`: every candidate share (SECRET), or None when nothing is to be printed."""
    from ceremony.core.words import mnemonic

    if as_json:
        return json.dumps(
            {
                "format": "ceremony-repair/v1",
                "needed": result.needed,
                "unreadable": [p + 1 for p in result.erased],
                "redundancy_left": result.redundancy_left,
                "candidates": [
                    {
                        "share": mnemonic(c.words),
                        "changed": [p + 1 for p in c.changed],
                        "extendable": c.extendable,
                    }
                    for c in result.candidates
                ],
            },
            indent=2,
        )
    if not result.needed:
        return None
    count = len(result.candidates)
    lines = []
    for number, candidate in enumerate(result.candidates, start=1):
        changed = ", ".join(str(p + 1) for p in candidate.changed)
        lines.append(f"candidate {number} of {count} (changed words: {changed})")
        lines.append(mnemonic(candidate.words))
    return "\n".join(lines) or None


def repair_summary(result: Repair) -> list[str]:
    """The chatter of `repair`: positions and counts only, never a word."""
    if not result.needed:
        return ["the checksum is correct: nothing to repair"]
    lines = []
    if result.erased:
        listed = ", ".join(str(p + 1) for p in result.erased)
        lines.append(f"unreadable words: {listed}")
    count = len(result.candidates)
    if count == 1:
        changed = ", ".join(str(p + 1) for p in result.candidates[0].changed)
        lines.append(f"one share fits; changed words: {changed}")
    else:
        lines.append(
            f"{count} different shares fit; at most one is yours: compare each with the paper"
        )
    if any(p < 2 for p in result.erased):
        lines.append("the first two words are the same on every share of the set")
    if result.redundancy_left == 0:
        lines.append(
            "the repair used all three check words: a mistake in another word would not be "
            "noticed, so check every word against the paper"
        )
    return lines
