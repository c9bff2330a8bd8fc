"""Commands as printed: found in the text of the README (Markdown, read with markdown-it-py) and
in the PDFs of a real kit (read back with pypdfium2), wherever they stand.

A printed command is a piece of code text (a Markdown code span or code block; on paper, text in
the monospace face) that starts with `ceremony SUBCOMMAND` or `python3 recover.py`. On paper a
command in a sentence may wrap onto the next line: a monospace piece that ends a line which also
holds prose, followed by a line that starts in monospace, goes on there. A line of a program
listing may start with its line number. What follows `#` is a comment, not part of the command.
"""

from __future__ import annotations

import ctypes
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_c
from markdown_it import MarkdownIt

START = re.compile(r"^\s*(?:\d+\s+)?(?:\$ )?((?:ceremony [a-z]|python3 recover\.py\b).*)$", re.S)
COMMENT = re.compile(r"\s#(?:\s|$)")
MONO = b"Mono"
"""The monospace face's font names contain this (DejaVuSansMono, DejaVuSansMono-Bold)."""


@dataclass(frozen=True)
class Printed:
    """One command as printed, and the first place it was found."""

    command: str
    where: str


def clean(text: str) -> str:
    """The command without a trailing comment, its spaces (and line breaks) made single."""
    return " ".join(COMMENT.split(text, maxsplit=1)[0].split())


def _command(code: str) -> str | None:
    found = START.match(code)
    return clean(found.group(1)) if found else None


def from_markdown(text: str) -> Iterator[str]:
    """Commands in code spans and in code blocks (a block's lines joined at a trailing `\\`)."""
    for token in MarkdownIt("commonmark").parse(text):
        if token.type in ("fence", "code_block"):
            for line in re.sub(r"\\\n\s*", " ", token.content).splitlines():
                command = _command(line)
                if command:
                    yield command
        for child in token.children or ():
            if child.type == "code_inline":
                command = _command(child.content)
                if command:
                    yield command


Segment = tuple[str, bool]
"""A run of text on one line, and whether it is in the monospace face."""


CANDIDATE = re.compile(r"ceremony [a-z]|python3 recover\.py")


def pdf_lines(path: Path) -> list[list[Segment]]:
    """Every line of every page, as runs of text of one kind (monospace or not). Fonts are read
    only on lines that may hold a command, and on the line after each (where one may go on)."""
    lines: list[list[Segment]] = []
    name = ctypes.create_string_buffer(128)
    flags = ctypes.c_int()
    document = pdfium.PdfDocument(path)
    try:
        for page in document:
            textpage = page.get_textpage()
            text = textpage.get_text_range()
            wanted = False
            start = 0
            for raw_line in text.split("\n"):
                end = start + len(raw_line)
                line = raw_line.rstrip("\r")
                if CANDIDATE.search(line) or wanted:
                    segments: list[Segment] = []
                    for index in range(start, start + len(line)):
                        size = pdfium_c.FPDFText_GetFontInfo(textpage, index, name, 128, flags)
                        mono = MONO in name.raw[:size]
                        if segments and segments[-1][1] == mono:
                            segments[-1] = (segments[-1][0] + text[index], mono)
                        else:
                            segments.append((text[index], mono))
                    lines.append(segments)
                else:
                    lines.append([(line, False)] if line else [])
                wanted = bool(CANDIDATE.search(line)) or (wanted and bool(line))
                start = end + 1
    finally:
        document.close()
    return lines


def from_pdf(path: Path) -> Iterator[str]:
    """Commands printed in a PDF, a wrapped one joined across its line break."""
    lines = pdf_lines(path)
    for number, line in enumerate(lines):
        for position, (text, mono) in enumerate(line):
            if not mono or not START.match(text):
                continue
            pieces = [text]
            wraps = position > 0 and position == len(line) - 1  # ends a line that holds prose
            following = number + 1
            while wraps and following < len(lines) and lines[following][:1]:
                text, mono = lines[following][0]
                if not mono:
                    break
                pieces.append(text)
                wraps = len(lines[following]) == 1  # the whole line is the command: it may go on
                following += 1
            command = _command(" ".join(pieces))
            if command:
                yield command


def kit_documents(kit: Path) -> list[Path]:
    """The PDFs of a kit that print commands for people: holder kits, the consent card, the
    record and the runbooks."""
    found = sorted((kit / "holders").glob("*.pdf"))
    found += sorted((kit / "consent").glob("*.pdf"))
    found += [kit / "record.pdf"] if (kit / "record.pdf").exists() else []
    return found + sorted((kit / "runbooks").glob("*.pdf"))


def printed_in(
    kits: dict[str, Path], documents: Sequence[Path], root: Path
) -> dict[tuple[str, str], Printed]:
    """Every printed command, keyed by (kit it was printed for, command); the commands of the
    documentation (Markdown `documents`) are printed for no kit in particular ("")."""
    found: dict[tuple[str, str], Printed] = {}
    for document in documents:
        where = str(document.relative_to(root))
        for command in from_markdown(document.read_text(encoding="utf-8")):
            found.setdefault(("", command), Printed(command, where))
    for name, kit in kits.items():
        for pdf in kit_documents(kit):
            for command in from_pdf(pdf):
                where = f"{pdf.relative_to(kit)} of the {name} kit"
                found.setdefault((name, command), Printed(command, where))
    return found
