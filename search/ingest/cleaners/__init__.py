"""Choose the cleaner for a document's kind (a dict registry of pure str -> CleanDocument)."""

from __future__ import annotations

from collections.abc import Callable

from search.ingest.cleaners.magazine import clean_magazine
from search.ingest.cleaners.pdf_text import clean_pdf_text
from search.ingest.cleaners.plain import clean_plain
from search.types import CleanDocument

Cleaner = Callable[[str], CleanDocument]

CLEANERS: dict[str, Cleaner] = {
    "pdf_text": clean_pdf_text,
    "magazine": clean_magazine,
}


def clean_source(text: str, kind: str, heading: str = "") -> CleanDocument:
    """Clean ``text`` with the cleaner for ``kind`` (plain paragraphs when none is named);
    ``heading`` heads the plain text's first article (a real title, never a file name)."""
    cleaner = CLEANERS.get(kind)
    return cleaner(text) if cleaner else clean_plain(text, heading)
