"""Citations: where a passage comes from, as fields and as one ready-to-paste string.

The fields per format (README, "Citations"): ``page``/``page_end`` (PDF pages; null where the
source has none), ``block``/``block_end`` (Word body blocks), ``char_start``/``char_end``
(text-like files: offsets into the file's decoded text, raw HTML for web pages; PDF: into the
text of ``page`` and ``page_end``; Word: into the text of ``block`` and ``block_end``) and
``quote``, words of the passage to find it with Ctrl+F in any viewer.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from search.cite_formats import today, with_formats
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


QUOTE_UNITS = 8  # words (or CJK characters) at each end of a quote
_UNIT = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]|[^\s\u3400-\u9fff\uf900-\ufaff]+")


@lru_cache(maxsize=4096)  # a result passage recurs across queries
def quote(text: str, units: int = QUOTE_UNITS) -> str:
    """The passage's first and last words (``first … last``), or all of it when it is short.
    Each end lies within one line of the passage, so a viewer's search finds it."""
    lines = [" ".join(ln.split()) for ln in text.splitlines() if ln.strip()]
    if not lines:
        return ""
    whole = " ".join(lines)
    if len(_UNIT.findall(whole)) <= 3 * units:
        return whole
    first, last = lines[0], lines[-1]
    head = [m.end() for m in _UNIT.finditer(first)]
    tail = [m.start() for m in _UNIT.finditer(last)]
    start = first[: head[min(units, len(head)) - 1]]
    end = last[tail[-min(units, len(tail))] :]
    return f"{start} … {end}"


def location_label(chunk: Chunk) -> str:
    """``pp. 3–4``, ``p. 3``, ``blocks 5–7``, ``chars 120–480``."""
    if chunk.page is not None:
        end = chunk.page_end if chunk.page_end is not None else chunk.page
        return f"p. {chunk.page}" if end == chunk.page else f"pp. {chunk.page}–{end}"
    if chunk.block is not None:
        end = chunk.block_end if chunk.block_end is not None else chunk.block
        return f"block {chunk.block}" if end == chunk.block else f"blocks {chunk.block}–{end}"
    return f"chars {chunk.char_start}–{chunk.char_end}"


def citation_for(chunk: Chunk, doc: dict[str, Any], root: str = "") -> dict[str, Any]:
    """The citation object of a result (see the README for the fields); its permalink and
    formats point at the site ``root`` (e.g. ``https://search.example/``; default relative).

    Built once per passage, site and day and then kept (a few thousand): a passage shown
    again, to this query or another, costs a copy."""
    day = today()
    try:
        kept = _kept_citation(chunk, tuple(doc.items()), root, day)
    except TypeError:  # a document field that cannot be a key: built each time
        return _citation(chunk, doc, root, day)
    return {**kept, "formats": dict(kept["formats"])}


@lru_cache(maxsize=4096)
def _kept_citation(
    chunk: Chunk, doc: tuple[tuple[str, Any], ...], root: str, day: str
) -> dict[str, Any]:
    return _citation(chunk, dict(doc), root, day)


def _citation(chunk: Chunk, doc: dict[str, Any], root: str, day: str) -> dict[str, Any]:
    title = doc.get("title") or chunk.doc_id
    url = source_url(chunk, doc)
    parts = [title]
    if doc.get("publisher"):
        parts.append(doc["publisher"])
    if chunk.heading:
        parts.append(f"“{chunk.heading}”")
    parts.append(paragraph_label(chunk))
    parts.append(location_label(chunk))
    text = ", ".join(parts)
    if url:
        text += f". Source: {url}"
    fields = {
        "title": title,
        "section": chunk.heading or None,
        "paragraph": paragraph_label(chunk),
        "page": chunk.page,
        "page_end": chunk.page_end if chunk.page is not None else None,
        "block": chunk.block,
        "block_end": chunk.block_end,
        "source_url": url,
        "char_start": chunk.char_start,
        "char_end": chunk.char_end,
        "quote": quote(chunk.text),
        "text": text,
    }
    return with_formats(fields, doc, chunk.doc_id, chunk.chunk_id, root, day)  # link, formats


def _field(kind: str, description: str) -> dict[str, Any]:
    return {"type": kind, "nullable": True, "description": description}


CITATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Where a passage is in its original file (README, Citations).",
    "properties": {
        "title": _field("string", "the document title"),
        "section": _field("string", "the article heading the passage sits under"),
        "paragraph": _field("string", "the passage's paragraphs in this index: ¶N or ¶N–M"),
        "page": _field("integer", "PDF: first physical page (1-based); text dumps of paged "
                       "documents: printed page number; null where the source has no pages"),
        "page_end": _field("integer", "last page, as page; null where the source has no pages"),
        "block": _field("integer", "Word: first body block (paragraph or table, 1-based, "
                        "empty paragraphs counted); null for other formats"),
        "block_end": _field("integer", "Word: last body block; null for other formats"),
        "char_start": _field("integer", "TXT/Markdown: offset into the decoded file text; "
                             "HTML: into the raw HTML; PDF: into the text of page `page`; "
                             "Word: into the text of block `block`"),
        "char_end": _field("integer", "end offset, as char_start (PDF: into page `page_end`; "
                           "Word: into block `block_end`)"),
        "quote": _field("string", "the passage's first and last words (first … last), or all "
                        "of it when short, to find it with Ctrl+F in any viewer"),
        "source_url": _field("string", "the original source link the document gives"),
        "text": _field("string", "the whole citation as one ready-to-paste string"),
        "permalink": _field("string", "the link to the passage: /doc/<doc_id>#<chunk_id> (a "
                            "path in the CLI and Python, a full address in the API and pages)"),
        "formats": {"type": "object", "description": "ready-to-paste footnotes",
                    "properties": {
                        "gbt7714": _field("string", "GB/T 7714-2015 style, for Chinese drafts"),
                        "chicago": _field("string", "Chicago notes style, for English drafts"),
                    }},
    },
}  # fmt: skip
