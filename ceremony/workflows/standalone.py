"""The standalone recovery program `recover.py` that goes into every kit and onto paper.

The program is `templates/recover.py.in` with the SLIP-39 and BIP-39 English word lists filled in, so
an heir needs only a Python 3 interpreter. Rendering is deterministic: the same template and word
lists always give the same bytes, hence the same SHA-256 printed beside the appendix.
"""

from __future__ import annotations

import hashlib
import textwrap

from mnemonic import Mnemonic

from ceremony.core.slip39 import wordlist
from ceremony.errors import OutputFailed
from ceremony.templates import read_template

TEMPLATE = "recover.py.in"
WORD_LIST_WIDTH = 90
"""Columns per line of an embedded word list: fits the printed appendix and is easy to retype."""


def template_text(name: str) -> str:
    """A file from the templates (installed package data, else the checkout's `templates/`)."""
    return read_template(name)


def _word_block(words: tuple[str, ...] | list[str]) -> str:
    return "\n".join(textwrap.wrap(" ".join(words), width=WORD_LIST_WIDTH))


def render_recover_py() -> str:
    """The text of `recover.py`, word lists embedded."""
    text = template_text(TEMPLATE)
    fills = {
        "@@SLIP39_WORDS@@": _word_block(wordlist()),
        "@@BIP39_WORDS@@": _word_block(list(Mnemonic("english").wordlist)),
    }
    for placeholder, block in fills.items():
        if text.count(placeholder) != 1:
            raise OutputFailed(
                f"the template {TEMPLATE} must hold {placeholder} exactly once",
                "restore the template from the source distribution",
            )
        text = text.replace(placeholder, block)
    return text


def recover_py_sha256(text: str) -> str:
    """SHA-256 of the program as written to disk (UTF-8), as printed beside the appendix."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
