"""Ranking steps as pure functions: fusion of candidate lists, per-language calibration."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

Ranked = list[tuple[int, float]]  # (row id, score), best first


def rrf(lists: Sequence[tuple[Ranked, float]], k: int = 60) -> Ranked:
    """Weighted reciprocal rank fusion of ``(ranked list, weight)`` pairs.

    Ties are broken by row id so a ranking never changes between runs.
    """
    scores: dict[int, float] = {}
    for ranked, weight in lists:
        for rank, (rid, _) in enumerate(ranked, start=1):
            scores[rid] = scores.get(rid, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def zscores(ranked: Ranked) -> Ranked:
    """Standardize the scores of one candidate pool (mean 0, unit spread)."""
    if not ranked:
        return []
    s = np.array([x for _, x in ranked], dtype=np.float64)
    sd = float(s.std()) or 1.0
    mean = float(s.mean())
    return [(rid, (x - mean) / sd) for rid, x in ranked]


def merge_by_score(pools: Sequence[Ranked]) -> Ranked:
    """Merge several pools whose scores are on one scale, keeping each id's best score."""
    best: dict[int, float] = {}
    for pool in pools:
        for rid, score in pool:
            if rid not in best or score > best[rid]:
                best[rid] = score
    return sorted(best.items(), key=lambda kv: (-kv[1], kv[0]))
