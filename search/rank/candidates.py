"""Stage 1, candidates: the ranked lists fusion combines, read from any :class:`IndexStore`.

* ``dense``: chunk vectors and sentence-window vectors, combined per chunk (``dense_scores``),
  each candidate re-scored exactly from its stored vector;
* ``keyword``: BM25 of the query's own words;
* ``translated``: BM25 of its dictionary translations and script-neutral tokens;
* ``identifier``: coverage of its identifiers (``GB/T 12350-2022``).
"""

from __future__ import annotations

import weakref
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from search.config import RankingConfig
from search.lru import LRUCache
from search.rank.analysis import Query
from search.rank.fusion import Ranked, coverage, dense_scores
from search.store.base import ChunkTable, IndexStore, KeywordAsk

PARTIAL_IDENTIFIER = 0.5  # credit for a stem-only match (GB/T 12350-2017 for GB/T 12350-2022)
# Document and date filters (``only``, a mask over rows): each list is read deeper, by the
# inverse of the share of passages the filters keep, at most FILTERED_POOL; when they keep at
# most EXACT_ROWS passages, every one of them is scored by its vector.
FILTERED_POOL = 20_000
EXACT_ROWS = 5_000


@dataclass
class Candidates:
    """The lists of one query, and for dense hits the best sentence window of each chunk."""

    lists: dict[str, Ranked] = field(default_factory=dict)
    windows: dict[int, int] = field(default_factory=dict)  # row id -> window number in chunk


def gather(
    store: IndexStore,
    table: ChunkTable,
    query: Query,
    qvec: np.ndarray | Callable[[], np.ndarray] | None,
    n: int,
    config: RankingConfig,
    doc_freq: Mapping[str, int] | None = None,
    only: np.ndarray | None = None,
) -> Candidates:
    """Every candidate list ``query.method`` asks for, ``n`` long at most. ``qvec`` is the
    query vector, or a function that encodes it: then the keyword lists, which do not need
    it, are under way while it runs. ``doc_freq`` (passages per term) weighs the
    ``coverage`` list, made when the query has word groups. ``only`` (a boolean mask over
    rows; None: all) limits every list to those passages."""
    out = Candidates()
    lang = query.lang_filter
    vectors = query.uses_vectors and qvec is not None
    encode = (qvec if callable(qvec) else lambda: qvec) if vectors else None
    size = deeper(dense_size(n, lang, config.pool), only)
    asks = keyword_asks(query, deeper(n, only)) if query.uses_keywords else []
    batch = store.prefetched(encode, size, size * 3, asks) if vectors or asks else None
    if batch is not None:  # one round trip (a database) instead of a read per list
        store, qvec = batch
    # else the store runs the keyword lists beside the encoding and the dense search where
    # it gains from it (IndexStore.submit); the lists and their order are the same either way
    pending = None
    if query.uses_keywords:
        args = (store, table, query, n, config, doc_freq, only)
        if vectors and batch is None:
            pending = store.submit(keyword_lists, *args)
        else:
            out.lists.update(keyword_lists(*args))
    dense_hits = None
    if vectors and qvec is not None:
        if callable(qvec):
            qvec = qvec()
        pool, weight = config.pool, config.dense_chunk_weight
        dense_hits, out.windows = dense(store, table, qvec, n, lang, pool, weight, only)
    if pending is not None:
        out.lists.update(pending.result())
    if dense_hits is not None:
        out.lists["dense"] = dense_hits
    return out


def keyword_asks(query: Query, n: int) -> list[KeywordAsk]:
    """The ``keyword_search`` calls ``keyword_lists`` makes for ``query``, in its order."""
    lang = query.lang_filter
    asks: list[KeywordAsk] = [(tuple(query.words), n, None, lang)]
    for base, full in query.identifiers:
        asks.append(((full,), n, "ids", lang))
        if base != full:
            asks.append(((base,), n, "ids", lang))
    asks.append((tuple(query.translations), n, None, lang))
    return asks


def dense_size(n: int, lang: str | None, pool: int) -> int:
    """How many chunk vectors the dense list reads (three times as many windows)."""
    return max(n, pool) * (1 if lang is None else 3)


def keyword_lists(
    store: IndexStore,
    table: ChunkTable,
    query: Query,
    n: int,
    config: RankingConfig,
    doc_freq: Mapping[str, int] | None,
    only: np.ndarray | None = None,
) -> dict[str, Ranked]:
    """The query's own words, its identifiers and its translations, each BM25-ranked, and the
    word coverage of their hits when the query has word groups (passages ``only``, if given)."""
    lang, depth = query.lang_filter, deeper(n, only)
    lists = {
        "keyword": store.keyword_search(query.words, depth, lang=lang),
        "identifier": identifier_search(store, query.identifiers, depth, lang),
        "translated": store.keyword_search(query.translations, depth, lang=lang),
    }
    if only is not None:
        lists = {name: kept(hits, only)[:n] for name, hits in lists.items()}
    if query.groups and (
        query.method == "keyword" or config.coverage_weight or config.learned_fusion
    ):
        hits = lists["keyword"] + lists["translated"]
        lists["coverage"] = word_coverage(store, query, hits, doc_freq or {}, len(table))
    return lists


