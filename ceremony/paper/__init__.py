"""Paper: the holder kits and the public ceremony record, as deterministic PDFs.

Renders from the plain values in `ceremony.paper.content` and knows nothing about SLIP-39 or the
terminal. Wording lives in `templates/paper/`.
"""

from ceremony.paper.content import HolderKit, PaperSize, RecordSheet, ShareCard, ShareRow
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.record import render_record

__all__ = [
    "HolderKit",
    "PaperSize",
    "RecordSheet",
    "ShareCard",
    "ShareRow",
    "render_holder_kit",
    "render_record",
]
