"""Where randomness and the time come from: always parameters, never globals.

Each function that needs random bytes or the current time takes them as an argument defaulting to
the real source (`secrets.token_bytes`, a UTC clock), so tests pass deterministic ones without
patching anything, and a reader can see at the signature which code draws randomness.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

Rng = Callable[[int], bytes]
"""Returns that many random bytes; the default everywhere is `secrets.token_bytes`."""

Clock = Callable[[], datetime]
"""Returns the current time, timezone-aware (UTC)."""
