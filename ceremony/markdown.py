"""The runbook dialect of Markdown, parsed: one parser for blocks and inline marks.

The block structure and the inline marks (`**bold**`, `*emphasis*`, `` `code` ``, backslash escapes)
are CommonMark, read by markdown-it-py with only the rules the runbooks use: headings, lists, fenced
code, pipe tables (GFM) and HTML comments. What this module adds is the runbook's meaning:

- `# Title` on the first line.
- `## Act N: Title` and `## Part N: Title` hold the numbered steps; a step's id is `N.k` with k the
  item's own number. A step's continuation line starting `*Check:*` says what the witness checks; a
  step starting `**Role**:` (or `**Role** (note):`) says who acts.
- `<!-- exception-sheets: N -->` ending a heading adds N blank exception sheets after the section;
  `<!-- table: KIND -->` or `<!-- facts -->` before a table says which filled table it is (the paper
  sizes its rows from that).

Filling (`ceremony.model.runbook.fill`) happens before parsing; what is parsed is the text hashed.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cache

from markdown_it import MarkdownIt
from markdown_it.token import Token

from ceremony.errors import OutputFailed
from ceremony.model.runbook import (
    Block,
    Bullets,
    Code,
    Numbered,
    Paragraph,
    Piece,
    Runbook,
    RunbookStep,
    Section,
    Steps,
    Table,
)

_COMMENT = re.compile(r"\s*<!--\s*(.*?)\s*-->")
_NUMBERED = re.compile(r"^(Act|Part)\s+(\d+)\s*[:.—-]\s*(.*)$")
_WHO = re.compile(r"^\*\*([^*]+)\*\*(?:\s*\(([^)]*)\))?:\s*(.*)$")
_CHECK = re.compile(r"^\*Check:\*\s*(.*)$")
_MARKER = re.compile(r"^\s*(?:\d+[.)]|[-*+])\s+")


@cache
def _parser() -> MarkdownIt:
    """CommonMark with only the rules runbooks use: no links, images, entities, indented code
    or raw HTML beyond comments, so that text prints as written."""
    md = MarkdownIt("zero", {"html": True})
    md.enable(["heading", "list", "fence", "table", "html_block"])
    md.enable(["escape", "backticks", "emphasis"])
    return md


# ---------------------------------------------------------------- inline marks


def inline(text: str) -> list[Piece]:
    """Inline Markdown as pieces of one style each: plain, bold, code, or soft (emphasis)."""
    tokens = _parser().parseInline(text)
    pieces: list[Piece] = []
    bold = soft = 0
    for token in tokens[0].children or () if tokens else ():
        if token.type in ("strong_open", "strong_close"):
            bold += 1 if token.type == "strong_open" else -1
        elif token.type in ("em_open", "em_close"):
            soft += 1 if token.type == "em_open" else -1
        elif token.type == "code_inline":
            _append(pieces, Piece(token.content, "code"))
        else:
            content = " " if token.type == "softbreak" else token.content
            kind = "bold" if bold else "soft" if soft else "plain"
            _append(pieces, Piece(content, kind))
    return pieces


def _append(pieces: list[Piece], piece: Piece) -> None:
    if not piece.text:
        return
    if pieces and pieces[-1].kind == piece.kind:
        pieces[-1] = Piece(pieces[-1].text + piece.text, piece.kind)
    else:
        pieces.append(piece)


def plain_text(text: str) -> str:
    """Inline Markdown without its marks, as a reader sees it."""
    return "".join(piece.text for piece in inline(text))


# ---------------------------------------------------------------- blocks


def parse(name: str, text: str) -> Runbook:
    """Parse filled (or source) Markdown into sections, blocks and steps."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise OutputFailed(
            f"runbook {name} must start with a '# Title' line",
            "restore the runbook from the source distribution",
        )
    reader = _Reader(name, lines, _parser().parse(text))
    reader.read()
    return Runbook(name, lines[0][2:].strip(), tuple(reader.intro), tuple(reader.sections), text)


@dataclass
class _SectionDraft:
    title: str
    level: int
    number: int | None
    exception_sheets: int
    blocks: list[Block] = field(default_factory=list)

    @classmethod
    def start(cls, level: int, raw: str) -> _SectionDraft:
        sheets = 0
        for directive in _COMMENT.findall(raw):
            match = re.match(r"^exception-sheets:\s*(\d+)$", directive)
            if match:
                sheets = int(match.group(1))
        title = _COMMENT.sub("", raw).strip()
        numbered = _NUMBERED.match(title)
        number = int(numbered.group(2)) if numbered and level == 2 else None
        return cls(title, level, number, sheets)

    def finish(self) -> Section:
        return Section(
            self.title, self.level, self.number, tuple(self.blocks), self.exception_sheets
        )


