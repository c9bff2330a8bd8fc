"""`ceremony reprint`: a fresh card for a worn one, with the same words.

The holder types (or repairs, at the prompt) the share from the worn card; it is checked against the
record, word for word (its commitment), before a new card is printed. The new card is the same
share: nothing about the scheme changes, so no ceremony record is amended. The reprint is appended
to the custody log, with the new PDF's hash.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from ceremony.errors import NotVerified
from ceremony.files import write_atomic
from ceremony.model.record import Record
from ceremony.model.share import Share
from ceremony.paper.content import PaperSize
from ceremony.workflows import kit as kits
from ceremony.workflows.check_share import ShareCheck, check_share
from ceremony.workflows.lifecycle.custody import REPRINTED, append_sighting
from ceremony.workflows.split import SplitResult


@dataclass(frozen=True)
class Reprint:
    check: ShareCheck
    pdf: Path
    pdf_sha256: str
    log_entry: int


def reprint_card(
    record: Record,
    share: Share,
    out: Path,
    log: Path,
    *,
    paper: PaperSize = PaperSize.A4,
    overwrite: bool = False,
) -> Reprint:
    """Check `share` against `record`, write its card to `out` (SECRET, mode 0600), log it."""
    check = check_share(record, share)
    entry = record.share_by_commitment(share.commitment())
    if entry is None:  # pragma: no cover - check_share refuses it first
        raise NotVerified("the share is not in the record", "check it with check-share")
    split = SplitResult(
        scheme=record.scheme(),
        identifier=record.identifier,
        fingerprint=record.fingerprint,
        commitment=record.commitment,
        groups=((share,),),
    )
    options = kits.KitOptions(
        ceremony_name=record.ceremony_name,
        paper_size=paper,
        demo=record.demo,
        time_lock_text=record.timelock.description if record.timelock else None,
    )
    [(_, pdf)] = kits.render_holder_pdfs(split, replace(record, shares=(entry,)), options)
    write_atomic(out, pdf, secret=True, overwrite=overwrite)
    digest = hashlib.sha256(pdf).hexdigest()
    number = append_sighting(log, record, check, event=REPRINTED, extra={"pdf_sha256": digest})
    return Reprint(check=check, pdf=out, pdf_sha256=digest, log_entry=number)
