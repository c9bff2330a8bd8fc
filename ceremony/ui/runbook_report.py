"""What `ceremony runbook render` prints: each PDF written with its runbook hash, or each printed
PDF's comparison with a fresh rendering (stdout, lines or JSON), then a summary (stderr)."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING

from ceremony.ui.console import out, say

if TYPE_CHECKING:
    from ceremony.workflows.runbook_render import Checked, Rendered


def show_render(done: Rendered | Checked, *, as_json: bool) -> None:
    from ceremony.workflows.runbook_render import Checked

    if isinstance(done, Checked):
        show_check(done, as_json=as_json)
    else:
        show_written(done, as_json=as_json)


def show_written(done: Rendered, *, as_json: bool) -> None:
    """Each PDF written, with the runbook hash printed on it (stdout), then a summary (stderr)."""
    rows = [(path, done.hashes.get(path.stem, "")) for path in done.paths if path.suffix == ".pdf"]
    if as_json:
        out(
            json.dumps(
                {
                    "format": "ceremony-runbooks/v1",
                    "directory": str(done.directory),
                    "files": [{"file": str(p), "runbook_sha256": h} for p, h in rows],
                },
                indent=2,
            )
        )
    else:
        for path, digest in rows:
            out(f"{path}  {digest}" if digest else str(path))
    say(f"{len(rows)} PDFs written to {done.directory} (public: they hold no share and no secret)")


def show_check(done: Checked, *, as_json: bool) -> None:
    """Each printed PDF: match, stale or what differs, with its SHA-256."""
    if as_json:
        out(
            json.dumps(
                {
                    "format": "ceremony-runbook-check/v1",
                    "directory": str(done.directory),
                    "results": [
                        {"file": r.file, "status": r.status, "sha256": r.sha256}
                        for r in done.results
                    ],
                },
                indent=2,
            )
        )
    else:
        for result in done.results:
            out(f"{result.status:8} {result.file}  {result.sha256}")


def check_passed_note(done: Checked) -> str:
    return f"all {len(done.results)} runbooks in {done.directory} match the record"
