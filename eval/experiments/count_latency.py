"""Latency of the counting-question check: ``python eval/experiments/count_latency.py [INDEX]``.

In-process p50 over the dev queries (all, and the counting questions alone) with the check on
and off; each figure is the median of 5 runs.
"""

import statistics
import sys
import time
from pathlib import Path

from search.config import RankingConfig
from search.eval import load_queries
from search.rank.answer import counted_words
from search.searcher import Searcher

s = Searcher.open(sys.argv[1] if len(sys.argv) > 1 else "index")
qs = [q["q"] for q in load_queries(Path("eval/dev_queries.jsonl"))]
counting = [q for q in qs if counted_words(q)]
for name, cfg in [("count on", RankingConfig()), ("count off", RankingConfig(count_weight=0))]:
    s.config = cfg
    for label, group in [("counting", counting), ("all", qs)]:
        meds = []
        for _ in range(5):
            ts = []
            for q in group:
                t = time.perf_counter()
                s.search(q)
                ts.append((time.perf_counter() - t) * 1000)
            meds.append(statistics.median(ts))
        print(
            name,
            label,
            len(group),
            "p50 ms (median of 5 runs):",
            round(statistics.median(meds), 2),
            [round(m, 2) for m in meds],
        )
