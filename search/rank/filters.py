"""Filters, facets and grouping over a ranked list (pure functions).

A ranked list is ``[(row id, score), ...]`` best first; ``row_docs[rid]`` names the document
of each row and ``row_langs[rid]`` its language.
"""

from __future__ import annotations

import calendar
from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol, TypeVar

import numpy as np

from search.errors import QueryError

Ranked = list[tuple[int, float]]
T = TypeVar("T")


class RowDocs(Protocol):
    """Anything that gives a row's document id by ``row_docs[rid]``."""

    def __getitem__(self, rid: int) -> str: ...


@dataclass(frozen=True)
class Filters:
    """What a search is limited to (empty = everything)."""

    docs: tuple[str, ...] = ()
    date_from: str | None = None  # ISO: YYYY, YYYY-MM or YYYY-MM-DD
    date_to: str | None = None

    @property
    def active(self) -> bool:
        return bool(self.docs or self.date_from or self.date_to)


NO_FILTERS = Filters()


def date_range(value: str) -> tuple[str, str]:
    """The first and last day an ISO date (``2023``, ``2023-12``, ``2023-12-05``) covers."""
    parts = value.split("-")
    year = int(parts[0])
    if len(parts) == 1:
        return f"{year:04d}-01-01", f"{year:04d}-12-31"
    month = int(parts[1])
    if len(parts) == 2:
        last = calendar.monthrange(year, month)[1]
        return f"{year:04d}-{month:02d}-01", f"{year:04d}-{month:02d}-{last:02d}"
    return (f"{year:04d}-{month:02d}-{int(parts[2]):02d}",) * 2  # type: ignore[return-value]


def doc_in_dates(date: str | None, date_from: str | None, date_to: str | None) -> bool:
    """Whether a document dated ``date`` (ISO, maybe partial) falls in the range; a document
    without a readable date is outside any range."""
    if not date_from and not date_to:
        return True
    try:
        first, last = date_range((date or "").strip()[:10])
    except (ValueError, IndexError):
        return False
    if date_from and last < date_range(date_from)[0]:
        return False
    return not (date_to and first > date_range(date_to)[1])


def allowed_docs(documents: Mapping[str, Mapping[str, Any]], filters: Filters) -> set[str]:
    """Ids of the documents ``filters`` lets through; an unknown id is a ``QueryError``."""
    unknown = [d for d in filters.docs if d not in documents]
    if unknown:
        raise QueryError(f"no document with id {unknown[0][:80]!r} in this index")
    wanted = set(filters.docs) if filters.docs else set(documents)
    return {
        d
        for d in wanted
        if d in documents
        and doc_in_dates(documents[d].get("date"), filters.date_from, filters.date_to)
    }


def keep_docs(ranked: Ranked, row_docs: RowDocs, allowed: set[str]) -> Ranked:
    """The passages of ``ranked`` whose document is ``allowed`` (order kept)."""
    return [(rid, s) for rid, s in ranked if row_docs[rid] in allowed]


def facets(ranked: Ranked, row_docs: Any, row_langs: np.ndarray) -> dict[str, dict]:
    """Passage counts of ``ranked`` by document and by language, largest first
    (``row_docs`` and ``row_langs`` are indexed with an array of row ids at once)."""
    ids = np.fromiter((rid for rid, _ in ranked), dtype=np.int64, count=len(ranked))
    docs = Counter(np.asarray(row_docs[ids]).tolist()) if len(ids) else Counter()
    langs = Counter(np.asarray(row_langs[ids]).tolist()) if len(ids) else Counter()
    return {
        "doc": dict(sorted(docs.items(), key=lambda kv: (-kv[1], kv[0]))),
        "lang": dict(sorted(langs.items(), key=lambda kv: (-kv[1], kv[0]))),
    }


def group_by_article(items: Iterable[T], key: Any) -> list[list[T]]:
    """Items grouped by ``key(item)`` (their article), groups in the order of their best
    (first) item, each group best first."""
    groups: dict[Any, list[T]] = {}
    for item in items:
        groups.setdefault(key(item), []).append(item)
    return list(groups.values())
