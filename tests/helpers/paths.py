"""Where the repository, the test data and the official vectors (../shared/vectors beside the
repository, never copied into it) are."""

from __future__ import annotations

from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
VECTORS = ROOT.parent / "shared" / "vectors"
