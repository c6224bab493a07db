"""The Searcher: opens an index once and answers queries with ranked, citable passages."""

from __future__ import annotations

import time
from pathlib import Path

import numpy as np

from search.answer import count_span, count_targets, counted_words, states_count
from search.answer_kind import question_kind, states_kind
from search.citation import citation_for
from search.config import DEFAULT_RANKING, RankingConfig
from search.embed import Embedder, get_embedder
from search.errors import BadIndexError
from search.ingest.chunk import window_spans
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
from search.retrieve import (
    Ranked,
    balance,
    best_windows,
    boost,
    coverage,
    dense_scores,
    fuse,
    smooth,
)
from search.snippet import (
    Highlighter,
    best_sentences,
    fingerprint,
    merge_spans,
    near_duplicate,
)
from search.store import Store, ann
from search.text.dictionary import concept_groups, default_dictionary, flatten
from search.text.lang import detect_lang
from search.text.query_form import query_form
from search.text.senses import choose as choose_senses
from search.text.terms import (
    bm25_search,
    chinese_phrases,
    document_frequency,
    identifier_search,
    neutral_terms,
    passage_terms,
    postings,
    terms,
    vocabulary,
)
from search.types import Chunk


class Searcher:
    """Dense + keyword search over one opened index generation."""

    def __init__(
        self, store: Store, embedder: Embedder, config: RankingConfig = DEFAULT_RANKING
    ) -> None:
        self.config = config
        manifest = store.manifest
        if (embedder.name, embedder.dim) != (manifest["encoder"], manifest["dim"]):
            raise BadIndexError(
                f"the index at '{store.path}' was built with encoder '{manifest['encoder']}' "
                f"({manifest['dim']}-dim) but '{embedder.name}' ({embedder.dim}-dim) was given: "
                "rebuild the index or use the same encoder"
            )
        self.store = store
        self.embedder = embedder
        self.langs, self.front, self.neighbours = self._chunk_columns()
        self.vocab = vocabulary(store.db)
        self.dictionary = default_dictionary()
        self.documents = {d["doc_id"]: d for d in store.documents()}
        self._fingerprints: dict[int, frozenset[str]] = {}
        self.window_start = np.searchsorted(store.window_owners, np.arange(len(self.langs)))

    @classmethod
    def open(cls, path: str | Path = "index", encoder: str | Embedder | None = None) -> Searcher:
        ann.single_query_threads()  # see search/ann.py: idle OpenMP threads fight the encoder
        store = Store.open(path)
        if encoder is None:
            encoder = store.manifest["encoder"]
        embedder = get_embedder(encoder) if isinstance(encoder, str) else encoder
        searcher = cls(store, embedder)
        searcher.warm()
        return searcher

    def _chunk_columns(self) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Per-chunk language codes, a mask of front-matter chunks, and the row ids of each
        chunk's neighbours in its article (-1 for none), indexed by row id."""
        rows = self.store.db.execute(
            "SELECT id, lang, kind, doc_id, heading FROM chunks ORDER BY doc_id, ordinal, id"
        ).fetchall()
        langs = np.empty(len(rows), dtype="<U2")
        front = np.zeros(len(rows), dtype=bool)
        neighbours = np.full((len(rows), 2), -1, dtype=np.int64)
        previous = None
        for rid, lang, kind, doc_id, heading in rows:
            langs[rid] = lang
            front[rid] = kind == "front"
            if previous is not None and previous[1:] == (doc_id, heading):
                neighbours[rid, 0] = previous[0]
                neighbours[previous[0], 1] = rid
            previous = (rid, doc_id, heading)
        return langs, front, neighbours

    def warm(self) -> None:
        """Load the encoder and the segmenter now rather than on the first query."""
        self.embedder.encode_query(["warm up 预热"])
        chinese_phrases("预热")
        counted_words("预热多少个")  # loads jieba's part-of-speech tables

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
        vecs = store.vectors.reconstruct_batch(np.asarray(ids, dtype=np.int64)) if ids else qvec[:0]
        exact = dict(zip(ids, (vecs @ qvec[0]).tolist(), strict=True))
        return dense_scores(exact, windows, self.config.dense_chunk_weight)[:n], best_windows(
            w_ids[0][keep], windows
        )

    def _allowed(self, lang: str | None) -> set[int] | None:
        return None if lang is None else set(np.flatnonzero(self.langs == lang).tolist())

    def expansions(self, q: str) -> list[str]:
        """Keyword terms for ``q`` that can match passages in the other language: dictionary
        translations (senses chosen with the other query words, search/text/senses.py), plus
        the script-neutral tokens both languages write alike (acronyms such as IEC or ESG,
        numbers such as 2023)."""
        known = self.vocab.__contains__
        if self.dictionary is None:
            return [t for t in neutral_terms(q) if known(t)]
        out = [t for t in neutral_terms(q, self.dictionary.is_word) if known(t)]
        pool, keep = self.config.sense_pool, self.config.senses_kept
        zh = chinese_phrases(q)
        if zh:
            senses = self.dictionary.english_senses(zh, known, per_word=pool)
        else:
            senses = self.dictionary.chinese_senses(q, known, per_phrase=pool)
        if pool > keep:
            words = sorted({t for word in senses for sense in word for t in sense})
            senses = choose_senses(senses, postings(self.store.db, words), keep)
        return out + flatten(senses)

    def _groups(self, q: str) -> tuple[list[frozenset[str]], dict[str, int]]:
        """The query's word groups (word + translations) and their terms' document counts."""
        groups = concept_groups(q, self.dictionary, self.vocab.__contains__)
        return groups, document_frequency(self.store.db, sorted({t for g in groups for t in g}))

    def coverage(self, q: str, hits: Ranked) -> Ranked:
        """Language-fair keyword score of the keyword hits (search/retrieve.py ``coverage``)."""
        groups, df = self._groups(q)
        rows = sorted({rid for rid, _ in hits})
        return coverage(groups, passage_terms(self.store.db, rows), df, len(self.langs))

    def candidates(
        self,
        q: str,
        n: int,
        lang: str | None,
        method: str,
        expansions: list[str] | None = None,
    ) -> dict[str, Ranked]:
        """The candidate lists fusion combines: dense, keyword, translated keyword, identifiers."""
        lists: dict[str, Ranked] = {}
        allowed = self._allowed(lang)
        if method in ("keyword", "hybrid"):
            db = self.store.db
            if expansions is None:
                expansions = self.expansions(q)
            lists["keyword"] = bm25_search(db, terms(q, with_ids=False), n, allowed=allowed)
            lists["identifier"] = identifier_search(db, q, n, allowed)
            lists["translated"] = bm25_search(db, expansions, n, allowed=allowed)
            cfg = self.config
            if method == "keyword" or cfg.coverage_weight:
                lists["coverage"] = self.coverage(q, lists["keyword"] + lists["translated"])
        if method in ("dense", "hybrid"):
            lists["dense"], windows = self.dense(self.embedder.encode_query([q]), n, lang)
            lists["windows"] = list(windows.items())  # chunk id -> its best window number
        return lists

    def search(
        self, q: str, k: int = 10, lang: str | None = None, method: str = "hybrid"
    ) -> Response:
        started = time.perf_counter()
        shown = q = check_query(q)
        q = query_form(q)  # text-normalisation: the one matching form (search/text/query_form.py)
        k = check_k(k)
        lang = check_lang(lang)
        method = check_method(method)
        cfg = self.config
        extra = self.expansions(q) if method != "dense" else []
        lists = self.candidates(q, max(cfg.pool, k * 5), lang, method, extra)
        windows = dict(lists.pop("windows", []))
        ranked = fuse(lists, self.langs, detect_lang(q), self.front, cfg)
        rows: dict[int, Chunk] = {}  # chunks read from the store for this query, by row id
        counted = None  # what a counting question counts, in both languages
        if method == "hybrid":
            ranked = smooth(ranked, self.neighbours, cfg.neighbour_weight)
            counted = count_targets(q, self.dictionary, self.vocab.__contains__)
            ranked = self.answer_type(q, ranked, rows, counted)
            if counted is None:
                ranked = self.answer_kind(q, ranked, rows)
        if lang is None and method != "keyword" and k >= 2 * cfg.balance_min + 1:
            ranked = balance(ranked, self.langs, k, cfg.balance_min, ~self.front)
        top = ranked[: k * 2]  # room for collapsed near-duplicates
        rows.update(self.store.chunks([rid for rid, _ in top if rid not in rows]))
        highlighter = Highlighter(q, extra)
        results: list[Result] = []
        kept: list[frozenset[str]] = []
        for rid, score in top:
            chunk = rows.get(rid)
            if chunk is None:
                continue
            shingles = self._fingerprint(rid, chunk.text)
            dup = next((i for i, f in enumerate(kept) if near_duplicate(shingles, f)), None)
            if dup is not None:
                results[dup].duplicates.append(chunk.chunk_id)
                continue
            if len(results) == k:
                break
            kept.append(shingles)
            window = windows.get(rid)
            results.append(
                self._result(len(results) + 1, score, rid, chunk, highlighter, window, counted)
            )
        counts = {code: sum(r.lang == code for r in results) for code in LANGS}
        took = (time.perf_counter() - started) * 1000
        return Response(shown, detect_lang(q), round(took, 2), results, lang or "any", counts)

    def answer_type(
        self,
        q: str,
        ranked: Ranked,
        rows: dict[int, Chunk] | None = None,
        targets: tuple[list[str], list[str]] | None = None,
    ) -> Ranked:
        """Lift, among the best passages, those stating a number of what a counting question
        counts (see search/answer.py). ``targets`` are the query's ``count_targets`` (worked
        out here when not given); the chunks read are added to ``rows``."""
        if targets is None:
            targets = count_targets(q, self.dictionary, self.vocab.__contains__)
        if targets is None or not self.config.count_weight:
            return ranked
        top = [rid for rid, _ in ranked[: self.config.count_depth]]
        chunks = self.store.chunks(top)
        if rows is not None:
            rows.update(chunks)
        lifted = {
            rid
            for rid in top
            if rid in chunks and states_count(chunks[rid].text, chunks[rid].lang, *targets)
        }
        return boost(ranked, lifted, self.config.count_weight)

    def answer_kind(self, q: str, ranked: Ranked, rows: dict[int, Chunk]) -> Ranked:
        """Lift, among the best passages, those stating what a when / where / who question
        asks for: a date, a place, a titled name (search/answer_kind.py)."""
        kind = question_kind(q)
        if kind is None or not self.config.kind_weight:
            return ranked
        top = [rid for rid, _ in ranked[: self.config.count_depth]]
        rows.update(self.store.chunks([rid for rid in top if rid not in rows]))
        lifted = {
            rid for rid in top if rid in rows and states_kind(rows[rid].text, rows[rid].lang, kind)
        }
        return boost(ranked, lifted, self.config.kind_weight)

    def _fingerprint(self, rid: int, text: str) -> frozenset[str]:
        """Near-duplicate shingles of a chunk, cached by row id (bounded)."""
        cached = self._fingerprints.get(rid)
        if cached is None:
            if len(self._fingerprints) > 20_000:
                self._fingerprints.clear()
            cached = self._fingerprints[rid] = fingerprint(text)
        return cached

    def _result(
        self,
        rank: int,
        score: float,
        rid: int,
        chunk: Chunk,
        highlighter: Highlighter,
        window: int | None,
        counted: tuple[list[str], list[str]] | None = None,
    ) -> Result:
        doc = self.documents.get(chunk.doc_id, {})
        spans = highlighter.spans(chunk.text)
        count = count_span(chunk.text, chunk.lang, *counted) if counted else None
        if count is not None:  # a counting question: mark the count and show its sentence
            spans = merge_spans([*spans, count])
            a, b = best_sentences(chunk.text, [count])
        elif window is not None:
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
