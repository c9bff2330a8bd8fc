"""Fonts: found in the usual places, or a clear error that says which package to install."""

from __future__ import annotations

from pathlib import Path

import pytest

from ceremony.errors import OutputFailed
from ceremony.paper import fonts


def test_missing_fonts_name_the_package(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fonts, "SEARCH", (str(tmp_path / "none"),))
    monkeypatch.delenv("CEREMONY_FONT_DIR", raising=False)
    with pytest.raises(OutputFailed) as caught:
        fonts.find_font("DejaVuSans.ttf")
    assert "DejaVuSans.ttf" in caught.value.message
    assert "fonts-dejavu-core" in caught.value.hint


def test_font_dir_from_the_environment_comes_first(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "DejaVuSans.ttf").write_bytes(b"not really a font")
    monkeypatch.setenv("CEREMONY_FONT_DIR", str(tmp_path))
    assert fonts.find_font("DejaVuSans.ttf") == tmp_path / "DejaVuSans.ttf"


def test_registered_fonts_have_distinct_names() -> None:
    names = fonts.register()
    assert len({names.sans, names.sans_bold, names.mono, names.mono_bold}) == 4
    assert fonts.register() is names
