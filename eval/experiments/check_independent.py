"""The check set's queries that share no answer passage with a dev query, and their figures:
``python eval/experiments/check_independent.py INDEX_DIR [--method M]``.

A check query is *shared* when a passage relevant to it (relevance rule of eval/README.md) is
also relevant to some dev query; which ones depends on the chunking of the index. Prints the
shared ids, then R@1 / R@5 / MRR@10 of the whole check set and of its independent part.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from search.eval import Report, evaluate, is_relevant, load_queries  # noqa: E402
from search.searcher import Searcher  # noqa: E402


def shared_ids(texts: list[str], dev: list[dict], check: list[dict]) -> list[str]:
    """Ids of the ``check`` queries with a relevant passage that is relevant to a dev query."""

    def relevant(q: dict) -> set[int]:
        return {i for i, t in enumerate(texts) if is_relevant(t, q["gold"])}

    dev_passages = set().union(*(relevant(q) for q in dev))
    return [q["id"] for q in check if relevant(q) & dev_passages]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("index")
    p.add_argument("--method", default="hybrid")
    args = p.parse_args(argv)
    searcher = Searcher.open(args.index)
    texts = [t for (t,) in searcher.store.db.execute("SELECT text FROM chunks ORDER BY id")]
    dev = load_queries(ROOT / "eval/dev_queries.jsonl")
    check = load_queries(ROOT / "eval/check_queries.jsonl")
    shared = shared_ids(texts, dev, check)
    report = evaluate(searcher, check, args.method)
    independent = Report({k: v for k, v in report.ranks.items() if k not in shared})
    print(f"shared with dev ({len(shared)}): {' '.join(shared)}")
    for name, rep in (("check, all", report), ("check, independent", independent)):
        print(
            f"{name}: queries {len(rep.ranks)}  R@1 {rep.recall(1):.3f}  "
            f"R@5 {rep.recall(5):.3f}  MRR@10 {rep.mrr:.3f}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
