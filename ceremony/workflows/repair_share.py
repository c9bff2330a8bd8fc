"""`ceremony repair`: restore the unreadable words of one share, or find one wrong word, from the
share's own checksum (RS1024). The candidates are secret; the caller decides where they go."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ceremony.core.repair import Repair


def repair_words(words: Sequence[int | None]) -> Repair:
    """Every share that fits the words given (None: unreadable); raises when none fits."""
    from ceremony.core.repair import repair

    return repair(words)