_HELD: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # store -> its rows' terms
HELD_ROWS = 20_000  # passages whose word sets are kept per opened store


def held_terms(store: IndexStore, rows: list[int]) -> dict[int, frozenset[str]]:
    """The keyword terms (body and heading) of passages ``rows``, read once per opened store
    and then kept (a bounded, locked LRU: worker threads share it)."""
    cache = _HELD.get(store)
    if cache is None:
        cache = _HELD.setdefault(store, LRUCache(HELD_ROWS))
    held = cache.get_many(rows)
    missing = [rid for rid in rows if rid not in held]
    if missing:
        read = {
            rid: frozenset(f"{body} {heading}".split())
            for rid, (body, heading, _) in store.passage_terms(missing).items()
        }
        cache.put_many(read)
        held.update(read)
    return held


def word_coverage(
    store: IndexStore, query: Query, hits: Ranked, doc_freq: Mapping[str, int], total: int
) -> Ranked:
    """Language-fair keyword score of the keyword hits: the share of the query's words (each
    with its translations) a passage holds, in either language (fusion.coverage)."""
    rows = sorted({rid for rid, _ in hits})
    held = held_terms(store, rows)
    df = {t: doc_freq.get(t, 0) for g in query.groups for t in g if doc_freq.get(t, 0)}
    return coverage(query.groups, held, df, total)


def dense(
    store: IndexStore,
    table: ChunkTable,
    qvec: np.ndarray,
    n: int,
    lang: str | None,
    pool: int,
    chunk_weight: float,
    only: np.ndarray | None = None,
) -> tuple[Ranked, dict[int, int]]:
    """Chunk and sentence-window hits combined per chunk (see ``dense_scores``), with the
    window number (within its chunk) of each chunk's best window; passages ``only``, if given
    (all of them when they are few: ``EXACT_ROWS``)."""
    size = deeper(dense_size(n, lang, pool), only)
    chunk_hits = store.search_chunks(qvec, size)
    window_hits = store.search_windows(qvec, size * 3)
    if not chunk_hits and not window_hits:
        return [], {}
    candidates = {rid for rid, _ in chunk_hits} | {owner for owner, _, _ in window_hits}
    if only is not None:
        allowed = np.flatnonzero(only)
        candidates = {rid for rid in candidates if only[rid]}
        if len(allowed) <= EXACT_ROWS:
            candidates.update(allowed.tolist())
    if lang is not None:
        candidates = {rid for rid in candidates if table.lang[rid] == lang}
    ids = sorted(candidates)
    exact = (store.chunk_vectors(ids) @ qvec[0]).tolist() if ids else []
    windows: dict[int, int] = {}
    for owner, number, _ in window_hits:
        windows.setdefault(owner, number)
    scored = dense_scores(
        dict(zip(ids, exact, strict=True)),
        [(owner, score) for owner, _, score in window_hits],
        chunk_weight,
    )
    return scored[:n], windows


def deeper(n: int, only: np.ndarray | None) -> int:
    """How deep to read a list of ``n`` for the passages of the mask ``only``: ``n`` over the
    share they are of the index, at most ``FILTERED_POOL`` (``n`` itself without a mask)."""
    if only is None:
        return n
    share = max(int(np.count_nonzero(only)), 1) / max(len(only), 1)
    return max(n, min(int(np.ceil(n / share)), FILTERED_POOL, len(only)))


def kept(hits: Ranked, only: np.ndarray) -> Ranked:
    """The hits whose row the mask ``only`` keeps, in order."""
    return [(rid, score) for rid, score in hits if only[rid]]


def identifier_search(
    store: IndexStore, pairs: list[tuple[str, str]], n: int, lang: str | None = None
) -> Ranked:
    """Passages holding the identifiers ``pairs`` (stem, full), scored by coverage: the share
    of the query's identifiers a passage contains (a stem-only match counts
    ``PARTIAL_IDENTIFIER``).

    How often a passage repeats an identifier does not matter: once every passage of an
    article names ``ISO/TC 202``, the dense and translated scores decide among them.
    """
    score: dict[int, float] = {}
    for base, full in pairs:
        found = {rid: 1.0 for rid, _ in store.keyword_search([full], n, "ids", lang)}
        if base != full:
            for rid, _ in store.keyword_search([base], n, "ids", lang):
                found.setdefault(rid, PARTIAL_IDENTIFIER)
        for rid, credit in found.items():
            score[rid] = score.get(rid, 0.0) + credit / len(pairs)
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))[:n]
