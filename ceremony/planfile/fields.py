"""Reading TOML tables field by field, so that every error names the field, its line, and a fix.

Why not a validation library: pydantic costs about 130 ms to import (issue 18: every command starts
fast, and `audit` and the lifecycle ceremonies read plans too), and msgspec or cattrs report errors in
their own fixed wording, with 0-based paths (`$.groups[0]`) and no hint; turning those back into the
messages people read here would mean parsing their messages. The checks are few and their wording is
the product, so they are written out.
"""

from __future__ import annotations

import difflib
import re
import tomllib
import unicodedata
from collections.abc import Callable, Sequence
from enum import StrEnum
from pathlib import Path
from typing import NoReturn, TypeVar

from ceremony.errors import BadInput
from ceremony.planfile.positions import Key, field_name, line_index, nearest_line
from ceremony.terminal_text import hidden_characters

MAX_FILE_BYTES = 1 << 20
"""A plan or an amendment is a short text file; anything larger is the wrong file."""
MAX_NAME = 100
"""The longest name: it must fit on a printed card."""

_E = TypeVar("_E", bound=StrEnum)
MISSING = object()
"""The default of a required key."""

_TYPE_NAMES: tuple[tuple[type, str], ...] = (
    (bool, "true or false"),
    (int, "a whole number"),
    (float, "a decimal number"),
    (str, "text in quotes"),
    (list, "a list"),
    (dict, "a table"),
)


def type_name(value: object) -> str:
    """A TOML value's type as the person who wrote it would call it."""
    for kind, name in _TYPE_NAMES:
        if isinstance(value, kind):
            return name
    return "a date or time"


def same_name(name: str) -> str:
    """A name folded so that two spellings of one person ("Ann  Lee", "ann lee") compare equal."""
    return " ".join(unicodedata.normalize("NFKC", name).casefold().split())


def read_bounded(path: Path, *, what: str, hint: str) -> bytes:
    """The file's bytes, at most one more than `MAX_FILE_BYTES` (so that size is checked, not
    trusted), or a `BadInput` naming the path."""
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise BadInput(f"cannot read the {what} {path}: {exc.strerror or exc}", hint) from None


def parse_toml(
    data: bytes, *, source: str, what: str, example: str
) -> tuple[str, dict[str, object]]:
    """The text and the document of a TOML input file; refuses oversized, non-UTF-8, empty and
    malformed files with the line and column where reading stopped. `example` is the hint that
    says where a valid file comes from."""
    if len(data) > MAX_FILE_BYTES:
        raise BadInput(
            f"{source}: the {what} is larger than {MAX_FILE_BYTES // 1024} KiB",
            f"a {what} is a short text file; check that this is the right file",
        )
    text = _decode(data, source, what)
    if not text.strip():
        raise BadInput(f"{source}: the {what} file is empty", example)
    try:
        document = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise _toml_error(source, exc) from None
    except RecursionError:
        raise BadInput(
            f"{source}: the {what} nests lists or tables too deeply to read",
            f"a {what} nests at most a few levels; {example}",
        ) from None
    if not document:
        raise BadInput(f"{source}: the {what} has no settings, only comments", example)
    return text, document


def _decode(data: bytes, source: str, what: str) -> str:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise BadInput(
            f"{source}, line {line}: the {what} is not UTF-8 text",
            f"save the {what} as UTF-8 (most editors offer it under 'Save as' / 'Encoding')",
        ) from None
    return text.removeprefix("\ufeff")


def _toml_error(source: str, exc: tomllib.TOMLDecodeError) -> BadInput:
    message = str(exc)
    where = source
    match = re.search(r"\s*\(at line (\d+), column (\d+)\)$", message)
    if match:
        where = f"{source}, line {match.group(1)}, column {match.group(2)}"
        message = message[: match.start()]
    elif message.endswith("(at end of document)"):
        where = f"{source}, at the end"
        message = message.removesuffix("(at end of document)").rstrip()
    reason = message[:1].lower() + message[1:]
    return BadInput(
        f"{where}: not valid TOML: {reason}",
        'text goes in double quotes (name = "Alice"), lists in [ ], each key once per table; '
        "compare with `ceremony plan new`",
    )


