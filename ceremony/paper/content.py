"""What the paper shows, as plain values.

The paper module renders only from these types, so it needs to know nothing about SLIP-39, plans or
the terminal: whoever builds them decides what is true, the paper decides only how it looks. Each
type checks the few facts the layout relies on (counts in range, a 20 to 33 word share, a check
code of the form XXXX-XXXX), so a caller's mistake fails loudly instead of printing a wrong card.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ceremony.errors import BadInput
from ceremony.model.paper import PaperSize as PaperSize  # one type; paper/ imports it from here

MM = 72 / 25.4
"""PDF points per millimetre."""

SHARE_WORDS = range(20, 34)
"""SLIP-39 shares have 20 (128-bit secret) to 33 (256-bit secret) words."""

CHECK_CODE = re.compile(r"^[0-9A-F]{4}-[0-9A-F]{4}$")
WORD = re.compile(r"^[a-z]{4,8}$")
HEX = re.compile(r"^[0-9a-f]+$")

Contact = tuple[str, str, str]
"""Whom a holder may contact: (role, name, how to reach them)."""

RuleGroup = tuple[str, int, int]
"""One group of the recovery rule: (name, shares needed, shares issued)."""


def _bad(message: str) -> BadInput:
    return BadInput(message, "this is a bug in the caller of the paper module; please report it")


def _check_hex(name: str, value: str, length: int) -> None:
    if len(value) != length or not HEX.match(value):
        raise _bad(f"{name} must be {length} lower-case hex digits")


@dataclass(frozen=True)
class ShareCard:
    """One holder's share as printed on the first page of their kit."""

    ceremony_name: str
    ceremony_id: str
    holder: str
    group: str
    member_number: int
    """1-based position of this share in its group."""
    member_count: int
    member_threshold: int
    group_count: int
    group_threshold: int
    words: tuple[str, ...]
    check_code: str
    """First 8 hex digits of the share commitment, upper-case, as XXXX-XXXX."""
    demo: bool = False

    def __post_init__(self) -> None:
        if len(self.words) not in SHARE_WORDS:
            raise _bad(f"a share card takes 20 to 33 words, not {len(self.words)}")
        if not all(WORD.match(word) for word in self.words):
            raise _bad("share words must be lower-case SLIP-39 words")
        if not CHECK_CODE.match(self.check_code):
            raise _bad("the check code must look like XXXX-XXXX (upper-case hex)")
        if not 1 <= self.member_number <= self.member_count <= 16:
            raise _bad("member number must be between 1 and the member count (at most 16)")
        if not 1 <= self.member_threshold <= self.member_count:
            raise _bad("member threshold must be between 1 and the member count")
        if not 1 <= self.group_threshold <= self.group_count <= 16:
            raise _bad("group threshold must be between 1 and the group count (at most 16)")
        for name, value in (("ceremony name", self.ceremony_name), ("holder", self.holder)):
            if not value.strip():
                raise _bad(f"the {name} must not be empty")

    def __repr__(self) -> str:
        # The words are the secret: keep them out of tracebacks and logs.
        return (
            f"ShareCard(holder={self.holder!r}, group={self.group!r}, "
            f"member={self.member_number}/{self.member_count}, words=<{len(self.words)} hidden>)"
        )


@dataclass(frozen=True)
class HolderKit:
    """Everything one holder's PDF shows: their card, then instructions that are theirs alone."""

    card: ShareCard
    plan_hash_words: str
    """The plan's hash as words; printed on every page so pages can be matched to the plan."""
    fingerprint: str
    """BIP-32 master fingerprint (8 hex digits) that a correct recovery must show."""
    contacts: tuple[Contact, ...] = ()
    """Printed with a line to write on where how to reach someone is not known."""
    time_lock: str | None = None
    """One or two sentences on the recovery delay, or None when recovery is not time-locked."""
    rule: tuple[RuleGroup, ...] = ()
    """Every group with its threshold and count, for the recovery rule; empty leaves it out."""
    passphrase: bool = False
    """The shares need a passphrase (never printed) besides the words."""
    bip39: bool = False
    """The secret is used as a BIP-39 phrase, not as the SLIP-39 wallet seed."""
    sealed: bool = False
    """A sealed time lock: the shares alone open a different, empty wallet."""
    consent_card: bool = False
    administrator: str = ""
    """Who ran the ceremony: the card tells a finder to return it to them."""

    def __post_init__(self) -> None:
        _check_hex("the fingerprint", self.fingerprint, 8)
        for contact in self.contacts:
            if len(contact) != 3:
                raise _bad("a contact is (role, name, how to reach them)")
        for name, threshold, count in self.rule:
            if not name or not 1 <= threshold <= count <= 16:
                raise _bad("a recovery rule names each group with 1 <= threshold <= count <= 16")

    @property
    def demo(self) -> bool:
        return self.card.demo


@dataclass(frozen=True)
class ShareRow:
    """One line of the record's share table: who holds which share, and how to check it, no words."""

    holder: str
    group: str
    member_number: int
    member_count: int
    check_code: str
    share_commitment: str
    kit_sha256: str
    """SHA-256 of the holder's PDF, so a reprint or a swapped kit is detectable."""
    bag_serial: str = ""
    """Tamper-evident bag serial; blank leaves space to write it in by hand."""

    def __post_init__(self) -> None:
        if not CHECK_CODE.match(self.check_code):
            raise _bad("the check code must look like XXXX-XXXX (upper-case hex)")
        _check_hex("a share commitment", self.share_commitment, 64)
        _check_hex("a holder kit SHA-256", self.kit_sha256, 64)
        if not 1 <= self.member_number <= self.member_count <= 16:
            raise _bad("member number must be between 1 and the member count (at most 16)")


@dataclass(frozen=True)
class RecordSheet:
    """The public ceremony record: every claim an auditor can re-check, and never a share word."""

    ceremony_name: str
    ceremony_id: str
    clock_time: str
    """When the machine's clock says the ceremony ran; printed as the machine's claim, not a fact."""
    plan_hash_hex: str
    plan_hash_words: str
    scheme_lines: tuple[str, ...]
    secret_kind: str
    fingerprint: str
    commitment: str
    shares: tuple[ShareRow, ...]
    administrator: str
    witnesses: tuple[str, ...]
    auditor: str = ""
    """Blank leaves a line for the auditor to print their name."""
    time_lock_lines: tuple[str, ...] = ()
    transcript_head_words: str = ""
    """Blank leaves ruled space to write the words the screen shows at the end."""
    demo: bool = False
    conduct: tuple[tuple[str, str], ...] = ()
    """How the ceremony was run, as (key, value): keys of `[conduct]` in record.toml (entropy,
    tool, recover_py, preflight, consent_card, consent_bag); absent facts are left out."""

    def __post_init__(self) -> None:
        _check_hex("the fingerprint", self.fingerprint, 8)
        _check_hex("the commitment", self.commitment, 64)
        _check_hex("the plan hash", self.plan_hash_hex, 64)
        if self.secret_kind not in ("slip39", "bip39"):
            raise _bad("the secret kind is slip39 or bip39")
        if not self.shares:
            raise _bad("a record lists at least one share")
