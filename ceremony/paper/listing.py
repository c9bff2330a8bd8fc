"""A program printed to be typed back in: the recover.py appendix of every kit.

An heir with the cards but not the tool has these pages and a Python interpreter. So the listing is
set for copying by hand: a fixed-width face at 9 pt, numbered lines, no line ever broken silently
(a continued line is marked, and breaks only between two non-space characters, so no space is lost),
and on each page the command that checks just that page's lines, so a typing mistake is found page
by page instead of in a 700-line file. The file's SHA-256 is on every page.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial

from ceremony.model.hashwords import hash_words
from ceremony.paper.content import MM, PaperSize
from ceremony.paper.fonts import Fonts, register
from ceremony.paper.layout import (
    BAND,
    EDGE,
    FOOTER,
    SOFT_INK,
    Flow,
    Geometry,
    Run,
    Size,
    TextStyle,
    draw_fill,
    render_framed,
    text_width,
    wrap,
    wrap_runs,
)
from ceremony.paper.runbook import inline
from ceremony.paper.wording import load

SIZE = Size.TABLE
"""Listing type size: legible enough to copy without a magnifier."""
LEADING = 10.9
SIDE = 10 * MM
"""Side margins: narrower than the other papers, so a 94-column line fits A4 at 9 pt."""
NUMBER_COLUMNS = 4
CONTINUED = "↪"
HEADER = 2 * 10.0 + 2 * MM

WORDING: dict[str, str] = {
    "title": "Appendix: {title}",
    "subtitle": "The standalone recovery program of this kit: the heir's last resort",
    "what": (
        "`{title}` rebuilds a secret from its SLIP-39 shares with nothing but Python 3: no other "
        "package, no network, not even the ceremony program. Use it when that program cannot be "
        "installed or run. It runs slowly but correctly, and it also solves a sealed time lock."
    ),
    "use": (
        "Write the shares into a file `shares.txt`, one share per line, on an offline computer. "
        "Then run `python3 {title} shares.txt`. It asks for the passphrase (press Enter if there "
        "is none). For a BIP-39 secret or a sealed time lock, the recovery script gives the "
        "exact command. The program prints the secret, its commitment and its master fingerprint: "
        "compare them with the ceremony record before you trust the result."
    ),
    "check": (
        "If the file is in the kit, use it, but check it first: `sha256sum {title}` must print "
        "the SHA-256 below. If it is lost or differs, type it in from the pages that follow."
    ),
    "sha_label": "SHA-256 of {title}",
    "retype_heading": "Typing it in",
    "word_lists": (
        "Lines {first} to {last} are the standard SLIP-39 and BIP-39 English word lists, several "
        "words a line. The program checks them itself and says if one was mistyped."
    ),
    "pages_heading": "Page checks",
    "page_check": "Lines {first}–{last}.  Check: sed -n '{first},{last}p' {title} | sha256sum",
    "footer": "{title} · SHA-256 {sha256} · check with: sha256sum {title}",
    "page": "page {page} of {pages}",
}
"""The words the appendix adds around the program."""

RETYPE = (
    "Type each line exactly as printed, with the spaces at its start. The grey numbers on the "
    "left are line numbers: do not type them.",
    "A line marked " + CONTINUED + " instead of a number continues the line above it: type it "
    "on the same line, with no space between.",
    "Save the file as `{title}`: plain text, with a line break after the last line.",
    "Check each page as you go: the command at its top must print the value beside it. Then "
    "check the whole file with `sha256sum {title}`.",
)
PAGES_COLUMNS = ("Page", "Lines", "SHA-256 of those lines")


@dataclass(frozen=True)
class _Row:
    number: int | None
    """The line number, or None on a row that continues the line above."""
    text: str


@dataclass(frozen=True)
class _ListingPage:
    rows: tuple[_Row, ...]
    first: int
    last: int
    sha256: str


def render_listing(
    title: str, text: str, sha256: str, size: PaperSize, *, demo: bool = False
) -> bytes:
    """The appendix PDF: a first page on what the program is for and how to check it, then the
    numbered listing. Deterministic bytes for the same inputs."""
    fonts = register()
    geometry = _geometry(size, demo=demo)
    columns = int((geometry.content_width - _gutter(fonts)) // text_width("0", fonts.mono, SIZE))
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines.pop()
    trailing_newline = text.endswith("\n")
    rows_per_page = int((geometry.top - geometry.bottom - HEADER) // LEADING)
    pages = _paginate(lines, columns, rows_per_page, trailing_newline, len(lines))

    intro_pages = 1
    while True:
        flow = Flow(geometry)
        _intro(flow, fonts, title, sha256, pages, intro_pages, lines)
        if flow.page_count == intro_pages:
            break
        intro_pages = flow.page_count
    for page in pages:
        flow.new_page()
        _listing_page(flow, fonts, title, page)

    footer = WORDING["footer"].format(title=title, sha256=sha256)

    return render_framed(
        flow,
        size,
        geometry,
        fonts,
        footer=footer,
        page_label=lambda number, count: WORDING["page"].format(page=number, pages=count),
        band=load("paper", "common.toml").text("demo_band") if demo else None,
        title=WORDING["title"].format(title=title),
        subject=f"SHA-256 {sha256}",
    )


def _geometry(size: PaperSize, *, demo: bool = False) -> Geometry:
    width, height = size.points
    top = height - EDGE - (BAND + 3 * MM if demo else 0)  # room for the DEMO band
    return Geometry(width, height, SIDE, width - SIDE, top, EDGE + FOOTER)


def _gutter(fonts: Fonts) -> float:
    return text_width("0" * (NUMBER_COLUMNS + 2), fonts.mono, SIZE)


def split_line(line: str, columns: int) -> list[str]:
    """Cut a line into rows of at most `columns` characters, only between two non-space
    characters, so the reader can join them without guessing at spaces."""
    rows = []
    while len(line) > columns:
        cut = columns
        while cut > 1 and (line[cut - 1] == " " or line[cut] == " "):
            cut -= 1
        if cut <= 1:
            cut = columns
        rows.append(line[:cut])
        line = line[cut:]
    rows.append(line)
    return rows


def lines_sha256(lines: Sequence[str], *, final_newline: bool = True) -> str:
    """What `sed -n 'A,Bp' FILE | sha256sum` prints for those lines."""
    data = "\n".join(lines) + ("\n" if final_newline else "")
    return hashlib.sha256(data.encode("utf-8")).hexdigest()


def _paginate(
    lines: Sequence[str], columns: int, per_page: int, trailing_newline: bool, total: int
) -> list[_ListingPage]:
    pages: list[_ListingPage] = []
    rows: list[_Row] = []
    first = 1

    def close(last: int) -> None:
        final = trailing_newline or last < total
        digest = lines_sha256(lines[first - 1 : last], final_newline=final)
        pages.append(_ListingPage(tuple(rows), first, last, digest))

    for number, line in enumerate(lines, start=1):
        pieces = split_line(line, columns)
        if rows and len(rows) + len(pieces) > per_page:
            close(number - 1)
            rows = []
            first = number
        rows.append(_Row(number, pieces[0]))
        rows.extend(_Row(None, piece) for piece in pieces[1:])
    if rows:
        close(len(lines))
    return pages


def _paragraph(flow: Flow, text: str, fonts: Fonts, size: float = Size.BODY) -> None:
    """Prose with `code` spans in the fixed-width face, wrapped to the page."""
    style = TextStyle(fonts, size)
    for runs in wrap_runs(inline(text), style, flow.geometry.content_width):
        flow.runs(runs, leading=size * 1.4)
    flow.gap(2 * MM)


def _word_lists(lines: Sequence[str]) -> tuple[int, int] | None:
    """First and last line of the embedded word lists, if the program has them."""
    starts = [n for n, line in enumerate(lines, 1) if line.rstrip().endswith('= """')]
    ends = [n for n, line in enumerate(lines, 1) if line.startswith('""".split()')]
    if not starts or not ends:
        return None
    return starts[0], ends[-1]


