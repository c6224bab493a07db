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
from typing import Protocol

from search.text.terms import IDENTIFIER, stem

FREQUENT = 0.2  # share of passages a word may occur in and still be worth marking
_PIECES = re.compile(r"[A-Za-z]+|\d+")
_WORDS = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?|[^\x00-\x7f]+")

Span = tuple[int, int]


class SpanFinder(Protocol):
    def spans(self, text: str) -> list[Span]: ...


def doc_freq(db: sqlite3.Connection) -> dict[str, int]:
    """How many passages hold each keyword term (from the keyword index's vocabulary)."""
    return dict(db.execute("SELECT term, doc FROM keyword_vocab").fetchall())


def _key(word: str) -> str:
    return stem(word.lower()) if word.isascii() else word


def identifier_pieces(query: str) -> set[str]:
    """Lower-cased letter and digit runs of the query's identifiers (gb, t, 12350, 2022)."""
    return {p.lower() for m in IDENTIFIER.finditer(query) for p in _PIECES.findall(m.group(0))}


def query_keys(query: str) -> list[str]:
    """The words of the query outside its identifiers, as the index keys them."""
    outside = IDENTIFIER.sub(" ", query)
    return [_key(w) for w in _WORDS.findall(outside)]


class Weighted:
    """A highlighter that keeps only the spans that carry weight (see the module doc)."""

    def __init__(self, inner: SpanFinder, query: str, df: Mapping[str, int], passages: int) -> None:
        self.inner = inner
        self.pieces = identifier_pieces(query)
        self.identifiers = [m.group(0) for m in IDENTIFIER.finditer(query)]
        limit = max(1.0, FREQUENT * max(passages, 1))
        self.frequent = {k for k in set(df) if df[k] > limit}
        keys = [k for k in query_keys(query) if k in df]
        self.drop_frequent = any(k not in self.frequent for k in keys) or bool(self.identifiers)

    def _keep(self, word: str) -> bool:
        compact = re.sub(r"[\s\-–/:.]", "", word).lower()
        if self.identifiers and any(
            compact == re.sub(r"[\s\-–/:.]", "", i).lower() for i in self.identifiers
        ):
            return True  # an identifier matched whole
        if word.lower() in self.pieces or compact in self.pieces:
            return False
        return not (self.drop_frequent and _key(word) in self.frequent)

    def spans(self, text: str) -> list[Span]:
        return [(a, b) for a, b in self.inner.spans(text) if self._keep(text[a:b])]
