"""Fixture makers: real PDF, .docx and zip files written into a test's ``tmp_path``.

PDFs use reportlab's built-in CID font ``STSong-Light`` (no font file needed), so Chinese and
English text both have a real text layer; ``.docx`` files are written with python-docx.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Callable
from pathlib import Path

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.pdfgen import canvas
from reportlab.platypus import PageBreak, Paragraph, SimpleDocTemplate

FONT = "STSong-Light"
pdfmetrics.registerFont(UnicodeCIDFont(FONT))

BODY = ParagraphStyle("body", fontName=FONT, fontSize=11, leading=16, wordWrap="CJK")
HEADING = ParagraphStyle("heading", fontName=FONT, fontSize=15, leading=22, spaceAfter=8)


def pdf_date(stamp: str) -> Callable[..., str]:
    """A reportlab date formatter that writes ``stamp`` (``YYYYMMDD``) as the PDF date."""
    return lambda *_: f"D:{stamp}090000+08'00'"


def make_pdf(
    path: Path,
    pages: list[list[str]],
    title: str = "",
    date: str = "",
    encrypt: str | None = None,
) -> Path:
    """A PDF with one page per item of ``pages``: its first string is the page's heading, the
    rest are body paragraphs (wrapped by reportlab). Each page has its number printed in the
    footer, as real reports do. ``date`` is ``YYYYMMDD``."""

    def stamp(c: canvas.Canvas, doc: SimpleDocTemplate) -> None:
        if date:
            c.setDateFormatter(pdf_date(date))
        c.setFont(FONT, 9)
        c.drawCentredString(A4[0] / 2, 30, str(doc.page))

    story = []
    for i, (heading, *paragraphs) in enumerate(pages):
        story.append(Paragraph(heading, HEADING))
        story += [Paragraph(p, BODY) for p in paragraphs]
        if i + 1 < len(pages):
            story.append(PageBreak())
    doc = SimpleDocTemplate(str(path), pagesize=A4, title=title or "untitled", encrypt=encrypt)
    doc.build(story, onFirstPage=stamp, onLaterPages=stamp)
    return path


def make_scanned_pdf(path: Path) -> Path:
    """A 'scanned' PDF: each page is just an image, with no text layer."""
    from PIL import Image, ImageDraw
    from reportlab.lib.utils import ImageReader

    image = Image.new("L", (400, 200), 255)
    ImageDraw.Draw(image).rectangle((40, 40, 360, 160), outline=0, width=6)
    buf = io.BytesIO()
    image.save(buf, format="PNG")
    c = canvas.Canvas(str(path), pagesize=A4)
    for _ in range(2):
        buf.seek(0)
        c.drawImage(ImageReader(buf), 50, 400, width=400, height=200)
        c.showPage()
    c.save()
    return path


CJK_FONT = "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc"  # Debian fonts-wqy-zenhei


def make_scanned_text_pdf(path: Path, pages: list[list[str]]) -> Path:
    """An image-only PDF whose pages are pictures of lines of text (Chinese or English), as a
    scanner makes them: no text layer, so only OCR can read it. Skips the calling test when the
    CJK font is not installed."""
    from PIL import Image, ImageDraw, ImageFont
    from reportlab.lib.utils import ImageReader

    from tests.needs import font as needs_font

    font = ImageFont.truetype(needs_font(CJK_FONT, "fonts-wqy-zenhei"), 44)
    c = canvas.Canvas(str(path), pagesize=A4)
    for lines in pages:
        image = Image.new("L", (1654, 2339), 255)  # A4 at 200 dpi
        draw = ImageDraw.Draw(image)
        for n, line in enumerate(lines):
            draw.text((150, 200 + n * 90), line, fill=0, font=font)
        buf = io.BytesIO()
        image.save(buf, format="PNG")
        buf.seek(0)
        c.drawImage(ImageReader(buf), 0, 0, width=A4[0], height=A4[1])
        c.showPage()
    c.save()
    return path


def make_docx(
    path: Path,
    blocks: list[tuple[str, object]],
    title: str = "",
    created: str = "",
) -> Path:
    """A .docx from ``blocks``: ("h1"|"h2", text), ("p", text) or ("table", rows of cells).
    ``created`` is an ISO date for the core properties."""
    from datetime import datetime

    import docx

    document = docx.Document()
    for kind, value in blocks:
        if kind in ("h1", "h2"):
            document.add_heading(str(value), level=int(kind[1]))
        elif kind == "p":
            document.add_paragraph(str(value))
        elif kind == "table":
            rows = list(value)  # type: ignore[call-overload]
            table = document.add_table(rows=len(rows), cols=len(rows[0]))
            for r, row in enumerate(rows):
                for c, cell in enumerate(row):
                    table.cell(r, c).text = cell
        else:
            raise ValueError(f"unknown block kind {kind!r}")
    if title:
        document.core_properties.title = title
    if created:
        document.core_properties.created = datetime.fromisoformat(created)
    document.save(str(path))
    return path


def make_zip_bomb(path: Path, megabytes: int = 300) -> Path:
    """A zip named like a .docx holding one member of ``megabytes`` MB of zeros (~1 MB on disk,
    written in well under a second at compression level 1)."""
    block = bytes(2**20)
    with (
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zf,
        zf.open("word/document.xml", "w", force_zip64=True) as member,
    ):
        for _ in range(megabytes):
            member.write(block)
    return path


def truncate(source: Path, path: Path, keep: float = 0.5) -> Path:
    """A copy of ``source`` cut to the first ``keep`` fraction of its bytes (a broken download)."""
    data = source.read_bytes()
    path.write_bytes(data[: int(len(data) * keep)])
    return path
