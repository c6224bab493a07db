"""Writing an index generation into PostgreSQL and switching it in atomically.

A build holds a session advisory lock on the coordinator for its whole run (a second build
waits). It writes a new generation schema beside the serving one, loads it with ``COPY``
(rows are routed to their shard by the hash partitioning), builds the indexes on the shards,
then registers the generation and repoints ``search_current`` in one transaction. A build
killed before that leaves an unregistered schema that the next build drops; the serving
generation is never touched.
"""

from __future__ import annotations

import contextlib
import io
import json
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from typing import Any

import numpy as np

from search.errors import BadIndexError
from search.store import ann, pg_keywords, pg_layout, pg_schema
from search.store.base import chunk_table
from search.store.pg_connect import connect, parse_location, register_vectors
from search.store.rows import TABLE_FILES, chunk_row
from search.text.dictionary import default_dictionary
from search.types import Chunk, Document

LOCK_KEY = 0x5EA4C4  # pg_advisory_lock key held by a build
KEEP_GENERATIONS = 2


@contextlib.contextmanager
def build_lock(location: str, wait: bool = True) -> Iterator[None]:
    """Hold the coordinator's build lock while the block runs (as the embedded store's
    ``build_lock`` does for an index folder)."""
    url, _ = parse_location(location)
    with connect(url, write=True) as conn:
        got = conn.execute("SELECT pg_try_advisory_lock(%s)", (LOCK_KEY,)).fetchone()[0]
        if not got:
            if not wait:
                raise BadIndexError(f"another build is writing '{location}'; try again later")
            conn.execute("SELECT pg_advisory_lock(%s)", (LOCK_KEY,))
        try:
            yield
        finally:
            conn.execute("SELECT pg_advisory_unlock(%s)", (LOCK_KEY,))


def write_generation(
    location: str,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray],
    keyword_terms: list[tuple[str, str, str]],
    manifest: dict[str, Any],
    hnsw_min_rows: int = ann.FLAT_MAX,
    dictionary: dict[str, Any] | None | bool = True,
) -> str:
    """Write one complete generation and make it the serving one; returns its name.

    The arguments are those of the embedded store's ``write_generation`` (row ids are the
    positions in ``chunks``); ``dictionary`` as in :func:`write_derived`."""
    if len(chunks) != len(vectors) or len(chunks) != len(keyword_terms):
        raise ValueError("chunks, vectors and keyword terms must line up")
    url, wanted = parse_location(location)
    dim = int(manifest["dim"])
    name = "g_" + time.strftime("%Y%m%dt%H%M%S", time.gmtime()) + "_" + uuid.uuid4().hex[:6]
    with connect(url, write=True) as conn:
        conn.execute(pg_schema.CATALOG)
        register_vectors(conn)  # the extension may have been created just now
        drop_orphans(conn)
        layout = pg_layout.layout_of(conn, wanted)
        try:
            pg_layout.create_tables(conn, name, dim, layout)
            stats = load(conn, name, documents, chunks, vectors, windows, keyword_terms, dictionary)
            sizes = {"chunks": len(chunks), "windows": len(windows[0])}
            hnsw = {t for t, n in sizes.items() if n > hnsw_min_rows}
            pg_layout.index_tables(conn, name, layout, hnsw)
        except BaseException:
            with contextlib.suppress(Exception):
                pg_layout.drop_generation(conn, name)
            raise
        manifest.update(stats, layout=layout, generation=name, hnsw_min_rows=hnsw_min_rows)
        manifest["vector_index"] = {
            t: {"type": "hnsw", "ef_search": pg_layout.EF_SEARCH}
            if t in hnsw
            else {"type": "exact"}
            for t in sizes
        }
        switch(conn, name, manifest)
        prune(conn, keep=name)
    return name


