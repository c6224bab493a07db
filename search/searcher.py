"""The Searcher: one opened index answering queries with ranked, citable passages.

A query travels one way through ``search/rank/``::

    validate (search/query.py) -> analyse (rank/analysis.py: one Query value)
      -> candidates (rank/candidates.py: dense, keyword, translated, identifier lists)
      -> fusion and re-ranking (rank/fusion.py, rank/answer.py: fuse, smooth, count lift, balance)
      -> presentation (rank/present.py: near-duplicates, snippets, highlights, citations)

Each stage reads the analysed query and the previous stage's output only.
"""

from __future__ import annotations

import functools
import threading
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

import numpy as np

from search.config import DEFAULT_RANKING, RankingConfig
from search.embed import Embedder, get_embedder
from search.errors import BadIndexError
from search.lru import LRUCache
from search.query import (  # noqa: F401  (re-exported for callers)
    LANGS,
    MAX_K,
    MAX_QUERY_CHARS,
    METHODS,
    Response,
    Result,
    check_date_range,
    check_docs,
    check_k,
    check_lang,
    check_method,
    check_offset,
    check_query,
)
from search.rank import calibrate, emphasis, relevance
from search.rank.analysis import Analyser, Query
from search.rank.answer import counted_words, lift_counts
from search.rank.answer_kind import lift_kind
from search.rank.candidates import gather
from search.rank.filters import NO_FILTERS, Filters, allowed_docs, facets, keep_docs
from search.rank.fusion import Ranked, balance, fuse, smooth, surface
from search.rank.present import OTHER_LANGUAGE_K, other_language_rows, present
from search.rank.snippet import fingerprint
from search.store.base import ChunkTable, IndexStore, open_store
from search.text.dictionary import BilingualDictionary
from search.text.terms import chinese_phrases
from search.types import Chunk

PASSAGE_CACHE = 20_000  # passages (rows and near-duplicate shingles) kept between queries


