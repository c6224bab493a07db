"""Citations: where a passage comes from, as fields and as one ready-to-paste string."""

from __future__ import annotations

from typing import Any

from search.cite_formats import with_formats
from search.types import Chunk


def paragraph_label(chunk: Chunk) -> str:
    if chunk.para_start == chunk.para_end:
        return f"¶{chunk.para_start}"
    return f"¶{chunk.para_start}–{chunk.para_end}"


def source_url(chunk: Chunk, doc: dict[str, Any]) -> str | None:
    """The original source the passage reports on (its article's first linked note), else the
    document's own URL."""
    for note in chunk.footnotes:
        if note.url:
            return note.url
    return doc.get("source_url") or None


def citation_for(chunk: Chunk, doc: dict[str, Any]) -> dict[str, Any]:
    """The citation object of a result (see the README for the fields)."""
    title = doc.get("title") or chunk.doc_id
    url = source_url(chunk, doc)
    parts = [title]
    if doc.get("publisher"):
        parts.append(doc["publisher"])
    if chunk.heading:
        parts.append(f"“{chunk.heading}”")
    parts.append(paragraph_label(chunk))
    if chunk.page is not None:
        parts.append(f"p. {chunk.page}")
    parts.append(f"chars {chunk.char_start}–{chunk.char_end}")
    text = ", ".join(parts)
    if url:
        text += f". Source: {url}"
    fields = {
        "title": title,
        "section": chunk.heading or None,
        "paragraph": paragraph_label(chunk),
        "page": chunk.page,
        "source_url": url,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "text": text,
    }
    return with_formats(fields, doc, chunk.doc_id, chunk.chunk_id)  # permalink, formats
