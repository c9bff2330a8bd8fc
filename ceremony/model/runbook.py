"""The printed runbooks as data: reviewed Markdown in `runbooks/`, filled with one ceremony's facts and
parsed into sections and numbered steps, which the paper prints with a checkbox, initials and time.

The files are a small, strict subset of Markdown, so that a reviewer reads them as they are:

- `# Title` on the first line.
- `## Act N: Title` and `## Part N: Title` hold the numbered steps, `1. ...`; a step's id is `N.k`
  with k the item's own number. Indented lines continue an item; one starting `*Check:*` says
  what the witness checks; an item starting `**Role**:` says who acts.
- Other `##`/`###` sections hold paragraphs, `- ` bullets, `1. ` lists, fenced code and pipe tables.
- `{name}` is a fact of the ceremony (`PLACEHOLDERS`); a fact nobody knows yet becomes a blank to
  write in (`BLANK`).
- Directives are HTML comments, invisible when the Markdown is viewed:
  `<!-- when: sealed -->` ending a heading or a step keeps it only when the ceremony has that
  condition (`CONDITIONS`); `<!-- exception-sheets: 2 -->` ending a heading adds that many blank
  exception sheets after the section; `<!-- facts -->` and `<!-- table: KIND ... -->` on a line of
  their own are followed, when filled, by a table of the ceremony's facts (`TABLES`: holders with
  check codes and bag serials, a sealing checklist, contacts, receipts, signature lines, or
  `blank ROWS A | B` ruled rows to write in);
  `<!-- steps: ceremony -->` ... `<!-- end steps -->` hold a copy of the acts and steps of
  `templates/ceremony-steps.toml`, kept for readers of the file and replaced from the TOML when
  filled, so the screen and the paper cannot disagree.

Filling is pure text: the filled Markdown is what the PDF shows, and its SHA-256 is the runbook hash
printed on every page (`runbook_sha256`), recomputable by anyone with the record and this program.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from ceremony.errors import OutputFailed
from ceremony.model.steps import Act, Step, ceremony_script
from ceremony.templates import data_root

RUNBOOKS = (
    "ceremony-script",
    "shareholder-guide",
    "recovery-script",
    "auditor-checklist",
    "maintenance-schedule",
    "media-destruction",
)
"""Every runbook, in the order they are printed; each is `runbooks/NAME.md`."""

FORMAT = "ceremony-runbook/v1"

BLANK = "______________"
"""What an unknown fact becomes: a line to write on; a table cell holding only it is a write-in."""

CONDITIONS = {
    "dice": "only if dice are rolled",
    "dice-only": "only if the dice alone make the secret",
    "timelock": "only with a time lock",
    "no-timelock": "only without a time lock",
    "evidenced": "only with an evidenced delay",
    "sealed": "only with a sealed time lock",
    "consent": "only if a consent card was issued",
    "passphrase": "only if the shares have a passphrase",
    "no-passphrase": "only if the shares have no passphrase",
    "bip39": "only for a BIP-39 secret",
    "slip39": "only for a SLIP-39 secret",
}
"""Conditions a section or step may depend on, with the note shown when nobody recorded it."""

PLACEHOLDERS = frozenset(
    {
        "ceremony_name",
        "ceremony_id",
        "clock",
        "tool",
        "plan_hash_words",
        "plan_sha256",
        "fingerprint",
        "commitment",
        "kind",
        "kind_text",
        "strength_bits",
        "passphrase",
        "group_threshold",
        "group_count",
        "groups",
        "scheme",
        "share_count",
        "minimum_holders",
        "delay_mode",
        "delay_summary",
        "delay_expected",
        "delay_minimum",
        "attacker_speedup",
        "delay_work",
        "timelock_t",
        "timelock_modulus",
        "standalone_expected",
        "recover_py_sha256",
        "recover_command",
        "transcript_head_words",
        "administrator",
        "witnesses",
        "auditor",
        "dice_only_warning",
    }
)
"""Every `{name}` a runbook may use."""

TABLES = ("facts", "holders", "sealing", "contacts", "receipts", "signatures", "blank")
"""Kinds of `<!-- table: KIND ... -->`; `facts` may also be written `<!-- facts -->`."""

SIGNATURE_COLUMNS = ("Role", "Name", "Signature", "Date and time")

_PLACEHOLDER = re.compile(r"\{([A-Za-z_][A-Za-z0-9_]*)\}")
_COMMENT = re.compile(r"\s*<!--\s*(.*?)\s*-->")
_DIRECTIVE_LINE = re.compile(r"^<!--\s*(.*?)\s*-->\s*$")
_HEADING = re.compile(r"^(#{1,3})\s+(.*?)\s*$")
_NUMBERED = re.compile(r"^(Act|Part)\s+(\d+)\s*[:.—-]\s*(.*)$")
_ITEM = re.compile(r"^(\d+)\.\s+(.*)$")
_BULLET = re.compile(r"^[-*]\s+(.*)$")
_WHO = re.compile(r"^\*\*([^*]+)\*\*(?:\s*\(([^)]*)\))?:\s*(.*)$")
_CHECK = re.compile(r"^\*Check:\*\s*(.*)$")
_FENCE = "```"
_CONTINUATION = "   "
STEPS_BEGIN = "<!-- steps: ceremony -->"
STEPS_END = "<!-- end steps -->"


# ---------------------------------------------------------------- the facts of one ceremony


@dataclass(frozen=True)
class HolderRow:
    """One holder as the runbooks list them: never a share word."""

    holder: str
    group: str
    member_number: int
    member_count: int
    check_code: str
    bag_serial: str = ""
    contact: str = ""


@dataclass(frozen=True)
class Facts:
    """What the runbooks of one ceremony are filled with; built from a record by the workflows."""

    values: Mapping[str, str]
    """Placeholder name to text; a missing or empty value prints as a blank to write in."""
    holders: tuple[HolderRow, ...] = ()
    conditions: frozenset[str] = frozenset()
    """Conditions that hold for this ceremony."""
    unknown: frozenset[str] = frozenset()
    """Conditions nobody recorded: their sections and steps are kept, marked "only if ..."."""
    signers: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    """Role to the names expected to sign (an empty name leaves a line to print it)."""
    demo: bool = False
    facts_rows: tuple[tuple[str, str], ...] = ()
    """The facts table: label and value, in order."""

    def holds(self, condition: str) -> bool | None:
        """True, False, or None when unknown."""
        if condition in self.unknown:
            return None
        return condition in self.conditions

    def value(self, name: str) -> str:
        text = self.values.get(name, "")
        return text if text.strip() else BLANK


# ---------------------------------------------------------------- parsed runbooks


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Bullets:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Numbered:
    """A numbered list outside an act or part: instructions, not steps to initial."""

    items: tuple[tuple[int, str], ...]


@dataclass(frozen=True)
class Code:
    lines: tuple[str, ...]


@dataclass(frozen=True)
class Table:
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    kind: str = ""
    """The `<!-- table: KIND -->` it was filled from, if any: tells the paper how tall rows are."""


@dataclass(frozen=True)
class RunbookStep:
    """One numbered step: one action, to be ticked, timed and initialled."""

    id: str
    text: str
    who: str = ""
    note: str = ""
    """A condition note such as "only if dice are rolled"."""
    check: str = ""


@dataclass(frozen=True)
class Steps:
    steps: tuple[RunbookStep, ...]


Block = Paragraph | Bullets | Numbered | Code | Table | Steps


@dataclass(frozen=True)
class Piece:
    """A stretch of inline text in one style."""

    text: str
    kind: str
    """'plain', 'bold', 'code' or 'soft' (Markdown emphasis, printed in grey)."""


@dataclass(frozen=True)
class Section:
    title: str
    level: int
    number: int | None = None
    """N of `## Act N` / `## Part N`; None for other sections."""
    blocks: tuple[Block, ...] = ()
    exception_sheets: int = 0


@dataclass(frozen=True)
class Runbook:
    name: str
    title: str
    intro: tuple[Block, ...]
    sections: tuple[Section, ...]
    text: str
    """The filled Markdown this was parsed from; its SHA-256 is the runbook hash."""

    @property
    def sha256(self) -> str:
        return runbook_sha256(self.text)

    def steps(self) -> tuple[RunbookStep, ...]:
        return tuple(
            step
            for section in self.sections
            for block in section.blocks
            if isinstance(block, Steps)
            for step in block.steps
        )


def runbook_sha256(filled: str) -> str:
    """The runbook hash: SHA-256 of the filled Markdown (UTF-8), as `sha256sum NAME.md` prints it
    for the file `ceremony runbook render --markdown` writes."""
    return hashlib.sha256(filled.encode("utf-8")).hexdigest()


# ---------------------------------------------------------------- finding the sources


def runbooks_root() -> Path:
    """`runbooks/` of the checkout, or `ceremony/_data/runbooks` of an installed wheel."""
    return data_root("runbooks")


def source_path(name: str) -> Path:
    if name not in RUNBOOKS:
        raise OutputFailed(
            f"there is no runbook called {name!r}", f"use one of: {', '.join(RUNBOOKS)}"
        )
    path = runbooks_root() / f"{name}.md"
    if not path.is_file():
        raise OutputFailed(
            f"the runbook {name}.md is missing",
            "reinstall ceremony, or restore the runbooks from the source distribution",
        )
    return path


def read_source(name: str) -> str:
    return source_path(name).read_text(encoding="utf-8")


# ---------------------------------------------------------------- the ceremony script's steps


def steps_markdown(acts: Iterable[Act], facts: Facts | None = None) -> str:
    """The acts and steps as Markdown, as kept between the steps markers of ceremony-script.md.

    Without facts every step is listed, conditional ones marked; with facts, a step whose condition
    does not hold is left out (ids never change: they are the ones the screen announces).
    """
    parts: list[str] = []
    for act in acts:
        items = []
        for step in act.steps:
            note = CONDITIONS.get(step.when, step.when) if step.when else ""
            if step.when and facts is not None:
                holds = facts.holds(step.when)
                if holds is False:
                    continue
                if holds:
                    note = ""
            items.append(_step_markdown(step, note))
        parts.append(f"## Act {act.number}: {act.title}\n\n" + "\n".join(items))
    return "\n\n".join(parts) + "\n"


def _step_markdown(step: Step, note: str) -> str:
    number = step.id.split(".", 1)[1]
    who = step.who[:1].upper() + step.who[1:]
    head = f"**{who}**" + (f" ({note})" if note else "") + ":"
    lines = [f"{number}. {head} {step.action}"]
    if step.check:
        lines.append(f"{_CONTINUATION}*Check:* {step.check}")
    return "\n".join(lines)


def steps_region(source: str) -> str:
    """The text between the steps markers (the copy a reader of the Markdown sees)."""
    start = source.find(STEPS_BEGIN)
    end = source.find(STEPS_END)
    if start < 0 or end < start:
        raise OutputFailed(
            f"the ceremony script lacks the {STEPS_BEGIN} ... {STEPS_END} markers",
            "restore runbooks/ceremony-script.md from the source distribution",
        )
    return source[start + len(STEPS_BEGIN) : end].strip("\n") + "\n"


def with_steps(source: str, steps: str) -> str:
    """`source` with the text between the steps markers replaced by `steps`."""
    steps_region(source)
    start = source.find(STEPS_BEGIN) + len(STEPS_BEGIN)
    end = source.find(STEPS_END)
    return source[:start] + "\n\n" + steps.strip("\n") + "\n\n" + source[end:]


# ---------------------------------------------------------------- filling


def fill(name: str, facts: Facts, source: str | None = None) -> str:
    """The runbook `name` with this ceremony's facts: the text the PDF shows and the hash covers."""
    text = read_source(name) if source is None else source
    if STEPS_BEGIN in text:
        text = with_steps(text, steps_markdown(ceremony_script(), facts))
    lines = _drop_conditional(text.splitlines(), facts, name)
    lines = _expand_tables(lines, facts, name)
    filled = "\n".join(lines).rstrip("\n") + "\n"
    filled = re.sub(r"\n{3,}", "\n\n", filled)
    return _fill_placeholders(filled, facts, name)


