"""Injected crash points, for the fault tests: the process kills itself (SIGKILL) at a named point.

`CEREMONY_CRASH_AT=name` (or `name:N`, the Nth time the point is reached) makes `crash_point(name)`
end the process at once, as a power cut or `kill -9` would: no handler, no cleanup, no flush. The
tests use it to prove that what such a crash leaves is whole or absent, and that the next run finds
and removes what must not stay. Without the variable every point does nothing.

Points: transcript.append.before, transcript.append.torn (half a line written),
transcript.append.after, write.written (a temporary copy written, not yet renamed), write.renamed
(renamed into place), release.recorded (the release recorded, the secret not yet in place).
"""

from __future__ import annotations

import os
import signal

VARIABLE = "CEREMONY_CRASH_AT"
_hits: dict[str, int] = {}


def _target() -> tuple[str, int] | None:
    value = os.environ.get(VARIABLE, "")
    if not value:
        return None
    name, _, count = value.partition(":")
    return name, int(count) if count.isdigit() and int(count) > 0 else 1


def reached(name: str) -> bool:
    """Count a pass through the point `name`; True when it is the one CEREMONY_CRASH_AT names."""
    target = _target()
    if target is None or target[0] != name:
        return False
    _hits[name] = _hits.get(name, 0) + 1
    return _hits[name] == target[1]


def crash_now() -> None:
    """End the process at once, as a power cut would: no handler, no clean-up, no flush."""
    os.kill(os.getpid(), signal.SIGKILL)


def crash_point(name: str) -> None:
    """Kill the process here if CEREMONY_CRASH_AT names this point (and this is the Nth time)."""
    if reached(name):
        crash_now()
