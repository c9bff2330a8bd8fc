"""The fonts every PDF embeds: DejaVu Sans and DejaVu Sans Mono, regular and bold.

Embedded TrueType fonts make a PDF print the same everywhere and carry names such as José, Zoë or
Łukasz, which the PDF standard fonts cannot. DejaVu is free, on almost every Linux system, and its
mono face tells apart 0/O and 1/l/I, which matters for words copied by hand.
"""

from __future__ import annotations

import os
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

FILES = {
    SANS: "DejaVuSans.ttf",
    SANS_BOLD: "DejaVuSans-Bold.ttf",
    MONO: "DejaVuSansMono.ttf",
    MONO_BOLD: "DejaVuSansMono-Bold.ttf",
}

SEARCH = (
    "/usr/share/fonts/truetype/dejavu",
    "/usr/share/fonts/dejavu",
    "/usr/share/fonts/TTF",
    "/usr/share/fonts/dejavu-sans-fonts",
    "/usr/share/fonts/dejavu-sans-mono-fonts",
    "/usr/local/share/fonts",
    "/usr/local/share/fonts/dejavu",
    "/opt/homebrew/share/fonts",
    "~/.local/share/fonts",
    "~/Library/Fonts",
    "/Library/Fonts",
)
"""Where distributions put DejaVu; CEREMONY_FONT_DIR, if set, is searched first."""


@dataclass(frozen=True)
class Fonts:
    """Names of the registered fonts, to pass to reportlab's setFont."""

    sans: str = SANS
    sans_bold: str = SANS_BOLD
    mono: str = MONO
    mono_bold: str = MONO_BOLD


def _directories() -> list[Path]:
    extra = os.environ.get("CEREMONY_FONT_DIR")
    places = [extra] if extra else []
    places.extend(SEARCH)
    return [Path(place).expanduser() for place in places]


def find_font(filename: str) -> Path:
    """The first copy of `filename` in the search path; raises OutputFailed when there is none."""
    for directory in _directories():
        candidate = directory / filename
        if candidate.is_file():
            return candidate
    raise OutputFailed(
        f"cannot print: the font {filename} is not installed",
        "install the DejaVu fonts (Debian/Ubuntu: apt install fonts-dejavu-core; Fedora: "
        "dnf install dejavu-sans-fonts dejavu-sans-mono-fonts), or set CEREMONY_FONT_DIR to "
        "the folder that holds them",
    )


@cache
def register() -> Fonts:
    """Register the fonts with reportlab once per process; later calls are free."""
    for name, filename in FILES.items():
        path = find_font(filename)
        try:
            pdfmetrics.registerFont(TTFont(name, str(path)))
        except Exception as exc:  # reportlab raises bare TTFError/OSError subclasses
            raise OutputFailed(
                f"cannot print: the font {path} could not be read ({type(exc).__name__})",
                "reinstall the DejaVu fonts (fonts-dejavu-core), or set CEREMONY_FONT_DIR to "
                "a folder with intact copies",
            ) from None
    return Fonts()
