"""The plan printed for review before the ceremony: the file's exact text with line numbers (the same
numbers `ceremony plan check` uses in its errors), and the plan hash as hex and words on every page, so
that reviewers can confirm that the paper they signed is the file the ceremony will run.

Laid out by the shared engine (paper/layout.py): the same frame, DEMO band and "page N of M" as every
other document; wording in templates/paper/plan.toml. Deterministic: the same plan gives
byte-identical PDFs.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ceremony.paper.content import MM, PaperSize
from ceremony.paper.document import Document, sign_here
from ceremony.paper.fonts import Fonts
from ceremony.paper.glyphs import covered
from ceremony.paper.layout import INK, RULE, Flow, Run, Size, text_width

TEXT_SIZE = Size.LABEL
LEADING = 11.0
TAB = 4
SIGNATURE_ROWS = 4
SIGNATURE_ROW = 9 * MM
NUMBER_GRAY = 0.45


@dataclass(frozen=True)
class PlanSheet:
    """What the review copy shows."""

    title: str
    """The ceremony's name."""
    text: str
    """The plan file's text, exactly."""
    sha256: str
    hash_words: str
    paper: str = "a4"
    """"a4" or "letter" (any case)."""
    demo: bool = False

    def __post_init__(self) -> None:
        if self.paper.lower() not in {size.value for size in PaperSize}:
            raise ValueError(f"unknown paper size {self.paper!r}")

    @property
    def size(self) -> PaperSize:
        return PaperSize(self.paper.lower())


def _lines(text: str, columns: int) -> list[tuple[str, str]]:
    """(line number or "", text) per printed line; long lines continue without a number."""
    out: list[tuple[str, str]] = []
    # Split on "\n" only, as TOML and `plan check` count lines; splitlines() would also split on
    # characters such as U+2028 that TOML allows inside comments and strings.
    physical = text.split("\n")
    if physical and physical[-1] == "":
        physical.pop()
    for number, raw in enumerate(physical, start=1):
        line = raw.removesuffix("\r").expandtabs(TAB)
        pieces = _wrap(line, columns)
        out.append((str(number), pieces[0]))
        out.extend(("", piece) for piece in pieces[1:])
    return out


def _wrap(line: str, columns: int) -> list[str]:
    """Break a long line at a space where one is near the end, else mid-word."""
    pieces = []
    while len(line) > columns:
        cut = line.rfind(" ", columns // 2, columns)
        cut = cut + 1 if cut > 0 else columns
        pieces.append(line[:cut])
        line = line[cut:]
    pieces.append(line)
    return pieces


def render_plan_sheet(sheet: PlanSheet) -> bytes:
    """The review copy's PDF: the header on every page, the numbered text, then the signatures."""
    doc = Document.start("plan.toml", sheet.size, demo=sheet.demo)
    flow, fonts, wording = doc.flow, doc.fonts, doc.wording
    number_width = text_width("0000 ", fonts.mono, TEXT_SIZE)
    char_width = text_width("M", fonts.mono, TEXT_SIZE)
    columns = max(20, int((flow.geometry.content_width - number_width) // char_width))
    _header(flow, sheet, doc)
    for number, text in _lines(sheet.text, columns):
        if flow.room < LEADING:
            flow.new_page()
            _header(flow, sheet, doc)
        baseline = flow.y - LEADING + 2.5
        left = flow.geometry.left
        label = Run(number, fonts.mono, TEXT_SIZE, NUMBER_GRAY)
        flow.text(left + number_width - char_width - label.width, baseline, (label,))
        flow.text(left + number_width, baseline, _runs(text, fonts))
        flow.y -= LEADING
    _signatures(flow, sheet, doc)
    footer = wording.text("footer", {"document": wording.text("document")})
    if sheet.demo:
        footer = f"{wording.text('demo_footer')} {footer}"
    return doc.pdf(
        footer=footer,
        title=f"{wording.text('document')}: {sheet.title}",
        subject=f"plan sha256 {sheet.sha256}",
    )


def _header(flow: Flow, sheet: PlanSheet, doc: Document) -> None:
    """What heads every page: which plan, and its hash as words (six a line) and as hex."""
    fonts, wording = doc.fonts, doc.wording
    flow.runs([Run(wording.text("heading"), fonts.sans_bold, Size.DISPLAY)], leading=16)
    flow.paragraph(sheet.title, fonts.sans, Size.BODY, leading=14)
    words = sheet.hash_words.split()
    label = wording.text("plan_words")
    indent = " " * (len(label) + 2)
    flow.gap(2)
    for prefix, part in ((label + "  ", words[:6]), (indent, words[6:])):
        flow.runs([Run(prefix + " ".join(part), fonts.mono_bold, Size.PROSE)], leading=12)
    sha = f"{wording.text('plan_sha256')} {sheet.sha256}"
    flow.runs([Run(sha, fonts.mono, Size.SMALL)], leading=13)
    flow.gap(2)
    flow.rule(flow.geometry.left, flow.geometry.right, flow.y, gray=RULE, width=0.5)
    flow.gap(LEADING / 2)


def _signatures(flow: Flow, sheet: PlanSheet, doc: Document) -> None:
    """Lines for the reviewers to print their name, role, sign and date: what they approved is
    this text, with these plan words."""
    fonts, wording = doc.fonts, doc.wording
    flow.gap(LEADING)
    if flow.room < 24 + SIGNATURE_ROWS * SIGNATURE_ROW:
        flow.new_page()
        _header(flow, sheet, doc)
    flow.runs([Run(wording.text("signatures.heading"), fonts.sans_bold, Size.BODY)], leading=16)
    left, width = flow.geometry.left, flow.geometry.content_width
    columns = [
        (left + width * share, wording.text(f"signatures.{key}"))
        for key, share in (("name", 0.0), ("role", 0.36), ("signature", 0.56), ("date", 0.84))
    ]
    for _ in range(SIGNATURE_ROWS):
        top = flow.place(SIGNATURE_ROW)
        sign_here(flow, fonts, top - SIGNATURE_ROW + 3 * MM, columns)


def _runs(text: str, fonts: Fonts) -> Sequence[Run]:
    """One line of the plan: in the fixed-width face, except characters it lacks, which are drawn
    in the sans face, or spelled out as <U+XXXX> in grey when no embedded font has them (never a
    box)."""
    runs: list[Run] = []
    for char in text:
        if char == " " or covered(char, fonts, mono=True):
            run = Run(char, fonts.mono, TEXT_SIZE, INK)
        elif covered(char, fonts):
            run = Run(char, fonts.sans, TEXT_SIZE, INK)
        else:
            run = Run(f"<U+{ord(char):04X}>", fonts.mono, TEXT_SIZE, NUMBER_GRAY)
        if runs and (runs[-1].font, runs[-1].gray) == (run.font, run.gray):
            runs[-1] = Run(runs[-1].text + run.text, run.font, TEXT_SIZE, run.gray)
        else:
            runs.append(run)
    return runs or [Run("", fonts.mono, TEXT_SIZE)]
