"""SECRET HANDLING. How guessable a SLIP-39 passphrase is, estimated with zxcvbn.

Why it matters here more than for a web password: the record's fingerprint and commitment are
public so that a recovery can be verified, so whoever holds a quorum of shares can test passphrase
guesses offline, as fast as their hardware decrypts, and each guess is confirmed exactly. The only
costs are the guesses and SLIP-39's PBKDF2 (10,000 x 2^e iterations a guess at iteration exponent
e). The estimate is zxcvbn's (Dropbox's model of common guessing strategies: dictionaries, names,
dates, keyboard patterns, l33t), not a hand-written rule; it is a model, not a proof.

Nothing here keeps, returns or quotes the passphrase: only a number of bits leaves this module.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

MIN_BITS = 60
"""Below this, warn. 2^60 guesses at 20,000 PBKDF2 iterations each (exponent 1) is far beyond a
quorum with ordinary hardware; 2^40 is not (see docs/security.md)."""
MAX_ADVISED_EXPONENT = 8
"""The highest iteration exponent the warning recommends: every step doubles the work of each
honest decryption too (256x at 8 against exponent 0), which hardware wallets feel first."""
MAX_ESTIMATED_CHARS = 72
"""zxcvbn's own default limit (its matching grows fast with length). A longer passphrase is
estimated on this prefix, which in practice is never stronger than the whole."""
_PUBLIC_WORDS_LIMIT = 200


@dataclass(frozen=True)
class PassphraseStrength:
    """The estimated strength of a passphrase, in bits, and what to advise about it."""

    bits: float
    """log2 of zxcvbn's estimated number of guesses (0 for an empty passphrase)."""
    exponent: int
    """The SLIP-39 iteration exponent the passphrase will be used with."""

    @property
    def weak(self) -> bool:
        return self.bits < MIN_BITS

    @property
    def shortfall(self) -> int:
        """Whole bits missing to `MIN_BITS` (0 when strong enough)."""
        return max(0, math.ceil(MIN_BITS - self.bits))

    @property
    def recommended_exponent(self) -> int | None:
        """The iteration exponent that makes up the shortfall (each step adds one bit of work to
        every guess), or None when no advisable exponent does: a longer passphrase is needed."""
        needed = self.exponent + self.shortfall
        return needed if needed <= MAX_ADVISED_EXPONENT else None


def estimate(
    passphrase: bytes, *, exponent: int, public_words: Sequence[str] = ()
) -> PassphraseStrength:
    """zxcvbn's estimate for `passphrase`, counting `public_words` (names in the public record:
    ceremony, groups, holders, roles) as known to the attacker."""
    from zxcvbn import zxcvbn  # on first use: only a passphrase needs it

    if not passphrase:
        return PassphraseStrength(bits=0.0, exponent=exponent)
    text = passphrase.decode("ascii", errors="replace")[:MAX_ESTIMATED_CHARS]
    known = [word for word in public_words if word][:_PUBLIC_WORDS_LIMIT]
    result = zxcvbn(text, user_inputs=known, max_length=MAX_ESTIMATED_CHARS)
    bits = float(result["guesses_log10"]) / math.log10(2)
    return PassphraseStrength(bits=max(0.0, bits), exponent=exponent)
