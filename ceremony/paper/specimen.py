"""Specimen content: kits and a record filled with fake but well-formed values.

For printing a specimen before a ceremony (does the printer keep the margins, can people read the
words?), for looking at the layout, and for the paper tests and benchmark. Specimens are marked DEMO
unless asked otherwise; their words are drawn from the vocabulary passed in by hashing a label, so
they are stable from run to run, never come from a real secret, and need no randomness.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass

from ceremony.paper.content import HolderKit, RecordSheet, ShareCard, ShareRow

FIRST_NAMES = (
    "José", "Zoë", "Łukasz", "Amara", "Björn", "Chiara", "Dmitri", "Élodie",
    "Farida", "Grégoire", "Hana", "Ignacio", "Jürgen", "Kalani", "Leïla", "Mihai",
)  # fmt: skip
LAST_NAMES = (
    "Álvarez", "Brontë", "Nowak", "Okafor", "Søndergaard", "Caruso", "Volkov", "Lefèvre",
    "Haddad", "Dupré", "Sato", "Peña", "Müller", "Kahananui", "Benali", "Popescu",
)  # fmt: skip


@dataclass(frozen=True)
class SpecimenGroup:
    name: str
    threshold: int
    count: int


def digest(label: str) -> str:
    return hashlib.sha256(f"ceremony/specimen\x00{label}".encode()).hexdigest()


def specimen_words(vocabulary: Sequence[str], label: str, count: int) -> tuple[str, ...]:
    """`count` words picked from `vocabulary` by hashing `label` (fake, but well-formed)."""
    words = []
    for index in range(count):
        value = int(digest(f"{label}/{index}")[:8], 16)
        words.append(vocabulary[value % len(vocabulary)])
    return tuple(words)


def share_commitment(words: Sequence[str]) -> str:
    """The project's v1 share commitment of a word list."""
    text = " ".join(word.lower() for word in words)
    return hashlib.sha256(b"ceremony/v1/share-commitment\x00" + text.encode()).hexdigest()


def check_code(commitment: str) -> str:
    return f"{commitment[:4]}-{commitment[4:8]}".upper()


def holder_name(index: int) -> str:
    first = FIRST_NAMES[index % len(FIRST_NAMES)]
    last = LAST_NAMES[(index // len(FIRST_NAMES) + index) % len(LAST_NAMES)]
    return f"{first} {last}"


def specimen_kits(
    vocabulary: Sequence[str],
    groups: Sequence[SpecimenGroup],
    group_threshold: int,
    *,
    words: int = 33,
    demo: bool = True,
    ceremony_name: str = "Specimen key ceremony",
    ceremony_id: str = "c-7f3a-2b91",
) -> tuple[HolderKit, ...]:
    """One kit per member of every group, holders named in order."""
    kits: list[HolderKit] = []
    plan_words = " ".join(specimen_words(vocabulary, "plan", 12))
    contacts = (
        ("ceremony administrator", "Amara Okafor", "+44 20 7946 0000, amara@example.org"),
        ("recovery coordinator", "Björn Søndergaard", "+45 32 00 00 00"),
    )
    for group in groups:
        for member in range(1, group.count + 1):
            label = f"{ceremony_id}/{group.name}/{member}"
            share = specimen_words(vocabulary, label, words)
            card = ShareCard(
                ceremony_name=ceremony_name,
                ceremony_id=ceremony_id,
                holder=holder_name(len(kits)),
                group=group.name,
                member_number=member,
                member_count=group.count,
                member_threshold=group.threshold,
                group_count=len(groups),
                group_threshold=group_threshold,
                words=share,
                check_code=check_code(share_commitment(share)),
                demo=demo,
            )
            kits.append(
                HolderKit(
                    card=card,
                    plan_hash_words=plan_words,
                    fingerprint=digest("fingerprint")[:8],
                    contacts=contacts,
                    time_lock="the secret can be rebuilt only after sequential work that takes "
                    "about 30 days on the ceremony machine, and at least 36 hours on the fastest "
                    "known hardware.",
                )
            )
    return tuple(kits)


def specimen_record(
    kits: Sequence[HolderKit],
    kit_hashes: Sequence[str],
    vocabulary: Sequence[str],
    *,
    groups: Sequence[SpecimenGroup],
) -> RecordSheet:
    """The record that goes with `kits`, given the SHA-256 of each rendered kit."""
    first = kits[0].card
    rows = tuple(
        ShareRow(
            holder=kit.card.holder,
            group=kit.card.group,
            member_number=kit.card.member_number,
            member_count=kit.card.member_count,
            check_code=kit.card.check_code,
            share_commitment=share_commitment(kit.card.words),
            kit_sha256=kit_hash,
            bag_serial=f"TE-{400100 + index}" if index % 3 else "",
        )
        for index, (kit, kit_hash) in enumerate(zip(kits, kit_hashes, strict=True))
    )
    scheme = [f"{first.group_threshold} of {first.group_count} groups needed"]
    scheme.extend(f"group {g.name}: {g.threshold} of {g.count} shares needed" for g in groups)
    scheme.append(f"{len(first.words)} words per share; iteration exponent 1; extendable")
    return RecordSheet(
        ceremony_name=first.ceremony_name,
        ceremony_id=first.ceremony_id,
        clock_time="2025-03-14 10:26 UTC",
        plan_hash_hex=digest("plan"),
        plan_hash_words=kits[0].plan_hash_words,
        scheme_lines=tuple(scheme),
        secret_kind="slip39",  # noqa: S106 (a kind, not a password)
        fingerprint=kits[0].fingerprint,
        commitment=digest("commitment"),
        shares=rows,
        administrator="Amara Okafor",
        witnesses=("Chiara Caruso", "Dmitri Volkov"),
        auditor="",
        time_lock_lines=(
            "mode: evidenced delay; the work T = 2^36 sequential steps is bound to each notice",
            "expected on the ceremony machine: about 30 days",
            "guaranteed minimum against hardware 20 times faster: at least 36 hours",
        ),
        transcript_head_words="",
        demo=first.demo,
    )
