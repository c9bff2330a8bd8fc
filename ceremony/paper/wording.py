"""Loading the wording that people read, print and sign, from `templates/`.

Wording lives in files, not in Python strings, so that it can be reviewed, translated and signed off
without reading code. An installed package carries the files in `ceremony/_data/templates` (see the
wheel's force-include in pyproject.toml); a development checkout reads the repository's
`templates/`. Placeholders are `{name}` filled with `str.format_map`; values are inserted as data,
never parsed as templates, so a holder called "{x}" is printed as "{x}".
"""

from __future__ import annotations

import string
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from ceremony.errors import OutputFailed
from ceremony.templates import BROKEN_HINT as _BROKEN_HINT
from ceremony.templates import data_root, read_template
from ceremony.templates import template_path as _template_path


def templates_root() -> Path:
    """The folder holding the wording templates."""
    return data_root("templates")


def template_path(*parts: str) -> Path:
    """Path of one template file, for example `template_path("paper", "holder.toml")`."""
    return _template_path(*parts)


def read_text(*parts: str) -> str:
    """The text of one template file (UTF-8)."""
    return read_template(*parts)


def fill(template: str, values: Mapping[str, object], *, source: str = "template") -> str:
    """Fill `{name}` placeholders from `values`; a placeholder without a value is an error."""
    try:
        return template.format_map(values)
    except (KeyError, IndexError, ValueError) as exc:
        raise OutputFailed(
            f"the wording in {source} uses a placeholder that cannot be filled: {exc}",
            "fix the template: use only the documented {placeholders}, and {{ }} for braces",
        ) from None


def placeholders(template: str) -> set[str]:
    """The placeholder names a template uses (for tests that check every template is fillable)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


@dataclass(frozen=True)
class Wording:
    """The strings of one TOML template file, looked up by dotted key and filled with values."""

    source: str
    data: Mapping[str, Any]

    def _get(self, key: str) -> Any:
        node: Any = self.data
        for part in key.split("."):
            if not isinstance(node, Mapping) or part not in node:
                raise OutputFailed(f"the wording in {self.source} lacks {key!r}", _BROKEN_HINT)
            node = node[part]
        return node

    def text(self, key: str, values: Mapping[str, object] | None = None) -> str:
        """One string, filled."""
        node = self._get(key)
        if not isinstance(node, str):
            raise OutputFailed(f"the wording {key!r} in {self.source} is not text", _BROKEN_HINT)
        return fill(node, values or {}, source=f"{self.source} {key}")

    def texts(self, key: str, values: Mapping[str, object] | None = None) -> tuple[str, ...]:
        """A list of strings, each filled."""
        node = self._get(key)
        if not isinstance(node, list) or not all(isinstance(item, str) for item in node):
            raise OutputFailed(f"the wording {key!r} in {self.source} is not a list", _BROKEN_HINT)
        return tuple(fill(item, values or {}, source=f"{self.source} {key}") for item in node)

    def tables(self, key: str) -> tuple[Wording, ...]:
        """An array of tables (`[[key]]`), each as its own Wording."""
        node = self._get(key)
        if not isinstance(node, list) or not all(isinstance(item, Mapping) for item in node):
            raise OutputFailed(
                f"the wording {key!r} in {self.source} is not a list of tables", _BROKEN_HINT
            )
        return tuple(Wording(f"{self.source} {key}", item) for item in node)

    def has(self, key: str) -> bool:
        try:
            self._get(key)
        except OutputFailed:
            return False
        return True


@cache
def load(*parts: str) -> Wording:
    """Parse a TOML wording file once per process."""
    name = "/".join(parts)
    try:
        data = tomllib.loads(read_text(*parts))
    except tomllib.TOMLDecodeError as exc:
        raise OutputFailed(
            f"the wording template {name} is not valid TOML: {exc}", _BROKEN_HINT
        ) from None
    return Wording(name, data)
