"""Honest relevance: which results are good matches, and when a query has no good answer.

A result is a *good* match when the query is mostly about things the index knows (at least
``coverage`` of the query's terms occur in the index vocabulary, directly or through a
dictionary translation) and either its fused score reaches the threshold measured for the
index's encoder and the search method, or the passage itself holds every term of the query
(a one- or two-word query scores low in the encoder but is plainly answered by a passage that
names what it asks about). The score cut is measured on each index when it is built
(``search/rank/calibrate.py``) and kept in its manifest.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass

import numpy as np

GOOD, WEAK = "good", "weak"


@dataclass(frozen=True)
class Threshold:
    """The lowest fused score of a good match (None: not calibrated, every score passes) and
    the lowest share of the query's terms the index must know."""

    score: float | None = None
    coverage: float = 0.0

    def label(self, score: float, coverage: float, holds_all: bool = False) -> str:
        """``"good"`` or ``"weak"`` for a result with ``score`` of a query with ``coverage``;
        ``holds_all``: the passage holds every term of the query."""
        if coverage < self.coverage:
            return WEAK
        if holds_all or self.score is None or score >= self.score:
            return GOOD
        return WEAK


QueryTerms = list[tuple[str, frozenset[str]]]  # (term, its known translations)


def query_terms(
    terms: Iterable[str], translate: Callable[[str], list[str]], limit: int = 200
) -> QueryTerms:
    """The distinct terms of a query (at most ``limit``), each with its translations."""
    distinct = list(dict.fromkeys(terms))[:limit]
    return [(t, frozenset(translate(t))) for t in distinct]


def query_coverage(qterms: QueryTerms, known: Callable[[str], bool]) -> float:
    """Share of the query's terms the index knows, itself or by a translation; 0.0 for a
    query without terms."""
    if not qterms:
        return 0.0
    return sum(1 for t, tr in qterms if known(t) or tr) / len(qterms)


@dataclass(frozen=True)
class Passage:
    """What the relevance check reads of a passage: its keyword terms and its text."""

    terms: frozenset[str]
    text: str

    def has(self, term: str) -> bool:
        """A term is held as a keyword term or, for Chinese (whose segmentation may differ
        between query and passage), anywhere in the text."""
        return term in self.terms or (not term.isascii() and term in self.text)


def holds_all(qterms: QueryTerms, passage: Passage) -> bool:
    """Whether a passage holds every query term (itself or a translation)."""
    return bool(qterms) and all(
        passage.has(t) or any(passage.has(x) for x in tr) for t, tr in qterms
    )


def good_mask(
    ranked: Sequence[tuple[int, float]],
    size: int,
    threshold: Threshold,
    coverage: float,
    passages: dict[int, Passage],
    qterms: QueryTerms,
) -> np.ndarray:
    """A boolean array over row ids: True for the good matches of ``ranked``; ``passages``
    holds the terms of the passages checked for holding every query term (others are
    judged by score alone)."""
    mask = np.zeros(size, dtype=bool)
    if not ranked or coverage < threshold.coverage:
        return mask
    ids = np.fromiter((rid for rid, _ in ranked), dtype=np.int64, count=len(ranked))
    if threshold.score is None:
        mask[ids] = True
        return mask
    scores = np.fromiter((s for _, s in ranked), dtype=np.float64, count=len(ranked))
    mask[ids[scores >= threshold.score]] = True
    for rid in ids[scores < threshold.score].tolist():  # below the cut: good if it holds all
        if rid in passages and holds_all(qterms, passages[rid]):
            mask[rid] = True
    return mask


def passages(columns: dict[int, tuple[str, str, str]], texts: dict[int, str]) -> dict[int, Passage]:
    """Passages from their keyword columns (body, heading, identifiers) and texts."""
    return {
        rid: Passage(frozenset(" ".join(cols).split()), texts.get(rid, ""))
        for rid, cols in columns.items()
    }


def good_count(labels: Iterable[str]) -> int:
    return sum(1 for m in labels if m == GOOD)
