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

from reportlab.pdfbase import pdfmetrics
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


@cache
def register() -> Fonts:
    """Register the fonts with reportlab once per process; later calls are free."""
    for name, filename in FILES.items():
        data = font_bytes(filename)
        try:
            pdfmetrics.registerFont(TTFont(name, io.BytesIO(data)))
        except Exception as exc:  # reportlab raises bare TTFError/OSError subclasses
            raise OutputFailed(
                f"cannot print: the packaged font {filename} could not be parsed "
                f"({type(exc).__name__})",
                BROKEN_HINT,
            ) from None
    return Fonts()
