"""Queries and answers: the limits on what users send and their messages (one place for the
CLI, the API and the Python API), and the result records returned."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from search.errors import QueryError

MAX_QUERY_CHARS = 2000
MAX_K = 50
DEFAULT_K = 10
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
    q = (q or "").strip() if isinstance(q, str) else ""
    if not q:
        raise QueryError("the query is empty: type some words to search for")
    if len(q) > max_chars:
        raise QueryError(f"the query has {len(q)} characters; the limit is {max_chars}")
    return q


def check_k(k: int, max_k: int = MAX_K) -> int:
    """``k`` as given to the Python API: a whole number from 1 to ``max_k``. A larger ``k`` is
    an error everywhere (API, CLI, Python), never silently clamped."""
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= max_k:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {_shown(k)})")
    return k


def parse_k(raw: str | None, max_k: int = MAX_K) -> int:
    """``k`` as typed (CLI flag, URL parameter): absent means ``DEFAULT_K``; otherwise ASCII
    digits only (not empty, not ``٣`` or ``５``), then :func:`check_k`."""
    if raw is None:
        return min(DEFAULT_K, max_k)
    text = raw.strip()
    if not (text.isascii() and text.isdigit()):
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {_shown(raw)})")
    return check_k(int(text), max_k)


def check_lang(lang: str | None) -> str | None:
    """``zh``, ``en``, or None for any language (``any``, empty and None mean any)."""
    if lang in (None, "", "any"):
        return None
    if lang not in LANGS:
        raise QueryError(f"lang must be one of zh, en, any (got {_shown(lang)})")
    return lang


def check_method(method: str) -> str:
    if method not in METHODS:
        raise QueryError(f"method must be one of {', '.join(METHODS)} (got {_shown(method)})")
    return method


def _shown(value: object) -> str:
    """A bad value as quoted in a message: repr, cut to 20 characters."""
    text = repr(value)
    return text if len(text) <= 22 else text[:20] + "…"
