"""Scripted answers to prompts, and the words a prompt module says itself (not share words)."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from pathlib import Path


def own_wording(*modules: object) -> set[str]:
    """Words in the string literals (not docstrings) of modules: what the prompt itself says."""
    found: set[str] = set()
    for module in modules:
        tree = ast.parse(Path(getattr(module, "__file__", "") or "").read_text())
        docstrings = {
            id(node.value)
            for node in ast.walk(tree)
            if isinstance(node, ast.Expr) and isinstance(node.value, ast.Constant)
        }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Constant)
                and isinstance(node.value, str)
                and id(node) not in docstrings
            ):
                found.update(re.findall(r"[a-z]+", node.value.lower()))
    return found


class Script:
    """Answers prompts from a list of lines; records the prompts; EOF when the lines run out."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.lines = list(lines)
        self.prompts: list[str] = []

    def __call__(self, prompt: str) -> str:
        self.prompts.append(prompt)
        if not self.lines:
            raise EOFError
        return self.lines.pop(0)
