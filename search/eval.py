"""Retrieval evaluation: ``python -m search.eval FILE [--index DIR] [--method M] [--lang L]``.

FILE holds one JSON object per line: ``{"id", "q", "gold": [...]}``. A passage is relevant when,
after NFKC normalization, case folding and removing all whitespace from both, a gold string is a
substring of its text. Reports R@1, R@5 and MRR@10 over the top 10, and the missed ids.
"""

from __future__ import annotations

import argparse
import json
import re
import sys
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

from search.errors import SearchError
from search.searcher import METHODS, Searcher

TOP = 10


def normal(text: str) -> str:
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).casefold())


def is_relevant(text: str, gold: list[str]) -> bool:
    t = normal(text)
    return any(normal(g) in t for g in gold)


def first_hit(texts: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first relevant text, or None."""
    return next((i for i, t in enumerate(texts, start=1) if is_relevant(t, gold)), None)


@dataclass
class Report:
    ranks: dict[str, int | None] = field(default_factory=dict)

    def recall(self, n: int) -> float:
        hits = sum(1 for r in self.ranks.values() if r is not None and r <= n)
        return hits / len(self.ranks) if self.ranks else 0.0

    @property
    def mrr(self) -> float:
        vals = [1 / r if r else 0.0 for r in self.ranks.values()]
        return sum(vals) / len(vals) if vals else 0.0

    def missed(self, n: int = 5) -> list[str]:
        return [q for q, r in self.ranks.items() if r is None or r > n]

    def lines(self) -> list[str]:
        return [
            f"queries: {len(self.ranks)}",
            f"R@1: {self.recall(1):.3f}",
            f"R@5: {self.recall(5):.3f}",
            f"MRR@10: {self.mrr:.3f}",
            f"missed@5: {' '.join(self.missed(5)) or '-'}",
        ]


def load_queries(path: Path) -> list[dict]:
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read query file '{path}': {exc}") from exc
    out = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append({"id": str(item.get("id", no)), "q": item["q"], "gold": list(item["gold"])})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SearchError(f"{path}:{no}: expected a JSON object with 'q' and 'gold'") from None
    return out


def evaluate(searcher: Searcher, queries: list[dict], method: str = "hybrid") -> Report:
    report = Report()
    for item in queries:
        resp = searcher.search(item["q"], k=TOP, method=method)
        report.ranks[item["id"]] = first_hit([r.text for r in resp.results], item["gold"])
    return report


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.eval", description=__doc__.split("\n")[0])
    p.add_argument("file", type=Path, nargs="?", default=Path("eval/dev_queries.jsonl"))
    p.add_argument("--index", default="index")
    p.add_argument("--method", default="hybrid", choices=METHODS)
    p.add_argument("--verbose", action="store_true", help="print each query's rank")
    p.add_argument(
        "--variants",
        action="store_true",
        help="also run each query full-width, traditional, lower-case ... (search/variants.py)",
    )
    args = p.parse_args(argv)
    try:
        queries = load_queries(args.file)
        searcher = Searcher.open(args.index)
        report = evaluate(searcher, queries, args.method)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.variants:
        from search.variants import compare

        print(f"method: {args.method}")
        print(
            "\n".join(
                compare(report.ranks, queries, lambda qs: evaluate(searcher, qs, args.method).ranks)
            )
        )
        return 0
    if args.verbose:
        for q in queries:
            print(f"{q['id']}\t{report.ranks[q['id']]}\t{q['q']}")
    print(f"method: {args.method}")
    print("\n".join(report.lines()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
