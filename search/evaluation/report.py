"""Running a query set against a searcher: the ranks, the run, and what a results file holds."""

from __future__ import annotations

import copy
from dataclasses import asdict, dataclass, field
from typing import Any

from search.config import RankingConfig
from search.evaluation.relevance import TOP, first_hit
from search.evaluation.runs import Run
from search.evaluation.settings import changes
from search.evaluation.snippets import snippet_counts
from search.evaluation.stats import METRICS, compare, summary
from search.searcher import Searcher


@dataclass
class Report:
    """The rank of the first relevant passage of each query (None: not in the top 10)."""

    ranks: dict[str, int | None] = field(default_factory=dict)
    snippets: tuple[int, int, int] = (0, 0, 0)  # snippet_counts: explained, marked, results

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
            self.snippet_line(),
        ]

    def snippet_line(self) -> str:
        hit, marked, n = self.snippets
        share = f"{self.snippet_share:.0%} ({hit}/{n}"
        return f"snippets explained: {share}; {marked} results have a marked word)"

    @property
    def snippet_share(self) -> float:
        """Share of the results whose snippet holds a marked query word or translation."""
        hit, _, n = self.snippets
        return hit / n if n else 0.0


def with_ranking(searcher: Searcher, config: RankingConfig) -> Searcher:
    """The same opened index ranking with ``config`` (nothing is loaded twice)."""
    variant = copy.copy(searcher)
    variant.config = config
    return variant


def run_queries(
    searcher: Searcher, queries: list[dict], method: str = "hybrid", tag: str = "run"
) -> tuple[Report, Run]:
    """Search each query (top 10): the rank of its first relevant passage, and the run."""
    report, run = Report(), Run(tag)
    counts = [0, 0, 0]
    for item in queries:
        resp = searcher.search(item["q"], k=TOP, method=method)
        report.ranks[item["id"]] = first_hit([r.text for r in resp.results], item["gold"])
        run.ranked[item["id"]] = [(r.chunk_id, float(r.score)) for r in resp.results]
        counts = [a + b for a, b in zip(counts, snippet_counts(resp.results), strict=True)]
    report.snippets = (counts[0], counts[1], counts[2])
    return report, run


def evaluate(searcher: Searcher, queries: list[dict], method: str = "hybrid") -> Report:
    return run_queries(searcher, queries, method)[0]


def setting(method: str, config: RankingConfig) -> dict[str, Any]:
    return {"method": method, "ranking": asdict(config), "changed": changes(config)}


def describe(s: dict[str, Any]) -> str:
    """``hybrid`` or ``hybrid, count_weight=0`` (the settings that differ from the defaults)."""
    return ", ".join([s["method"], *(f"{k}={v}" for k, v in s["changed"].items())])


def results(
    report: Report, settings: dict[str, Any], shared: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """What a results file holds for one setting: per-query ranks and the summary figures
    (over every query, and over the queries that share no answer with the other set)."""
    out: dict[str, Any] = {**settings, "ranks": report.ranks, "metrics": summary(report.ranks)}
    out["snippets_explained"] = round(report.snippet_share, 4)
    if shared is not None:
        independent = [q for q in report.ranks if q not in shared]
        out["independent_metrics"] = summary(report.ranks, independent)
    return out


def differences(a: dict[str, Any], b: dict[str, Any], ids: list[str]) -> list[dict[str, Any]]:
    return [asdict(d) for d in compare(a["ranks"], b["ranks"], ids)]


__all__ = ["METRICS", "Report", "evaluate", "run_queries", "with_ranking"]
