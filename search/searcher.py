"""The Searcher: opens an index once and answers queries with ranked, citable passages."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.citation import citation_for
from search.embed import Embedder, get_embedder
from search.errors import BadIndexError, QueryError
from search.ingest.lang import detect_lang
from search.keyword import keyword_search, terms
from search.retrieve import rrf
from search.store import Store
from search.types import Chunk

MAX_QUERY_CHARS = 2000
MAX_K = 50
LANGS = ("zh", "en")
METHODS = ("dense", "keyword", "hybrid")


@dataclass
class Result:
    rank: int
    score: float
    text: str
    lang: str
    doc_id: str
    chunk_id: str
    citation: dict[str, Any]
    heading: str = ""
    snippet: str = ""
    highlights: list[list[int]] = field(default_factory=list)


@dataclass
class Response:
    query: str
    query_lang: str
    took_ms: float
    results: list[Result]
    lang: str = "any"
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_query(q: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Validate a query: non-empty after trimming, at most ``max_chars`` characters."""
    q = (q or "").strip()
    if not q:
        raise QueryError("the query is empty: type some words to search for")
    if len(q) > max_chars:
        raise QueryError(f"the query has {len(q)} characters; the limit is {max_chars}")
    return q


def check_k(k: int) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K} (got {k!r})")
    return k


def check_lang(lang: str | None) -> str | None:
    if lang in (None, "", "any"):
        return None
    if lang not in LANGS:
        raise QueryError(f"lang must be one of zh, en, any (got {lang!r})")
    return lang


class Searcher:
    """Dense + keyword search over one opened index generation."""

    def __init__(self, store: Store, embedder: Embedder) -> None:
        manifest = store.manifest
        if (embedder.name, embedder.dim) != (manifest["encoder"], manifest["dim"]):
            raise BadIndexError(
                f"the index at '{store.path}' was built with encoder '{manifest['encoder']}' "
                f"({manifest['dim']}-dim) but '{embedder.name}' ({embedder.dim}-dim) was given: "
                "rebuild the index or use the same encoder"
            )
        self.store = store
        self.embedder = embedder
        self.langs = self._chunk_langs()

    @classmethod
    def open(cls, path: str | Path = "index", encoder: str | Embedder | None = None) -> Searcher:
        store = Store.open(path)
        if encoder is None:
            encoder = store.manifest["encoder"]
        embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
        return cls(store, embedder)

    def _chunk_langs(self) -> np.ndarray:
        rows = self.store.db.execute("SELECT id, lang FROM chunks ORDER BY id").fetchall()
        out = np.empty(len(rows), dtype="<U2")
        for rid, lang in rows:
            out[rid] = lang
        return out

    def dense(self, qvec: np.ndarray, n: int, lang: str | None) -> list[tuple[int, float]]:
        total = self.store.vectors.ntotal
        if total == 0:
            return []
        want = min(total, n if lang is None else n * 4)
        scores, ids = self.store.vectors.search(qvec, want)
        hits = [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        if lang is not None:
            hits = [(i, s) for i, s in hits if self.langs[i] == lang]
        return hits[:n]

    def keyword(self, q: str, n: int, lang: str | None) -> list[tuple[int, float]]:
        allowed = None
        if lang is not None:
            allowed = set(np.flatnonzero(self.langs == lang).tolist())
        return keyword_search(self.store.db, terms(q), n, allowed)

    def search(
        self, q: str, k: int = 10, lang: str | None = None, method: str = "hybrid"
    ) -> Response:
        started = time.perf_counter()
        q = check_query(q)
        k = check_k(k)
        lang = check_lang(lang)
        if method not in METHODS:
            raise QueryError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
        pool = max(50, k * 5)
        ranked: list[tuple[int, float]]
        if method == "keyword":
            ranked = self.keyword(q, pool, lang)
        else:
            qvec = self.embedder.encode_query([q])
            dense = self.dense(qvec, pool, lang)
            if method == "dense":
                ranked = dense
            else:
                ranked = rrf([(dense, 1.0), (self.keyword(q, pool, lang), 1.0)])
        top = ranked[:k]
        chunks = self.store.chunks([rid for rid, _ in top])
        results = [
            self._result(rank, score, chunks[rid])
            for rank, (rid, score) in enumerate(top, start=1)
            if rid in chunks
        ]
        counts = {code: sum(r.lang == code for r in results) for code in LANGS}
        took = (time.perf_counter() - started) * 1000
        return Response(q, detect_lang(q), round(took, 2), results, lang or "any", counts)

    def _result(self, rank: int, score: float, chunk: Chunk) -> Result:
        doc = self.store.document(chunk.doc_id) or {}
        return Result(
            rank=rank,
            score=round(score, 6),
            text=chunk.text,
            lang=chunk.lang,
            doc_id=chunk.doc_id,
            chunk_id=chunk.chunk_id,
            citation=citation_for(chunk, doc),
            heading=chunk.heading,
        )