class _Reader:
    """Walks markdown-it's block tokens, building sections; list items and code keep the source
    lines they came from, so a step reads exactly as written."""

    def __init__(self, name: str, lines: list[str], tokens: Sequence[Token]) -> None:
        self.name = name
        self.lines = lines
        self.tokens = tokens
        self.index = 0
        self.intro: list[Block] = []
        self.sections: list[Section] = []
        self.current: _SectionDraft | None = None
        self.table_kind = ""

    @property
    def blocks(self) -> list[Block]:
        return self.intro if self.current is None else self.current.blocks

    def read(self) -> None:
        while self.index < len(self.tokens):
            token = self.tokens[self.index]
            self.index += 1
            self._block(token)
        if self.current is not None:
            self.sections.append(self.current.finish())

    def _block(self, token: Token) -> None:
        kind = self.table_kind
        self.table_kind = ""
        if token.type == "heading_open":
            self._heading(token)
        elif token.type == "paragraph_open":
            self.blocks.append(Paragraph(_joined(self._inline().content)))
        elif token.type == "fence":
            self.blocks.append(Code(tuple(token.content.split("\n")[:-1])))
        elif token.type == "html_block":
            self.table_kind = _table_kind(token.content)
        elif token.type == "table_open":
            self.blocks.append(self._table(kind))
        elif token.type in ("bullet_list_open", "ordered_list_open"):
            self._list(token)

    def _inline(self) -> Token:
        token = self.tokens[self.index]
        self.index += 1
        return token

    def _heading(self, token: Token) -> None:
        level = int(token.tag[1:])
        content = self._inline().content
        if level == 1 and token.map is not None and token.map[0] == 0:
            return  # the title, read from the first line
        if level == 1 or level > 3:
            self.blocks.append(Paragraph(_joined(f"{token.markup} {content}")))
            return
        if self.current is not None:
            self.sections.append(self.current.finish())
        self.current = _SectionDraft.start(level, content)

    def _until(self, closing: str) -> list[Token]:
        inner: list[Token] = []
        while self.tokens[self.index].type != closing:
            inner.append(self.tokens[self.index])
            self.index += 1
        self.index += 1
        return inner

    def _table(self, kind: str) -> Table:
        rows: list[list[str]] = []
        for token in self._until("table_close"):
            if token.type == "tr_open":
                rows.append([])
            elif token.type == "inline":
                rows[-1].append(token.content)
        header, *body = rows
        return Table(tuple(header), tuple(tuple(row) for row in body), kind)

    def _list(self, token: Token) -> None:
        closing = token.type.replace("_open", "_close")
        depth = 0
        items: list[tuple[str, str]] = []
        for inner in self._until(closing):
            if inner.type == "list_item_open":
                if depth == 0 and inner.map is not None:
                    items.append((inner.info, self._item_text(inner.map)))
                depth += 1
            elif inner.type == "list_item_close":
                depth -= 1
        if token.type == "bullet_list_open":
            self.blocks.append(Bullets(tuple(body for _, body in items)))
        elif self.current is not None and self.current.number is not None:
            part = self.current.number
            self.blocks.append(Steps(tuple(_step(part, n, body, self.name) for n, body in items)))
        else:
            self.blocks.append(Numbered(tuple((int(n), body) for n, body in items)))

    def _item_text(self, span: list[int]) -> str:
        """An item as written: its first line after the marker, then each further line stripped."""
        first, *rest = self.lines[span[0] : span[1]]
        body = [_MARKER.sub("", first, count=1).strip()]
        body.extend(line.strip() for line in rest if line.strip())
        return "\n".join(body)


def _joined(content: str) -> str:
    return " ".join(line.strip() for line in content.split("\n"))


def _table_kind(comment: str) -> str:
    match = _COMMENT.match(comment)
    words = match.group(1).split() if match else []
    if words[:1] == ["facts"]:
        return "facts"
    if words[:1] == ["table:"] and len(words) > 1:
        return words[1]
    return ""


def _step(part: int, number: str, body: str, name: str) -> RunbookStep:
    first, *rest = body.split("\n")
    check = ""
    extra: list[str] = []
    for line in rest:
        match = _CHECK.match(line)
        if match:
            check = match.group(1)
        elif check:
            check += " " + line
        else:
            extra.append(line)
    text = " ".join([first, *extra])
    who = note = ""
    match = _WHO.match(text)
    if match:
        who, note, text = match.group(1), match.group(2) or "", match.group(3)
    if not text.strip():
        raise OutputFailed(
            f"runbook {name}: step {part}.{number} is empty", "write the step's action"
        )
    return RunbookStep(f"{part}.{number}", text.strip(), who.strip(), note.strip(), check.strip())
