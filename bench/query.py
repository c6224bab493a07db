"""Query in process: ``Searcher.search`` over the query mix, split into its stages.

The real ``search`` runs unchanged; its stages are wrapped with timers for the run (and
restored): ``analyse`` (language, words, stems, identifiers, dictionary translations, counting
target: once), ``encode`` (``embedder.encode_query``; inside the dense stage), ``dense`` (chunk +
window vector search and exact re-scoring, less the encoding), ``keyword`` (the BM25 lists),
``fusion`` (fuse, smooth, count lift, balance), ``fetch`` (chunk rows read from the store),
``present`` (near-duplicates, snippets, highlights, citations), ``other`` (validation and the
rest). The bare figure encodes the same queries with nothing else running.

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

import search.rank.candidates as candidates_module
import search.searcher as searcher_module
from bench.common import percentiles, profile_top
from search.searcher import Searcher

STAGES = ("analyse", "encode", "dense", "keyword", "fusion", "fetch", "present", "other")


def timed(
    fn: Callable[..., Any],
    spent: dict[str, float],
    name: str,
    calls: dict[str, int] | None = None,
) -> Callable[..., Any]:
    """``fn`` adding its seconds to ``spent[name]`` (and counting its calls in ``calls``)."""

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return fn(*args, **kwargs)
        finally:
            spent[name] += time.perf_counter() - started
            if calls is not None:
                calls[name] += 1

    return wrapper


@contextlib.contextmanager
def instrumented(s: Searcher, spent: dict[str, float]) -> Iterator[None]:
    """Wrap the searcher's stages (``search/searcher.py``) with timers adding seconds to
    ``spent``; ``gather`` includes ``dense`` and the keyword lists."""
    patches: list[tuple[Any, str, str]] = [
        (s, "analyse", "analyse"),
        (s.embedder, "encode_query", "encode"),
        (s, "chunks", "fetch"),
        (candidates_module, "dense", "dense"),
        (searcher_module, "gather", "gather"),
        (searcher_module, "present", "present"),
    ] + [(searcher_module, n, "fusion") for n in ("fuse", "smooth", "lift_counts", "balance")]
    saved = [(obj, attr, getattr(obj, attr)) for obj, attr, _ in patches]
    for obj, attr, stage in patches:
        setattr(obj, attr, timed(getattr(obj, attr), spent, stage))
    encode, gather = s.embedder.encode_query, searcher_module.gather
    inside: list[bool] = []

    def gathering(*args: Any, **kwargs: Any) -> Any:  # the query may be encoded in there
        inside.append(True)
        try:
            return gather(*args, **kwargs)
        finally:
            inside.pop()

    def encoding(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return encode(*args, **kwargs)
        finally:
            if inside:
                spent["encode in gather"] += time.perf_counter() - started

    s.embedder.encode_query, searcher_module.gather = encoding, gathering
    try:
        yield
    finally:
        for obj, attr, fn in saved:
            setattr(obj, attr, fn)


def one_query(s: Searcher, q: str) -> dict[str, float]:
    """Milliseconds per stage of one ``search(q)`` call."""
    spent: dict[str, float] = defaultdict(float)
    with instrumented(s, spent):
        started = time.perf_counter()
        s.search(q, k=10)
        total = time.perf_counter() - started
    ms = {name: spent[name] for name in STAGES if name != "other"}
    ms["keyword"] = spent["gather"] - spent["dense"] - spent["encode in gather"]
    ms["other"] = total - sum(ms.values())
    ms["total"] = total
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
