"""Where a search's time goes, step by step: the query mix searched with timers around the
functions of the query path (inclusive time, so a step's time holds the steps it calls)::

    python bench/hotspots.py INDEX [--passes 3]

prints, per search, the mean milliseconds and calls of each timed function, largest first,
and the mean and p50 of the whole search. It complements ``bench/query.py``'s stage split
with the functions inside the stages; the timers add a little time of their own.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np

# (module, function) wrapped where the query path looks them up
TIMED = {
    "search.searcher": [
        "gather",
        "fuse",
        "smooth",
        "lift_counts",
        "facets",
        "present",
        "other_language_rows",
    ],
    "search.rank.candidates": ["dense", "keyword_lists", "word_coverage", "held_terms"],
    "search.rank.present": ["result", "near_duplicate", "snippet_window", "citation_for"],
}
METHODS = ["analyse", "judge", "balance", "chunks", "highlighter"]  # of the Searcher


def run(index: Path, passes: int) -> list[str]:
    from bench.common import query_mix
    from bench.query import timed
    from search.searcher import Searcher

    queries = query_mix("full")
    searcher = Searcher.open(index)
    for q in queries:  # warm: caches, jieba, SQLite pages
        searcher.search(q)
    spent: dict[str, float] = defaultdict(float)
    calls: dict[str, int] = defaultdict(int)
    targets: list[tuple[Any, str]] = [
        (importlib.import_module(module), name) for module, names in TIMED.items() for name in names
    ]
    targets += [(searcher, name) for name in METHODS] + [(searcher.embedder, "encode_query")]
    saved = [(obj, name, getattr(obj, name)) for obj, name in targets]
    for obj, name, fn in saved:
        setattr(obj, name, timed(fn, spent, name, calls))
    totals = []
    try:
        for _ in range(passes):
            for q in queries:
                started = time.perf_counter()
                searcher.search(q)
                totals.append(time.perf_counter() - started)
    finally:  # the functions as they were
        for obj, name, fn in saved:
            setattr(obj, name, fn)
        searcher.store.close()
    n = len(totals)
    lines = [
        f"{n} searches; whole search mean {np.mean(totals) * 1000:.3f} ms, "
        f"p50 {np.median(totals) * 1000:.3f} ms",
        "| function | ms per search | calls per search |",
        "|---|---|---|",
    ]
    for name in sorted(spent, key=lambda k: -spent[k]):
        lines.append(f"| {name} | {spent[name] / n * 1000:.3f} | {calls[name] / n:.1f} |")
    return lines


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python bench/hotspots.py", description=__doc__.split("\n")[0])
    p.add_argument("index", type=Path)
    p.add_argument("--passes", type=int, default=3, help="times the query mix is searched")
    args = p.parse_args(argv)
    if args.passes < 1:
        p.error("--passes must be at least 1")
    print("\n".join(run(args.index, args.passes)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
