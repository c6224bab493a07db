"""The answers of one checkout to the evaluation queries, for checking that a change leaves
rankings alone::

    PYTHONPATH=CHECKOUT python bench/answers.py INDEX OUT.json

Each of the 90 queries of ``eval/dev_queries.jsonl`` and ``eval/check_queries.jsonl`` is asked
hybrid, hybrid in English only and keyword-only (k=10); every field of every result (rank, score,
snippet, highlights, citation with its formats ...) and the response totals and facets are
written. Two checkouts' files compare byte for byte (same day: citations give the access date).
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

EVAL = Path(__file__).resolve().parents[1] / "eval"
ASKS: tuple[dict[str, str], ...] = ({}, {"lang": "en"}, {"method": "keyword"})


def main(argv: list[str] | None = None) -> int:
    from search.searcher import Searcher

    args = sys.argv[1:] if argv is None else argv
    if len(args) != 2:
        print("usage: python bench/answers.py INDEX OUT.json", file=sys.stderr)
        return 2
    queries = [
        json.loads(line)["q"]
        for name in ("dev_queries.jsonl", "check_queries.jsonl")
        for line in (EVAL / name).read_text("utf-8").splitlines()
        if line.strip()
    ]
    s = Searcher.open(args[0])
    out = []
    for q in queries:
        for ask in ASKS:
            r = s.search(q, k=10, **ask)
            out.append(
                {
                    "q": q,
                    "ask": ask,
                    "total": r.total,
                    "good": r.good,
                    "facets": r.facets,
                    "results": [dataclasses.asdict(x) for x in r.results],
                }
            )
    Path(args[1]).write_text(json.dumps(out, ensure_ascii=False, default=str), "utf-8")
    print(f"{len(out)} searches written to {args[1]}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