def _intro(
    flow: Flow,
    fonts: Fonts,
    title: str,
    sha256: str,
    pages: Sequence[_ListingPage],
    intro_pages: int,
    lines: Sequence[str],
) -> None:
    values = {"title": title}
    flow.runs([Run(WORDING["title"].format(**values), fonts.sans_bold, Size.TITLE)], leading=26)
    flow.runs([Run(WORDING["subtitle"], fonts.sans, Size.LEAD, SOFT_INK)], leading=16)
    flow.gap(3 * MM)
    _paragraph(flow, WORDING["what"].format(**values), fonts)
    _paragraph(flow, WORDING["use"].format(**values), fonts)
    _paragraph(flow, WORDING["check"].format(**values), fonts)

    _sha256_box(flow, fonts, title, sha256)
    flow.runs([Run(WORDING["retype_heading"], fonts.sans_bold, Size.HEADING)], leading=18)
    retype = [item.format(**values) for item in RETYPE]
    span = _word_lists(lines)
    if span is not None:
        retype.append(WORDING["word_lists"].format(first=span[0], last=span[1]))
    for item in retype:
        _paragraph(flow, "• " + item, fonts, Size.PROSE)

    _page_checks(flow, fonts, pages, intro_pages)


def _sha256_box(flow: Flow, fonts: Fonts, title: str, sha256: str) -> None:
    """The file's SHA-256 on a shaded ground: as hex in two lines, then as words."""
    values = {"title": title}
    label = Run(WORDING["sha_label"].format(**values), fonts.sans_bold, Size.BODY)
    groups = [sha256[i : i + 8] for i in range(0, len(sha256), 8)]
    hex_lines = [" ".join(groups[:4]), " ".join(groups[4:])]
    words = wrap(
        hash_words(bytes.fromhex(sha256)), fonts.sans, Size.BODY, flow.geometry.content_width
    )
    height = 16 + 2 * 17 + len(words) * 14 + 4 * MM
    top = flow.place(height)
    left = flow.geometry.left
    width = flow.geometry.content_width

    flow.draw(partial(draw_fill, x=left, y=top - height, width=width, height=height))
    y = top - 2 * MM - 11
    flow.text(left + 3 * MM, y, (label,))
    y -= 17
    for line in hex_lines:
        flow.text(left + 3 * MM, y, (Run(line, fonts.mono_bold, Size.DISPLAY),))
        y -= 17
    for line in words:
        flow.text(left + 3 * MM, y, (Run(line, fonts.sans, Size.BODY, SOFT_INK),))
        y -= 14
    flow.gap(4 * MM)


