"""Per-query metrics and paired significance for two runs over the same queries (pure numpy).

With fifty queries one query moves R@k by 0.02; a difference between two settings is only
worth quoting with its uncertainty. Both tests resample the per-query differences:

- a paired bootstrap (``BOOTSTRAP`` resamples of the queries) gives a 95 % interval for the
  mean difference;
- a paired randomisation test (``PERMUTATIONS`` random sign flips of the differences, which is
  what "no difference" would allow) gives a two-sided p-value.

Seeds are fixed, so the same runs always give the same figures.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np

METRICS = ("R@1", "R@5", "MRR@10")
BOOTSTRAP = 10_000
PERMUTATIONS = 10_000
SEED = 20261130

Rank = int | None


def per_query(rank: Rank, metric: str) -> float:
    """One query's value of ``metric`` given the rank of its first relevant passage."""
    if metric == "MRR@10":
        return 1.0 / rank if rank and rank <= 10 else 0.0
    cutoff = int(metric.removeprefix("R@"))
    return 1.0 if rank and rank <= cutoff else 0.0


def scores(ranks: Mapping[str, Rank], metric: str, ids: list[str]) -> np.ndarray:
    return np.array([per_query(ranks[q], metric) for q in ids], dtype=np.float64)


def summary(ranks: Mapping[str, Rank], ids: list[str] | None = None) -> dict[str, float]:
    """R@1, R@5 and MRR@10 over ``ids`` (default: every query)."""
    ids = list(ranks) if ids is None else ids
    return {m: float(scores(ranks, m, ids).mean()) if ids else 0.0 for m in METRICS}


@dataclass(frozen=True)
class Difference:
    """B minus A for one metric: the mean, its 95 % bootstrap interval and the p-value."""

    metric: str
    a: float
    b: float
    delta: float
    low: float
    high: float
    p: float

    def row(self) -> list[str]:
        return [
            self.metric,
            f"{self.a:.3f}",
            f"{self.b:.3f}",
            f"{self.delta:+.3f}",
            f"[{self.low:+.3f}, {self.high:+.3f}]",
            "< 0.01" if self.p < 0.01 else f"{self.p:.2f}",
        ]


def paired(a: np.ndarray, b: np.ndarray, metric: str = "") -> Difference:
    """Paired bootstrap interval and randomisation p-value of ``mean(b - a)``."""
    if a.shape != b.shape or not len(a):
        raise ValueError("paired runs need the same, non-empty list of queries")
    d = b - a
    rng = np.random.default_rng(SEED)
    picks = rng.integers(0, len(d), size=(BOOTSTRAP, len(d)))
    means = d[picks].mean(axis=1)
    low, high = np.percentile(means, [2.5, 97.5])
    observed = abs(d.mean())
    signs = rng.choice(np.array([-1.0, 1.0]), size=(PERMUTATIONS, len(d)))
    flipped = np.abs((signs * d).mean(axis=1))
    p = (np.count_nonzero(flipped >= observed - 1e-12) + 1) / (PERMUTATIONS + 1)
    return Difference(metric, float(a.mean()), float(b.mean()), float(d.mean()), low, high, p)


def compare(
    a: Mapping[str, Rank], b: Mapping[str, Rank], ids: list[str] | None = None
) -> list[Difference]:
    """Each metric's paired difference B - A over ``ids`` (default: the queries of A)."""
    ids = list(a) if ids is None else ids
    missing = [q for q in ids if q not in b]
    if missing:
        raise ValueError(f"the second run lacks queries {missing[:5]}")
    return [paired(scores(a, m, ids), scores(b, m, ids), m) for m in METRICS]


def changed(a: Mapping[str, Rank], b: Mapping[str, Rank]) -> list[str]:
    """``id rank→rank`` for each query whose first relevant rank differs (- for none)."""

    def show(r: Rank) -> str:
        return str(r) if r else "-"

    return [f"{q} {show(a[q])}→{show(b[q])}" for q in a if q in b and a[q] != b[q]]
