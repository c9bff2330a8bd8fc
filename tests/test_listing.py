"""The recover.py appendix as an heir meets it: short enough to retype, legible, its SHA-256 on
every page, a check per page, and a listing from which the exact file can be typed back."""

from __future__ import annotations

import hashlib
import io
import itertools
import re
import subprocess
from functools import cache

import pypdf
import pytest

from ceremony.paper.content import PaperSize
from ceremony.paper.listing import SIZE, lines_sha256, render_listing, split_line
from ceremony.workflows.runbooks import render_recover_appendix
from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

MAX_PAGES = 20
"""Well under 30: the appendix must stay short enough to type in by hand."""


@cache
def program() -> str:
    return render_recover_py()


@cache
def appendix(size: PaperSize) -> bytes:
    return render_recover_appendix(size, program())


@cache
def texts(size: PaperSize) -> tuple[str, ...]:
    reader = pypdf.PdfReader(io.BytesIO(appendix(size)))
    return tuple(page.extract_text() for page in reader.pages)


def retyped(pages: tuple[str, ...]) -> str:
    """What someone typing the listing pages faithfully would produce."""
    lines: dict[int, str] = {}
    last = 0
    for text in pages:
        for row in text.split("\n"):
            match = re.match(r"^ *(\d+|↪)(?:  (.*))?$", row)
            if not match:
                continue
            mark, body = match.group(1), match.group(2) or ""
            if mark == "↪":
                lines[last] += body
            elif int(mark) == last + 1:
                last = int(mark)
                lines[last] = body
    return "".join(lines[n] + "\n" for n in range(1, last + 1))


@pytest.mark.parametrize("size", list(PaperSize))
def test_the_listing_types_back_to_the_exact_program(size: PaperSize) -> None:
    text = retyped(texts(size)[1:])
    assert text == program()
    assert recover_py_sha256(text) == recover_py_sha256(program())


@pytest.mark.parametrize("size", list(PaperSize))
def test_short_enough_to_retype(size: PaperSize) -> None:
    count = len(texts(size))
    assert count <= MAX_PAGES, f"{count} pages on {size.value}"


@pytest.mark.parametrize("size", list(PaperSize))
def test_sha256_on_every_page_and_how_to_check_it(size: PaperSize) -> None:
    digest = recover_py_sha256(program())
    for number, text in enumerate(texts(size), start=1):
        assert digest in re.sub(r"\s+", "", text), f"page {number}"
        assert "sha256sum" in text
    first = re.sub(r"\s+", " ", texts(size)[0])
    assert "python3 recover.py shares.txt" in first
    assert "sha256sum recover.py" in first
    assert "last resort" in first


def test_each_page_carries_its_own_check() -> None:
    lines = program().split("\n")[:-1]
    pages = texts(PaperSize.A4)
    listed = pages[1:]
    first_page = re.sub(r"\s+", "", pages[0])
    for text in listed:
        match = re.search(r"sed -n '(\d+),(\d+)p' recover\.py \| sha256sum", text)
        assert match, "every listing page says how to check it"
        first, last = int(match.group(1)), int(match.group(2))
        digest = lines_sha256(lines[first - 1 : last])
        grouped = " ".join(digest[i : i + 8] for i in range(0, 64, 8))
        assert grouped in text
        assert digest in first_page, "and the first page lists every page's check"


def test_page_checks_are_what_sed_prints(tmp_path: object) -> None:
    import pathlib

    path = pathlib.Path(str(tmp_path)) / "recover.py"
    path.write_text(program())
    sed = subprocess.run(["sed", "-n", "10,20p", str(path)], capture_output=True, check=True).stdout
    assert hashlib.sha256(sed).hexdigest() == lines_sha256(program().split("\n")[9:20])


def test_type_is_large_enough_to_copy() -> None:
    assert SIZE >= 9
    sizes: set[float] = set()

    def visit(text: str, cm: object, tm: list[float], font: object, size: float) -> None:
        if text.startswith(("def ", "import ", "    ")):
            sizes.add(round(size * abs(tm[0]), 2))

    for page in pypdf.PdfReader(io.BytesIO(appendix(PaperSize.A4))).pages[1:]:
        page.extract_text(visitor_text=visit)
    assert sizes, "code lines found"
    assert min(sizes) >= 9


def test_deterministic() -> None:
    text = program()
    digest = recover_py_sha256(text)
    assert render_listing("recover.py", text, digest, PaperSize.A4) == appendix(PaperSize.A4)


@pytest.mark.parametrize(
    "line",
    [
        "x" * 200,
        "    return f\"group {self.group_index + 1} (shares starting '{self.prefix}')\"" * 2,
        "print('" + "ab " * 40 + "')",
        "word  " * 30,
    ],
)
def test_split_line_loses_nothing_and_never_breaks_at_a_space(line: str) -> None:
    pieces = split_line(line, 60)
    assert "".join(pieces) == line
    assert all(len(piece) <= 60 for piece in pieces)
    for left, right in itertools.pairwise(pieces):
        assert not left.endswith(" "), (left, right)
        assert not right.startswith(" "), (left, right)


def test_a_run_of_spaces_longer_than_a_row_is_still_kept() -> None:
    line = " " * 130 + "end"
    assert "".join(split_line(line, 60)) == line


def test_short_lines_are_never_split() -> None:
    assert split_line("print('hi')", 60) == ["print('hi')"]
    assert split_line("", 60) == [""]
