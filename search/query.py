"""Queries and answers: validation of what users send, and the result records returned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from search.errors import QueryError

MAX_QUERY_CHARS = 2000
MAX_K = 50
LANGS = ("zh", "en")
METHODS = ("dense", "keyword", "hybrid")


@dataclass
class Result:
    rank: int
    score: float
    text: str
    lang: str
    doc_id: str
    chunk_id: str
    citation: dict[str, Any]
    heading: str = ""
    snippet: str = ""  # the best one or two sentences of text
    snippet_span: list[int] = field(default_factory=list)  # [start, end] of snippet in text
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] spans in text
    duplicates: list[str] = field(default_factory=list)  # chunk ids of collapsed near-copies


@dataclass
class Response:
    query: str
    query_lang: str
    took_ms: float
    results: list[Result]
    lang: str = "any"
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def check_query(q: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Validate a query: non-empty after trimming, at most ``max_chars`` characters."""
    q = (q or "").strip()
    if not q:
        raise QueryError("the query is empty: type some words to search for")
    if len(q) > max_chars:
        raise QueryError(f"the query has {len(q)} characters; the limit is {max_chars}")
    return q


def check_k(k: int) -> int:
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K} (got {k!r})")
    return k


def check_lang(lang: str | None) -> str | None:
    if lang in (None, "", "any"):
        return None
    if lang not in LANGS:
        raise QueryError(f"lang must be one of zh, en, any (got {lang!r})")
    return lang


def check_method(method: str) -> str:
    if method not in METHODS:
        raise QueryError(f"method must be one of {', '.join(METHODS)} (got {method!r})")
    return method
