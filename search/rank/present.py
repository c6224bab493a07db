"""Stage 3, presentation: the best of a ranking as :class:`Result` records - near-duplicates
collapsed into the passage they repeat, each result with its snippet, highlights, citation and
match label. Only the results shown are formatted."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from search.citation import citation_for
from search.query import Result
from search.rank.analysis import Query
from search.rank.answer import count_span
from search.rank.emphasis import SpanFinder
from search.rank.fusion import Ranked
from search.rank.relevance import GOOD, WEAK
from search.rank.snippet import Highlighter, best_sentences, merge_spans, near_duplicate
from search.text.sentences import window_spans
from search.types import Chunk


def present(
    query: Query,
    ranked: Ranked,
    chunks: dict[int, Chunk],
    windows: dict[int, int],
    documents: dict[str, dict[str, Any]],
    fingerprint: Callable[[int, str], frozenset[str]],
    highlighter: SpanFinder | None = None,
    good: np.ndarray | None = None,
    root: str = "",
) -> list[Result]:
    """The top ``query.offset + query.k`` of ``ranked`` (whose passages are in ``chunks``) as
    results, ranks from 1 (the caller drops the first ``offset``).

    ``windows`` gives a dense hit's best sentence window (its number within the chunk), used as
    the snippet when no counted number is shown; ``fingerprint(row id, text)`` gives a passage's
    shingles for near-duplicate detection; ``highlighter`` marks the query's words (default:
    all of its marks); ``good`` labels each row a good or a weak match (default: all good);
    citations link to the site ``root`` (default: relative links)."""
    highlighter = highlighter or Highlighter(query.marks)
    wanted = query.offset + query.k
    results: list[Result] = []
    kept: list[frozenset[str]] = []
    for rid, score in ranked:
        chunk = chunks.get(rid)
        if chunk is None:
            continue
        shingles = fingerprint(rid, chunk.text)
        dup = next((i for i, f in enumerate(kept) if near_duplicate(shingles, f)), None)
        if dup is not None:
            results[dup].duplicates.append(chunk.chunk_id)
            continue
        if len(results) == wanted:
            break
        kept.append(shingles)
        doc = documents.get(chunk.doc_id, {})
        item = result(
            len(results) + 1, score, chunk, doc, query, highlighter, windows.get(rid), root
        )
        item.match = GOOD if good is None or good[rid] else WEAK
        results.append(item)
    return results


def result(
    rank: int,
    score: float,
    chunk: Chunk,
    doc: dict[str, Any],
    query: Query,
    highlighter: SpanFinder,
    window: int | None,
    root: str = "",
) -> Result:
    """One result: highlights of the query's marks, and as snippet the sentence stating a
    counted number, else the best sentence window, else the sentences with most highlights."""
    spans = highlighter.spans(chunk.text)
    count = count_span(chunk.text, chunk.lang, *query.counted) if query.counted else None
    if count is not None:
        spans = merge_spans([*spans, count])
        a, b = best_sentences(chunk.text, [count])
    elif window is not None:
        spans_w = window_spans(chunk.text)
        a, b = spans_w[min(max(0, window), len(spans_w) - 1)]
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
        citation=citation_for(chunk, doc, root),
        heading=chunk.heading,
    )
