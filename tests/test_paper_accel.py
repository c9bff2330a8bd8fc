"""reportlab's C accelerators (`rl_accel`) only make PDFs faster: the same content gives the same
bytes with them and with reportlab's pure-Python fallback, so a machine without them records
the same hashes."""

from __future__ import annotations

import subprocess
import sys

RENDER = """
import hashlib, sys
if sys.argv[1] == "without":
    sys.modules["_rl_accel"] = None  # reportlab then uses its Python versions
from reportlab.lib import rl_accel
from ceremony.core.slip39 import wordlist
from ceremony.paper.content import PaperSize
from ceremony.paper.holder import render_holder_kit
from ceremony.paper.specimen import SpecimenGroup, specimen_kits
kits = specimen_kits(wordlist(), [SpecimenGroup("treasury", 3, 5), SpecimenGroup("Zoë", 1, 1)], 2,
                     words=33, demo=True)
print(type(rl_accel.fp_str).__name__)
for kit in kits:
    for size in PaperSize:
        print(hashlib.sha256(render_holder_kit(kit, size)).hexdigest())
"""


def render(mode: str) -> list[str]:
    done = subprocess.run(
        [sys.executable, "-c", RENDER, mode], capture_output=True, check=True, timeout=120
    )
    return done.stdout.decode().split()


def test_kits_are_the_same_bytes_with_and_without_the_accelerators() -> None:
    fast, slow = render("with"), render("without")
    assert fast[0] == "builtin_function_or_method"  # the C version was really used
    assert slow[0] == "function"
    assert fast[1:] == slow[1:]
    assert len(set(fast[1:])) == len(fast) - 1  # every kit and size differs from the others
