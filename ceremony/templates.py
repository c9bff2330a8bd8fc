"""Finding the files people read, print and sign: `templates/` and `runbooks/`.

An installed wheel carries them in `ceremony/_data/` (see the force-include in pyproject.toml); a
development checkout reads the repository's top-level folders. This is the one place that knows.
"""

from __future__ import annotations

from pathlib import Path

from ceremony.errors import OutputFailed

PACKAGE = Path(__file__).resolve().parent
BROKEN_HINT = "reinstall ceremony, or restore the file from the source distribution"


def data_root(folder: str) -> Path:
    """The folder `templates` or `runbooks`: installed location first, then the checkout."""
    for place in (PACKAGE / "_data" / folder, PACKAGE.parent / folder):
        if place.is_dir():
            return place
    raise OutputFailed(f"cannot find the {folder} folder (ceremony/_data/{folder})", BROKEN_HINT)


def template_path(*parts: str) -> Path:
    """Path of one template file, for example `template_path("paper", "holder.toml")`."""
    path = data_root("templates").joinpath(*parts)
    if not path.is_file():
        raise OutputFailed(f"the template {'/'.join(parts)} is missing", BROKEN_HINT)
    return path


def read_template(*parts: str) -> str:
    """The text of one template file (UTF-8)."""
    return template_path(*parts).read_text(encoding="utf-8")
