"""Highlights that mean something: the marked words of a result, weighed.

Wraps a highlighter (anything with ``spans(text)``) and drops from its spans
- the pieces of an identifier ("GB", "T", "2022" of ``GB/T 12350-2022``) that are not part of the
  identifier matched whole;
- frequent words ("standards", "China", 标准: in more than ``FREQUENT`` of the passages) when the
  query also has rarer words, which are what it is about.
"""

from __future__ import annotations

import re
import sqlite3
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Protocol

from search.text.terms import IDENTIFIER, stem, terms

FREQUENT = 0.2  # share of passages a word may occur in and still be worth marking
_PIECES = re.compile(r"[A-Za-z]+|\d+")
_SEPARATORS = re.compile(r"[\s\-–/:.]")

Span = tuple[int, int]


class SpanFinder(Protocol):
    def spans(self, text: str) -> list[Span]: ...


@dataclass(frozen=True)
class TermStats:
    """How many passages hold each keyword term, and the terms too frequent to be marked
    unless a query is only about them; read once per opened index."""

    df: Mapping[str, int]
    frequent: frozenset[str]


def term_stats(db: sqlite3.Connection) -> TermStats:
    """The keyword index's document frequencies (its fts5vocab table)."""
    df = dict(db.execute("SELECT term, doc FROM keyword_vocab").fetchall())
    passages = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    limit = max(1.0, FREQUENT * max(passages, 1))
    return TermStats(df, frozenset(k for k, n in df.items() if n > limit))


@lru_cache(maxsize=20_000)
def _key(word: str) -> str:
    return stem(word.lower()) if word.isascii() else word


def _compact(text: str) -> str:
    return _SEPARATORS.sub("", text).lower()


def identifier_pieces(query: str) -> set[str]:
    """Lower-cased letter and digit runs of the query's identifiers (gb, t, 12350, 2022)."""
    return {p.lower() for m in IDENTIFIER.finditer(query) for p in _PIECES.findall(m.group(0))}


def query_keys(query: str) -> list[str]:
    """The words of the query outside its identifiers, as the index keys them (Chinese
    segmented as the index segments it)."""
    return terms(IDENTIFIER.sub(" ", query), with_ids=False)


class Weighted:
    """A highlighter that keeps only the spans that carry weight (see the module doc)."""

    def __init__(self, inner: SpanFinder, query: str, stats: TermStats) -> None:
        self.inner = inner
        self.pieces = identifier_pieces(query)
        self.identifiers = {_compact(m.group(0)) for m in IDENTIFIER.finditer(query)}
        self.frequent = stats.frequent
        keys = [k for k in query_keys(query) if k in stats.df]
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