class TableReader:
    """Walks a parsed document; every error carries the field and the line it comes from.

    Subclasses read the sections of one kind of file; `fail` is the one place errors are made.
    """

    def __init__(self, source: str, text: str) -> None:
        self.source = source
        self.text = text
        self._lines: dict[Key, int] | None = None

    def line_of(self, path: Key) -> int | None:
        """The field's line, or its table's; the text is only scanned when an error needs it."""
        if self._lines is None:
            self._lines = line_index(self.text)
        return nearest_line(self._lines, path)

    def fail(self, path: Key, problem: str, hint: str) -> NoReturn:
        """Raise the error, with the field's line when it is known."""
        line = self.line_of(path)
        where = f"{self.source}, line {line}" if line else self.source
        raise BadInput(f"{where}: {problem}", hint)

    def table(self, value: object, path: Key) -> dict[str, object]:
        """`value` if it is a table; a value where a section was expected is refused."""
        if not isinstance(value, dict):
            self.fail(
                path,
                f"{field_name(path)} must be a table, not {type_name(value)}",
                f"write it as a section: [{field_name(path)}] followed by its keys",
            )
        return value

    def keys(
        self,
        table: dict[str, object],
        path: Key,
        allowed: Sequence[str],
        required: Sequence[str] = (),
    ) -> None:
        """Refuse unknown keys (with a "did you mean") and missing required ones: a typo is never
        silently ignored."""
        for key in table:
            if key not in allowed:
                close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
                guess = f"; did you mean {close[0]!r}?" if close else ""
                known = ", ".join(allowed)
                self.fail(
                    (*path, key),
                    f"unknown key {field_name((*path, key))!r}{guess}",
                    f"the keys here are: {known}",
                )
        for key in required:
            if key not in table:
                self.fail(
                    path,
                    f"{field_name((*path, key))} is missing"
                    if path
                    else f"the [{'[groups]' if key == 'groups' else key}] section is missing",
                    "add it; `ceremony plan new` writes an example with every field explained",
                )

    def get(self, table: dict[str, object], path: Key, key: str, default: object) -> object:
        """The key's value, the default, or an error when a required key is missing."""
        if key in table:
            return table[key]
        if default is MISSING:
            self.fail(
                path,
                f"{field_name((*path, key))} is missing",
                "add it; `ceremony plan new` writes an example with every field explained",
            )
        return default

    def wrong_type(self, path: Key, value: object, wanted: str, example: str) -> NoReturn:
        """Refuse a value of the wrong type, with an example of the right one."""
        self.fail(
            path,
            f"{field_name(path)} must be {wanted}, not {type_name(value)}",
            f"write it as in: {example}",
        )

    def text_value(
        self,
        value: object,
        path: Key,
        *,
        what: str,
        limit: int = MAX_NAME,
        empty_ok: bool = False,
    ) -> str:
        """Text that will be printed: trimmed, bounded, and free of invisible characters that
        could hide or disguise what is signed."""
        if not isinstance(value, str):
            self.fail(
                path,
                f"{field_name(path)} must be text in quotes, not {type_name(value)}",
                f'put {what} in double quotes, as in "..."',
            )
        text = value.strip()
        if not text and not empty_ok:
            self.fail(path, f"{field_name(path)} is empty", f"give {what}")
        if len(text) > limit:
            self.fail(
                path,
                f"{field_name(path)} is longer than {limit} characters",
                "shorten it; it must fit on a printed card",
            )
        hidden = hidden_characters(text)
        if hidden:
            self.fail(
                path,
                f"{field_name(path)} contains an invisible control character ({hidden[0].strip('<>')})",
                "retype the text without it: control, bidi, zero-width and line-separator "
                "characters could hide or disguise what is printed",
            )
        return text

    def string(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        *,
        what: str,
        default: object = MISSING,
        limit: int = MAX_NAME,
        empty_ok: bool = False,
    ) -> str:
        """A text field (see `text_value`)."""
        value = self.get(table, path, key, default)
        return self.text_value(value, (*path, key), what=what, limit=limit, empty_ok=empty_ok)

    def integer(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        *,
        default: object = MISSING,
        example: str,
    ) -> int:
        """A whole-number field; true and false are not numbers here, unlike in Python."""
        value = self.get(table, path, key, default)
        if isinstance(value, bool) or not isinstance(value, int):
            self.wrong_type((*path, key), value, "a whole number", example)
        return value

    def boolean(
        self, table: dict[str, object], path: Key, key: str, *, default: object = MISSING
    ) -> bool:
        """A true/false field."""
        value = self.get(table, path, key, default)
        if not isinstance(value, bool):
            self.wrong_type((*path, key), value, "true or false", f"{key} = false")
        return value

    def choice(
        self,
        table: dict[str, object],
        path: Key,
        key: str,
        enum: type[_E],
        *,
        default: object = MISSING,
        spelled: Callable[[_E], str] = str,
    ) -> _E:
        """One of the enum's members, matched case-blind; `spelled` is how the file writes one."""
        value = self.get(table, path, key, default)
        options = [spelled(member) for member in enum]
        listed = ", ".join(f'"{o}"' for o in options)
        if not isinstance(value, str):
            self.wrong_type((*path, key), value, f"one of {listed}", f'{key} = "{options[0]}"')
        for member in enum:
            if spelled(member).lower() == value.strip().lower():
                return member
        close = difflib.get_close_matches(value, options, n=1, cutoff=0.5)
        guess = f"; did you mean {close[0]!r}?" if close else ""
        self.fail(
            (*path, key),
            f"{field_name((*path, key))} = {value!r} is not a known choice{guess}",
            f"use one of {listed}",
        )