def _when(line: str) -> tuple[str, str | None]:
    """The line without a trailing `<!-- when: X -->`, and X."""
    match = re.search(r"\s*<!--\s*when:\s*([a-z0-9-]+)\s*-->", line)
    if not match:
        return line, None
    return line[: match.start()] + line[match.end() :], match.group(1)


def _drop_conditional(lines: list[str], facts: Facts, name: str) -> list[str]:
    """Leave out sections and steps whose condition does not hold; renumber the steps left."""
    out: list[str] = []
    skip_level = 0
    skip_item = False
    numbering: int | None = None
    renumber = False
    in_code = False
    for line in lines:
        if line.startswith(_FENCE):
            in_code = not in_code
        if in_code or line.startswith(_FENCE):
            if not skip_level and not skip_item:
                out.append(line)
            continue
        heading = _HEADING.match(line)
        if heading:
            level = len(heading.group(1))
            skip_item = False
            if skip_level and level > skip_level:
                continue
            skip_level = 0
            bare, condition = _when(line)
            numbered = _NUMBERED.match(heading.group(2))
            numbering = 0 if numbered and level == 2 else None
            renumber = bool(numbered and numbered.group(1) == "Part")
            if condition is not None and _resolve(condition, facts, name) is False:
                skip_level = level
                continue
            out.append(bare)
            continue
        if skip_level:
            continue
        item = _ITEM.match(line)
        if item and numbering is not None:
            bare, condition = _when(line)
            skip_item = condition is not None and _resolve(condition, facts, name) is False
            if skip_item:
                continue
            numbering += 1
            number = numbering if renumber else int(item.group(1))
            body = _ITEM.match(bare)
            out.append(f"{number}. " + (body.group(2) if body else item.group(2)))
            continue
        if skip_item and (line.startswith(_CONTINUATION) or not line.strip()):
            if not line.strip():
                skip_item = False
                out.append(line)
            continue
        skip_item = False
        out.append(_when(line)[0])
    return out


