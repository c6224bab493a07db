"""The index in PostgreSQL + pgvector: the same reads as the embedded store, from the generation
``public.search_current`` names when the store is opened.

Vector search: per shard ``ORDER BY embedding <#> q LIMIT n`` (HNSW on shards above the
size where the embedded store also leaves exact search, an exact scan below), merged on the
coordinator. Keyword search: FTS5-equivalent BM25 over term tables (:mod:`pg_keywords`). A
search's candidate reads go in one statement (:mod:`pg_batch`, ``prefetched``); the keyword
statistics are read once at open and the candidates' vectors kept once read.
Tables, layouts and the generation switch: :mod:`pg_schema`, :mod:`pg_layout`, :mod:`pg_writer`.
"""

from __future__ import annotations

import io
import json
import os
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor
from typing import Any, TypeVar

import numpy as np

from search.errors import BadIndexError
from search.store import pg_batch, pg_keywords, pg_layout
from search.store.base import ChunkTable, IndexStore, KeywordAsk, Ranked
from search.store.pg_connect import Connections, connect, parse_location, safe_location
from search.store.pg_rows import PgRows, array_of
from search.store.pg_shards import ShardStatus
from search.store.rows import FORMAT_VERSION, TABLE_FILES

T = TypeVar("T")
VECTOR_CACHE = 20_000  # chunk vectors kept per process (40 MB at 512 dimensions)


def current_generation(location: str) -> str | None:
    """The name of the generation a PostgreSQL index serves now (None when there is none)."""
    url, _ = parse_location(location)
    with connect(url) as conn:
        try:
            row = conn.execute("SELECT name FROM public.search_current").fetchone()
        except Exception:  # no catalog yet
            return None
    return row[0] if row else None


