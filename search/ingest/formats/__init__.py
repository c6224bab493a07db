"""Readers: a file on disk -> text for a cleaner, one reader per format in a dict registry.

A reader returns a :class:`SourceText`: the text, which cleaner reads it (``kind``: PDF
text goes through the same hard-wrap/header/footnote cleaning as the Chinese seed, with a
form feed between pages), and whatever title/date/language the file's metadata gives.
"""

from __future__ import annotations

from pathlib import Path

from search.errors import SourceError
from search.ingest.formats.base import MAX_BYTES, Reader, SourceText, decode, read_bytes, read_text
from search.ingest.formats.docx import read_docx
from search.ingest.formats.html import read_html
from search.ingest.formats.pdf import read_pdf

READERS: dict[str, Reader] = {
    ".txt": read_text,
    ".md": read_text,
    ".markdown": read_text,
    ".pdf": read_pdf,
    ".docx": read_docx,
    ".html": read_html,
    ".htm": read_html,
}

__all__ = ["MAX_BYTES", "READERS", "SourceText", "decode", "read_bytes", "read_source"]


def read_source(path: Path) -> SourceText:
    """Read ``path`` with the reader for its suffix."""
    fn = READERS.get(path.suffix.lower())
    if fn is None:
        known = " ".join(sorted(READERS))
        raise SourceError(
            f"{path.name}: unsupported file type '{path.suffix}' (supported: {known})"
        )
    return fn(path)
