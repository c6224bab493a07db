"""The good/weak cut of one index, measured on the index itself without any gold answer.

``python -m search.rank.calibrate [--index LOCATION] [--dry-run]``

Questions the index almost surely cannot answer (``offtopic.jsonl`` beside this module: 48
English and 48 Chinese everyday questions, cooking, sport, nature, history ...) are searched
with each method; the best result of each gives one score an unanswerable question reaches on
this index. The cut is the ``good_quantile`` (ranking setting, 0.9) of those scores: on this
index, that share of such questions gets no good answer. A question whose best passage holds
every one of its terms is left out (the index may answer it). The coverage cut (the share of a
query's terms the index must know, itself or by a translation) is ``good_coverage`` (0.25).

``python build_index.py`` runs this on every generation it writes and stores the cut in the
index's manifest (``"relevance"``); this command re-derives it for an index built before, or
after a change of ranking settings; ``python -m search check`` reports it.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from search.config import DEFAULT_RANKING
from search.errors import SearchError
from search.rank.relevance import Threshold, holds_all

if TYPE_CHECKING:
    from search.searcher import Searcher

OFFTOPIC_FILE = Path(__file__).with_name("offtopic.jsonl")
METHODS = ("hybrid", "dense", "keyword")


def offtopic(path: Path = OFFTOPIC_FILE) -> list[str]:
    lines = path.read_text(encoding="utf-8").splitlines()
    return [json.loads(line)["q"] for line in lines if line.strip()]


def best_scores(searcher: Searcher, questions: list[str], method: str) -> list[float]:
    """The best result's score of each question that has one and is not plainly answered
    (its best passage holding every term of the question)."""
    saved = searcher.thresholds.get(method)
    searcher.thresholds[method] = Threshold(None, 0.0)
    try:
        out = []
        for q in questions:
            query = searcher.analyse(q, 1, None, method)
            ranked = searcher.rank(query)[0]
            if not ranked:
                continue
            rid, score = ranked[0]
            held = searcher.passages([rid]).get(rid)
            if held is not None and holds_all(query.terms, held):
                continue
            out.append(score)
        return out
    finally:
        if saved is None:
            del searcher.thresholds[method]
        else:
            searcher.thresholds[method] = saved


def measure(searcher: Searcher, questions: list[str] | None = None) -> dict[str, Any]:
    """The cut of each method on ``searcher``'s index, as the manifest records it."""
    questions = offtopic() if questions is None else questions
    quantile, coverage = searcher.config.good_quantile, searcher.config.good_coverage
    out: dict[str, Any] = {}
    for method in METHODS:
        scores = best_scores(searcher, questions, method)
        cut = float(np.quantile(scores, min(quantile, 1.0))) if len(scores) >= 10 else None
        out[method] = {
            "score": None if cut is None else math.ceil(cut * 10_000) / 10_000,
            "coverage": coverage,
            "questions": len(scores),
        }
    out["_about"] = (
        f"score: the {quantile:.0%} quantile of the best scores of off-topic questions "
        "(search/rank/offtopic.jsonl) on this index; python -m search.rank.calibrate"
    )
    return out


def thresholds(manifest: dict[str, Any]) -> dict[str, Threshold]:
    """The cuts a manifest records, by method (empty for an index never calibrated)."""
    table = manifest.get("relevance") or {}
    out = {}
    for method in METHODS:
        entry = table.get(method)
        if isinstance(entry, dict):
            score = entry.get("score")
            cut = None if score is None else float(score)
            coverage = entry.get("coverage", DEFAULT_RANKING.good_coverage)
            out[method] = Threshold(cut, float(coverage))
    return out


def describe(manifest: dict[str, Any]) -> str:
    """One line for ``python -m search check``."""
    table = thresholds(manifest)
    if not table:
        return "relevance cut: not calibrated (run python -m search.rank.calibrate)"
    parts = [f"{m} score >= {t.score}" for m, t in table.items()]
    coverage = next(iter(table.values())).coverage
    return f"relevance cut: {', '.join(parts)}; query coverage >= {coverage}"


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.rank.calibrate", description=__doc__)
    p.add_argument("--index", default="index", help="index folder or postgresql:// URL")
    p.add_argument("--dry-run", action="store_true", help="report the cut; store nothing")
    args = p.parse_args(argv)
    try:
        from search.searcher import Searcher

        searcher = Searcher.open(args.index)
        cut = measure(searcher)
        for method in METHODS:
            entry = cut[method]
            print(f"{method}: score >= {entry['score']} ({entry['questions']} questions)")
        if not args.dry_run:
            searcher.store.set_relevance(cut)
            print(f"stored in the index at {searcher.store.location}")
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main())
