"""Writing one generation: the SQLite schema, the FAISS files, the manifest, and the derived
files a searcher memory-maps or loads at start (per-chunk table, restricted dictionary)."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path
from typing import Any, NamedTuple

import faiss
import numpy as np

from search.store import ann_update
from search.store.base import chunk_table
from search.store.rows import CHUNK_COLUMNS, TABLE_FILES, chunk_row
from search.store.verify import file_checksums
from search.text.dictionary import default_dictionary
from search.types import Chunk, Document

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT, title TEXT, lang TEXT, kind TEXT, publisher TEXT,
    issue TEXT, date TEXT, source_url TEXT, content_hash TEXT, n_chunks INTEGER
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL, ordinal INTEGER,
    text TEXT NOT NULL, lang TEXT, heading TEXT, section TEXT, para_start INTEGER,
    para_end INTEGER, char_start INTEGER, char_end INTEGER, page INTEGER, kind TEXT,
    footnotes TEXT, page_end INTEGER, block INTEGER, block_end INTEGER
);
CREATE INDEX chunks_doc ON chunks (doc_id, ordinal);
CREATE VIRTUAL TABLE keywords USING fts5 (
    body, heading, ids, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE keyword_vocab USING fts5vocab (keywords, 'row');
"""

TABLE_ROWS = "SELECT id, lang, kind, doc_id, heading FROM chunks ORDER BY doc_id, ordinal, id"


def write_generation(
    path: Path,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray],
    keyword_terms: list[tuple[str, str, str]],
    manifest: dict[str, Any],
    reuse: Reuse | None = None,
) -> None:
    """Write one complete generation (vectors, metadata, manifest) into the directory ``path``;
    with ``reuse``, the vector indexes are the previous generation's, updated
    (:mod:`search.store.ann_update`), where they can be."""
    if len(chunks) != len(vectors) or len(chunks) != len(keyword_terms):
        raise ValueError("chunks, vectors and keyword terms must line up")
    db = sqlite3.connect(path / "meta.sqlite")
    with db:
        db.executescript(SCHEMA)
        counts = {d.doc_id: 0 for d in documents}
        for c in chunks:
            counts[c.doc_id] = counts.get(c.doc_id, 0) + 1
        db.executemany(
            "INSERT INTO documents VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            [
                (d.doc_id, d.path, d.title, d.lang, d.kind, d.publisher, d.issue, d.date)
                + (d.source_url, d.content_hash, counts[d.doc_id])
                for d in documents
            ],
        )
        db.executemany(
            f"INSERT INTO chunks VALUES ({','.join('?' * len(CHUNK_COLUMNS))})",
            [(i, *chunk_row(c)) for i, c in enumerate(chunks)],
        )
        db.executemany(
            "INSERT INTO keywords (rowid, body, heading, ids) VALUES (?, ?, ?, ?)",
            [(i, *cols) for i, cols in enumerate(keyword_terms)],
        )
    db.close()
    window_vectors, owners = windows
    dim = int(manifest["dim"])
    kinds = {}
    for name, file, x in (
        ("chunks", "vectors.faiss", vectors),
        ("windows", "windows.faiss", window_vectors),
    ):
        before = reuse.before(name, file) if reuse is not None else None
        old_ids = getattr(reuse, name, None)
        index, kinds[name] = ann_update.index_for(x.reshape(-1, dim), old_ids, before)
        faiss.write_index(index, str(path / file))
    manifest["vector_index"] = kinds
    np.save(path / "window_owners.npy", np.asarray(owners, dtype=np.int64))
    write_derived(path)
    manifest["files"] = file_checksums(path)  # checked before serving: search/store/verify.py
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


class Reuse(NamedTuple):
    """The generation an incremental build starts from, and where each new row was there."""

    generation: Path
    vector_index: dict[str, Any]  # its manifest's "vector_index"
    chunks: np.ndarray  # per new chunk row: its row id there, -1 for a new one
    windows: np.ndarray  # per new window: its number there, -1 for a new one

    def before(self, name: str, file: str) -> tuple[Path, dict[str, Any]] | None:
        params = self.vector_index.get(name) if isinstance(self.vector_index, dict) else None
        return (self.generation / file, params) if isinstance(params, dict) else None


def write_derived(path: Path) -> None:
    """Store what a searcher would otherwise work out at every start: the per-chunk table
    (memory-mapped at open) and the bilingual dictionary restricted to the index's terms."""
    db = sqlite3.connect(path / "meta.sqlite")
    try:
        table = chunk_table(db.execute(TABLE_ROWS), np.load(path / "window_owners.npy"))
        vocab = read_vocabulary(db)
    finally:
        db.close()
    for name in TABLE_FILES:
        np.save(path / f"table_{name}.npy", getattr(table, name))
    full = default_dictionary()
    data = full.restrict(vocab).to_data() if full is not None else None
    (path / "dictionary.json").write_text(json.dumps(data, ensure_ascii=False))


def read_vocabulary(db: sqlite3.Connection) -> frozenset[str]:
    """Every term the keyword index holds (to keep dictionary expansions to known words)."""
    return frozenset(t for (t,) in db.execute("SELECT term FROM keyword_vocab"))
