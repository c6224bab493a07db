"""What a deep page costs: ``python -m bench.depth [--index DIR]`` times ``Searcher.search``
at growing ``offset + k`` over a few queries and prints, per depth, the median time, its ratio
to a first page and the rate-limit tokens the server charges for it (``web.query.search_cost``),
the figures behind the pricing in docs/RELIABILITY.md."""

from __future__ import annotations

import argparse
import statistics
import time

from search.searcher import Searcher
from web.query import search_cost

QUERIES = ("standards", "ESG standards in China", "碳达峰 标准", "carbon capture")
PAGES = ((0, 10), (0, 50), (100, 50), (200, 50), (300, 50), (500, 50))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m bench.depth", description=__doc__)
    p.add_argument("--index", default="index", help="index folder or postgresql:// URL")
    p.add_argument("--runs", type=int, default=2, help="repeats of each query (default 2)")
    args = p.parse_args(argv)
    searcher = Searcher.open(args.index)
    for q in QUERIES:
        searcher.search(q)  # warm
    print("| offset | k | median ms | x first page | tokens charged |\n|---|---|---|---|---|")
    first = 0.0
    for offset, k in PAGES:
        times = []
        for q in QUERIES * args.runs:
            start = time.perf_counter()
            searcher.search(q, k=k, offset=offset)
            times.append((time.perf_counter() - start) * 1000)
        median = statistics.median(times)
        first = first or median
        cost = search_cost({"offset": str(offset), "k": str(k)})
        print(f"| {offset} | {k} | {median:.0f} | {median / first:.0f} | {cost:.0f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