class Searcher:
    """Dense + keyword search over one opened index."""

    def __init__(
        self, store: IndexStore, embedder: Embedder, config: RankingConfig = DEFAULT_RANKING
    ) -> None:
        manifest = store.manifest
        if (embedder.name, embedder.dim) != (manifest["encoder"], manifest["dim"]):
            raise BadIndexError(
                f"the index at '{store.location}' was built with encoder "
                f"'{manifest['encoder']}' ({manifest['dim']}-dim) but '{embedder.name}' "
                f"({embedder.dim}-dim) was given: rebuild the index or use the same encoder"
            )
        self.config = config
        self.store = store
        self.embedder = embedder
        self.table = store.table()
        data = store.dictionary_data()
        self.dictionary = BilingualDictionary.from_data(data) if data else None
        self.analyser = Analyser(store.vocabulary(), self.dictionary, store.postings)
        self.documents = {d["doc_id"]: d for d in store.documents()}
        # passages read between queries, shared by a worker's threads (bounded, locked)
        self._fingerprints: LRUCache[int, frozenset[str]] = LRUCache(PASSAGE_CACHE)
        self._chunks: LRUCache[int, Chunk] = LRUCache(PASSAGE_CACHE)
        self._held: LRUCache[int, relevance.Passage] = LRUCache(PASSAGE_CACHE)
        self.row_docs = RowDocs(self.table)
        self.languages = frozenset(np.unique(self.table.lang).tolist())  # of the passages
        self.doc_freq = store.term_frequencies()  # weighted highlights (rank/emphasis.py)
        self.frequent = emphasis.frequent_terms(self.doc_freq, len(self.table))
        # method -> the index's good/weak cut (search/rank/calibrate.py)
        self.thresholds: dict[str, relevance.Threshold] = calibrate.thresholds(manifest)

    @classmethod
    def open(
        cls,
        path: str | Path = "index",
        encoder: str | Embedder | None = None,
        config: RankingConfig = DEFAULT_RANKING,
        warm: bool = False,
    ) -> Searcher:
        """Open the index at ``path`` (a folder or a ``postgresql://`` URL) with its encoder
        loaded. The Chinese segmenter loads on the first query that needs it, or here with
        ``warm`` (a server: every first query as fast as the rest)."""

        from search.store import ann  # FAISS loads with the index, not with the package

        ann.single_query_threads()  # see search/store/ann.py: idle OpenMP threads fight the encoder
        segmenter = threading.Thread(target=warm_segmenter, daemon=True) if warm else None
        if segmenter is not None:
            segmenter.start()  # jieba loads its tables while the encoder loads its weights
        store = open_store(path)
        if encoder is None:
            encoder = store.manifest["encoder"]
        embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
        searcher = cls(store, embedder, config)
        embedder.encode_query(["warm up 预热"])
        if segmenter is not None:
            segmenter.join()
        return searcher

    def analyse(
        self,
        text: str,
        k: int,
        lang_filter: str | None = None,
        method: str = "hybrid",
        offset: int = 0,
        filters: Filters = NO_FILTERS,
    ) -> Query:
        """``text`` (validated) analysed once, with this searcher's ranking settings."""
        return self.analyser(text, k, lang_filter, method, offset, filters, self.config)

    def warm(self) -> None:
        """Load the encoder and the segmenter now rather than on the first query."""
        self.embedder.encode_query(["warm up 预热"])
        warm_segmenter()

    def search(
        self,
        q: str,
        k: int = 10,
        lang: str | None = None,
        method: str = "hybrid",
        offset: int = 0,
        docs: str | list[str] | tuple[str, ...] | None = None,
        date_from: str | None = None,
        date_to: str | None = None,
        link_root: str = "",
    ) -> Response:
        """The ``k`` best passages for ``q`` after the first ``offset``, in documents ``docs``
        (ids; all when none) dated within ``date_from`` .. ``date_to`` (ISO; either open);
        citations link to the site ``link_root`` (default: relative links)."""
        started = time.perf_counter()
        filters = Filters(check_docs(docs), *check_date_range(date_from, date_to))
        q, k, lang_filter = check_query(q), check_k(k), check_lang(lang)
        query = self.analyse(q, k, lang_filter, check_method(method), check_offset(offset), filters)
        qvec = functools.cache(lambda: self.vector(query)) if query.uses_vectors else None
        ranked, chunks, windows = self.rank(query, qvec)
        facet_counts = facets(ranked, self.row_docs, self.table.lang)  # before the filters
        if filters.active:  # ranked again within the chosen documents (rank/candidates.py)
            allowed = allowed_docs(self.documents, filters)
            ranked, chunks, windows = (
                self.rank(query, qvec, self.row_docs.mask(allowed)) if allowed else ([], {}, {})
            )
            ranked = keep_docs(ranked, self.row_docs, allowed)
        good = self.judge(query, ranked)
        ranked = self.balance(query, ranked, good)
        top = ranked[: (query.offset + query.k) * 2]  # room for collapsed near-duplicates
        other_rows = other_language_rows(
            query, ranked, self.table.lang, self.languages, front=self.table.front
        )
        chunks.update(self.chunks([rid for rid, _ in top + other_rows if rid not in chunks]))
        highlighter = self.highlighter(query)
        shown = (chunks, windows, self.documents, self._fingerprint, highlighter, good, link_root)
        results = present(query, top, *shown)[query.offset :]
        other = present(replace(query, offset=0, k=OTHER_LANGUAGE_K), other_rows, *shown)
        counts = {code: sum(r.lang == code for r in results) for code in LANGS}
        took = round((time.perf_counter() - started) * 1000, 2)
        return Response(
            query.text,
            query.lang,
            took,
            results,
            lang or "any",
            counts,
            total=len(ranked),
            total_is_estimate=query.method != "keyword" and len(ranked) < len(self.table),
            good=relevance.good_count(r.match for r in results),
            offset=query.offset,
            facets=facet_counts,
            other_language=other,
        )

    def rank(
        self,
        query: Query,
        qvec: Callable[[], np.ndarray] | None = None,
        only: np.ndarray | None = None,
    ) -> tuple[Ranked, dict[int, Chunk], dict[int, int]]:
        """The whole ranking of ``query`` (before balance) over the passages of the mask
        ``only`` (None: all), the chunks read on the way (by row id), and the best sentence
        window of each dense hit. ``qvec``: what gives the query's vector (encoded once)."""
        cfg, table = self.config, self.table
        if qvec is None and query.uses_vectors:
            qvec = functools.cache(lambda: self.vector(query))  # encoded while keywords run
        n = max(cfg.pool, (query.offset + query.k) * 5)
        found = gather(self.store, table, query, qvec, n, cfg, self.doc_freq, only)
        ranked = fuse(found.lists, table.lang, query.lang, table.front, cfg)
        chunks: dict[int, Chunk] = {}
        if query.method == "hybrid":
            ranked = smooth(ranked, table.neighbours, cfg.neighbour_weight)
            counting = query.counted is not None and cfg.count_weight > 0
            asking = query.kind is not None and cfg.kind_weight > 0
            if counting or asking:  # answer types: read the best few passages (rank/answer*.py)
                chunks = self.chunks([rid for rid, _ in ranked[: cfg.count_depth]])
                texts = {rid: (c.text, c.lang) for rid, c in chunks.items()}
                if counting:
                    ranked = lift_counts(ranked, texts, query.counted, cfg.count_weight)
                if asking:
                    ranked = lift_kind(ranked, texts, query.kind, cfg.kind_weight)
        return ranked, chunks, found.windows

    def vector(self, query: Query) -> np.ndarray:
        """The query's vector: the encoder reads the typed case (the matching form if unset)."""
        return self.embedder.encode_query([query.encoder_text or query.form])

    def judge(self, query: Query, ranked: Ranked) -> np.ndarray:
        """Good matches among ``ranked`` (a mask over row ids; search/rank/relevance.py): the
        best few are also checked for holding every query term."""
        checked = [rid for rid, _ in ranked[: max(60, (query.offset + query.k) * 2)]]
        held = self.passages(checked)
        threshold = self.threshold(query.method)
        return relevance.good_mask(
            ranked, len(self.table), threshold, query.coverage, held, query.terms
        )

    def passages(self, ids: list[int]) -> dict[int, relevance.Passage]:
        """The keyword terms and text of passages ``ids``, read once and then kept (bounded)."""
        found = self._held.get_many(ids)
        missing = [rid for rid in ids if rid not in found]
        if missing:
            texts = {rid: c.text for rid, c in self.chunks(missing).items()}
            read = relevance.passages(self.store.passage_terms(missing), texts)
            self._held.put_many(read)
            found.update(read)
        return {rid: found[rid] for rid in ids if rid in found}

    def balance(self, query: Query, ranked: Ranked, good: np.ndarray) -> Ranked:
        """Each language with good candidates holds at least ``balance_min`` of the top k."""
        cfg, table = self.config, self.table
        if query.lang_filter is not None or query.method == "keyword":
            return ranked
        eligible = ~table.front & good
        ranked = surface(ranked, table.lang, cfg.other_at, eligible)
        shown = query.offset + query.k
        if shown < 2 * cfg.balance_min + 1:
            return ranked
        return balance(ranked, table.lang, shown, cfg.balance_min, eligible)

    def highlighter(self, query: Query | str) -> emphasis.Highlighter:
        """What a result marks of ``query`` (analysed, or text to analyse): its words that
        carry weight (search/rank/emphasis.py). The document view marks the cited passage
        with the same."""
        if isinstance(query, str):
            query = self.analyse(check_query(query), 1, None, "hybrid")
        return emphasis.Highlighter(query.marks, self.doc_freq, self.frequent)

    def threshold(self, method: str) -> relevance.Threshold:
        """The good-match cut of this index for ``method`` (an index never calibrated has only
        the coverage rule)."""
        fallback = relevance.Threshold(None, self.config.good_coverage)
        return self.thresholds.get(method) or fallback

    def coverage(self, q: str) -> float:
        """Share of the query's terms this index knows, itself or translated."""
        return self.analyse(check_query(q), 1, None, "hybrid").coverage

    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        """The passages ``ids``, read from the store once and then kept (bounded)."""
        found = self._chunks.get_many(ids)
        missing = [rid for rid in ids if rid not in found]
        if missing:
            read = self.store.chunks(missing)
            self._chunks.put_many(read)
            found.update(read)
        return {rid: found[rid] for rid in ids if rid in found}

    def _fingerprint(self, rid: int, text: str) -> frozenset[str]:
        """Near-duplicate shingles of a chunk, cached by row id (bounded)."""
        cached = self._fingerprints.get(rid)
        if cached is None:
            cached = fingerprint(text)
            self._fingerprints.put(rid, cached)
        return cached


def warm_segmenter() -> None:
    """Load jieba's dictionary and part-of-speech tables (used by Chinese queries)."""
    chinese_phrases("预热")
    counted_words("预热多少个")


class RowDocs:
    """``row_docs[rid]``: the document id of a row, or an array of them for an array of row
    ids (filters and facets), without a string per row in memory."""

    def __init__(self, table: ChunkTable) -> None:
        self.table = table

    def mask(self, docs: set[str]) -> np.ndarray:
        """A boolean mask over rows: True for the passages of documents ``docs``."""
        return np.isin(self.table.doc_names, sorted(docs))[self.table.doc]

    def __getitem__(self, rid: int | np.ndarray) -> str | np.ndarray:
        if isinstance(rid, np.ndarray):
            return self.table.doc_names[self.table.doc[rid]]
        return self.table.doc_of(rid)
