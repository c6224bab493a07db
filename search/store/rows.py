"""The index format both backends share: the format version, the chunk columns, and how a
stored row becomes a :class:`Chunk` or a :class:`Document` (and a chunk becomes a row).

Pure Python: a backend reads this module and :mod:`search.store.base`, never another backend.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any

from search.types import Chunk, Document, Footnote

FORMAT_VERSION = 6  # 6: chunk sizes weigh CJK fairly, lists joined; 5: citation fields page_end,
# block, block_end; 4: keyword terms from the
# matching form (search/text/normalize.py), per-chunk table and restricted dictionary stored

TABLE_FILES = ("lang", "front", "neighbours", "window_start", "doc", "doc_names")

CHUNK_COLUMNS = [
    "id",
    "chunk_id",
    "doc_id",
    "ordinal",
    "text",
    "lang",
    "heading",
    "section",
    "para_start",
    "para_end",
    "char_start",
    "char_end",
    "page",
    "kind",
    "footnotes",
    "page_end",
    "block",
    "block_end",
]


def row_to_chunk(row: Sequence[Any]) -> Chunk:
    """A Chunk from a row of ``CHUNK_COLUMNS`` (the row id first)."""
    r = dict(zip(CHUNK_COLUMNS, row, strict=True))
    notes = tuple(Footnote(**f) for f in json.loads(r["footnotes"] or "[]"))
    r.pop("id")
    r["footnotes"] = notes
    return Chunk(**r)


def chunk_row(c: Chunk) -> tuple:
    """The stored columns of a chunk (``CHUNK_COLUMNS`` without the row id)."""
    notes = json.dumps([asdict(f) for f in c.footnotes], ensure_ascii=False)
    return (
        c.chunk_id, c.doc_id, c.ordinal, c.text, c.lang, c.heading, c.section, c.para_start,
        c.para_end, c.char_start, c.char_end, c.page, c.kind, notes, c.page_end, c.block,
        c.block_end,
    )  # fmt: skip


def document_from_row(row: dict[str, Any]) -> Document:
    """A Document from a row of the documents table."""
    fields = {k: row[k] for k in Document.__dataclass_fields__ if k in row}
    return Document(**fields)
