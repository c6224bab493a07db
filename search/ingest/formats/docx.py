"""The ``.docx`` reader (python-docx): body paragraphs and tables in order, as Markdown-ish text.

Heading styles become ``#``/``##`` lines (so the plain-text cleaner opens an article at each),
a table becomes one line per row with its cells joined by `` | ``; title and date come from the
core properties. The zip container is checked with :mod:`zipfile` *before* python-docx parses
it: a file that is not a zip, or whose members declare more than 200 MB uncompressed or a
compression ratio over 100 (a zip bomb), is refused. zipfile never inflates a member past its
declared size (a lying header fails its CRC check), so the declared sizes are a safe bound.
Headers, footers, footnotes and text boxes are not read.
"""

from __future__ import annotations

import io
import re
import zipfile
from datetime import UTC, datetime
from pathlib import Path

import docx
from docx.table import Table
from docx.text.paragraph import Paragraph

from search.errors import SourceError
from search.ingest.formats.base import MAX_BYTES, SourceText, read_bytes
from search.ingest.locate import Block, block_locator

MAX_MEMBERS = 10_000
MAX_RATIO = 100
RATIO_FLOOR = 2**20  # members smaller than this may compress as well as they like
_HEADING_STYLE = re.compile(r"(?:heading|标题)\s*(\d)$", re.IGNORECASE)
# python-docx's own template carries this creation time; it says nothing about the document.
_TEMPLATE_CREATED = datetime(2013, 12, 23, 23, 15, tzinfo=UTC)


def check_zip(data: bytes, name: str) -> None:
    """Refuse what is not a zip, or a zip that would unpack to too much (see module doc)."""
    if not data.strip():
        raise SourceError(f"{name}: the file is empty")
    if data.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(
            f"{name}: not a .docx file (an old Word .doc or a password-protected file); "
            "save it as .docx without a password"
        )
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError) as exc:
        raise SourceError(
            f"{name}: not a .docx file (not a zip archive; renamed from another format?)"
        ) from exc
    if len(members) > MAX_MEMBERS:
        raise SourceError(f"{name}: refused: {len(members)} files inside (a zip bomb?)")
    total = sum(m.file_size for m in members)
    if total > MAX_BYTES:
        raise SourceError(
            f"{name}: refused: unpacks to {total // 2**20} MB, over the 200 MB limit (a zip bomb?)"
        )
    for m in members:
        if m.file_size > RATIO_FLOOR and m.file_size > MAX_RATIO * max(m.compress_size, 1):
            ratio = m.file_size // max(m.compress_size, 1)
            raise SourceError(
                f"{name}: refused: {m.filename} is compressed {ratio}:1, "
                f"over the {MAX_RATIO}:1 limit (a zip bomb?)"
            )


def heading_level(paragraph: Paragraph) -> int:
    """1-6 for a heading or title paragraph, 0 for body text."""
    style = paragraph.style.name if paragraph.style is not None else ""
    if style == "Title":
        return 1
    m = _HEADING_STYLE.match(style or "")
    return min(int(m.group(1)), 6) if m and int(m.group(1)) > 0 else 0


def table_lines(table: Table) -> list[str]:
    """One line per row, cells joined by `` | `` (a merged cell counts once)."""
    lines: list[str] = []
    for row in table.rows:
        cells: list[str] = []
        last = None
        for cell in row.cells:
            if cell._tc is last:  # a horizontally merged cell repeats in python-docx
                continue
            last = cell._tc
            cells.append(" ".join(cell.text.split()))
        if any(cells):
            lines.append(" | ".join(cells))
    return lines


def block_text(item: Paragraph | Table) -> str:
    """A body block's own text: a paragraph's text, a table's rows (see :func:`table_lines`)."""
    return "\n".join(table_lines(item)) if isinstance(item, Table) else item.text


def body_text(document: docx.document.Document) -> tuple[str, list[Block]]:
    """Paragraphs and tables in document order, blocks separated by a blank line; and where
    each written block sits in the body (for citations: block number and offsets)."""
    parts: list[str] = []
    blocks: list[Block] = []
    at = 0
    for number, item in enumerate(document.iter_inner_content(), 1):
        own = block_text(item)
        text = own.strip()
        if not text:
            continue
        level = 0 if isinstance(item, Table) else heading_level(item)
        if level:
            text, lead = f"{'#' * level} {' '.join(text.split())}", 0
        else:
            lead = len(own) - len(own.lstrip())
        if parts:
            at += 2
        parts.append(text)
        blocks.append(Block(at, at + len(text), number, lead))
        at += len(text)
    return "\n\n".join(parts), blocks


def core_metadata(document: docx.document.Document) -> tuple[str, str]:
    """Title and creation date (``YYYY-MM-DD``) from the core properties, '' when absent."""
    try:
        props = document.core_properties
        title = " ".join((props.title or "").split())
        created = props.created
    except Exception:  # malformed docProps/core.xml: the metadata is optional
        return "", ""
    if created is not None and created.tzinfo is None:
        created = created.replace(tzinfo=UTC)
    date = created.date().isoformat() if created and created != _TEMPLATE_CREATED else ""
    return title, date


def read_docx(path: Path) -> SourceText:
    """Read a Word .docx into Markdown-ish text for the plain-text cleaner."""
    name = path.name
    data = read_bytes(path)
    check_zip(data, name)
    try:
        document = docx.Document(io.BytesIO(data))
        text, blocks = body_text(document)
    except Exception as exc:  # python-docx/lxml on a damaged or foreign zip
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        raise SourceError(f"{name}: not a readable Word .docx file ({reason})") from exc
    title, date = core_metadata(document)
    return SourceText(text, "text", title, date or None, locate=block_locator(text, blocks))
