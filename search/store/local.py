"""The index on disk: FAISS vectors + SQLite metadata/keyword tables + a JSON manifest.

Layout under the index root (``index/`` by default)::

    index/current -> gen-20261122T031500-1a2b   (symlink, swapped atomically)
    index/gen-.../manifest.json                  format version, encoder, counts, corpus hash
    index/gen-.../vectors.faiss                  inner product, id = chunk row id; exact below
                                                 10 000 vectors, HNSW/IVF above (store/ann.py)
    index/gen-.../windows.faiss                  one vector per two-sentence window of a chunk
    index/gen-.../window_owners.npy              window number -> chunk row id
    index/gen-.../meta.sqlite                    documents, chunks, keyword index (FTS5)
    index/gen-.../table_*.npy                    per-chunk columns, memory-mapped (store.base)
    index/gen-.../dictionary.json                CC-CEDICT restricted to the index's terms
    index/.lock                                  held by a build for its whole run

A build writes a new generation beside the old one and then repoints ``current``, so a crash or
Ctrl-C mid-build leaves the previous index serving; readers open whatever ``current`` names.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
from collections.abc import Callable
from concurrent.futures import Future
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.errors import BadIndexError
from search.store import ann
from search.store.base import (
    ChunkTable,
    DocumentData,
    KeywordAsk,
    Ranked,
    T,
    done,
)
from search.store.generations import ReaderLock, resolve
from search.store.rows import FORMAT_VERSION, TABLE_FILES, row_to_chunk
from search.store.write import read_vocabulary
from search.text.terms import WEIGHTS, quote
from search.types import Chunk


def fts_search(
    db: sqlite3.Connection, words: list[str], n: int, column: str | None = None
) -> Ranked:
    """BM25 over the FTS5 keywords table (column weights ``WEIGHTS``): the ``n`` best
    ``(row id, score)``, score > 0, ties broken by row id; ``column`` restricts the match."""
    expr = quote(words)
    if not expr:
        return []
    if column:
        expr = f"{column} : ({expr})"
    rank = "bm25(keywords, {}, {}, {})".format(*WEIGHTS)
    rows = db.execute(
        f"SELECT rowid, -{rank} AS score FROM keywords WHERE keywords MATCH ? "
        f"ORDER BY {rank}, rowid LIMIT ?",
        (expr, n),
    ).fetchall()
    return [(int(r), float(s)) for r, s in rows]


class Store:
    """A read-only, opened generation: the FAISS index, the SQLite metadata and the manifest."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.location = str(path)
        self.generation = path.name
        self._reader = ReaderLock(path)  # held until close(): see store/generations.py
        self._connections: list[sqlite3.Connection] = []
        self._conn_lock = threading.Lock()
        try:
            self._load(path)
        except BaseException:
            self._reader.release()
            raise
        self._local = threading.local()
        self._pid = os.getpid()
        self._table: ChunkTable | None = None
        self._vocab: frozenset[str] | None = None

    def _load(self, path: Path) -> None:
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
            self._dead = {"chunks": 0, "windows": 0}
            if isinstance(kinds, dict):  # older indexes say "flat-ip": nothing to tune
                ann.tune(self.vectors, kinds["chunks"])
                ann.tune(self.windows, kinds["windows"])
                self._dead = {k: int(kinds[k].get("dead", 0)) for k in self._dead}
        except (RuntimeError, OSError, ValueError) as exc:
            raise BadIndexError(f"index at '{path}': cannot read its vector files ({exc})") from exc
        self._db_path = path / "meta.sqlite"
        if not self._db_path.exists():
            raise BadIndexError(f"index at '{path}': meta.sqlite is missing")
        self._check_shape(path)

    def _check_shape(self, path: Path) -> None:
        """Cheap checks that turn a damaged index into one clear error at open time (the full
        check, with checksums, is ``search.store.verify``)."""
        dim = self.manifest.get("dim")
        if self.vectors.d != dim or self.windows.d != dim:
            raise BadIndexError(
                f"index at '{path}': {self.vectors.d}-dim vectors but manifest.json says {dim}; "
                "rebuild it with 'python build_index.py'"
            )
        try:
            db = sqlite3.connect(f"file:{self._db_path}?mode=ro", uri=True)
            try:
                rows = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
            finally:
                db.close()
        except sqlite3.Error as exc:
            raise BadIndexError(
                f"index at '{path}': meta.sqlite is damaged ({exc}); "
                "check it with 'python -m search check' and rebuild"
            ) from exc
        if rows + self._dead["chunks"] != self.vectors.ntotal:
            raise BadIndexError(
                f"index at '{path}': {rows} passages but {self.vectors.ntotal} vectors; rebuild it"
            )

    @classmethod
    def open(cls, root: str | Path) -> Store:
        return cls(resolve(Path(root)))

    # -- the query path (search.store.base.IndexStore) --

    def table(self) -> ChunkTable:
        if self._table is None:
            # memory-mapped (shared by every process serving this index), viewed as plain
            # arrays: np.memmap's own indexing costs ~2 us an element in the ranking's loops
            self._table = ChunkTable(
                *(
                    np.load(self.path / f"table_{name}.npy", mmap_mode="r").view(np.ndarray)
                    for name in TABLE_FILES
                )
            )
        return self._table

    def vocabulary(self) -> frozenset[str]:
        if self._vocab is None:
            self._vocab = read_vocabulary(self.db)
        return self._vocab

    def term_frequencies(self) -> dict[str, int]:
        return dict(self.db.execute("SELECT term, doc FROM keyword_vocab").fetchall())

    def postings(self, terms: list[str], cap: int = 5000) -> dict[str, frozenset[int]]:
        out: dict[str, frozenset[int]] = {}
        for term in dict.fromkeys(terms):
            rows = self.db.execute(
                "SELECT rowid FROM keywords WHERE keywords MATCH ? LIMIT ?", (quote([term]), cap)
            )
            out[term] = frozenset(int(r) for (r,) in rows)
        return out

    def passage_terms(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self.db.execute(
            f"SELECT rowid, body, heading, ids FROM keywords WHERE rowid IN ({marks})", ids
        ).fetchall()
        return {r[0]: (r[1] or "", r[2] or "", r[3] or "") for r in rows}

    def dictionary_data(self) -> dict[str, Any] | None:
        with open(self.path / "dictionary.json", encoding="utf-8") as fh:
            return json.load(fh)

    def search_chunks(self, qvec: np.ndarray, n: int) -> Ranked:
        ids, scores = self._search(self.vectors, "chunks", qvec, n)
        return [(int(i), float(s)) for i, s in zip(ids, scores, strict=True)]

    def search_windows(self, qvec: np.ndarray, n: int) -> list[tuple[int, int, float]]:
        wids, scores = self._search(self.windows, "windows", qvec, n)
        owners = self.window_owners[wids]
        local = wids - self.table().window_start[owners]
        return list(zip(owners.tolist(), local.tolist(), scores.tolist(), strict=True))

    def _search(
        self, index: faiss.Index, name: str, qvec: np.ndarray, n: int
    ) -> tuple[np.ndarray, np.ndarray]:
        """Ids and scores of the ``n`` nearest of ``index``, best first. An index updated in
        place may hold dead entries (negative ids, search/store/ann_update.py): as many more
        are asked for and skipped."""
        k = min(n + self._dead[name], index.ntotal)
        if k <= 0 or n <= 0:
            return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32)
        scores, ids = index.search(qvec, k)
        keep = ids[0] >= 0
        return ids[0][keep][:n], scores[0][keep][:n]

    def chunk_vectors(self, ids: list[int]) -> np.ndarray:
        return self.vectors.reconstruct_batch(np.asarray(ids, dtype=np.int64))

    def keyword_search(
        self, words: list[str], n: int, column: str | None = None, lang: str | None = None
    ) -> Ranked:
        hits = fts_search(self.db, words, n if lang is None else n * 20, column)
        if lang is None:
            return hits[:n]
        langs = self.table().lang
        return [(rid, s) for rid, s in hits if langs[rid] == lang][:n]

    # -- reading --

    @property
    def db(self) -> sqlite3.Connection:
        """This thread's read-only connection. A forked process (a server worker loaded before
        forking) opens its own rather than sharing its parent's."""
        if self._pid != os.getpid():  # the parent's connections are never touched here
            self._local, self._pid = threading.local(), os.getpid()
            with self._conn_lock:
                self._connections = []
        conn = getattr(self._local, "db", None)
        if conn is None:
            uri = f"file:{self._db_path}?mode=ro"
            conn = sqlite3.connect(uri, uri=True, check_same_thread=False)
            self._local.db = conn
            with self._conn_lock:
                self._connections.append(conn)
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

    def document_data(self, doc_id: str) -> DocumentData:
        from search.text.sentences import sentence_windows

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
        keywords = [kw[i] for i in ids]
        return DocumentData(chunks, vectors, windows, owners, wvecs, keywords, ids, wids.tolist())

    def prefetched(
        self,
        encode: Callable[[], np.ndarray] | None,
        chunk_n: int,
        window_n: int,
        keywords: list[KeywordAsk],
    ) -> None:
        """Nothing to gain: each read is a local call (the keyword lists go to ``submit``)."""
        return None

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` now: a second thread beside the encoder was measured no faster
        on two busy cores (docs/PERFORMANCE.md), so the lists run in turn."""
        return done(fn, *args)

    def relock(self) -> None:
        """Take the reader lock again with this process's own descriptor (a worker forked
        after the store was opened, e.g. gunicorn ``preload_app``): the inherited one is
        shared with the parent and is released only when both close it."""
        fresh = ReaderLock(self.path)
        self._reader.release()
        self._reader = fresh

    def set_relevance(self, cut: dict[str, Any]) -> None:
        """Record the relevance cut (search/rank/calibrate.py) in this generation's manifest
        (written whole to a temporary file, then renamed over it)."""
        self.manifest["relevance"] = cut
        tmp = self.path / "manifest.json.tmp"
        tmp.write_text(json.dumps(self.manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        os.replace(tmp, self.path / "manifest.json")

    def close(self) -> None:
        """Close every thread's SQLite connection and release the generation for pruning. A
        server calls it only once no request uses this store (``web.reload`` counts them)."""
        with self._conn_lock:
            conns, self._connections = self._connections, []
        for conn in conns:
            conn.close()
        self._local = threading.local()
        self._table = None  # memory maps go with the last array that uses them
        self._reader.release()
