"""Ranking settings tried over one built index, on the dev and check sets:
``python eval/experiments/settings_sweep.py INDEX_DIR '{"kind_weight": 0.05}' '{}' ...``.

Each argument is a JSON object of ``RankingConfig`` settings (changes from the defaults);
prints R@1 / R@5 / MRR@10 of the hybrid method for each. Query-time settings only: the index
is built once.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from search.config import RankingConfig  # noqa: E402
from search.eval import evaluate, load_queries  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def main(argv: list[str]) -> int:
    searcher = Searcher.open(argv[0])
    sets = {f: load_queries(ROOT / f"eval/{f}_queries.jsonl") for f in ("dev", "check")}
    for arg in argv[1:] or ["{}"]:
        searcher.config = RankingConfig.from_dict(json.loads(arg))
        cells = []
        for name, queries in sets.items():
            rep = evaluate(searcher, queries)
            cells.append(f"{name} {rep.recall(1):.2f}/{rep.recall(5):.3f}/{rep.mrr:.3f}")
        print(arg, " ".join(cells), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
