"""The master secret as a value that does not show itself.

Python cannot wipe memory, so this type only prevents accidents: its repr and str are redacted,
and the raw bytes come only from `reveal()`, which is easy to find in a review.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import NoReturn

from ceremony.model.scheme import SecretKind, check_read_strength


@dataclass(frozen=True)
class Secret:
    _value: bytes = field(repr=False)
    kind: SecretKind = SecretKind.SLIP39

    def __post_init__(self) -> None:
        check_read_strength(len(self._value) * 8, self.kind)

    def reveal(self) -> bytes:
        """The raw secret bytes. Every caller of this is a place where the secret can leak."""
        return self._value

    @property
    def strength_bits(self) -> int:
        """The secret's length in bits; safe to show, unlike the secret."""
        return len(self._value) * 8

    def __repr__(self) -> str:
        return f"Secret(<{self.strength_bits} bits, {self.kind.value}, redacted>)"

    __str__ = __repr__

    def __format__(self, spec: str) -> str:
        return repr(self)

    def __reduce__(self) -> NoReturn:
        raise TypeError("a Secret cannot be pickled")
