"""A DEMO-like record built by hand, for filling runbooks without running a ceremony."""

from __future__ import annotations

import hashlib
from functools import cache

from ceremony.model.record import IssuedShare, Record, TimeLockInfo
from ceremony.model.scheme import GroupSpec, SecretKind
from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

HOLDERS = (
    ("Alice Martín", "Bob Łukasz", "Carol Nguyễn"),
    ("Dana Okafor", "Émile Zoë", "Farid José"),
    ("Grace Law | *LLP* {fingerprint}",),
)
"""Accents, and a name full of Markdown and placeholder syntax that must print as written."""


@cache
def _program_sha256() -> str:
    return recover_py_sha256(render_recover_py())


def demo_record(
    *,
    mode: str | None = "evidenced",
    dice: bool | None = None,
    bags: bool = False,
    kind: SecretKind = SecretKind.SLIP39,
    passphrase: bool = False,
    consent: bool = False,
) -> Record:
    """A DEMO-like record built by hand: 2 of 3 groups (treasury 2of3, family 2of3, lawyer 1of1)."""
    groups = (GroupSpec("treasury", 2, 3), GroupSpec("family", 2, 3), GroupSpec("lawyer", 1, 1))
    entries = []
    for number, (group, names) in enumerate(zip(groups, HOLDERS, strict=True), start=1):
        for member, name in enumerate(names, start=1):
            commitment = hashlib.sha256(f"share {number}-{member}".encode()).hexdigest()
            entries.append(
                IssuedShare(
                    holder=name,
                    group=group.name,
                    group_number=number,
                    member_number=member,
                    commitment=commitment,
                    check_code=f"{commitment[:4]}-{commitment[4:8]}".upper(),
                    bag_serial=f"TE-{number}{member:03d}" if bags else "",
                )
            )
    lock = None
    if mode is not None:
        lock = TimeLockInfo(
            mode=mode,
            iterations=12_960_000_000,
            rate_per_second=50_000.0,
            attacker_speedup=10.0,
            expected_seconds=259_200.0,
            minimum_seconds=25_920.0,
            description="recovery waits for 12960000000 iterations",
            modulus_hex="c0ffee12" * 64 if mode == "sealed" else "",
            version="ceremony/v1",
            consent_card=consent,
        )
    roles: dict[str, object] = {
        "administrator": "Olivia Example",
        "witnesses": ["Wendy Example", "Walter Example"],
        "auditor": "Ursula Example",
    }
    if dice is not None:
        roles["entropy"] = "csprng+dice" if dice else "csprng"
    return Record(
        ceremony_name="DEMO Example Co treasury",
        ceremony_id="A384-C490-A2E8",
        clock_untrusted="2026-01-02T03:04:05+00:00",
        tool="ceremony 0.1.0",
        demo=True,
        plan_sha256=hashlib.sha256(b"plan").hexdigest(),
        plan_source="plan",
        group_threshold=2,
        groups=groups,
        strength_bits=256,
        kind=kind,
        iteration_exponent=1,
        extendable=True,
        identifier=1234,
        passphrase=passphrase,
        fingerprint="4bbfed8a",
        commitment=hashlib.sha256(b"secret").hexdigest(),
        shares=tuple(entries),
        timelock=lock,
        recover_py_sha256=_program_sha256(),
        roles=roles,
    )
