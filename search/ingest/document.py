"""A source file read and described: its Document (id, title, language, date) and its text.

The id is the catalog's, else the one the index already has for the path, else made from the
path relative to the source folder. The title is the catalog's or the file's metadata title,
else the heading that opens the text, its first line when short, its first heading, and only
then the file name. Cleaning for a title happens only when no title is stated.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from pathlib import Path

from search.catalog import doc_id_for
from search.ingest.cleaners import clean_source
from search.ingest.formats import SourceText, read_source
from search.text.lang import detect_lang
from search.types import Chunk, CleanDocument, Document

MAX_TITLE = 200
MAX_LINE_TITLE = 80  # a first line longer than this is a paragraph, not a title


@dataclass(frozen=True)
class Read:
    """A file read and described, before chunking."""

    doc: Document
    source: SourceText
    clean: CleanDocument | None = None  # cleaned already when the title needed it

    def cleaned(self) -> CleanDocument:
        """The cleaned document (a stated title heads the first article of plain text)."""
        if self.clean is not None:
            return self.clean
        stated = self.doc.title if self.doc.title != Path(self.doc.path).stem else ""
        return clean_source(self.source.text, self.doc.kind, stated)


def first_line(text: str) -> str:
    """The first non-empty line, when it is short enough to be a title ('' otherwise)."""
    line = next((ln.strip() for ln in text.splitlines() if ln.strip()), "")
    line = line.lstrip("#").strip()
    return line if len(line) <= MAX_LINE_TITLE else ""


def found_title(clean: CleanDocument, text: str) -> str:
    """The heading that opens the text, else its first line when short, else its first heading."""
    heading = next((a.heading for a in clean.articles if a.heading.strip()), "")
    body_first = clean.paragraphs and clean.paragraphs[0].article == 0
    return (first_line(text) if body_first else "") or heading or first_line(text)


def read_document(
    path: Path, entry: Document | None, root: Path, known_id: str | None = None
) -> Read:
    """Read one file and describe it: catalog entry first, then the file's metadata, then its
    first heading or first line; the file name only when none of these gives a title. Its id
    is the catalog's, else the one the index has for this path, else from the path relative
    to ``root``."""
    source = read_source(path)
    text = source.text
    stated = entry.title if entry else source.title
    clean = None if stated else clean_source(text, source.kind)
    title = stated or (clean and found_title(clean, text)) or path.stem
    title = " ".join(title.split())[:MAX_TITLE]
    doc = entry or Document(
        doc_id=known_id or doc_id_for(path.relative_to(root).as_posix()),
        path=str(path),
        title=title,
        lang=source.lang or detect_lang(text[:5000]),
        kind=source.kind,
        date=source.date or None,
    )
    doc = replace(doc, path=str(path), content_hash=hashlib.sha256(text.encode()).hexdigest())
    return Read(doc, source, clean)


def locate_chunks(chunks: list[Chunk], source: SourceText) -> list[Chunk]:
    """Chunks whose citation fields point into the original file (see search.ingest.locate)."""
    if source.locate is None:
        return chunks
    out = []
    for c in chunks:
        loc = source.locate(c.char_start, c.char_end)
        paged = loc.page is not None
        out.append(
            replace(
                c,
                char_start=loc.char_start,
                char_end=loc.char_end,
                page=loc.page if paged else c.page,
                page_end=loc.page_end if paged else c.page_end,
                block=loc.block,
                block_end=loc.block_end,
            )
        )
    return out
