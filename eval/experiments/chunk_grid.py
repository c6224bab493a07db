"""Chunk-size grid: ``python eval/experiments/chunk_grid.py [OUT_DIR]``.

Rebuilds the seed index for each setting (about a minute each) and prints the Markdown table
quoted in docs/RETRIEVAL.md.
"""

from __future__ import annotations

import sys
from pathlib import Path

from search.build import build
from search.embed import get_embedder
from search.eval import evaluate, load_queries
from search.ingest.chunk import ChunkSizes
from search.searcher import Searcher

GRID = [(80, 30, True), (120, 30, True), (160, 30, True), (160, 30, False), (160, 60, True),
        (240, 30, True), (240, 60, True)]  # fmt: skip


def main(root: Path) -> None:
    enc = get_embedder("use-m3")
    qs = load_queries(Path("eval/dev_queries.jsonl"))
    print("| max units | min units | heading in chunk vector | passages | dense R@5 "
          "| dense MRR@10 | hybrid R@1 | hybrid R@5 | hybrid MRR@10 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    for mx, mn, head in GRID:
        out = root / f"grid_{mx}_{mn}_{head}"
        s = build([Path("seeds")], out, enc, ChunkSizes(mx, mn), head, incremental=False)
        searcher = Searcher.open(out, enc)
        h, d = evaluate(searcher, qs, "hybrid"), evaluate(searcher, qs, "dense")
        cells = [mx, mn, "yes" if head else "no", s.chunks, f"{d.recall(5):.2f}", f"{d.mrr:.3f}",
                 f"{h.recall(1):.2f}", f"{h.recall(5):.2f}", f"{h.mrr:.3f}"]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + " |", flush=True)


if __name__ == "__main__":
    main(Path(sys.argv[1] if len(sys.argv) > 1 else "/tmp/chunk-grid"))
