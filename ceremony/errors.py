"""Project errors: every failure a user can cause carries a one-line message, a hint and an exit code.

Only the command line turns these into output and exit codes (see `ceremony.cli.app`). Messages must
never contain a secret: at most the first four words of a share, which are public metadata.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Documented exit codes (README, "Commands and exit codes")."""

    OK = 0
    INTERNAL = 1
    USAGE = 2
    BAD_INPUT = 3
    NOT_VERIFIED = 4
    REFUSED = 5
    OUTPUT = 6
    LOCKED = 7
    NOT_RECOVERABLE = 8
    INTERRUPTED = 130


class CeremonyError(Exception):
    """Base of every error the user can cause or fix."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint

    def __str__(self) -> str:
        return self.message


class BadInput(CeremonyError):
    """Input that cannot be used: an unknown word, a bad checksum, a malformed plan or file."""

    exit_code = ExitCode.BAD_INPUT


class NotVerified(CeremonyError):
    """A check failed: shares disagree, a result is not the recorded secret, a proof or chain is bad."""

    exit_code = ExitCode.NOT_VERIFIED


class Refused(CeremonyError):
    """The tool refuses an unsafe action: revealing without --reveal, overwriting without --force."""

    exit_code = ExitCode.REFUSED


class OutputFailed(CeremonyError):
    """An output could not be written; nothing was left half-written."""

    exit_code = ExitCode.OUTPUT


class Locked(CeremonyError):
    """A time lock has not been satisfied yet."""

    exit_code = ExitCode.LOCKED


class NotRecoverable(CeremonyError):
    """A kit read back from its written files does not give back the recorded secret."""

    exit_code = ExitCode.NOT_RECOVERABLE


class Interrupted(CeremonyError):
    """The user interrupted the work (Ctrl-C)."""

    exit_code = ExitCode.INTERRUPTED


def share_prefix(mnemonic: str) -> str:
    """The first four words of a share: its identifier and parameters, safe to quote in messages."""
    words = mnemonic.split()
    head = " ".join(words[:4])
    return f"{head} ..." if len(words) > 4 else head
