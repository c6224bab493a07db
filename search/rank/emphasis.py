"""Highlights that mean something: the marked words of a result, weighed.

Wraps a highlighter (anything with ``spans(text)``) and drops from its spans
- the pieces of an identifier ("GB", "T", "2022" of ``GB/T 12350-2022``) that are not part of the
  identifier matched whole;
- frequent words ("standards", "China", 标准: in more than ``FREQUENT`` of the passages) when the
  query also has rarer words, which are what it is about.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import Protocol

from search.text.identifiers import find as find_identifiers
from search.text.normalize import fold
from search.text.terms import stem, terms

FREQUENT = 0.2  # share of passages a word may occur in and still be worth marking
_PIECES = re.compile(r"[A-Za-z]+|\d+")
_SEPARATORS = re.compile(r"[\s\-–/:.]")

Span = tuple[int, int]


class SpanFinder(Protocol):
    def spans(self, text: str) -> list[Span]: ...


@lru_cache(maxsize=20_000)
def _key(word: str) -> str:
    return stem(word.lower()) if word.isascii() else word


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text).lower()


def _identifiers(query: str) -> tuple[str, list[str]]:
    """The query folded, and the identifiers in it as written there."""
    folded = fold(query)
    return folded, [folded[i.start : i.end] for i in find_identifiers(folded)]


def identifier_pieces(query: str) -> set[str]:
    """Lower-cased letter and digit runs of the query's identifiers (gb, t, 12350, 2022)."""
    return {p.lower() for ident in _identifiers(query)[1] for p in _PIECES.findall(ident)}


def query_keys(query: str) -> list[str]:
    """The words of the query outside its identifiers, as the index keys them (Chinese
    segmented as the index segments it, so 碳捕集 标准 is about 捕集, not only 标准)."""
    folded, found = _identifiers(query)
    for ident in found:
        folded = folded.replace(ident, " ")
    return terms(folded, with_ids=False)


def frequent_terms(df: Mapping[str, int], passages: int) -> frozenset[str]:
    """The terms held by more than ``FREQUENT`` of an index's ``passages`` (worked out once
    per index, not per query)."""
    limit = max(1.0, FREQUENT * max(passages, 1))
    return frozenset(k for k, n in df.items() if n > limit)


class Weighted:
    """A highlighter that keeps only the spans that carry weight (see the module doc)."""

    def __init__(
        self, inner: SpanFinder, query: str, df: Mapping[str, int], frequent: frozenset[str]
    ) -> None:
        self.inner = inner
        self.pieces = identifier_pieces(query)
        self.identifiers = {_compact(i) for i in _identifiers(query)[1]}
        self.frequent = frequent
        keys = [k for k in query_keys(query) if k in df]
        self.drop_frequent = any(k not in self.frequent for k in keys) or bool(self.identifiers)

    def _keep(self, word: str) -> bool:
        compact = _compact(word)
        if compact in self.identifiers:
            return True  # an identifier matched whole
        if word.lower() in self.pieces or compact in self.pieces:
            return False
        return not (self.drop_frequent and _key(word) in self.frequent)

    def spans(self, text: str) -> list[Span]:
        return [(a, b) for a, b in self.inner.spans(text) if self._keep(text[a:b])]
