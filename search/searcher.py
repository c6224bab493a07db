"""The Searcher: opens an index once and answers queries with ranked, citable passages."""

from __future__ import annotations

import time
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from search.citation import citation_for
from search.dictionary import default_dictionary
from search.embed import Embedder, get_embedder
from search.errors import BadIndexError, QueryError
from search.ingest.lang import detect_lang
from search.keyword import (
    bm25_search,
    chinese_phrases,
    identifier_terms,
    neutral_terms,
    terms,
    vocabulary,
)
from search.retrieve import Ranked, combine, dense_scores
from search.store import Store
from search.types import Chunk

MAX_QUERY_CHARS = 2000
MAX_K = 50
LANGS = ("zh", "en")
METHODS = ("dense", "keyword", "hybrid")
# Dense score = this share of the chunk vector's cosine + the rest from its best sentence window.
DENSE_CHUNK_WEIGHT = 0.6
# Weight of each keyword list's max-normalized BM25 added to the dense cosine, and which
# passages it may lift: the query's own words count for passages in the query's language,
# dictionary translations for passages in the other language, identifiers for all.
LEXICAL = {"keyword": (0.05, "same"), "translated": (0.15, "other"), "identifier": (0.5, "all")}


def fuse(lists: dict[str, Ranked], langs: np.ndarray, query_lang: str) -> Ranked:
    """Combine the candidate lists of one query into one ranking."""
    if "dense" not in lists:  # keyword-only ablation: the lists in order of trust
        return combine(
            {},
            [
                (lists[n], 1.0 / (i + 1), None)
                for i, n in enumerate(("identifier", "keyword", "translated"))
                if n in lists
            ],
        )
    lexical = []
    for name, (weight, scope) in LEXICAL.items():
        if name not in lists:
            continue
        if scope == "same":
            allow = langs == query_lang
        elif scope == "other":
            allow = langs != query_lang
        else:
            allow = None
        lexical.append((lists[name], weight, allow))
    return combine(dict(lists["dense"]), lexical)


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
        self.vocab = vocabulary(store.db)
        self.dictionary = default_dictionary()

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

    def dense(self, qvec: np.ndarray, n: int, lang: str | None) -> Ranked:
        """Chunk vectors and sentence-window vectors, combined per chunk (see retrieve)."""
        store = self.store
        total = store.vectors.ntotal
        if total == 0:
            return []
        pool = min(total, max(n, 100) * (1 if lang is None else 3))
        c_scores, c_ids = store.vectors.search(qvec, pool)
        w_total = store.windows.ntotal
        w_scores, w_ids = store.windows.search(qvec, min(w_total, pool * 3))
        keep = w_ids[0] >= 0
        windows = list(
            zip(
                store.window_owners[w_ids[0][keep]].tolist(),
                w_scores[0][keep].tolist(),
                strict=True,
            )
        )
        candidates = {int(i) for i in c_ids[0] if i >= 0} | {o for o, _ in windows}
        if lang is not None:
            candidates = {i for i in candidates if self.langs[i] == lang}
        ids = sorted(candidates)
        vecs = np.stack([store.vectors.reconstruct(i) for i in ids]) if ids else qvec[:0]
        exact = dict(zip(ids, (vecs @ qvec[0]).tolist(), strict=True))
        return dense_scores(exact, windows, DENSE_CHUNK_WEIGHT)[:n]

    def _allowed(self, lang: str | None) -> set[int] | None:
        return None if lang is None else set(np.flatnonzero(self.langs == lang).tolist())

    def expansions(self, q: str) -> list[str]:
        """Keyword terms for ``q`` that can match passages in the other language: dictionary
        translations, plus the script-neutral tokens both languages write alike (acronyms
        such as IEC or ESG, numbers such as 2023)."""
        known = self.vocab.__contains__
        out = [t for t in neutral_terms(q) if known(t)]
        if self.dictionary is None:
            return out
        zh = chinese_phrases(q)
        if zh:
            return out + self.dictionary.to_english(zh, known)
        return out + self.dictionary.to_chinese(q, known)

    def candidates(self, q: str, n: int, lang: str | None, method: str) -> dict[str, Ranked]:
        """The candidate lists fusion combines: dense, keyword, translated keyword, identifiers."""
        lists: dict[str, Ranked] = {}
        allowed = self._allowed(lang)
        if method in ("keyword", "hybrid"):
            db = self.store.db
            lists["keyword"] = bm25_search(db, terms(q, with_ids=False), n, allowed=allowed)
            lists["identifier"] = bm25_search(db, identifier_terms(q), n, "ids", allowed)
            lists["heading"] = bm25_search(db, terms(q, with_ids=False), n, "heading", allowed)
            lists["translated"] = bm25_search(db, self.expansions(q), n, allowed=allowed)
        if method in ("dense", "hybrid"):
            lists["dense"] = self.dense(self.embedder.encode_query([q]), n, lang)
        return lists

    def search(
        self, q: str, k: int = 10, lang: str | None = None, method: str = "hybrid"
    ) -> Response:
        started = time.perf_counter()
        q = check_query(q)
        k = check_k(k)
        lang = check_lang(lang)
        if method not in METHODS:
            raise QueryError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
        lists = self.candidates(q, max(50, k * 5), lang, method)
        ranked = fuse(lists, self.langs, detect_lang(q))
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
