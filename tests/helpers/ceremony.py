"""Helpers for ceremony tests: a small plan, share words read back from holder PDFs, scans for
secrets in public outputs."""

from __future__ import annotations

import re
from collections.abc import Iterable
from pathlib import Path

from pypdf import PdfReader

from ceremony.model.share import Share
from ceremony.model.steps import Step
from ceremony.ui.answers import ScriptedOperator
from tests.helpers.paths import DATA

SMALL_PLAN = DATA / "small-plan.toml"
WORD_LINE = re.compile(r"^\s*(\d+)\.\s+([a-z]+)\s*$", re.MULTILINE)


def card_words(pdf: Path) -> list[str]:
    """The share words printed on a holder card, in order, as a person would read them."""
    text = PdfReader(pdf).pages[0].extract_text()
    numbered = sorted((int(n), w) for n, w in WORD_LINE.findall(text))
    return [w for _, w in numbered]


def pdf_text(pdf: Path) -> str:
    return "\n".join(page.extract_text() for page in PdfReader(pdf).pages)


def word_runs(words: list[str], run: int = 3) -> Iterable[str]:
    for start in range(len(words) - run + 1):
        yield " ".join(words[start : start + run])


def assert_no_secret(text: str, shares: list[list[str]], secrets_hex: Iterable[str] = ()) -> None:
    """No run of three consecutive share words, and no secret in hex, appears in `text`."""
    flat = " ".join(text.split()).lower()
    for words in shares:
        for run in word_runs(words):
            assert run not in flat, f"a run of share words appears: {run.split()[0]} ..."
    for secret in secrets_hex:
        assert secret.lower() not in flat


class Spy(ScriptedOperator):
    """Scripted answers that also keep the issued shares (to scan outputs for them) and can
    simulate Ctrl-C at a chosen step."""

    def __init__(self, stop_at: str | None = None) -> None:
        super().__init__(accept_preflight_failures=True, quiet=True)
        self.stop_at = stop_at
        self.shares: list[Share] = []

    def begin_step(self, step: Step) -> None:
        if step.id == self.stop_at:
            raise KeyboardInterrupt

    def reenter_share(self, holder: str, group: str, expected: Share) -> str:
        self.shares.append(expected)
        return super().reenter_share(holder, group, expected)
