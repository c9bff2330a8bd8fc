"""Stamp the lock files with a digest of what they were made from, and check the stamp.

`make lock` runs uv, then `stamp`; every install runs `check` first, so a pyproject.toml whose
dependencies changed without `make lock` fails before anything is installed. Standard library only
(it runs with the system Python, before any virtual environment exists).
"""

from __future__ import annotations

import hashlib
import json
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
LOCKS = ("run", "build", "test", "tools")
MARK = "# inputs-sha256: "
HINT = "hint: run `make lock` (it needs the package index) and commit the files in locks/\n"


def inputs_digest(root: Path = ROOT) -> str:
    """SHA-256 of the dependency declarations: pyproject's, and the tool lists in locks/*.in."""
    project = tomllib.loads((root / "pyproject.toml").read_text(encoding="utf-8"))
    declared = {
        "requires-python": project["project"].get("requires-python"),
        "dependencies": project["project"].get("dependencies", []),
        "optional-dependencies": project["project"].get("optional-dependencies", {}),
        "build-system": project.get("build-system", {}).get("requires", []),
        "build.in": (root / "locks" / "build.in").read_text(encoding="utf-8"),
        "tools.in": (root / "locks" / "tools.in").read_text(encoding="utf-8"),
    }
    text = json.dumps(declared, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(text.encode()).hexdigest()


def stamp(root: Path = ROOT) -> None:
    digest = inputs_digest(root)
    for name in LOCKS:
        path = root / "locks" / f"{name}.txt"
        lines = [
            line
            for line in path.read_text(encoding="utf-8").splitlines()
            if not line.startswith(MARK)
        ]
        lines.insert(2, f"{MARK}{digest}")
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def check(root: Path = ROOT) -> int:
    try:
        digest = inputs_digest(root)
    except (OSError, tomllib.TOMLDecodeError, KeyError) as exc:
        sys.stderr.write(
            f"error: cannot read the dependencies from pyproject.toml ({exc})\n"
            "hint: fix pyproject.toml (a merge conflict?), then run `make lock`\n"
        )
        return 1
    for name in LOCKS:
        path = root / "locks" / f"{name}.txt"
        if not path.is_file():
            sys.stderr.write(f"error: the lock file locks/{name}.txt is missing\n{HINT}")
            return 1
        found = [
            line[len(MARK) :]
            for line in path.read_text(encoding="utf-8").splitlines()
            if line.startswith(MARK)
        ]
        if found != [digest]:
            sys.stderr.write(
                f"error: locks/{name}.txt does not match the dependencies in pyproject.toml "
                "(they changed after the lock was made)\n" + HINT
            )
            return 1
    return 0


def main(argv: list[str]) -> int:
    if argv == ["stamp"]:
        stamp()
        return 0
    if argv == ["check"]:
        return check()
    sys.stderr.write("error: usage: lock_inputs.py stamp|check\n")
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