def load(
    conn,
    schema: str,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray],
    keyword_terms: list[tuple[str, str, str]],
    dictionary: dict[str, Any] | None | bool = True,
) -> dict[str, int]:
    """COPY every row in; returns the keyword statistics BM25 needs (rows, tokens)."""
    counts = Counter(c.doc_id for c in chunks)
    docs = [
        (d.doc_id, d.path, d.title, d.lang, d.kind, d.publisher, d.issue, d.date)
        + (d.source_url, d.content_hash, counts.get(d.doc_id, 0))
        for d in documents
    ]
    _copy(conn, f"{schema}.documents", docs)
    df: Counter = Counter()
    df_ids: Counter = Counter()
    phrases: set[str] = set()
    chunk_rows, posting_rows, total = [], [], 0
    for i, (c, cols) in enumerate(zip(chunks, keyword_terms, strict=True)):
        found, n_tokens = pg_keywords.postings(cols)
        total += n_tokens
        chunk_rows.append((i, *chunk_row(c), *cols, n_tokens, vectors[i]))
        for key, (freq, tf_ids) in found.items():
            posting_rows.append((key, i, c.doc_id, freq, tf_ids, n_tokens))
            df[key] += 1
            if tf_ids:
                df_ids[key] += 1
            if " " in key:
                phrases.add(key)
    _copy(conn, f"{schema}.chunks", chunk_rows, pg_schema.column_types("chunks"))
    window_vectors, owners = windows
    doc_of = [c.doc_id for c in chunks]
    rows = [(w, doc_of[int(o)], int(o), window_vectors[w]) for w, o in enumerate(owners)]
    _copy(conn, f"{schema}.windows", rows, pg_schema.column_types("windows"))
    _copy(conn, f"{schema}.postings", posting_rows)
    _copy(conn, f"{schema}.vocab", [(t, n, df_ids[t], t in phrases) for t, n in df.items()])
    vocab = frozenset(t for t in df if t not in phrases)
    write_derived(conn, schema, chunks, owners, vocab, dictionary)
    return {"keyword_rows": len(chunks), "keyword_tokens": total}


def write_derived(
    conn,
    schema: str,
    chunks: list[Chunk],
    owners: np.ndarray,
    vocab: frozenset[str],
    dictionary: dict[str, Any] | None | bool = True,
) -> None:
    """Store what a searcher would otherwise work out at every start (as the embedded store's
    ``write_derived``): the per-chunk table and the dictionary restricted to ``vocab``
    (``dictionary=True``: restrict the default one now; a dict or None: store that)."""
    order = sorted(range(len(chunks)), key=lambda i: (chunks[i].doc_id, chunks[i].ordinal, i))
    rows = [(i, chunks[i].lang, chunks[i].kind, chunks[i].doc_id, chunks[i].heading) for i in order]
    table = chunk_table(rows, np.asarray(owners, dtype=np.int64))
    blobs = []
    for name in TABLE_FILES:
        buf = io.BytesIO()
        np.save(buf, getattr(table, name), allow_pickle=False)
        blobs.append((f"table_{name}", buf.getvalue()))
    if dictionary is True:
        full = default_dictionary()
        dictionary = full.restrict(vocab).to_data() if full is not None else None
    blobs.append(("dictionary", json.dumps(dictionary, ensure_ascii=False).encode()))
    with conn.cursor() as cur:
        cur.executemany(f"INSERT INTO {schema}.derived (name, data) VALUES (%s, %s)", blobs)


def _copy(conn, table: str, rows: list[tuple], types: list[str] | None = None) -> None:
    """COPY ``rows`` into ``table``: in text, or with ``types`` (one PostgreSQL type per
    column) in binary - vectors then go as their float32 bytes, exact and without the cost of
    printing 512 numbers each."""
    if not rows:
        return
    binary = " (FORMAT BINARY)" if types else ""
    with conn.cursor() as cur, cur.copy(f"COPY {table} FROM STDIN{binary}") as copy:
        if types:
            copy.set_types(types)
        for row in rows:
            copy.write_row(row)


def switch(conn, name: str, manifest: dict[str, Any]) -> None:
    """Register generation ``name`` and make it the serving one, in one transaction."""
    from psycopg.types.json import Jsonb

    with conn.transaction():
        conn.execute(
            "INSERT INTO public.search_generations (name, manifest) VALUES (%s, %s)",
            (name, Jsonb(manifest)),
        )
        conn.execute(
            "INSERT INTO public.search_current (one, name) VALUES (true, %s) "
            "ON CONFLICT (one) DO UPDATE SET name = excluded.name",
            (name,),
        )


def prune(conn, keep: str) -> None:
    """Drop generations beyond the newest ``KEEP_GENERATIONS`` (never the serving one)."""
    rows = conn.execute(
        "SELECT name FROM public.search_generations ORDER BY created_at DESC, name DESC"
    ).fetchall()
    for (name,) in rows[KEEP_GENERATIONS:]:
        if name == keep:
            continue
        pg_layout.drop_generation(conn, name)
        conn.execute("DELETE FROM public.search_generations WHERE name = %s", (name,))


def drop_orphans(conn) -> None:
    """Drop generation schemas no build registered (left by a killed build). Called with the
    build lock held, so no other build is writing one."""
    rows = conn.execute(
        "SELECT nspname FROM pg_namespace WHERE nspname LIKE 'g\\_%%' AND nspname NOT IN "
        "(SELECT name FROM public.search_generations)"
    ).fetchall()
    for (name,) in rows:
        pg_layout.drop_generation(conn, name)
