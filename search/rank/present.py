"""Presentation (step 7 of docs/ARCHITECTURE.md): the best of a ranking as :class:`Result`
records - near-duplicates collapsed into the passage they repeat, each result with its
snippet, highlights, citation and match label. Only the results shown are formatted. Also the
best passages in the language the query is not written in (``other_language_rows``), shown as
their own short list."""

from __future__ import annotations

from collections.abc import Callable, Collection
from typing import Any

import numpy as np

from search.citation import citation_for
from search.query import Result
from search.rank.analysis import Query
from search.rank.answer import count_span
from search.rank.answer_kind import kind_span
from search.rank.emphasis import Highlighter, SpanFinder
from search.rank.fusion import Ranked
from search.rank.relevance import GOOD, WEAK
from search.rank.snippet import merge_spans, near_duplicate, snippet_window
from search.text.sentences import window_spans
from search.types import Chunk

OTHER_LANGUAGE_K = 3  # passages of the other language shown beside the results


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


def other_language_rows(
    query: Query,
    ranked: Ranked,
    langs: np.ndarray,
    indexed: Collection[str] = ("zh", "en"),
    k: int = OTHER_LANGUAGE_K,
    front: np.ndarray | None = None,
) -> Ranked:
    """The best rows of ``ranked`` (the whole ranking, filters applied, paging ignored) in the
    language the query is not written in (``langs``: each row's language), ``2 k`` of them
    (room for near-duplicates); none when the query asks for one language only or the index
    has no passage in the other (``indexed``: the languages it has). Front matter (``front``:
    cover, contents, masthead, adverts) is left out."""
    other = "en" if query.lang == "zh" else "zh"
    if query.lang_filter is not None or other not in indexed:
        return []
    out: Ranked = []
    for rid, score in ranked:
        if langs[rid] == other and (front is None or not front[rid]):
            out.append((rid, score))
            if len(out) == 2 * k:
                break
    return out


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
    """One result: highlights of the query's marks (and of the answer a counting or when /
    where / who question asks for, when the passage states it), and as snippet the sentences
    holding that answer, else the rarest marked word, nearest the best sentence window of a
    dense hit (search/rank/snippet.py)."""
    text = chunk.text
    hits = highlighter.hits(text)
    answer = count_span(text, chunk.lang, *query.counted) if query.counted else None
    if answer is None and query.kind is not None:
        answer = kind_span(text, chunk.lang, query.kind)
    spans = merge_spans([(h.start, h.end) for h in hits] + ([answer] if answer else []))
    best = None
    if window is not None:
        windows = window_spans(text)
        best = windows[min(max(0, window), len(windows) - 1)]
    a, b = snippet_window(text, hits, best, answer)
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
