"""The two kinds of time lock (DESIGN section 9), one enum from the plan to the paper.

Its values are the JSON spelling in record.json, notice.json and the transcripts, so the files do not
change; code matches on the members, ending in `typing.assert_never`, so a mode that a branch forgot
is a type error and not a silent fall into the other mode.
"""

from __future__ import annotations

from enum import StrEnum
from typing import assert_never


class TimeLockMode(StrEnum):
    EVIDENCED = "evidenced"
    """A VDF chain, computed after a public recovery notice, proves that the wait took place."""
    SEALED = "sealed"
    """The shares are encrypted under a time-lock puzzle: the delay is in the secret itself."""

    @property
    def delay_name(self) -> str:
        """How the paper and the screen name the delay: 'evidenced delay', 'sealed time lock'."""
        match self:
            case TimeLockMode.EVIDENCED:
                return "evidenced delay"
            case TimeLockMode.SEALED:
                return "sealed time lock"
            case unreachable:
                assert_never(unreachable)

    @property
    def work_unit(self) -> str:
        """What its work T counts: 'VDF iterations' or 'sequential squarings'."""
        match self:
            case TimeLockMode.EVIDENCED:
                return "VDF iterations"
            case TimeLockMode.SEALED:
                return "sequential squarings"
            case unreachable:
                assert_never(unreachable)