class PostgresStore(PgRows):
    """A read-only, opened generation of a PostgreSQL index."""

    def __init__(self, location: str) -> None:
        url, _ = parse_location(location)
        self.location = safe_location(location)  # what messages name
        self._url = url
        self.db = Connections(url)
        try:
            rows = self.db.query(
                "SELECT g.name, g.manifest FROM public.search_current c "
                "JOIN public.search_generations g USING (name)"
            )
        except self.db.psycopg.errors.UndefinedTable:
            rows = []
        if not rows:
            raise BadIndexError(
                f"no index at '{self.location}': build one with "
                f"'python build_index.py --out {self.location}'"
            )
        self.generation, manifest = rows[0]
        self.manifest: dict[str, Any] = (
            manifest if isinstance(manifest, dict) else json.loads(manifest)
        )
        version = self.manifest.get("format_version")
        if version != FORMAT_VERSION:
            raise BadIndexError(
                f"index at '{self.location}' has format version {version}, this program reads "
                f"{FORMAT_VERSION}: rebuild it with 'python build_index.py'"
            )
        g = self.generation
        conn = self.db.get()
        self.parts = {t: pg_layout.parts(conn, g, t) for t in ("chunks", "windows", "postings")}
        self.shards = ShardStatus(pg_layout.shards(conn), len(self.parts["chunks"]))
        self._derived = {
            name: bytes(data) for name, data in self.db.query(f"SELECT name, data FROM {g}.derived")
        }
        rows_kw = int(self.manifest["keyword_rows"])
        self._bm25 = (rows_kw, self.manifest["keyword_tokens"] / max(rows_kw, 1))
        self._table: ChunkTable | None = None
        self._vectors: dict[int, np.ndarray] = {}  # chunk vectors read (chunk_vectors)
        # the keyword statistics, read once: a search then needs no round trip for its IDFs
        self._stats: dict[str, tuple[int, int]] = {}
        self._df: dict[str, int] = {}
        for term, df, df_ids, phrase in self.db.query(
            f"SELECT term, df, df_ids, phrase FROM {g}.vocab"
        ):
            self._stats[term] = (int(df), int(df_ids))
            if not phrase:
                self._df[term] = int(df)
        self._vocab = frozenset(self._df)
        self._pool: ThreadPoolExecutor | None = None
        self._pool_pid = 0

    @classmethod
    def open(cls, location: str) -> PostgresStore:
        return cls(location)

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` on this store's small thread pool (each thread has its own
        connection): the searcher's keyword lists run there beside its dense search."""
        if self._pool is None or self._pool_pid != os.getpid():  # none survives a fork
            self._pool = ThreadPoolExecutor(max_workers=2, thread_name_prefix="pg-store")
            self._pool_pid = os.getpid()
        return self._pool.submit(fn, *args)

    # -- vectors -------------------------------------------------------------------------

    def _nearest(self, table: str, qvec: np.ndarray, n: int) -> list[tuple[int, float]]:
        """(id, inner product) of the ``n`` vectors of ``table`` nearest ``qvec``, best first.

        One fan-out: a plain UNION ALL of per-partition subqueries, each shipped to its shard
        with its ORDER BY ... LIMIT by postgres_fdw and run concurrently (async Append). With
        an HNSW index the shard walks it and the vectors of its ``n`` nearest come back to be
        scored here (postgres_fdw ships only columns from a plain scan); without one, the shard
        scores every row and only (id, distance) pairs come back."""
        params = {"q": np.asarray(qvec, dtype=np.float32).ravel(), "n": n}
        return self.nearest_order(self.db.query(self.nearest_sql(table), params), n)

    @staticmethod
    def nearest_order(rows: list[tuple], n: int) -> list[tuple[int, float]]:
        """The shards' (id, distance) rows merged: (id, inner product), the ``n`` best."""
        return [(int(i), -float(d)) for d, i in sorted((d, i) for i, d in rows)][:n]

    def nearest_sql(self, table: str, owner: bool = False, tag: str | None = None) -> str:
        """The fan-out query of :meth:`_nearest` (parameters ``q``, ``n``); with ``owner``
        (windows) each row also names its chunk: ``(id, d, owner)``. With ``tag``, rows are
        ``(tag, id, d, owner or NULL, NULL, NULL, NULL)``: the row shape of
        :mod:`pg_batch`, made on the shard, so each part stays a foreign scan of its own
        that the coordinator runs beside the others (async Append)."""
        hnsw = self.manifest.get("vector_index", {}).get(table, {}).get("type") == "hnsw"
        head, tail = "", ""
        if owner:  # one row per id: min() keeps the aggregate a plain GROUP BY id
            tail = ", owner" if hnsw else ", min(owner)"
        if tag is not None:
            head = f"'{tag}'::text AS tag, "
            tail = (tail or ", NULL::bigint") + ", NULL::text, NULL::text, NULL::text"
        if hnsw:
            one = (
                f"(SELECT {head}id, embedding <#> %(q)s AS d{tail} FROM {{part}} "
                "ORDER BY d LIMIT %(n)s)"
            )
        else:
            one = (
                f"(SELECT {head}id, min(embedding <#> %(q)s) AS d{tail} FROM {{part}} "
                "GROUP BY id ORDER BY d LIMIT %(n)s)"
            )
        return _union(one, self.parts[table])

    def search_chunks(self, qvec: np.ndarray, n: int) -> Ranked:
        """The ``n`` chunk vectors nearest ``qvec`` by inner product."""
        return self._nearest("chunks", qvec, n) if n > 0 else []

    def search_windows(self, qvec: np.ndarray, n: int) -> list[tuple[int, int, float]]:
        """The ``n`` nearest sentence windows as (owner row id, number within it, score)."""
        if n <= 0:
            return []
        params = {"q": np.asarray(qvec, dtype=np.float32).ravel(), "n": n}
        rows = self.db.query(self.nearest_sql("windows", owner=True), params)
        hits = self.nearest_order([(i, d) for i, d, _ in rows], n)
        return self.window_hits(hits, {int(i): int(o) for i, _, o in rows})

    def window_hits(
        self, hits: list[tuple[int, float]], owners: dict[int, int]
    ) -> list[tuple[int, int, float]]:
        """(owner, number within it, score) of window ``hits``, given each window's owner."""
        start = self.table().window_start
        return [(owners[w], w - int(start[owners[w]]), s) for w, s in hits]

    def chunk_vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of chunk rows ``ids``, in that order. Vectors read once are
        kept (up to ``VECTOR_CACHE``): a generation never changes them."""
        cache = self._vectors
        got = {int(i): cache.get(int(i)) for i in ids}
        missing = [i for i, v in got.items() if v is None]
        if missing:
            rows = self.db.query(
                f"SELECT id, embedding FROM {self.generation}.chunks WHERE id = ANY(%s)",
                (missing,),
                binary=True,
            )
            read = {int(i): array_of(v) for i, v in rows}
            got.update(read)
            if len(cache) + len(read) > VECTOR_CACHE:
                cache.clear()
            cache.update(read)
        return self.stacked(got, ids)

    def stacked(self, vectors: dict[int, Any], ids: list[int]) -> np.ndarray:
        """The vectors of ``ids`` (from a read's ``id -> vector``) as one array, in order."""
        if not ids:
            return np.zeros((0, int(self.manifest["dim"])), dtype=np.float32)
        return np.stack([array_of(vectors[int(i)]) for i in ids])

    # -- keywords ------------------------------------------------------------------------

    def keyword_search(
        self, words: list[str], n: int, column: str | None = None, lang: str | None = None
    ) -> Ranked:
        """BM25 over the keyword tables, scored and ordered as the embedded store's FTS5."""
        plan = self.keyword_plan(words, n, column, lang)
        if plan is None:
            return []
        sql, params, limit = plan
        return self.keyword_finish(self.db.query(sql, params), limit, n, lang)

    def keyword_plan(
        self, words: list[str], n: int, column: str | None = None, lang: str | None = None
    ) -> tuple[str, dict[str, Any], int] | None:
        """The fan-out SQL of a keyword search, its parameters and how many rows it keeps;
        None when it can find nothing."""
        if column not in (None, "ids"):
            raise ValueError(f"column filter {column!r} is not kept: None or 'ids'")
        phrases = pg_keywords.query_phrases(words)
        if not phrases or n <= 0:
            return None
        rows, avgdl = self._bm25
        limit = n if lang is None else n * 20  # as the embedded store: filter the top n * 20
        ids = column == "ids"
        params = pg_keywords.bm25_params(phrases, self._stats, rows, avgdl, limit, ids)
        if params is None:
            return None
        return pg_keywords.bm25_sql(self.parts["postings"], ids), params, limit

    def keyword_finish(
        self, found: list[tuple], limit: int, n: int, lang: str | None = None
    ) -> Ranked:
        """The shards' rows of a keyword search merged: best first, ties by row id."""
        hits = sorted(((int(r), float(s)) for r, s in found), key=lambda h: (-h[1], h[0]))
        langs = self.table().lang
        return [h for h in hits[:limit] if lang is None or langs[h[0]] == lang][:n]

    def prefetched(
        self,
        encode: Callable[[], np.ndarray] | None,
        chunk_n: int,
        window_n: int,
        keywords: list[KeywordAsk],
    ) -> tuple[IndexStore, np.ndarray | None]:
        """One statement for the candidate reads (:mod:`search.store.pg_batch`)."""
        qvec = encode() if encode is not None else None
        return pg_batch.fetch(self, qvec, chunk_n, window_n, keywords), qvec

    def vocabulary(self) -> frozenset[str]:
        """Every single-token term of the keyword index."""
        return self._vocab

    def term_frequencies(self) -> dict[str, int]:
        return dict(self._df)

    def postings(self, terms: list[str], cap: int = 5000) -> dict[str, frozenset[int]]:
        """The passages holding each of ``terms``: the ``cap`` lowest row ids, as FTS5 lists
        them (each term read as FTS5 reads a quoted word, see ``pg_keywords.phrase_key``)."""
        one = "(SELECT id FROM {part} WHERE term = %(key)s ORDER BY id LIMIT %(cap)s)"
        sql = _union(one, self.parts["postings"])
        out: dict[str, frozenset[int]] = {}
        for term in dict.fromkeys(terms):
            key = pg_keywords.phrase_key(term)
            rows = self.db.query(sql, {"key": key, "cap": cap}) if key else []
            out[term] = frozenset(sorted(int(r) for (r,) in rows)[:cap])
        return out

    def passage_terms(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        if not ids:
            return {}
        rows = self.db.query(
            f"SELECT id, kw_body, kw_heading, kw_ids FROM {self.generation}.chunks "
            "WHERE id = ANY(%s)",
            (list(map(int, ids)),),
        )
        return {int(r[0]): (r[1] or "", r[2] or "", r[3] or "") for r in rows}

    def table(self) -> ChunkTable:
        if self._table is None:
            arrays = []
            for name in TABLE_FILES:
                blob = self._derived.get(f"table_{name}")
                if blob is None:
                    raise BadIndexError(f"index at '{self.location}': {name} table is missing")
                arrays.append(np.load(io.BytesIO(blob), allow_pickle=False))
            self._table = ChunkTable(*arrays)
        return self._table

    def dictionary_data(self) -> dict[str, Any] | None:
        blob = self._derived.get("dictionary")
        return json.loads(blob) if blob else None

    def relock(self) -> None:
        """Forget the connections and the pool a fork inherited (the parent's sockets are
        never used here); this process opens its own on its first query."""
        self.db = Connections(self._url)
        self._pool = None

    def set_relevance(self, cut: dict[str, Any]) -> None:
        """Record the relevance cut (search/rank/calibrate.py) in this generation's manifest."""
        self.manifest["relevance"] = cut
        conn = self.db.get()
        conn.execute(
            "UPDATE public.search_generations SET manifest = manifest || %s::jsonb WHERE name = %s",
            (json.dumps({"relevance": cut}), self.generation),
        )
        conn.commit()

    def close(self) -> None:
        """Close this thread's connection and the pool's threads (and with them theirs)."""
        if self._pool is not None and self._pool_pid == os.getpid():
            self._pool.submit(self.db.close)  # each pool thread closes its own on exit
            self._pool.shutdown(wait=False)
            self._pool = None
        self.db.close()


def _union(one: str, parts: list[str]) -> str:
    return " UNION ALL ".join(one.format(part=p) for p in parts)
