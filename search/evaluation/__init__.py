"""Evaluation: the relevance rule, runs and judgements (TREC formats), paired significance and
the figures generated into the docs. The command is ``python -m search.eval``."""

from search.evaluation.relevance import first_hit, is_relevant, load_queries, normal
from search.evaluation.report import Report, evaluate, run_queries, with_ranking

__all__ = [
    "Report",
    "evaluate",
    "first_hit",
    "is_relevant",
    "load_queries",
    "normal",
    "run_queries",
    "with_ranking",
]
