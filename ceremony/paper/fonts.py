"""The fonts every PDF embeds: DejaVu Sans and DejaVu Sans Mono, regular and bold.

Embedded TrueType fonts make a PDF print the same everywhere and carry names such as José, Zoë or
Łukasz, which the PDF standard fonts cannot. The mono face tells apart 0/O and 1/l/I, which matters
for words copied by hand.

The four files ship inside the package (`ceremony/paper/dejavu/`, with their licence) and are
checked against the SHA-256 digests below each time they are loaded. No system font is ever read,
so the same content gives the same PDF bytes on every machine, and the audit can re-render a public
PDF and compare bytes.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import ClassVar

from reportlab import rl_config
from reportlab.pdfbase import pdfdoc, pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

from ceremony.errors import OutputFailed

SANS = "CeremonySans"
SANS_BOLD = "CeremonySans-Bold"
MONO = "CeremonyMono"
MONO_BOLD = "CeremonyMono-Bold"

FONT_DIR = Path(__file__).resolve().parent / "dejavu"
"""Where the packaged DejaVu 2.37 files are; the only place fonts are read from."""

FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}

DIGESTS = {
    "DejaVuSans.ttf": "abdc775b21b1bc470d50c97e790d276f2054b7504e56e5bd3e64f48d68582322",
    "DejaVuSans-Bold.ttf": "0d977336a6d5fba34eab8e3199eb218327161b5143749f802982c2bc34df0c96",
    "DejaVuSansMono.ttf": "0f5db4f1749979d961019838b160bec74abdf7f9eca69553fe1aa856bbff49a4",
    "DejaVuSansMono-Bold.ttf": "2964f6dac8e6e9d71613928340f17bf868e9ea51692cca333c79e74962f02233",
}
"""SHA-256 of each packaged file (DejaVu 2.37, Debian fonts-dejavu-core 2.37-6)."""

BROKEN_HINT = "reinstall ceremony from its wheel or bundle (the fonts ship inside the package)"


@dataclass(frozen=True)
class Fonts:
    """Names of the registered fonts, to pass to reportlab's setFont."""

    sans: str = SANS
    sans_bold: str = SANS_BOLD
    mono: str = MONO
    mono_bold: str = MONO_BOLD


def font_bytes(filename: str, directory: Path = FONT_DIR) -> bytes:
    """The checked bytes of one packaged font; raises OutputFailed when missing or changed."""
    path = directory / filename
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise OutputFailed(
            f"cannot print: the packaged font {filename} cannot be read ({type(exc).__name__})",
            BROKEN_HINT,
        ) from None
    if hashlib.sha256(data).hexdigest() != DIGESTS[filename]:
        raise OutputFailed(
            f"cannot print: the packaged font {filename} is not the file ceremony was built with "
            "(its SHA-256 differs)",
            BROKEN_HINT,
        )
    return data


MAX_SUBSETS = 32
"""Subsets remembered per font (about 60 KB each, made and compressed)."""


