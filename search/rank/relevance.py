"""Honest relevance: which results are good matches, and when a query has no good answer.

A result is a *good* match when its fused score reaches the threshold measured for the index's
encoder and the search method, and the query is mostly about things the index knows: at least
``coverage`` of the query's terms occur in the index vocabulary (directly or through a
dictionary translation). The thresholds live in ``thresholds.json`` beside this file, written
by ``python -m search.rank.calibrate --write`` (see its report for the figures).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

THRESHOLDS_FILE = Path(__file__).with_name("thresholds.json")
GOOD, WEAK = "good", "weak"


@dataclass(frozen=True)
class Threshold:
    """The lowest fused score of a good match (None: not calibrated, every score passes) and
    the lowest share of the query's terms the index must know."""

    score: float | None = None
    coverage: float = 0.0

    def label(self, score: float, coverage: float) -> str:
        """``"good"`` or ``"weak"`` for a result with ``score`` of a query with ``coverage``."""
        if coverage < self.coverage:
            return WEAK
        return GOOD if self.score is None or score >= self.score else WEAK


@lru_cache(maxsize=4)
def load_table(path: Path = THRESHOLDS_FILE) -> dict[str, dict[str, dict[str, float]]]:
    """``{encoder: {method: {"score": s, "coverage": c}}}`` (keys starting "_" are notes)."""
    data = json.loads(path.read_text(encoding="utf-8"))
    return {k: v for k, v in data.items() if not k.startswith("_")}


def threshold_for(encoder: str, method: str, table: dict | None = None) -> Threshold:
    """The calibrated threshold of ``encoder`` and ``method``; an encoder never calibrated
    gets no score threshold (only the coverage rule of the default entry applies)."""
    table = load_table() if table is None else table
    entry = table.get(encoder, {}).get(method)
    if entry is None:
        fallback = table.get("*", {}).get(method, {})
        return Threshold(None, float(fallback.get("coverage", 0.0)))
    score = entry.get("score")
    return Threshold(None if score is None else float(score), float(entry.get("coverage", 0.0)))


def query_coverage(
    query_terms: Iterable[str],
    known: Callable[[str], bool],
    translate: Callable[[str], list[str]],
) -> float:
    """Share of the distinct ``query_terms`` the index knows, itself or by a translation
    (``translate(term)`` lists the known translations). 0.0 for a query without terms."""
    distinct = list(dict.fromkeys(query_terms))
    if not distinct:
        return 0.0
    found = sum(1 for t in distinct if known(t) or translate(t))
    return found / len(distinct)


def good_count(labels: Iterable[str]) -> int:
    return sum(1 for m in labels if m == GOOD)
