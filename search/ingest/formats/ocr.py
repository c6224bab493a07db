"""OCR for scanned PDFs (pages that are images without a text layer): an optional extra.

Pages are rendered with pypdfium2 (PyPI, ships its PDFium binary: ``pip install
'bilingual-search[ocr]'``) and read by the Tesseract engine (Debian ``tesseract-ocr`` with
``tesseract-ocr-chi-sim``), Chinese and English together. Tesseract writes a space between
Chinese characters; those spaces are removed. A citation of an OCR'd passage gives its page,
and offsets into that page's recognised text.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from search.errors import SourceError

DPI = 300
MAX_OCR_PAGES = 500
PAGE_SECONDS = 120  # a page that takes longer is abandoned
INSTALL = "install the OCR extra: pip install 'bilingual-search[ocr]' and apt install tesseract-ocr"
_CJK = r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]"
_CJK_GAP = re.compile(rf"(?<={_CJK})[ \t]+(?={_CJK})")


def tesseract_languages() -> str:
    """``chi_sim+eng`` (or what of it is installed); '' when Tesseract is missing."""
    exe = shutil.which("tesseract")
    if exe is None:
        return ""
    try:
        out = subprocess.run(
            [exe, "--list-langs"], capture_output=True, text=True, timeout=30, check=False
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return ""
    have = set(out.split())
    return "+".join(lang for lang in ("chi_sim", "eng") if lang in have)


def available() -> str:
    """'' when OCR can run here, else the reason it cannot (one line)."""
    try:
        import pypdfium2  # noqa: F401
    except ImportError:
        return f"OCR is not installed ({INSTALL})"
    if not tesseract_languages():
        return f"the Tesseract OCR engine is not installed ({INSTALL})"
    return ""


def tidy(text: str) -> str:
    """Tesseract's text with the spaces between Chinese characters removed."""
    lines = [_CJK_GAP.sub("", line).rstrip() for line in text.splitlines()]
    return "\n".join(lines).strip() + "\n"


def ocr_pages(data: bytes, name: str) -> list[str]:
    """The recognised text of each page of a PDF (raises SourceError when OCR cannot run)."""
    missing = available()
    if missing:
        raise SourceError(f"{name}: no text layer (a scanned PDF?); {missing}")
    import pypdfium2 as pdfium

    langs = tesseract_languages()
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        raise SourceError(f"{name}: not a readable PDF ({exc})") from exc
    if len(pdf) > MAX_OCR_PAGES:
        raise SourceError(
            f"{name}: {len(pdf)} scanned pages is over the OCR limit of {MAX_OCR_PAGES}"
        )
    pages: list[str] = []
    with tempfile.TemporaryDirectory(prefix="ocr-") as tmp:
        image = Path(tmp) / "page.png"
        for number in range(len(pdf)):
            pdf[number].render(scale=DPI / 72).to_pil().convert("L").save(image)
            pages.append(tidy(recognise(image, langs, name, number + 1)))
    pdf.close()
    return pages


def recognise(image: Path, langs: str, name: str, page: int) -> str:
    cmd = ["tesseract", str(image), "stdout", "-l", langs, "--psm", "3"]
    env = {**os.environ, "OMP_THREAD_LIMIT": "1"}  # one core per page; builds share the machine
    try:
        proc = subprocess.run(cmd, capture_output=True, timeout=PAGE_SECONDS, env=env, check=False)
    except subprocess.TimeoutExpired as exc:
        raise SourceError(f"{name}: OCR of page {page} took over {PAGE_SECONDS} s") from exc
    if proc.returncode != 0:
        reason = proc.stderr.decode(errors="replace").strip().splitlines()[-1:] or ["failed"]
        raise SourceError(f"{name}: OCR of page {page} failed ({reason[0][:80]})")
    return proc.stdout.decode("utf-8", errors="replace")
