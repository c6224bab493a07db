"""Whether snippets show why a passage was chosen: the share of results whose snippet holds a
marked query word, identifier or translation (a highlight span inside the snippet span)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Protocol


class Shown(Protocol):
    """What the measure reads of a result (``search.query.Result``)."""

    snippet_span: Sequence[int]
    highlights: Sequence[Sequence[int]]


def explained(result: Shown) -> bool:
    """Whether one highlight span of ``result`` lies wholly inside its snippet span."""
    if len(result.snippet_span) != 2:
        return False
    a, b = result.snippet_span
    return any(a <= s and e <= b and s < e for s, e in result.highlights)


def snippet_counts(results: Iterable[Shown]) -> tuple[int, int, int]:
    """(results whose snippet is explained, results with any marked word, results)."""
    shown = list(results)
    return sum(map(explained, shown)), sum(bool(r.highlights) for r in shown), len(shown)


def snippet_share(results: Iterable[Shown]) -> float:
    """Share of ``results`` whose snippet holds a marked query word (0 when there are none)."""
    hit, _, n = snippet_counts(results)
    return hit / n if n else 0.0
