"""The one strict JSON reader: every JSON file the tool reads (record, notice, transcript entries,
delay segments, checkpoints) goes through `loads`, and its fields through `Fields`.

Strict means what a file written by this tool always satisfies and a tampered one may not:
- size and nesting depth are bounded before anything is parsed (nesting 5000 deep is refused with
  a message, never a RecursionError);
- a duplicate key is refused (two readers could otherwise see two different values);
- NaN, Infinity and numbers that overflow a float (`1e999`) are refused, and so are integers of
  more than `MAX_INT_DIGITS` digits;
- types are checked, never coerced: `"false"` is not a bool, `1` is not a bool, `true` is not an
  int, `"3"` is not an int. Every error names the field by its path (`shares[2].group_number`).
"""

from __future__ import annotations

import functools
import json
import math
import re
import typing
from collections.abc import Mapping
from dataclasses import MISSING, fields, is_dataclass
from enum import StrEnum
from itertools import accumulate
from typing import Any, TypeVar

from ceremony.errors import BadInput

MAX_BYTES = 8 * 1024 * 1024
"""Larger than any file the tool writes (a record of 256 shares is about 150 kB)."""
MAX_DEPTH = 32
"""The deepest file the tool writes nests 4 levels; 32 leaves room and bounds the parser."""
MAX_INT_DIGITS = 200
"""Integers in our files are counts, iteration numbers and identifiers (big numbers are hex text)."""

MAX_TEXT = 4096
"""The longest text field read through `Fields` (a name, a hash, a 2048-bit modulus in hex)."""

_STRING = re.compile(r'"(?:[^"\\]|\\.)*"', re.DOTALL)
_BRACKETS = str.maketrans({"[": "[", "]": "]", "{": "[", "}": "]"})

T = TypeVar("T")
E = TypeVar("E", bound=StrEnum)


class _Refused(ValueError):
    """A strictness rule, raised from inside the parser's hooks."""


def loads(
    data: str | bytes,
    what: str,
    hint: str,
    *,
    max_bytes: int = MAX_BYTES,
    max_depth: int = MAX_DEPTH,
) -> Any:
    """Parse `data` strictly; BadInput("`what` ...", hint) on anything a writer of ours never makes."""
    size = len(data.encode("utf-8") if isinstance(data, str) else data)
    if size > max_bytes:
        raise BadInput(f"{what} is too large ({size} bytes; at most {max_bytes} are read)", hint)
    if isinstance(data, bytes):
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            raise BadInput(f"{what} is not UTF-8 text", hint) from None
    else:
        text = data
    depth = _depth(text)
    if depth > max_depth:
        raise BadInput(f"{what} nests {depth} levels deep; at most {max_depth} are read", hint)
    try:
        return json.loads(
            text,
            object_pairs_hook=_no_duplicates,
            parse_constant=_no_constant,
            parse_float=_finite,
            parse_int=_bounded_int,
        )
    except _Refused as exc:
        raise BadInput(f"{what} is refused: {exc}", hint) from None
    except (ValueError, RecursionError) as exc:
        raise BadInput(f"{what} is not valid JSON ({_short(exc)})", hint) from None


def _depth(text: str) -> int:
    """How deep arrays and objects nest, counted outside strings (an upper bound is enough)."""
    brackets = "".join(c for c in _STRING.sub("", text) if c in "[]{}").translate(_BRACKETS)
    steps = (1 if c == "[" else -1 for c in brackets)
    return max(accumulate(steps, initial=0))


def _short(exc: Exception) -> str:
    text = str(exc) if not isinstance(exc, RecursionError) else "nested too deeply"
    return text if len(text) <= 120 else text[:117] + "..."