def _page_checks(flow: Flow, fonts: Fonts, pages: Sequence[_ListingPage], intro_pages: int) -> None:
    """A table of every listing page: its number, its lines, and the SHA-256 of those lines."""
    left = flow.geometry.left
    flow.runs([Run(WORDING["pages_heading"], fonts.sans_bold, Size.HEADING)], leading=18)
    head = PAGES_COLUMNS
    x_lines = 14 * MM
    x_hash = 38 * MM
    flow.runs([Run(head[0], fonts.sans_bold, Size.LABEL, SOFT_INK)], leading=12)
    row_top = flow.y + 12
    flow.text(
        left + x_lines,
        row_top - 6 - 0.36 * Size.LABEL,
        (Run(head[1], fonts.sans_bold, Size.LABEL, SOFT_INK),),
    )
    flow.text(
        left + x_hash,
        row_top - 6 - 0.36 * Size.LABEL,
        (Run(head[2], fonts.sans_bold, Size.LABEL, SOFT_INK),),
    )
    for index, page in enumerate(pages, start=intro_pages + 1):
        flow.need(11)
        baseline = flow.y - 5.5 - 0.36 * Size.LABEL
        flow.text(left, baseline, (Run(str(index), fonts.sans, Size.LABEL),))
        flow.text(
            left + x_lines, baseline, (Run(f"{page.first}–{page.last}", fonts.sans, Size.LABEL),)
        )
        digest = " ".join(page.sha256[i : i + 8] for i in range(0, 64, 8))
        flow.text(left + x_hash, baseline, (Run(digest, fonts.mono, Size.LABEL),))
        flow.y -= 11


def _listing_page(flow: Flow, fonts: Fonts, title: str, page: _ListingPage) -> None:
    check = WORDING["page_check"].format(first=page.first, last=page.last, title=title)
    digest = " ".join(page.sha256[i : i + 8] for i in range(0, 64, 8))
    flow.runs([Run(check, fonts.mono, Size.SMALL, SOFT_INK)], leading=10)
    flow.runs([Run("→ " + digest, fonts.mono_bold, Size.SMALL, SOFT_INK)], leading=10)
    flow.gap(2 * MM)
    for row in page.rows:
        # One text object per row, number first: text extraction reads the row as printed.
        mark = str(row.number) if row.number is not None else CONTINUED
        runs = [Run(f"{mark:>{NUMBER_COLUMNS}}  ", fonts.mono, SIZE, SOFT_INK)]
        if row.text:
            runs.append(Run(row.text, fonts.mono, SIZE))
        flow.runs(runs, leading=LEADING)
