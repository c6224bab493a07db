"""Query in process: ``Searcher.search`` over the query mix, split into its stages.

The real ``search`` runs unchanged; its parts are wrapped with timers for the run (and restored):
``encode`` is ``embedder.encode_query``, ``dense`` is ``Searcher.dense`` (chunk + window index
search and exact re-scoring), ``keyword`` is the rest of ``candidates`` (the BM25 lists: body,
identifier, heading and translated, with their term extraction), ``fusion`` is ``fuse`` and
``balance``, ``formatting`` is everything else (checks, language detection, fetching chunks,
near-duplicate collapse, snippets, highlights, citations). The bare figure encodes the same
queries with nothing else running.

The searcher runs as it ships: ``Searcher.open`` puts FAISS on one thread
(``search.store.ann.single_query_threads``), so there is one configuration to measure.
"""

from __future__ import annotations

import contextlib
import os
import time
from collections import defaultdict
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import faiss

import search.searcher as searcher_module
from bench.common import percentiles, profile_top
from search.searcher import Searcher

STAGES = ("encode", "dense", "keyword", "fusion", "formatting")


def _timed(fn: Callable[..., Any], spent: dict[str, float], name: str) -> Callable[..., Any]:
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started

    return wrapper


@contextlib.contextmanager
def instrumented(s: Searcher, spent: dict[str, float]) -> Iterator[None]:
    """Wrap the searcher's stages with timers that add seconds into ``spent``."""
    embedder = s.embedder
    s.embedder.encode_query = _timed(embedder.encode_query, spent, "encode")  # type: ignore[method-assign]
    s.dense = _timed(s.dense, spent, "dense")  # type: ignore[method-assign]
    s.candidates = _timed(s.candidates, spent, "candidates")  # type: ignore[method-assign]
    saved = {name: getattr(searcher_module, name) for name in ("fuse", "balance")}
    for name, fn in saved.items():
        setattr(searcher_module, name, _timed(fn, spent, "fusion"))
    try:
        yield
    finally:
        for name, fn in saved.items():
            setattr(searcher_module, name, fn)
        for obj, name in ((embedder, "encode_query"), (s, "dense"), (s, "candidates")):
            obj.__dict__.pop(name, None)


def one_query(s: Searcher, q: str) -> dict[str, float]:
    """Milliseconds per stage of one ``search(q)`` call."""
    spent: dict[str, float] = defaultdict(float)
    with instrumented(s, spent):
        started = time.perf_counter()
        s.search(q, k=10)
        total = time.perf_counter() - started
    keyword = spent["candidates"] - spent["encode"] - spent["dense"]
    ms = {
        "encode": spent["encode"],
        "dense": spent["dense"],
        "keyword": keyword,
        "fusion": spent["fusion"],
        "formatting": total - spent["candidates"] - spent["fusion"],
        "total": total,
    }
    return {k: v * 1000 for k, v in ms.items()}


def measure(s: Searcher, queries: list[str], passes: int) -> dict[str, Any]:
    for q in queries:  # warm: caches, jieba, SQLite pages
        s.search(q)
    stages: dict[str, list[float]] = defaultdict(list)
    bare: list[float] = []
    for _ in range(passes):
        for q in queries:
            for name, value in one_query(s, q).items():
                stages[name].append(value)
        for q in queries:
            started = time.perf_counter()
            s.embedder.encode_query([q])
            bare.append((time.perf_counter() - started) * 1000)
    out = {name: percentiles(values) for name, values in stages.items()}
    out["bare_encode"] = percentiles(bare)
    out["ratio_p50"] = out["total"]["p50"] / out["bare_encode"]["p50"]
    return out


def run(index: Path, queries: list[str], passes: int, profile: bool = False) -> dict[str, Any]:
    default_threads = faiss.omp_get_max_threads()
    s = Searcher.open(index)  # sets FAISS to one thread, as in a server worker
    try:
        result: dict[str, Any] = {"queries": len(queries), "passes": passes}
        result["shipped"] = measure(s, queries, passes)
        if profile:
            result["profile"] = profile_top(lambda: [s.search(q) for q in queries * passes], 14)
    finally:
        faiss.omp_set_num_threads(default_threads or os.cpu_count() or 1)
        s.store.close()
    return result


__all__ = ["STAGES", "run"]
