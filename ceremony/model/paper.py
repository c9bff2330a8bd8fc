"""The paper sizes a kit is printed on: one type for the plan, the record, `--paper` and the PDFs."""

from __future__ import annotations

from enum import StrEnum

from ceremony.errors import BadInput

_POINTS_PER_MM = 72 / 25.4


class PaperSize(StrEnum):
    """A4 or US Letter. The value is how the record and `--paper` name it; a plan writes the
    `label` ("A4", "Letter"), and reading either is case-blind."""

    A4 = "a4"
    LETTER = "letter"

    @property
    def label(self) -> str:
        """How a plan writes the size, and how the plan sheet prints it."""
        return "A4" if self is PaperSize.A4 else "Letter"

    @property
    def points(self) -> tuple[float, float]:
        """Width and height in PDF points (1/72 inch)."""
        if self is PaperSize.A4:
            return (210 * _POINTS_PER_MM, 297 * _POINTS_PER_MM)
        return (8.5 * 72, 11 * 72)

    @classmethod
    def from_text(cls, text: str) -> PaperSize:
        """The size named on a command line or in a record, which people write in any case."""
        try:
            return cls(text.strip().lower())
        except ValueError:
            raise BadInput(f"unknown paper size {text!r}", "use a4 or letter (US Letter)") from None
