"""The ceremony plan: one TOML file, the only input of a ceremony, reviewed and printed beforehand.

These are the plan's values; `ceremony.planfile.plan` reads them from the file, strictly (every key
known, every value of one type, every error naming its field and line).

The plan's identity is the SHA-256 of the file's exact bytes (`Plan.sha256`); it is printed on every
page as words, so a reformatted file is a different plan.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum

from ceremony.model.paper import PaperSize
from ceremony.model.scheme import GroupSpec, Scheme, SecretKind


class PassphrasePolicy(StrEnum):
    """Whether the shares are protected by a SLIP-39 passphrase."""

    NONE = "none"
    """No passphrase: the shares alone recover the secret."""
    PROMPT = "prompt"
    """A passphrase typed at the ceremony (never written in the plan); it is needed for recovery."""


class EntropySource(StrEnum):
    """Where the secret's randomness comes from (DESIGN section 6)."""

    CSPRNG = "csprng"
    CSPRNG_AND_DICE = "csprng+dice"
    DICE_ONLY = "dice-only"
    """For a two-machine cross-check: the same rolls give the same secret on both machines."""

    @property
    def uses_dice(self) -> bool:
        """Whether the ceremony asks for dice rolls."""
        return self is not EntropySource.CSPRNG


class RecoveryMode(StrEnum):
    """How a recovery is slowed down (DESIGN section 9)."""

    EVIDENCED = "evidenced"
    SEALED = "sealed"
    NONE = "none"


@dataclass(frozen=True)
class Holder:
    """A person who keeps one share card."""

    name: str
    contact: str = ""
    transliteration: str = ""
    """How the paper prints the name when the kit's fonts cannot print it as written."""

    @property
    def printed_name(self) -> str:
        """The name as the paper prints it: the transliteration when the fonts lack the script."""
        return self.transliteration or self.name


@dataclass(frozen=True)
class Group:
    """A named group: `threshold` of its holders are needed to rebuild the group's part."""

    name: str
    threshold: int
    holders: tuple[Holder, ...]

    @property
    def count(self) -> int:
        """How many shares the group has: one per holder."""
        return len(self.holders)

    def to_spec(self) -> GroupSpec:
        """The group as the SLIP-39 scheme sees it, so that the scheme's limits are checked once."""
        return GroupSpec(
            name=self.name,
            threshold=self.threshold,
            count=self.count,
            holders=tuple(h.name for h in self.holders),
        )


@dataclass(frozen=True)
class SecretPolicy:
    strength_bits: int
    kind: SecretKind
    group_threshold: int
    passphrase: PassphrasePolicy
    iteration_exponent: int
    extendable: bool


@dataclass(frozen=True)
class EntropyPolicy:
    source: EntropySource
    dice_sides: int


@dataclass(frozen=True)
class RecoveryPolicy:
    """The time-lock settings; the recovery work fills in how they are enforced."""

    mode: RecoveryMode
    delay: str
    """As written in the plan, for example "72h"."""
    delay_seconds: int
    attacker_speedup: int
    """k: the delay is also stated against an attacker k times faster than this machine."""
    consent_card: bool
    consent_keeper: str = ""
    """Who keeps the sealed consent card (printed in the script; blank to write in if not set)."""


@dataclass(frozen=True)
class Signer:
    """Someone who signs the ceremony's closing message on their own device: a witness, usually.
    The plan pins their OpenSSH Ed25519 public key, so the audit can name who signed."""

    name: str
    key: str
    """The public key line as `ssh-keygen` prints it: `ssh-ed25519 AAAA... comment`."""


@dataclass(frozen=True)
class Roles:
    """The people present at the ceremony, recorded in the transcript and on the record."""

    administrator: str
    witnesses: tuple[str, ...]
    auditor: str | None
    contacts: tuple[tuple[str, str], ...] = ()
    """(name, how to reach them) for each role given as `{ name = ..., contact = ... }`."""
    signers: tuple[Signer, ...] = ()
    """Public keys whose signatures anchor the audit (optional; see `ceremony attest`)."""

    def contact(self, name: str) -> str:
        """How to reach this person, as the plan says; empty when it does not."""
        return dict(self.contacts).get(name, "")


