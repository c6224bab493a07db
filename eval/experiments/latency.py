"""In-process query latency over the dev and check queries:
``python eval/experiments/latency.py INDEX_DIR [--rounds 3]``.

Ten warm-up queries, then every query ``--rounds`` times; prints p50 and p95 in milliseconds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from search.eval import load_queries  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("index")
    p.add_argument("--rounds", type=int, default=3)
    args = p.parse_args(argv)
    searcher = Searcher.open(args.index)
    queries = [
        q["q"] for f in ("dev", "check") for q in load_queries(ROOT / f"eval/{f}_queries.jsonl")
    ]
    for q in queries[:10]:
        searcher.search(q)
    took = []
    for _ in range(args.rounds):
        for q in queries:
            start = time.perf_counter()
            searcher.search(q)
            took.append((time.perf_counter() - start) * 1000)
    took.sort()
    p50, p95 = took[len(took) // 2], took[int(len(took) * 0.95)]
    print(f"queries {len(took)}  p50 {p50:.2f} ms  p95 {p95:.2f} ms")
    return 0


if __name__ == "__main__":
    sys.exit(main())