def _no_duplicates(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _Refused(f"the key {json.dumps(key)[:60]} appears twice in one object")
        result[key] = value
    return result


def _no_constant(name: str) -> float:
    raise _Refused(f"{name} is not a number this tool writes")


def _finite(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise _Refused(f"the number {text[:40]} is out of range")
    return value


def _bounded_int(text: str) -> int:
    if len(text.lstrip("-")) > MAX_INT_DIGITS:
        raise _Refused(f"an integer of {len(text)} digits is out of range")
    return int(text)


# ---------------------------------------------------------------- typed fields


def json_type(value: object) -> str:
    """The JSON name of a parsed value's type, for messages."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, int):
        return "an integer"
    if isinstance(value, float):
        return "a number"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, list):
        return "an array"
    return "an object"


_NAMES = {
    str: "a string",
    int: "an integer",
    bool: "true or false",
    float: "a number",
    list: "an array",
    dict: "an object",
}


class Fields:
    """The members of one JSON object, read by name with exact types; errors name the field."""

    def __init__(self, value: object, where: str, what: str, hint: str) -> None:
        """`where` is the path of this object ("" at the top); `what` names the file."""
        self.what, self.hint, self.where = what, hint, where
        if not isinstance(value, dict):
            raise self.error(f"{self._label()} must be an object, not {json_type(value)}")
        self.data: dict[str, Any] = value

    def error(self, message: str) -> BadInput:
        """A BadInput naming the file, with the reader's hint."""
        return BadInput(f"{self.what}: {message}", self.hint)

    def _label(self, name: str = "") -> str:
        path = f"{self.where}.{name}" if self.where and name else (self.where or name)
        return f"field {path}" if path else "the top level"

    def path(self, name: str) -> str:
        """The dotted path of a field, for messages."""
        return f"{self.where}.{name}" if self.where else name

    def only(self, names: set[str] | frozenset[str]) -> None:
        """Refuse members that are not in `names` (a tampered or foreign file)."""
        unknown = sorted(set(self.data) - set(names))
        if unknown:
            shown = ", ".join(json.dumps(name)[:40] for name in unknown[:5])
            raise self.error(f"{self._label()} has unknown field(s) {shown}")

    def has(self, name: str) -> bool:
        """Whether an optional field is present."""
        return name in self.data

    def get(self, name: str, kind: type[T], default: T | None = None) -> T:
        """The member `name`, which must have exactly the JSON type of `kind`."""
        if name not in self.data:
            if default is not None:
                return default
            raise self.error(f"{self._label(name)} is missing")
        return self.check(self.data[name], kind, self.path(name))

    def check(self, value: object, kind: type[T], path: str) -> T:
        """`value` if it has the JSON type `kind` (and is not too long), else a BadInput naming `path`."""
        if isinstance(value, str) and len(value) > MAX_TEXT:
            raise self.error(f"field {path} is longer than {MAX_TEXT} characters")
        if not _is(value, kind):
            raise self.error(
                f"field {path} must be {_NAMES.get(kind, kind.__name__)}, not {json_type(value)}"
            )
        return typing.cast(T, float(value) if kind is float else value)  # type: ignore[arg-type]

    def array(self, name: str) -> list[Any]:
        """A required list field."""
        return self.get(name, list)

    def sub(self, name: str) -> Fields:
        """A reader for a nested object, whose messages carry the path to it."""
        return Fields(self.get(name, dict), self.path(name), self.what, self.hint)

    def item(self, name: str, index: int, value: object) -> Fields:
        """A reader for one item of a list of objects, named `name[index]` in messages."""
        return Fields(value, f"{self.path(name)}[{index}]", self.what, self.hint)

    def build(self, cls: type[T]) -> T:
        """A frozen dataclass of plain fields (str, int, float, bool) from this object, exactly."""
        assert is_dataclass(cls)
        hints = _hints(cls)
        names = {f.name for f in fields(cls)}
        self.only(names)
        values: dict[str, Any] = {}
        for f in fields(cls):
            kind = hints[f.name]
            if f.name not in self.data:
                if f.default is MISSING and f.default_factory is MISSING:
                    raise self.error(f"{self._label(f.name)} is missing")
                continue
            if isinstance(kind, type) and issubclass(kind, StrEnum):
                values[f.name] = self.choice(f.name, kind)
            else:
                values[f.name] = self.check(self.data[f.name], _plain(kind), self.path(f.name))
        return cls(**values)

    def choice(self, name: str, kind: type[E]) -> E:
        """The member `name`, a string that must be one of the values of the enum `kind`."""
        text = self.get(name, str)
        try:
            return kind(text)
        except ValueError:
            allowed = ", ".join(repr(member.value) for member in kind)
            raise self.error(f"field {self.path(name)} must be one of {allowed}") from None


def _plain(kind: Any) -> type:
    if kind in (str, int, float, bool):
        return typing.cast(type, kind)
    raise TypeError(f"{kind} is not a plain JSON field type")  # a bug in a caller, not bad input


def _is(value: object, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if kind is int:
        return isinstance(value, int) and not isinstance(value, bool)
    if kind is float:
        return isinstance(value, (int, float)) and not isinstance(value, bool)
    if kind is dict:
        return isinstance(value, dict)
    if kind is list:
        return isinstance(value, list)
    return isinstance(value, kind)


def strings(value: Mapping[str, object] | object, fields_: Fields, path: str) -> dict[str, str]:
    """A JSON object of strings (for example the record's roles), checked member by member."""
    if not isinstance(value, dict):
        raise fields_.error(f"field {path} must be an object, not {json_type(value)}")
    return {str(k): fields_.check(v, str, f"{path}.{k}") for k, v in value.items()}


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    """A dataclass's resolved field types, once per class: resolving them costs more than building
    an entry, and a record of 256 shares builds 256 of one class."""
    return typing.get_type_hints(cls)
