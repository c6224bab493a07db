"""The Searcher: one opened index answering queries with ranked, citable passages.

A query travels one way through ``search/rank/``::

    validate (search/query.py) -> analyse (rank/analysis.py: one Query value)
      -> candidates (rank/candidates.py: dense, keyword, translated, identifier lists)
      -> fusion and re-ranking (rank/fusion.py, rank/answer.py: fuse, smooth, count lift, balance)
      -> presentation (rank/present.py: near-duplicates, snippets, highlights, citations)

Each stage reads the analysed query and the previous stage's output only.
"""

from __future__ import annotations

import threading
import time
from pathlib import Path

from search.config import DEFAULT_RANKING, RankingConfig
from search.embed import Embedder, get_embedder
from search.errors import BadIndexError
from search.query import (  # noqa: F401  (re-exported for callers)
    LANGS,
    MAX_K,
    MAX_QUERY_CHARS,
    METHODS,
    Response,
    Result,
    check_k,
    check_lang,
    check_method,
    check_query,
)
from search.rank.analysis import Analyser, Query
from search.rank.answer import counted_words, lift_counts
from search.rank.candidates import gather
from search.rank.fusion import Ranked, balance, fuse, smooth
from search.rank.present import present
from search.rank.snippet import fingerprint
from search.store import ann
from search.store.base import IndexStore, open_store
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
        self.analyse = Analyser(store.vocabulary(), self.dictionary)
        self.documents = {d["doc_id"]: d for d in store.documents()}
        self._fingerprints: dict[int, frozenset[str]] = {}
        self._chunks: dict[int, Chunk] = {}

    @classmethod
    def open(
        cls,
        path: str | Path = "index",
        encoder: str | Embedder | None = None,
        config: RankingConfig = DEFAULT_RANKING,
    ) -> Searcher:
        """Open the index at ``path`` (a folder or a ``postgresql://`` URL), ready to answer."""
        ann.single_query_threads()  # see search/store/ann.py: idle OpenMP threads fight the encoder
        segmenter = threading.Thread(target=warm_segmenter, daemon=True)
        segmenter.start()  # jieba loads its tables while the encoder loads its weights
        store = open_store(path)
        if encoder is None:
            encoder = store.manifest["encoder"]
        embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
        searcher = cls(store, embedder, config)
        embedder.encode_query(["warm up 预热"])
        segmenter.join()
        return searcher

    def warm(self) -> None:
        """Load the encoder and the segmenter now rather than on the first query."""
        self.embedder.encode_query(["warm up 预热"])
        warm_segmenter()

    def search(
        self, q: str, k: int = 10, lang: str | None = None, method: str = "hybrid"
    ) -> Response:
        started = time.perf_counter()
        query = self.analyse(check_query(q), check_k(k), check_lang(lang), check_method(method))
        ranked, chunks, windows = self.rank(query)
        top = ranked[: query.k * 2]  # room for collapsed near-duplicates
        chunks.update(self.chunks([rid for rid, _ in top if rid not in chunks]))
        results = present(query, top, chunks, windows, self.documents, self._fingerprint)
        counts = {code: sum(r.lang == code for r in results) for code in LANGS}
        took = round((time.perf_counter() - started) * 1000, 2)
        return Response(query.text, query.lang, took, results, lang or "any", counts)

    def rank(self, query: Query) -> tuple[Ranked, dict[int, Chunk], dict[int, int]]:
        """The whole ranking of ``query``, the chunks read on the way (by row id), and the
        best sentence window of each dense hit."""
        cfg, table = self.config, self.table
        qvec = self.embedder.encode_query([query.form]) if query.uses_vectors else None
        n = max(cfg.pool, query.k * 5)
        found = gather(self.store, table, query, qvec, n, cfg.pool, cfg.dense_chunk_weight)
        ranked = fuse(found.lists, table.lang, query.lang, table.front, cfg)
        chunks: dict[int, Chunk] = {}
        if query.method == "hybrid":
            ranked = smooth(ranked, table.neighbours, cfg.neighbour_weight)
            if query.counted is not None and cfg.count_weight:
                chunks = self.chunks([rid for rid, _ in ranked[: cfg.count_depth]])
                texts = {rid: (c.text, c.lang) for rid, c in chunks.items()}
                ranked = lift_counts(ranked, texts, query.counted, cfg.count_weight)
        balanced = query.lang_filter is None and query.method != "keyword"
        if balanced and query.k >= 2 * cfg.balance_min + 1:
            ranked = balance(ranked, table.lang, query.k, cfg.balance_min, ~table.front)
        return ranked, chunks, found.windows

    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        """The passages ``ids``, read from the store once and then kept (bounded)."""
        cache = self._chunks
        missing = [rid for rid in ids if rid not in cache]
        if missing:
            if len(cache) + len(missing) > PASSAGE_CACHE:
                cache.clear()
            cache.update(self.store.chunks(missing))
        return {rid: cache[rid] for rid in ids if rid in cache}

    def _fingerprint(self, rid: int, text: str) -> frozenset[str]:
        """Near-duplicate shingles of a chunk, cached by row id (bounded)."""
        cached = self._fingerprints.get(rid)
        if cached is None:
            if len(self._fingerprints) > PASSAGE_CACHE:
                self._fingerprints.clear()
            cached = self._fingerprints[rid] = fingerprint(text)
        return cached


def warm_segmenter() -> None:
    """Load jieba's dictionary and part-of-speech tables (used by Chinese queries)."""
    chinese_phrases("预热")
    counted_words("预热多少个")
