"""What a test needs from the machine beyond ``pip install -e '.[dev]'``: each helper skips the
calling test, with the reason and the install line, when that is missing (README, Test)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest


def tool(name: str, package: str = "") -> str:
    """The path of the Debian tool ``name`` on ``PATH``; skips the test when it is absent."""
    found = shutil.which(name)
    if found is None:
        pytest.skip(f"{name} not on PATH: apt-get install {package or name}")
    return found


def font(path: str, package: str) -> str:
    """``path`` of a font file a Debian package installs; skips the test when it is absent."""
    if not Path(path).is_file():
        pytest.skip(f"font {path} not found: apt-get install {package}")
    return path


def ocr(*languages: str) -> None:
    """Skips the test unless OCR can run here (the ``ocr`` extra and Tesseract with
    ``languages``, e.g. ``chi_sim``)."""
    from search.ingest.formats.ocr import available, tesseract_languages

    missing = available()
    if missing:
        pytest.skip(missing)
    have = tesseract_languages().split("+")
    for lang in languages:
        if lang not in have:
            package = "tesseract-ocr-" + lang.replace("_", "-")
            pytest.skip(f"Tesseract has no {lang} model: apt-get install {package}")
