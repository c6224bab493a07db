"""One round trip for a search's candidate reads from PostgreSQL: the nearest chunk vectors,
the nearest sentence windows (each naming its chunk), every keyword list, and the keyword
columns of the keyword hits, in one statement (rows in binary).

Each part is the SQL :class:`search.store.postgres.PostgresStore` runs for the single read
(the shard fan-outs of ``nearest_sql`` and ``pg_keywords.bm25_sql``), as a CTE of the one
statement; the keyword columns are read with the ids of the keyword CTEs, on the
coordinator. :class:`Prefetched` answers the candidate stage's reads from those rows with
the single reads' own merging, so the lists are the same; any other read goes to the store.
The candidates' stored vectors (exact re-scoring) are not in the statement: postgres_fdw
moves vectors between servers as text, which costs more than the round trip saved, so
``PostgresStore.chunk_vectors`` reads the ones it has not kept yet, in binary.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from search.store.base import KeywordAsk, Ranked

if TYPE_CHECKING:
    from search.store.postgres import PostgresStore

ROW = "SELECT {tag}::text AS tag, {cols} FROM {src}"
COLUMNS = ("id", "score", "owner", "kw_body", "kw_heading", "kw_ids")  # after the tag
NULLS = {
    "id": "NULL::bigint",
    "score": "NULL::float8",
    "owner": "NULL::bigint",
    "kw_body": "NULL::text",
    "kw_heading": "NULL::text",
    "kw_ids": "NULL::text",
}


def _select(tag: str, src: str, **given: str) -> str:
    cols = ", ".join(f"{given.get(c, NULLS[c])} AS {c}" for c in COLUMNS)
    return ROW.format(tag=f"'{tag}'", cols=cols, src=src)


def _renamed(sql: str, params: dict[str, Any], prefix: str) -> tuple[str, dict[str, Any]]:
    """``sql`` and ``params`` with every ``%(name)s`` parameter renamed ``prefix_name``."""
    for name in params:
        sql = sql.replace(f"%({name})s", f"%({prefix}_{name})s")
    return sql, {f"{prefix}_{k}": v for k, v in params.items()}


def fetch(
    store: PostgresStore,
    qvec: np.ndarray | None,
    chunk_n: int,
    window_n: int,
    keywords: list[KeywordAsk],
) -> Prefetched:
    """Run the one statement and hold its answers."""
    g = store.generation
    ctes: list[str] = []
    selects: list[str] = []
    params: dict[str, Any] = {}
    plans: dict[KeywordAsk, tuple[int, str] | None] = {}
    if qvec is not None and (chunk_n > 0 or window_n > 0):
        params["q"] = np.asarray(qvec, dtype=np.float32).ravel()
        for tag, table, n in (("c", "chunks", chunk_n), ("w", "windows", window_n)):
            sql, p = _renamed(store.nearest_sql(table, table == "windows", tag), {"n": n}, tag)
            selects.append(sql)  # one query vector: %(q)s is shared
            params.update(p)
    found_ctes = []
    for i, ask in enumerate(dict.fromkeys(keywords)):
        plan = store.keyword_plan(list(ask[0]), ask[1], ask[2], ask[3])
        plans[ask] = None if plan is None else (plan[2], f"k{i}")
        if plan is None:
            continue
        sql, p = _renamed(plan[0], plan[1], f"k{i}")
        ctes.append(f"k{i} AS ({sql})")
        params.update(p)
        selects.append(_select(f"k{i}", f"k{i}", id="id", score="score"))
        if ask[2] is None:
            found_ctes.append(f"SELECT id FROM k{i}")
    if found_ctes:
        selects.append(
            _select(
                "t",
                f"{g}.chunks WHERE id = ANY(ARRAY({' UNION '.join(found_ctes)}))",
                id="id",
                kw_body="kw_body",
                kw_heading="kw_heading",
                kw_ids="kw_ids",
            )
        )
    rows = []
    if selects:
        sql = f"WITH {', '.join(ctes)} " if ctes else ""
        statement = sql + " UNION ALL ".join(s if s.startswith("(") else f"({s})" for s in selects)
        rows = store.db.query(statement, params, binary=True)
    return Prefetched(store, qvec, chunk_n, window_n, plans, rows)


class Prefetched:
    """The candidate reads of one search, answered from one statement's rows; any other read
    goes to ``store``."""

    def __init__(
        self,
        store: PostgresStore,
        qvec: np.ndarray | None,
        chunk_n: int,
        window_n: int,
        plans: dict[KeywordAsk, tuple[int, str] | None],
        rows: list[tuple],
    ) -> None:
        self.store = store
        self._qvec, self._chunk_n, self._window_n = qvec, chunk_n, window_n
        self._plans = plans
        by_tag: dict[str, list[tuple]] = {}
        for row in rows:
            by_tag.setdefault(row[0], []).append(row[1:])
        self._rows = by_tag
        self._terms = {int(r[0]): (r[3] or "", r[4] or "", r[5] or "") for r in by_tag.get("t", [])}

    def __getattr__(self, name: str) -> Any:  # every other read: the store's own
        return getattr(self.store, name)

    def _same(self, qvec: np.ndarray) -> bool:
        return self._qvec is not None and np.array_equal(qvec, self._qvec)

    def search_chunks(self, qvec: np.ndarray, n: int) -> Ranked:
        if n != self._chunk_n or not self._same(qvec):
            return self.store.search_chunks(qvec, n)
        return self.store.nearest_order([(r[0], r[1]) for r in self._rows.get("c", [])], n)

    def search_windows(self, qvec: np.ndarray, n: int) -> list[tuple[int, int, float]]:
        if n != self._window_n or not self._same(qvec):
            return self.store.search_windows(qvec, n)
        rows = self._rows.get("w", [])
        hits = self.store.nearest_order([(r[0], r[1]) for r in rows], n)
        return self.store.window_hits(hits, {int(r[0]): int(r[2]) for r in rows})

    def keyword_search(
        self, words: list[str], n: int, column: str | None = None, lang: str | None = None
    ) -> Ranked:
        ask = (tuple(words), n, column, lang)
        if ask not in self._plans:
            return self.store.keyword_search(words, n, column, lang)
        plan = self._plans[ask]
        if plan is None:
            return []
        limit, tag = plan
        found = [(r[0], r[1]) for r in self._rows.get(tag, [])]
        return self.store.keyword_finish(found, limit, n, lang)

    def passage_terms(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        if not all(int(i) in self._terms for i in ids):
            return self.store.passage_terms(ids)
        return {int(i): self._terms[int(i)] for i in ids}
