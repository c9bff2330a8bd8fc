"""The official vectors, read from ../shared/vectors (never copied into the repo); skipped with
the reason when absent."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest

from tests.helpers.paths import VECTORS


def load_vectors(name: str) -> Any:
    path = VECTORS / name
    if not path.exists():
        pytest.skip(f"official vectors not found at {path} (../shared/vectors beside the repo)")
    return json.loads(path.read_text())


def vector_params(name: str, make: Callable[[Any], list[Any]], arity: int) -> list[Any]:
    """Parameters built from an official vector file, or one skipped case saying why it is absent.

    For use in `@pytest.mark.parametrize`, which is evaluated at import time, where `pytest.skip`
    would skip the whole module."""
    path = VECTORS / name
    if not path.exists():
        reason = f"official vectors not found at {path} (../shared/vectors beside the repo)"
        return [pytest.param(*([None] * arity), marks=pytest.mark.skip(reason=reason))]
    return make(json.loads(path.read_text()))
