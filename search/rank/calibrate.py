"""Measure the good-match thresholds and report what they hide and what they refuse.

``python -m search.rank.calibrate [--index DIR] [--write]``

For each method, searches the development queries with no threshold and takes the lowest score
and the lowest query coverage of an answer at rank <= 5; the threshold is that score x
``SCORE_MARGIN`` and that coverage x ``COVERAGE_MARGIN``. It then searches again with the
thresholds in force and reports, on the development (and check) queries, how many answers at
rank <= 5 are labelled weak, and on the out-of-corpus queries how many get no good answer.
``--write`` records the thresholds in ``search/rank/thresholds.json`` under the index's encoder.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path

from search.errors import SearchError
from search.eval import first_hit, load_queries
from search.rank.relevance import GOOD, THRESHOLDS_FILE, Threshold, load_table
from search.searcher import METHODS, Searcher

SCORE_MARGIN = 0.9
COVERAGE_MARGIN = 0.8
DEPTH = 5


def _floor(x: float) -> float:
    return math.floor(x * 100) / 100


def load_plain(path: Path) -> list[dict]:
    """Queries without gold answers (one ``{"id", "q"}`` object per line)."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [{"id": str(r.get("id", i)), "q": r["q"]} for i, r in enumerate(rows, start=1)]


def measure(searcher: Searcher, queries: list[dict], method: str) -> Threshold:
    """The threshold that keeps every answer at rank <= DEPTH of ``queries`` good."""
    searcher.thresholds[method] = Threshold(None, 0.0)
    scores, coverages = [], []
    for item in queries:
        resp = searcher.search(item["q"], k=10, method=method)
        hit = first_hit([r.text for r in resp.results], item["gold"])
        if hit is not None and hit <= DEPTH:
            scores.append(resp.results[hit - 1].score)
            coverages.append(searcher.coverage(item["q"]))
    del searcher.thresholds[method]
    if not scores:
        return Threshold(None, 0.0)
    return Threshold(_floor(min(scores) * SCORE_MARGIN), _floor(min(coverages) * COVERAGE_MARGIN))


def hidden(searcher: Searcher, queries: list[dict], method: str) -> tuple[int, int, list[str]]:
    """(answers at rank <= DEPTH, of those labelled weak, ids of the weak ones)."""
    shown, weak = 0, []
    for item in queries:
        resp = searcher.search(item["q"], k=10, method=method)
        hit = first_hit([r.text for r in resp.results], item["gold"])
        if hit is not None and hit <= DEPTH:
            shown += 1
            if resp.results[hit - 1].match != GOOD:
                weak.append(item["id"])
    return shown, len(weak), weak


def refused(searcher: Searcher, queries: list[dict], method: str) -> tuple[int, list[str]]:
    """(queries with no good answer, ids of those that still got one)."""
    answered = [q["id"] for q in queries if searcher.search(q["q"], k=10, method=method).good]
    return len(queries) - len(answered), answered


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.rank.calibrate", description=__doc__)
    p.add_argument("--index", default="index")
    p.add_argument("--dev", type=Path, default=Path("eval/dev_queries.jsonl"))
    p.add_argument("--check", type=Path, default=Path("eval/check_queries.jsonl"))
    p.add_argument("--out-of-corpus", type=Path, default=Path("eval/out_of_corpus.jsonl"))
    p.add_argument("--method", action="append", choices=METHODS)
    p.add_argument("--write", action="store_true", help="record the thresholds measured")
    args = p.parse_args(argv)
    try:
        searcher = Searcher.open(args.index)
        dev, check = load_queries(args.dev), load_queries(args.check)
        outside = load_plain(args.out_of_corpus)
    except (SearchError, OSError, ValueError, KeyError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    encoder = searcher.embedder.name
    measured = {m: measure(searcher, dev, m) for m in args.method or METHODS}
    print(f"encoder: {encoder}; answers counted at rank <= {DEPTH}")
    for method, t in measured.items():
        searcher.thresholds[method] = t
        d_shown, d_weak, d_ids = hidden(searcher, dev, method)
        c_shown, c_weak, c_ids = hidden(searcher, check, method)
        n_refused, answered = refused(searcher, outside, method)
        share = n_refused / len(outside) if outside else 0.0
        print(
            f"{method}: score >= {t.score}, coverage >= {t.coverage} | "
            f"dev answers hidden {d_weak}/{d_shown} {' '.join(d_ids)} | "
            f"check answers hidden {c_weak}/{c_shown} {' '.join(c_ids)} | "
            f"out-of-corpus 'no good answer' {n_refused}/{len(outside)} ({share:.0%})"
            + (f", answered: {' '.join(answered)}" if answered else "")
        )
    if args.write:
        table = json.loads(THRESHOLDS_FILE.read_text(encoding="utf-8"))
        table[encoder] = {
            m: {"score": t.score, "coverage": t.coverage} for m, t in measured.items()
        }
        THRESHOLDS_FILE.write_text(json.dumps(table, indent=2) + "\n", encoding="utf-8")
        load_table.cache_clear()
        print(f"written: {THRESHOLDS_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