def _resolve(condition: str, facts: Facts, name: str) -> bool | None:
    if condition not in CONDITIONS:
        raise OutputFailed(
            f"runbook {name} uses an unknown condition {condition!r}",
            f"use one of: {', '.join(CONDITIONS)}",
        )
    return facts.holds(condition)


def _expand_tables(lines: list[str], facts: Facts, name: str) -> list[str]:
    out: list[str] = []
    for line in lines:
        out.append(line)
        directive = _DIRECTIVE_LINE.match(line)
        if not directive:
            continue
        words = directive.group(1).split()
        if words[:1] == ["facts"]:
            out.extend(["", *_table_lines(("Fact", "Value"), facts.facts_rows)])
        elif words[:1] == ["table:"] and len(words) >= 2:
            out.extend(["", *_named_table(words[1], words[2:], facts, name)])
    return out


def _named_table(kind: str, args: list[str], facts: Facts, name: str) -> list[str]:
    header: tuple[str, ...]
    rows: list[tuple[str, ...]]
    if kind == "holders":
        header = ("Holder", "Group", "Share", "Check code", "Bag serial")
        rows = [
            (
                h.holder,
                h.group,
                f"{h.member_number} of {h.member_count}",
                h.check_code,
                h.bag_serial,
            )
            for h in facts.holders
        ]
        return _table_lines(header, rows)
    if kind == "sealing":
        header = (
            "Holder",
            "Group",
            "Share",
            "Check code",
            "Card confirmed",
            "Bag serial",
            "Sealed",
        )
        rows = [
            (
                h.holder,
                h.group,
                f"{h.member_number} of {h.member_count}",
                h.check_code,
                "",
                h.bag_serial,
                "",
            )
            for h in facts.holders
        ]
        return _table_lines(header, rows)
    if kind == "contacts":
        header = ("Holder", "Group", "Share", "How to reach them", "Bag serial")
        rows = [
            (h.holder, h.group, f"{h.member_number} of {h.member_count}", h.contact, h.bag_serial)
            for h in facts.holders
        ]
        return _table_lines(header, rows)
    if kind == "receipts":
        header = ("Holder", "Bag serial", "Received (date and time)", "Signature")
        return _table_lines(header, [(h.holder, h.bag_serial, "", "") for h in facts.holders])
    if kind == "signatures":
        rows = []
        for role in " ".join(args).replace(",", " ").split():
            names = facts.signers.get(role, ()) or ("",)
            label = _role_label(role)
            rows.extend((label, person, "", "") for person in names)
        return _table_lines(SIGNATURE_COLUMNS, rows)
    if kind == "blank":
        spec = " ".join(args)
        match = re.match(r"^(\d+)\s+(.+)$", spec)
        if not match:
            raise OutputFailed(
                f"runbook {name}: a blank table is written <!-- table: blank ROWS A | B | C -->",
                "give the number of rows, then the column headings separated by |",
            )
        header = tuple(cell.strip() for cell in match.group(2).split("|"))
        return _table_lines(header, [("",) * len(header)] * int(match.group(1)))
    raise OutputFailed(
        f"runbook {name} asks for an unknown table {kind!r}", f"use one of: {', '.join(TABLES)}"
    )


