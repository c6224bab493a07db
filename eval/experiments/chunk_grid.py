"""Chunk-size grid: ``python eval/experiments/chunk_grid.py [OUT_DIR] [--save F]``.

Rebuilds the seed index for each setting (about a minute each) and prints a Markdown table;
``--save`` writes the per-query ranks, from which ``python -m search.eval --write-docs`` renders
the chunk-size table of docs/RETRIEVAL.md.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from search.build import build
from search.embed import get_embedder
from search.eval import evaluate, load_queries
from search.ingest.chunk import ChunkSizes
from search.searcher import Searcher

GRID = [(80, 30, True), (120, 30, True), (160, 30, True), (160, 30, False), (160, 60, True),
        (240, 30, True), (240, 60, True)]  # fmt: skip


def main(root: Path, save: Path | None = None) -> None:
    enc = get_embedder("use-m3")
    qs = load_queries(Path("eval/dev_queries.jsonl"))
    print("| max units | min units | heading in chunk vector | passages | dense R@5 "
          "| dense MRR@10 | hybrid R@1 | hybrid R@5 | hybrid MRR@10 |")  # fmt: skip
    print("|---|---|---|---|---|---|---|---|---|")
    rows = []
    for mx, mn, head in GRID:
        out = root / f"grid_{mx}_{mn}_{head}"
        s = build([Path("seeds")], out, enc, ChunkSizes(mx, mn), head, incremental=False)
        searcher = Searcher.open(out, enc)
        h, d = evaluate(searcher, qs, "hybrid"), evaluate(searcher, qs, "dense")
        cells = [mx, mn, "yes" if head else "no", s.chunks, f"{d.recall(5):.2f}", f"{d.mrr:.3f}",
                 f"{h.recall(1):.2f}", f"{h.recall(5):.2f}", f"{h.mrr:.3f}"]  # fmt: skip
        print("| " + " | ".join(map(str, cells)) + " |", flush=True)
        setting = {"max_units": mx, "min_units": mn, "heading": head, "passages": s.chunks}
        rows.append({**setting, "dense": d.ranks, "hybrid": h.ranks})
    if save:
        command = " ".join(["python eval/experiments/chunk_grid.py", *sys.argv[1:]])
        out = {"command": command, "queries": "eval/dev_queries.jsonl", "rows": rows}
        save.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("out", nargs="?", type=Path, default=Path("/tmp/chunk-grid"))
    p.add_argument("--save", type=Path, help="write the per-query ranks here")
    args = p.parse_args()
    main(args.out, args.save)
