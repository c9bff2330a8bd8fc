"""What is running: the tool's version, the hash of the dependency lock it was built with, Python.

The lock (`locks/run.txt`, hashed by `make lock`) ships inside the wheel as
`ceremony/_data/locks/run.txt`; a development checkout reads the repository's `locks/`. Its SHA-256
names the exact set of dependencies; `ceremony --version`, the transcript and the record carry it,
and preflight compares the installed packages with its pins.
"""

from __future__ import annotations

import hashlib
import platform
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from ceremony import __version__
from ceremony.errors import OutputFailed
from ceremony.templates import data_root

TOOL = f"ceremony {__version__}"
LOCK_FILE = "run.txt"
UNKNOWN = "unknown"


@dataclass(frozen=True)
class Pin:
    """One locked package: its canonical name and the exact version the lock allows."""

    name: str
    version: str


def lock_path() -> Path | None:
    """The runtime lock this installation was built from, or None when it cannot be found."""
    try:
        path = data_root("locks") / LOCK_FILE
    except OutputFailed:
        return None
    return path if path.is_file() else None


@cache
def lock_sha256() -> str:
    """SHA-256 (hex) of the runtime lock's bytes, or 'unknown'."""
    path = lock_path()
    if path is None:
        return UNKNOWN
    return hashlib.sha256(path.read_bytes()).hexdigest()


def python_version() -> str:
    return f"{platform.python_implementation()} {platform.python_version()}"


def version_line() -> str:
    """What `ceremony --version` prints."""
    return f"{TOOL} (lock sha256 {lock_sha256()}; {python_version()})"


def parse_lock(text: str) -> tuple[Pin, ...]:
    """The pins of a hashed lock that apply to this interpreter and platform (markers evaluated).

    `packaging` is imported here, not above: every transcript needs this module, only preflight
    parses a lock, and importing `packaging` costs more than the rest of this module."""
    from packaging.requirements import InvalidRequirement, Requirement
    from packaging.utils import canonicalize_name

    pins = []
    for line in text.splitlines():
        if not line or line[0] in " #-\t":
            continue
        try:
            requirement = Requirement(line.rstrip("\\").strip())
        except InvalidRequirement:
            continue
        specs = list(requirement.specifier)
        if len(specs) != 1 or specs[0].operator != "==":
            continue
        marker = requirement.marker
        if marker is not None and not marker.evaluate({"extra": ""}):
            continue
        pins.append(Pin(canonicalize_name(requirement.name), specs[0].version))
    return tuple(pins)


@dataclass(frozen=True)
class Lock:
    """The runtime lock: its hash and the pins that apply here."""

    sha256: str
    pins: tuple[Pin, ...]


def installed_lock() -> Lock | None:
    """The lock this installation carries, or None when it cannot be found."""
    path = lock_path()
    if path is None:
        return None
    return Lock(lock_sha256(), parse_lock(path.read_text(encoding="utf-8")))