def _role_label(role: str) -> str:
    singular = {"witnesses": "witness", "holders": "holder", "shareholders": "shareholder"}
    word = singular.get(role, role).replace("-", " ")
    return word[:1].upper() + word[1:]


def _table_lines(header: tuple[str, ...], rows: Iterable[tuple[str, ...]]) -> list[str]:
    def cell(text: str) -> str:
        return escape(text) if text.strip() else BLANK

    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines.extend("| " + " | ".join(cell(text) for text in row) + " |" for row in rows)
    return lines


def escape(text: str) -> str:
    """A fact as Markdown text: characters the parser would read as markup are escaped."""
    flat = " ".join(text.split())
    return re.sub(r"([\\`*|<{}])", r"\\\1", flat)


def _fill_placeholders(text: str, facts: Facts, name: str) -> str:
    def replace(match: re.Match[str]) -> str:
        key = match.group(1)
        if key not in PLACEHOLDERS:
            raise OutputFailed(
                f"runbook {name} uses an unknown placeholder {{{key}}}",
                "use only the placeholders listed in ceremony/model/runbook.py",
            )
        value = facts.value(key)
        return value if value == BLANK else escape(value)

    # Escaped braces (from facts already in tables) are not placeholders.
    return re.sub(r"(?<!\\)" + _PLACEHOLDER.pattern, replace, text)


