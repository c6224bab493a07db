"""The ``.pdf`` reader: the PDF's text layer, one form feed between pages, for the PDF cleaner.

Library: pdfminer.six. Measured against pypdf on Chinese + English PDFs made with reportlab's
built-in ``STSong-Light`` CID font (``UniGB-UCS2-H``, and hand-made ``GBK-EUC-H`` variants),
both extract the text exactly, page by page. They differ on a Chinese CID font in
``Identity-H`` with the Adobe-GB1 character collection and no ToUnicode map (a non-embedded
font, as some Chinese producers write): pdfminer.six maps the CIDs to Unicode with its bundled
Adobe CMaps and gets the sentence right, pypdf returns unrelated code points (``ྍିჷచ...``).
pypdf is about 4x faster (0.7 s vs 2.5 s for a 120-page file, ~20 ms a page here), which
matters less than correct Chinese. pdfminer's layout analysis also puts a blank line between
text blocks, which the PDF cleaner reads as a paragraph break.

A PDF without a text layer (a scan) is read by OCR when the ``ocr`` extra and Tesseract are
installed (:mod:`search.ingest.formats.ocr`). Problems become :class:`SourceError` with one
line a user can act on: empty file, encrypted, not a PDF or damaged, a scan without OCR,
fonts without a Unicode map, too many pages or too much text. pdfminer's own log warnings
are silenced (they would only be noise beside the build summary).
"""

from __future__ import annotations

import io
import logging
import re
from pathlib import Path
from typing import Any

from pdfminer.converter import TextConverter
from pdfminer.layout import LAParams
from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage
from pdfminer.pdfparser import PDFParser
from pdfminer.pdftypes import resolve1
from pdfminer.psexceptions import PSEOF
from pdfminer.utils import decode_text

from search.errors import SourceError
from search.ingest.formats.base import SourceText, read_bytes
from search.ingest.formats.ocr import ocr_pages
from search.ingest.locate import page_locator

MAX_PAGES = 5000
MAX_CHARS = 10_000_000  # about 5 000 dense pages; more is a book collection, not a document
PLACEHOLDER_TITLES = frozenset({"untitled", "unknown", "title", "untitled document"})
_CID = re.compile(r"\(cid:\d+\)")
_PDF_DATE = re.compile(r"(?:D:)?(\d{4})(\d{2})?(\d{2})?")

logging.getLogger("pdfminer").setLevel(logging.ERROR)


def open_document(data: bytes, name: str) -> PDFDocument:
    """Parse the PDF's structure (and decrypt it when no password is needed)."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty")
    if b"%PDF-" not in data[:1024]:
        raise SourceError(f"{name}: not a readable PDF (no PDF header; is it really a PDF?)")
    try:
        return PDFDocument(PDFParser(io.BytesIO(data)))
    except PDFPasswordIncorrect as exc:
        raise SourceError(f"{name}: encrypted PDF: remove the password first") from exc
    except PDFEncryptionError as exc:
        raise SourceError(f"{name}: encrypted PDF: remove the password first ({exc})") from exc
    except Exception as exc:  # a damaged file can fail anywhere inside the parser
        raise SourceError(f"{name}: not a readable PDF ({describe(exc)})") from exc


def describe(exc: BaseException) -> str:
    """A short, one-line reason for a parser failure."""
    if isinstance(exc, PSEOF):
        return "the file ends early; is it truncated?"
    text = " ".join(str(exc).split()) or type(exc).__name__
    return text if len(text) <= 80 else text[:77] + "..."


def page_texts(doc: PDFDocument, name: str) -> list[str]:
    """The text of each page, in order; refuses files over the page or character limits."""
    count = resolve1(resolve1(doc.catalog.get("Pages")) or {}).get("Count")
    if isinstance(count, int) and count > MAX_PAGES:
        raise SourceError(f"{name}: {count} pages is over the {MAX_PAGES}-page limit; split it")
    manager = PDFResourceManager(caching=True)
    out = io.StringIO()
    interpreter = PDFPageInterpreter(manager, TextConverter(manager, out, laparams=LAParams()))
    pages: list[str] = []
    total = 0
    for number, page in enumerate(PDFPage.create_pages(doc), 1):
        if number > MAX_PAGES:
            raise SourceError(f"{name}: over the {MAX_PAGES}-page limit; split it")
        out.seek(0)
        out.truncate()
        interpreter.process_page(page)
        text = out.getvalue().replace("\f", "")
        total += len(text)
        if total > MAX_CHARS:
            raise SourceError(f"{name}: more than {MAX_CHARS:,} characters of text; split it")
        pages.append(text)
    return pages


def drop_unmapped(pages: list[str], name: str) -> list[str]:
    """Remove ``(cid:N)`` codes (glyphs without a Unicode value); refuse mostly-unmapped text."""
    text = "".join(pages)
    unmapped = sum(len(m) for m in _CID.findall(text))
    if unmapped and unmapped > 0.5 * len("".join(text.split())):
        raise SourceError(
            f"{name}: the text layer's fonts have no Unicode map (text comes out as codes)"
        )
    return [_CID.sub("", p) for p in pages] if unmapped else pages


def info_text(info: dict[str, Any], key: str) -> str:
    """A metadata string (PDF text strings are PDFDocEncoding or UTF-16 with a BOM)."""
    value = resolve1(info.get(key))
    if isinstance(value, bytes):
        value = decode_text(value)
    return " ".join(value.split()) if isinstance(value, str) else ""


def pdf_date(raw: str) -> str:
    """``D:20240315090000+08'00'`` -> ``2024-03-15`` (as much of the date as is given)."""
    m = _PDF_DATE.match(raw.strip())
    return "-".join(p for p in m.groups() if p) if m else ""


def metadata(doc: PDFDocument) -> tuple[str, str]:
    """Title and date from the document information dictionary ('' when absent)."""
    info: dict[str, Any] = {}
    for entry in doc.info:
        info.update(resolve1(entry) or {})
    title = info_text(info, "Title")
    if title.lower().strip("()") in PLACEHOLDER_TITLES:
        title = ""
    date = pdf_date(info_text(info, "CreationDate") or info_text(info, "ModDate"))
    return title, date


def read_pdf(path: Path) -> SourceText:
    """Read a PDF's text layer (OCR for a scan): pages joined by form feeds, for the
    ``pdf_text`` cleaner."""
    name = path.name
    data = read_bytes(path)
    doc = open_document(data, name)
    try:
        pages = page_texts(doc, name)
        title, date = metadata(doc)
    except SourceError:
        raise
    except PDFPasswordIncorrect as exc:
        raise SourceError(f"{name}: encrypted PDF: remove the password first") from exc
    except Exception as exc:  # damaged page content or resources
        raise SourceError(f"{name}: not a readable PDF ({describe(exc)})") from exc
    if not any(p.strip() for p in pages):
        pages = ocr_pages(data, name)
        if not any(p.strip() for p in pages):
            raise SourceError(f"{name}: no text found, even by OCR (a blank or image-only PDF)")
    pages = drop_unmapped(pages, name)
    text = "\f".join(p if p.endswith("\n") else p + "\n" for p in pages)  # \f opens a line
    text = text.rstrip()
    return SourceText(text, "pdf_text", title, date or None, locate=page_locator(text))
