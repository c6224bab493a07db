"""The index on disk: FAISS vectors + SQLite metadata/keyword tables + a JSON manifest.

Layout under the index root (``index/`` by default)::

    index/current -> gen-20261122T031500-1a2b   (symlink, swapped atomically)
    index/gen-.../manifest.json                  format version, encoder, counts, corpus hash
    index/gen-.../vectors.faiss                  inner product, id = chunk row id; exact below
                                                 10 000 vectors, HNSW/IVF above (search/ann.py)
    index/gen-.../windows.faiss                  one vector per two-sentence window of a chunk
    index/gen-.../window_owners.npy              window number -> chunk row id
    index/gen-.../meta.sqlite                    documents, chunks, keyword index (FTS5)
    index/.lock                                  held by a build for its whole run

A build writes a new generation beside the old one and then repoints ``current``, so a crash or
Ctrl-C mid-build leaves the previous index serving; readers open whatever ``current`` names.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from dataclasses import asdict
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.errors import BadIndexError
from search.store import ann
from search.store.generations import resolve
from search.types import Chunk, Document, Footnote

FORMAT_VERSION = 4  # 4: keyword terms from the matching form (search/text/normalize.py)

SCHEMA = """
CREATE TABLE documents (
    doc_id TEXT PRIMARY KEY, path TEXT, title TEXT, lang TEXT, kind TEXT, publisher TEXT,
    issue TEXT, date TEXT, source_url TEXT, content_hash TEXT, n_chunks INTEGER
);
CREATE TABLE chunks (
    id INTEGER PRIMARY KEY, chunk_id TEXT UNIQUE NOT NULL, doc_id TEXT NOT NULL, ordinal INTEGER,
    text TEXT NOT NULL, lang TEXT, heading TEXT, section TEXT, para_start INTEGER,
    para_end INTEGER, char_start INTEGER, char_end INTEGER, page INTEGER, kind TEXT,
    footnotes TEXT
);
CREATE INDEX chunks_doc ON chunks (doc_id, ordinal);
CREATE VIRTUAL TABLE keywords USING fts5 (
    body, heading, ids, tokenize = 'unicode61 remove_diacritics 2'
);
CREATE VIRTUAL TABLE keyword_vocab USING fts5vocab (keywords, 'row');
"""

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
]


def write_generation(
    path: Path,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray],
    keyword_terms: list[tuple[str, str, str]],
    manifest: dict[str, Any],
) -> None:
    """Write one complete generation (vectors, metadata, manifest) into the directory ``path``."""
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
            [(i, *_chunk_row(c)) for i, c in enumerate(chunks)],
        )
        db.executemany(
            "INSERT INTO keywords (rowid, body, heading, ids) VALUES (?, ?, ?, ?)",
            [(i, *cols) for i, cols in enumerate(keyword_terms)],
        )
    db.close()
    window_vectors, owners = windows
    dim = int(manifest["dim"])
    chunk_params = ann.choose_index(len(chunks), dim)
    window_params = ann.choose_index(len(window_vectors), dim)
    manifest["vector_index"] = {"chunks": chunk_params, "windows": window_params}
    index = ann.build_index(vectors.reshape(-1, dim), chunk_params, np.arange(len(chunks)))
    faiss.write_index(index, str(path / "vectors.faiss"))
    windex = ann.build_index(window_vectors.reshape(-1, dim), window_params)
    faiss.write_index(windex, str(path / "windows.faiss"))
    np.save(path / "window_owners.npy", np.asarray(owners, dtype=np.int64))
    (path / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))


def _chunk_row(c: Chunk) -> tuple:
    notes = json.dumps([asdict(f) for f in c.footnotes], ensure_ascii=False)
    return (
        c.chunk_id, c.doc_id, c.ordinal, c.text, c.lang, c.heading, c.section, c.para_start,
        c.para_end, c.char_start, c.char_end, c.page, c.kind, notes,
    )  # fmt: skip


def row_to_chunk(row: sqlite3.Row | tuple) -> Chunk:
    r = dict(zip(CHUNK_COLUMNS, row, strict=True))
    notes = tuple(Footnote(**f) for f in json.loads(r["footnotes"] or "[]"))
    r.pop("id")
    r["footnotes"] = notes
    return Chunk(**r)


def document_from_row(row: dict[str, Any]) -> Document:
    """A Document from a row of the documents table."""
    fields = {k: row[k] for k in Document.__dataclass_fields__ if k in row}
    return Document(**fields)


class Store:
    """A read-only, opened generation: the FAISS index, the SQLite metadata and the manifest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        try:
            self.manifest: dict[str, Any] = json.loads((path / "manifest.json").read_text())
        except (OSError, ValueError) as exc:
            raise BadIndexError(f"index at '{path}' has no readable manifest: {exc}") from exc
        version = self.manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise BadIndexError(
                f"index at '{path}' has format version {version}, this program reads "
                f"{FORMAT_VERSION}: rebuild it with 'python build_index.py'"
            )
        try:
            self.vectors = faiss.read_index(str(path / "vectors.faiss"))
            self.windows = faiss.read_index(str(path / "windows.faiss"))
            self.window_owners = np.load(path / "window_owners.npy")
            kinds = self.manifest.get("vector_index")
            if isinstance(kinds, dict):  # older indexes say "flat-ip": nothing to tune
                ann.tune(self.vectors, kinds["chunks"])
                ann.tune(self.windows, kinds["windows"])
        except (RuntimeError, OSError, ValueError) as exc:
            raise BadIndexError(f"index at '{path}': cannot read its vector files ({exc})") from exc
        self._db_path = path / "meta.sqlite"
        if not self._db_path.exists():
            raise BadIndexError(f"index at '{path}': meta.sqlite is missing")
        self._local = threading.local()

    @classmethod
    def open(cls, root: str | Path) -> Store:
        return cls(resolve(Path(root)))

    @property
    def db(self) -> sqlite3.Connection:
        conn = getattr(self._local, "db", None)
        if conn is None:
            uri = f"file:{self._db_path}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.db = conn
        return conn

    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(f"SELECT * FROM chunks WHERE id IN ({marks})", ids).fetchall()
        return {row[0]: row_to_chunk(row) for row in rows}

    def chunk_by_id(self, chunk_id: str) -> tuple[int, Chunk] | None:
        row = self.db.execute("SELECT * FROM chunks WHERE chunk_id = ?", (chunk_id,)).fetchone()
        return (row[0], row_to_chunk(row)) if row else None

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        rows = self.db.execute(
            "SELECT * FROM chunks WHERE doc_id = ? ORDER BY ordinal", (doc_id,)
        ).fetchall()
        return [row_to_chunk(r) for r in rows]

    def documents(self) -> list[dict[str, Any]]:
        cur = self.db.execute("SELECT * FROM documents ORDER BY doc_id")
        names = [d[0] for d in cur.description]
        return [dict(zip(names, row, strict=True)) for row in cur.fetchall()]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        cur = self.db.execute("SELECT * FROM documents WHERE doc_id = ?", (doc_id,))
        row = cur.fetchone()
        return dict(zip([d[0] for d in cur.description], row, strict=True)) if row else None

    def document_data(self, doc_id: str) -> tuple:
        """One document's chunks, chunk vectors, window texts, window owners (chunk number
        within the document), window vectors and keyword columns, for reuse by a build."""
        from search.ingest.chunk import sentence_windows

        rows = self.db.execute(
            "SELECT * FROM chunks WHERE doc_id = ? ORDER BY id", (doc_id,)
        ).fetchall()
        ids = [r[0] for r in rows]
        chunks = [row_to_chunk(r) for r in rows]
        vectors = np.stack([self.vectors.reconstruct(i) for i in ids])
        local = {rid: n for n, rid in enumerate(ids)}
        wids = np.flatnonzero(np.isin(self.window_owners, ids))
        owners = [local[int(self.window_owners[w])] for w in wids]
        windows, _ = sentence_windows([c.text for c in chunks])
        wvecs = np.stack([self.windows.reconstruct(int(w)) for w in wids])
        marks = ",".join("?" * len(ids))
        kw = dict(
            (r[0], tuple(r[1:]))
            for r in self.db.execute(
                f"SELECT rowid, body, heading, ids FROM keywords WHERE rowid IN ({marks})", ids
            )
        )
        return chunks, vectors, windows, owners, wvecs, [kw[i] for i in ids]

    def close(self) -> None:
        """Close this thread's SQLite connection. Other threads' connections close when the
        store is garbage-collected, so a request still running on an old generation during a
        hot reload is never cut off."""
        conn = getattr(self._local, "db", None)
        if conn is not None:
            conn.close()
            self._local.db = None