def placeholders_in(source: str) -> set[str]:
    return set(_PLACEHOLDER.findall(source))


def conditions_in(source: str) -> set[str]:
    return set(re.findall(r"<!--\s*when:\s*([a-z0-9-]+)\s*-->", source))


# ---------------------------------------------------------------- parsing


def parse(name: str, text: str) -> Runbook:
    """Parse filled (or source) Markdown into sections, blocks and steps."""
    lines = text.splitlines()
    if not lines or not lines[0].startswith("# "):
        raise OutputFailed(
            f"runbook {name} must start with a '# Title' line",
            "restore the runbook from the source distribution",
        )
    title = lines[0][2:].strip()
    intro: list[Block] = []
    sections: list[Section] = []
    current: _SectionDraft | None = None
    index = 1
    while index < len(lines):
        line = lines[index]
        heading = _HEADING.match(line)
        if heading and len(heading.group(1)) >= 2:
            if current is not None:
                sections.append(current.finish())
            current = _SectionDraft.start(len(heading.group(1)), heading.group(2))
            index += 1
            continue
        blocks = intro if current is None else current.blocks
        index = _parse_block(lines, index, blocks, current, name)
    if current is not None:
        sections.append(current.finish())
    return Runbook(name, title, tuple(intro), tuple(sections), text)


@dataclass
class _SectionDraft:
    title: str
    level: int
    number: int | None
    exception_sheets: int
    blocks: list[Block]

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
        return cls(title, level, number, sheets, [])

    def finish(self) -> Section:
        return Section(
            self.title, self.level, self.number, tuple(self.blocks), self.exception_sheets
        )