@dataclass(frozen=True)
class Plan:
    name: str
    secret: SecretPolicy
    groups: tuple[Group, ...]
    entropy: EntropyPolicy
    recovery: RecoveryPolicy
    roles: Roles
    paper_size: PaperSize
    output_directory: str
    """As written; a relative path is relative to the directory the ceremony is run from."""
    demo: bool
    sha256: str
    """SHA-256 (hex) of the plan file's exact bytes."""
    text: str = field(default="", repr=False, compare=False)
    """The plan file's text, for printing it for review."""

    @property
    def scheme(self) -> Scheme:
        """The SLIP-39 scheme; it was validated when the plan was read."""
        return Scheme(
            group_threshold=self.secret.group_threshold,
            groups=tuple(g.to_spec() for g in self.groups),
            strength_bits=self.secret.strength_bits,
            kind=self.secret.kind,
            iteration_exponent=self.secret.iteration_exponent,
            extendable=self.secret.extendable,
        )

    @property
    def hash_words(self) -> str:
        """The plan hash as twelve words, as printed on every page."""
        from ceremony.model.hashwords import hash_words

        return hash_words(bytes.fromhex(self.sha256))

    @property
    def holders(self) -> tuple[tuple[Group, Holder], ...]:
        """Every holder with their group, in plan order."""
        return tuple((g, h) for g in self.groups for h in g.holders)

    @property
    def minimum_holders(self) -> int:
        """The fewest people who together can recover the secret."""
        smallest = sorted(g.threshold for g in self.groups)
        return sum(smallest[: self.secret.group_threshold])

    def warnings(self) -> tuple[str, ...]:
        """Legal but risky choices, worth a second look before the ceremony."""
        notes: list[str] = []
        if self.demo:
            notes.append("this is a DEMO plan: never keep value under a secret made from it")
        if self.minimum_holders == 1:
            notes.append("a single holder can recover the secret alone")
        if not self.roles.witnesses:
            notes.append("no witnesses are named")
        if self.roles.auditor is None:
            notes.append("no auditor is named")
        if self.secret.passphrase is PassphrasePolicy.PROMPT:
            notes.append(
                "the passphrase is not in the shares: without it the shares recover nothing"
            )
        if self.entropy.source is EntropySource.DICE_ONLY:
            notes.append("dice-only: the secret is only as good as the dice and the people rolling")
        if self.recovery.mode is RecoveryMode.NONE:
            notes.append("no recovery delay: any quorum can recover the secret at once")
        return tuple(notes)

    def to_dict(self) -> dict[str, object]:
        """The plan as JSON-ready data (for `plan check --json` and the ceremony record)."""
        scheme = self.scheme
        return {
            "name": self.name,
            "demo": self.demo,
            "sha256": self.sha256,
            "hash_words": self.hash_words,
            "secret": {
                "strength": self.secret.strength_bits,
                "kind": self.secret.kind.value,
                "group_threshold": self.secret.group_threshold,
                "passphrase": self.secret.passphrase.value,
                "iteration_exponent": self.secret.iteration_exponent,
                "extendable": self.secret.extendable,
            },
            "groups": [
                {
                    "name": g.name,
                    "threshold": g.threshold,
                    "holders": [{"name": h.name, "contact": h.contact} for h in g.holders],
                }
                for g in self.groups
            ],
            "entropy": {"source": self.entropy.source.value, "dice_sides": self.entropy.dice_sides},
            "recovery": {
                "mode": self.recovery.mode.value,
                "delay": self.recovery.delay,
                "delay_seconds": self.recovery.delay_seconds,
                "attacker_speedup": self.recovery.attacker_speedup,
                "consent_card": self.recovery.consent_card,
            },
            "roles": {
                "administrator": self.roles.administrator,
                "witnesses": list(self.roles.witnesses),
                "auditor": self.roles.auditor,
                "signers": [{"name": s.name, "key": s.key} for s in self.roles.signers],
            },
            "paper": {"size": self.paper_size.label},
            "output": {"directory": self.output_directory},
            "share_count": scheme.share_count,
            "words_per_share": scheme.words_per_share,
            "minimum_holders": self.minimum_holders,
        }