class PackagedFont(TTFont):  # type: ignore[misc]  # reportlab has no type hints
    """A packaged font whose embedded subsets are made, and compressed, once per process.

    A PDF embeds the glyphs it uses (a subset of the font, compressed); reportlab makes and
    compresses it again for every document, which is about a third of the time of a holder kit.
    Subset 0 holds ASCII at fixed places plus the other characters in order of first use, so the
    kits of a ceremony embed the same subsets: each is made and compressed once, and every later
    document carries the same bytes it would have computed. Nothing secret is kept: a subset is a
    list of characters of the font, the same whatever the words (share words are ASCII).
    """

    def __init__(self, name: str, data: bytes) -> None:
        super().__init__(name, io.BytesIO(data))
        self._subsets: dict[tuple[int, ...], bytes] = {}
        self._compressed: dict[int, tuple[bytes, bytes]] = {}
        self._cmaps: dict[str, bytes] = {}
        self._make_subset = self.face.makeSubset
        self.face.makeSubset = self._subset
        glyphs = self.face.charToGlyph
        self._ascii_fixed = bool(self._asciiReadable) and all(c in glyphs for c in range(32, 127))

    def splitString(
        self, text: str | bytes, doc: pdfdoc.PDFDocument, encoding: str = "utf-8"
    ) -> list[tuple[int, bytes]]:
        """reportlab's answer, without its loop over each character for printable ASCII (most of
        what is printed, share words included): with `asciiReadable` each of those characters has
        its own code in subset 0 in every document, so the answer is the text itself."""
        if self._ascii_fixed and isinstance(text, str) and text.isascii() and text.isprintable():
            if doc not in self.state:  # as reportlab: the document's state made on first use
                self.state[doc] = TTFont.State(self._asciiReadable, self)
            return [(0, text.encode("ascii"))] if text else []
        return list(super().splitString(text, doc, encoding))

    def _subset(self, subset: list[int]) -> bytes:
        key = tuple(subset)
        made = self._subsets.get(key)
        if made is None:
            if len(self._subsets) >= MAX_SUBSETS:  # a long process printing many kinds of text
                self._subsets.clear()
                self._compressed.clear()
            made = self._subsets[key] = self._make_subset(subset)
            self._compressed[id(made)] = (made, pdfdoc.PDFZCompress.encode(made))
        return made

    def addObjects(self, doc: pdfdoc.PDFDocument) -> None:
        """reportlab's own objects, then each embedded subset's stream given its compressed bytes
        (made once): with its Filter already set, reportlab writes those bytes as they are."""
        super().addObjects(doc)
        for name, stream in doc.idToObject.items():
            if isinstance(stream, pdfdoc.PDFTrueTypeFont):
                _format_widths_once(stream)
            elif name.startswith("toUnicodeCMap:") and isinstance(stream, pdfdoc.PDFStream):
                self._compress_cmap_once(stream)
            if not (name.startswith("fontFile:") and isinstance(stream, pdfdoc.PDFStream)):
                continue
            known = self._compressed.get(id(stream.content))
            if known is None or known[0] is not stream.content:
                continue
            if stream.filters != [pdfdoc.PDFZCompress] or "Filter" in stream.dictionary.dict:
                continue
            stream.content = known[1]
            stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])

    def _compress_cmap_once(self, stream: pdfdoc.PDFStream) -> None:
        """A subset's character map (text, the same in every document that embeds the subset),
        compressed once and handed over as the subset's own stream is."""
        if stream.filters != [pdfdoc.PDFZCompress] or "Filter" in stream.dictionary.dict:
            return
        text = stream.content
        packed = self._cmaps.get(text)
        if packed is None:
            if len(self._cmaps) >= MAX_SUBSETS:
                self._cmaps.clear()
            packed = self._cmaps[text] = pdfdoc.PDFZCompress.encode(text)
        stream.content = packed
        stream.dictionary["Filter"] = pdfdoc.PDFArray([pdfdoc.PDFName("FlateDecode")])


class FormattedWidths(pdfdoc.PDFArray):  # type: ignore[misc]  # reportlab has no type hints
    """A font subset's /Widths: numbers only, so the same bytes in every document; formatted by
    reportlab once per process rather than number by number for every document."""

    _known: ClassVar[dict[tuple[object, ...], bytes]] = {}

    def format(self, document: pdfdoc.PDFDocument, IND: bytes = b"\n ") -> bytes:
        key = (tuple(self.sequence), self.multiline, rl_config.pdfMultiLine, IND)
        known = self._known.get(key)
        if known is None:
            if len(self._known) >= 4 * MAX_SUBSETS:
                self._known.clear()
            known = self._known[key] = super().format(document, IND)
        return known


def _format_widths_once(font: pdfdoc.PDFTrueTypeFont) -> None:
    widths = getattr(font, "Widths", None)
    if not isinstance(widths, pdfdoc.PDFArray) or type(widths) is not pdfdoc.PDFArray:
        return  # exactly reportlab's array (a compact one is formatted otherwise)
    if all(type(width) in (int, float) for width in widths.sequence):
        font.Widths = FormattedWidths(widths.sequence)


@cache
def register() -> Fonts:
    """Register the fonts with reportlab once per process; later calls are free."""
    for name, filename in FILES.items():
        data = font_bytes(filename)
        try:
            pdfmetrics.registerFont(PackagedFont(name, data))
        except Exception as exc:  # reportlab raises bare TTFError/OSError subclasses
            raise OutputFailed(
                f"cannot print: the packaged font {filename} could not be parsed "
                f"({type(exc).__name__})",
                BROKEN_HINT,
            ) from None
    return Fonts()
