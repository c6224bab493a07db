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
from search.ingest.chunk import window_spans
from search.ingest.lang import detect_lang
from search.keyword import (
    bm25_search,
    chinese_phrases,
    identifier_terms,
    neutral_terms,
    terms,
    vocabulary,
)
from search.retrieve import Ranked, balance, best_windows, combine, dense_scores
from search.snippet import best_sentences, fingerprint, highlight_spans, near_duplicate
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
FRONT_PENALTY = 0.1
# Each language with candidates gets at least this many of the top k (when k >= 5, lang=any).
BALANCE_MIN = 2
LEXICAL = {"keyword": (0.05, "same"), "translated": (0.15, "other"), "identifier": (0.5, "all")}


def fuse(
    lists: dict[str, Ranked], langs: np.ndarray, query_lang: str, front: np.ndarray | None = None
) -> Ranked:
    """Combine the candidate lists of one query into one ranking; front matter (cover,
    contents, masthead, adverts) is pushed below real articles by ``FRONT_PENALTY``."""
    ranked = _fuse(lists, langs, query_lang)
    if front is None or not front.any():
        return ranked
    adjusted = [(rid, s - FRONT_PENALTY if front[rid] else s) for rid, s in ranked]
    return sorted(adjusted, key=lambda kv: (-kv[1], kv[0]))


def _fuse(lists: dict[str, Ranked], langs: np.ndarray, query_lang: str) -> Ranked:
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
    snippet: str = ""  # the best one or two sentences of text
    snippet_span: list[int] = field(default_factory=list)  # [start, end] of snippet in text
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] spans in text
    duplicates: list[str] = field(default_factory=list)  # chunk ids of collapsed near-copies


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
        self.langs, self.front = self._chunk_columns()
        self.vocab = vocabulary(store.db)
        self.dictionary = default_dictionary()
        self.documents = {d["doc_id"]: d for d in store.documents()}
        self.window_start = np.searchsorted(store.window_owners, np.arange(len(self.langs)))

    @classmethod
    def open(cls, path: str | Path = "index", encoder: str | Embedder | None = None) -> Searcher:
        store = Store.open(path)
        if encoder is None:
            encoder = store.manifest["encoder"]
        embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
        searcher = cls(store, embedder)
        searcher.warm()
        return searcher

    def _chunk_columns(self) -> tuple[np.ndarray, np.ndarray]:
        """Per-chunk language codes and a mask of front-matter chunks, indexed by row id."""
        rows = self.store.db.execute("SELECT id, lang, kind FROM chunks ORDER BY id").fetchall()
        langs = np.empty(len(rows), dtype="<U2")
        front = np.zeros(len(rows), dtype=bool)
        for rid, lang, kind in rows:
            langs[rid] = lang
            front[rid] = kind == "front"
        return langs, front

    def warm(self) -> None:
        """Load the encoder and the segmenter now rather than on the first query."""
        self.embedder.encode_query(["warm up 预热"])
        chinese_phrases("预热")

    def dense(self, qvec: np.ndarray, n: int, lang: str | None) -> tuple[Ranked, dict[int, int]]:
        """Chunk vectors and sentence-window vectors, combined per chunk (see retrieve)."""
        store = self.store
        total = store.vectors.ntotal
        if total == 0:
            return [], {}
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
        return dense_scores(exact, windows, DENSE_CHUNK_WEIGHT)[:n], best_windows(
            w_ids[0][keep], windows
        )

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
            lists["dense"], windows = self.dense(self.embedder.encode_query([q]), n, lang)
            lists["windows"] = list(windows.items())  # chunk id -> its best window number
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
        windows = dict(lists.pop("windows", []))
        ranked = fuse(lists, self.langs, detect_lang(q), self.front)
        if lang is None and method != "keyword" and k >= 2 * BALANCE_MIN + 1:
            ranked = balance(ranked, self.langs, k, BALANCE_MIN, ~self.front)
        top = ranked[: k * 2]  # room for collapsed near-duplicates
        chunks = self.store.chunks([rid for rid, _ in top])
        extra = self.expansions(q) if method != "dense" else []
        results: list[Result] = []
        kept: list[frozenset[str]] = []
        for rid, score in top:
            chunk = chunks.get(rid)
            if chunk is None:
                continue
            shingles = fingerprint(chunk.text)
            dup = next((i for i, f in enumerate(kept) if near_duplicate(shingles, f)), None)
            if dup is not None:
                results[dup].duplicates.append(chunk.chunk_id)
                continue
            if len(results) == k:
                break
            kept.append(shingles)
            window = windows.get(rid)
            results.append(self._result(len(results) + 1, score, rid, chunk, q, extra, window))
        counts = {code: sum(r.lang == code for r in results) for code in LANGS}
        took = (time.perf_counter() - started) * 1000
        return Response(q, detect_lang(q), round(took, 2), results, lang or "any", counts)

    def _result(
        self,
        rank: int,
        score: float,
        rid: int,
        chunk: Chunk,
        q: str,
        extra: list[str],
        window: int | None,
    ) -> Result:
        doc = self.documents.get(chunk.doc_id, {})
        spans = highlight_spans(chunk.text, q, extra)
        if window is not None:
            spans_w = window_spans(chunk.text)
            a, b = spans_w[min(max(0, window - int(self.window_start[rid])), len(spans_w) - 1)]
        else:
            a, b = best_sentences(chunk.text, spans)
        return Result(
            snippet=chunk.text[a:b],
            snippet_span=[a, b],
            highlights=[list(x) for x in spans],
            rank=rank,
            score=round(score, 6),
            text=chunk.text,
            lang=chunk.lang,
            doc_id=chunk.doc_id,
            chunk_id=chunk.chunk_id,
            citation=citation_for(chunk, doc),
            heading=chunk.heading,
        )
