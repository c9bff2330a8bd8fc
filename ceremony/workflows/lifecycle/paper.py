"""The paper of a lifecycle ceremony: one kit per new holder, recover.py, the amended record, and
the runbooks filled with the amended record's facts (the recovery script for the current set)."""

from __future__ import annotations

import contextlib
import hashlib
import os
from dataclasses import replace
from pathlib import Path

from ceremony.files import write_atomic
from ceremony.model.record import Record
from ceremony.workflows import kit as kits
from ceremony.workflows.split import SplitResult


def write_lifecycle_kit(
    directory: Path, new: SplitResult, record: Record, options: kits.KitOptions
) -> Record:
    """Holder PDFs for the shares of `new`, which are the last entries of `record.shares`."""
    from ceremony.workflows.runbooks import render_runbooks
    from ceremony.workflows.standalone import recover_py_sha256, render_recover_py

    count = len(new.all_shares())
    fresh = record.shares[len(record.shares) - count :]
    holders_dir = directory / "holders"
    os.mkdir(holders_dir, 0o700)
    written = []
    pdfs = kits.render_holder_pdfs(new, replace(record, shares=fresh), options)
    with contextlib.closing(pdfs):  # on an error too: the measures it shares are forgotten
        for entry, pdf in pdfs:
            write_atomic(holders_dir / kits.holder_filename(entry), pdf, secret=True)
            written.append(replace(entry, holder_pdf_sha256=hashlib.sha256(pdf).hexdigest()))
    program = render_recover_py()
    write_atomic(directory / "recover.py", program.encode(), secret=False)
    record = replace(
        record,
        shares=(*record.shares[: len(record.shares) - count], *written),
        recover_py_sha256=recover_py_sha256(program),
    )
    kits.write_public(directory, record, options)
    render_runbooks(record, directory / "runbooks", options.paper_size, overwrite=False)
    return record
