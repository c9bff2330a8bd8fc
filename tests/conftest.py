"""Fixtures and hooks only: the `cli` fixture, and the slow marks of tests/helpers/slow.py.
Shared helpers live in tests/helpers/, one module per topic."""

from __future__ import annotations

from typing import Any

import pytest

from tests.helpers.cli import run_cli


@pytest.fixture
def cli() -> Any:
    return run_cli


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Mark the tests tests/helpers/slow.py names as slow (`make test` leaves them out)."""
    from tests.helpers.slow import COLLECTED, slow_reason

    config.stash[COLLECTED] = frozenset(item.nodeid for item in items)
    for item in items:
        if slow_reason(item.nodeid):
            item.add_marker(pytest.mark.slow)
