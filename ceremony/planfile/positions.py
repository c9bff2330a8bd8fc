"""Where a field is written in a TOML file, so that an error can name its line.

`tomllib` returns values without positions, and no maintained TOML library for Python exposes them:
`tomlkit` keeps the text for round trips but not line numbers, and a tree-sitter grammar would add
two compiled packages to the air-gapped install for an error message. So a small scanner walks the
text (already accepted by `tomllib`) and notes where each table header, key, list item and
inline-table key starts. A surprise stops it; positions found before it are still right, and other
paths fall back to an enclosing line.
"""

from __future__ import annotations

import contextlib
import re
from collections.abc import Sequence

Key = tuple[str | int, ...]
"""A field's path in the document: table keys, and 0-based list positions."""


def field_name(path: Key) -> str:
    """`groups[2].holders[1].name`: how an error names a field, positions counted from 1 as people
    count them."""
    out = ""
    for part in path:
        if isinstance(part, int):
            out += f"[{part + 1}]"
        else:
            out += f".{part}" if out else part
    return out


def field_line(text: str, path: Key) -> int | None:
    """The line of `text` where the field `path` is written, or the nearest enclosing table's line
    when the field itself is not written (a missing key)."""
    return nearest_line(line_index(text), path)


def nearest_line(lines: dict[Key, int], path: Key) -> int | None:
    """The line of `path` in an index from `line_index`, or of its nearest written ancestor."""
    for end in range(len(path), -1, -1):
        line = lines.get(path[:end])
        if line is not None:
            return line
    return None


def line_index(text: str) -> dict[Key, int]:
    """The 1-based line where each path found in `text` starts."""
    scanner = _Scanner(text)
    with contextlib.suppress(IndexError, ValueError):
        scanner.run()
    return {path: text.count("\n", 0, offset) + 1 for path, offset in scanner.found.items()}


_BARE = re.compile(r"[A-Za-z0-9_-]+")


class _Scanner:
    def __init__(self, text: str) -> None:
        self.t = text
        self.found: dict[Key, int] = {}
        self.arrays: dict[Key, int] = {}

    def note(self, path: Key, offset: int) -> None:
        self.found.setdefault(path, offset)

    def run(self) -> None:
        t = self.t
        i = 0
        current: Key = ()
        while True:
            i = self.space(i, lines=True)
            if i >= len(t):
                return
            start = i
            if t[i] == "[":
                is_array = t.startswith("[[", i)
                parts, i = self.key(i + (2 if is_array else 1))
                parent = self.resolve(parts[:-1])
                path: Key = (*parent, parts[-1])
                if is_array:
                    count = self.arrays.get(path, 0)
                    self.arrays[path] = count + 1
                    self.note(path, start)
                    path = (*path, count)
                else:
                    path = self.resolve(parts)
                for n in range(1, len(path) + 1):
                    self.note(path[:n], start)
                current = path
                end = t.find("\n", i)
                i = len(t) if end < 0 else end
            else:
                parts, i = self.key(i)
                for n in range(1, len(parts) + 1):
                    self.note((*current, *parts[:n]), start)
                i = self.space(i)
                if t[i] != "=":
                    raise ValueError("expected '='")
                i = self.value((*current, *parts), self.space(i + 1))
            if i <= start:
                raise ValueError("no progress")

    def resolve(self, parts: Sequence[str]) -> Key:
        path: Key = ()
        for part in parts:
            path = (*path, part)
            if path in self.arrays:
                path = (*path, self.arrays[path] - 1)
        return path

    def space(self, i: int, *, lines: bool = False) -> int:
        t = self.t
        while i < len(t):
            char = t[i]
            if char in " \t" or (lines and char in "\r\n"):
                i += 1
            elif lines and char == "#":
                end = t.find("\n", i)
                i = len(t) if end < 0 else end
            else:
                break
        return i

    def key(self, i: int) -> tuple[list[str], int]:
        t = self.t
        parts: list[str] = []
        while True:
            i = self.space(i)
            if t[i] in "\"'":
                end = self.string(i)
                raw = t[i + 1 : end - 1]
                parts.append(raw)
                i = end
            else:
                match = _BARE.match(t, i)
                if not match:
                    raise ValueError("expected a key")
                parts.append(match.group())
                i = match.end()
            i = self.space(i)
            if i < len(t) and t[i] == ".":
                i += 1
                continue
            if t.startswith("]]", i):
                return parts, i + 2
            if t[i] == "]":
                return parts, i + 1
            return parts, i

    def string(self, i: int) -> int:
        """The offset just after the string that starts at `i`."""
        t = self.t
        quote = t[i]
        if t.startswith(quote * 3, i):
            j = i + 3
            while True:
                end = t.index(quote * 3, j)
                if quote == '"' and _escaped(t, end):
                    j = end + 1
                    continue
                end += 3
                extra = 0
                while extra < 2 and end < len(t) and t[end] == quote:
                    end += 1
                    extra += 1
                return end
        j = i + 1
        while t[j] != quote or (quote == '"' and _escaped(t, j)):
            if t[j] == "\n":
                raise ValueError("unterminated string")
            j += 1
        return j + 1

    def value(self, path: Key, i: int) -> int:
        t = self.t
        char = t[i]
        if char in "\"'":
            return self.string(i)
        if char == "[":
            i += 1
            index = 0
            while True:
                i = self.space(i, lines=True)
                if t[i] == "]":
                    return i + 1
                self.note((*path, index), i)
                i = self.space(self.value((*path, index), i), lines=True)
                if t[i] == ",":
                    i += 1
                    index += 1
        if char == "{":
            i += 1
            while True:
                i = self.space(i, lines=True)
                if t[i] == "}":
                    return i + 1
                start = i
                parts, i = self.key(i)
                for n in range(1, len(parts) + 1):
                    self.note((*path, *parts[:n]), start)
                i = self.space(i)
                if t[i] != "=":
                    raise ValueError("expected '='")
                i = self.space(self.value((*path, *parts), self.space(i + 1)), lines=True)
                if t[i] == ",":
                    i += 1
        end = i
        while end < len(t) and t[end] not in ",]}\n#":
            end += 1
        return end


def _escaped(text: str, index: int) -> bool:
    """Whether the character at `index` follows an odd number of backslashes."""
    count = 0
    while index - count - 1 >= 0 and text[index - count - 1] == "\\":
        count += 1
    return count % 2 == 1
