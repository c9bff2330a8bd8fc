"""Fonts: the packaged DejaVu files, checked by SHA-256 at load; no system font is ever read."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from ceremony.errors import OutputFailed
from ceremony.paper import fonts
from tests.helpers.paths import ROOT


def test_registered_fonts_have_distinct_names() -> None:
    names = fonts.register()
    assert len({names.sans, names.sans_bold, names.mono, names.mono_bold}) == 4
    assert fonts.register() is names


@pytest.mark.parametrize("filename", sorted(fonts.DIGESTS))
def test_each_packaged_font_matches_its_digest(filename: str) -> None:
    data = (fonts.FONT_DIR / filename).read_bytes()
    assert hashlib.sha256(data).hexdigest() == fonts.DIGESTS[filename]
    assert fonts.font_bytes(filename) == data


def test_the_licence_ships_beside_the_fonts() -> None:
    text = (fonts.FONT_DIR / "LICENSE").read_text(encoding="utf-8")
    assert "Bitstream Vera Fonts Copyright" in text
    assert "Arev Fonts Copyright" in text


def test_a_changed_font_is_refused_with_a_hint(tmp_path: Path) -> None:
    data = bytearray((fonts.FONT_DIR / "DejaVuSans.ttf").read_bytes())
    data[1000] ^= 1
    (tmp_path / "DejaVuSans.ttf").write_bytes(bytes(data))
    with pytest.raises(OutputFailed) as caught:
        fonts.font_bytes("DejaVuSans.ttf", tmp_path)
    assert "DejaVuSans.ttf" in caught.value.message
    assert "SHA-256" in caught.value.message
    assert caught.value.hint == fonts.BROKEN_HINT


def test_a_missing_font_is_refused_with_a_hint(tmp_path: Path) -> None:
    with pytest.raises(OutputFailed) as caught:
        fonts.font_bytes("DejaVuSansMono.ttf", tmp_path)
    assert "DejaVuSansMono.ttf" in caught.value.message
    assert "reinstall" in caught.value.hint


PROBE = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0])) if event == "open" else None)
from ceremony.paper import fonts
fonts.register()
from reportlab.pdfgen.canvas import Canvas
import io
out = io.BytesIO()
canvas = Canvas(out, invariant=1)
canvas.setFont(fonts.SANS, 12)
canvas.drawString(50, 50, "José Zoë Łukasz 0O1lI")
canvas.setFont(fonts.MONO_BOLD, 12)
canvas.drawString(50, 80, "acid academic")
canvas.save()
sys.stdout.write("\\n".join(p for p in opened if "font" in p.lower() or p.endswith((".ttf", ".otf"))))
"""


def test_no_system_font_is_opened_when_printing(tmp_path: Path) -> None:
    """Every font file the process opens lies in the package's own folder, whatever the system has."""
    fake = tmp_path / "fonts"
    fake.mkdir()
    shutil.copy(fonts.FONT_DIR / "DejaVuSans.ttf", fake / "DejaVuSans.ttf")
    env = {"PATH": "/usr/bin:/bin", "CEREMONY_FONT_DIR": str(fake), "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, cwd=ROOT, env=env, check=True
    )
    fonts_opened = [line for line in done.stdout.splitlines() if line.endswith(".ttf")]
    assert sorted(Path(p).name for p in fonts_opened) == sorted(fonts.DIGESTS)
    for path in fonts_opened:
        assert Path(path).resolve().parent == fonts.FONT_DIR
    assert not any(
        line.startswith(("/usr/share/fonts", str(fake))) for line in done.stdout.splitlines()
    )