def _parse_block(
    lines: list[str], index: int, blocks: list[Block], section: _SectionDraft | None, name: str
) -> int:
    line = lines[index]
    if not line.strip():
        return index + 1
    if line.startswith(_FENCE):
        end = index + 1
        while end < len(lines) and not lines[end].startswith(_FENCE):
            end += 1
        blocks.append(Code(tuple(lines[index + 1 : end])))
        return end + 1
    directive = _DIRECTIVE_LINE.match(line)
    if directive:
        words = directive.group(1).split()
        kind = ""
        if words[:1] == ["facts"]:
            kind = "facts"
        elif words[:1] == ["table:"] and len(words) > 1:
            kind = words[1]
        if kind:
            index += 1
            while index < len(lines) and not lines[index].strip():
                index += 1
            if index < len(lines) and lines[index].startswith("|"):
                return _parse_table(lines, index, blocks, kind)
        return index if kind else index + 1
    if line.startswith("|"):
        return _parse_table(lines, index, blocks, "")
    if _ITEM.match(line):
        items, index = _items(lines, index, _ITEM)
        if section is not None and section.number is not None:
            blocks.append(Steps(tuple(_step(section.number, n, body, name) for n, body in items)))
        else:
            blocks.append(Numbered(tuple((int(n), body) for n, body in items)))
        return index
    if _BULLET.match(line):
        bullets, index = _items(lines, index, _BULLET)
        blocks.append(Bullets(tuple(body for _, body in bullets)))
        return index
    paragraph = []
    while index < len(lines) and lines[index].strip() and not _starts_block(lines[index]):
        paragraph.append(lines[index].strip())
        index += 1
    blocks.append(Paragraph(" ".join(paragraph)))
    return index


def _starts_block(line: str) -> bool:
    return bool(
        line.startswith((_FENCE, "|", "#"))
        or _ITEM.match(line)
        or _BULLET.match(line)
        or _DIRECTIVE_LINE.match(line)
    )


def _items(
    lines: list[str], index: int, pattern: re.Pattern[str]
) -> tuple[list[tuple[str, str]], int]:
    """List items with their continuation lines; a blank line between items is allowed."""
    items: list[tuple[str, str]] = []
    while index < len(lines):
        line = lines[index]
        match = pattern.match(line)
        if match:
            number = match.group(1) if match.re is _ITEM else ""
            body = match.group(match.lastindex or 1)
            items.append((number, body))
            index += 1
            continue
        if line.startswith("  ") and line.strip() and items:
            number, body = items[-1]
            items[-1] = (number, body + "\n" + line.strip())
            index += 1
            continue
        if not line.strip():
            ahead = index + 1
            while ahead < len(lines) and not lines[ahead].strip():
                ahead += 1
            if ahead < len(lines) and pattern.match(lines[ahead]):
                index = ahead
                continue
        break
    return items, index


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


def _parse_table(lines: list[str], index: int, blocks: list[Block], kind: str) -> int:
    rows: list[tuple[str, ...]] = []
    while index < len(lines) and lines[index].startswith("|"):
        cells = split_row(lines[index])
        if not all(re.fullmatch(r":?-{3,}:?", cell) for cell in cells):
            rows.append(cells)
        index += 1
    if rows:
        width = len(rows[0])
        body = tuple(tuple((*row, *("",) * width)[:width]) for row in rows[1:])
        blocks.append(Table(rows[0], body, kind))
    return index


def split_row(line: str) -> tuple[str, ...]:
    """Cells of a pipe-table row; `\\|` is a pipe inside a cell."""
    inner = line.strip()
    inner = inner[1:] if inner.startswith("|") else inner
    inner = inner[:-1] if inner.endswith("|") and not inner.endswith("\\|") else inner
    cells = re.split(r"(?<!\\)\|", inner)
    return tuple(cell.strip() for cell in cells)


def is_blank(text: str) -> bool:
    """A table cell left for handwriting."""
    return not text.strip() or set(text.strip()) == {"_"}
