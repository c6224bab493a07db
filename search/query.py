"""Queries and answers: validation of what users send, and the result records returned."""

from __future__ import annotations

import datetime
import re
from dataclasses import asdict, dataclass, field
from typing import Any

from search.errors import QueryError

MAX_QUERY_CHARS = 6000  # a pasted paragraph or two
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
    match: str = "good"  # "good" or "weak": above or below the relevance threshold


@dataclass
class Response:
    query: str
    query_lang: str
    took_ms: float
    results: list[Result]
    lang: str = "any"
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0  # matching passages (an estimate when total_is_estimate)
    total_is_estimate: bool = False
    good: int = 0  # results above the relevance threshold
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)

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


# --- filters and paging: offset, doc, date_from, date_to ---
MAX_OFFSET = 500
MAX_DOCS = 50
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?")


def check_offset(offset: int) -> int:
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(f"offset must be a whole number from 0 to {MAX_OFFSET} (got {offset!r})")
    return offset


def check_docs(docs: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Document ids to search in (none = all); a single id may be given as text."""
    if docs is None or docs == "":
        return ()
    items = [docs] if isinstance(docs, str) else docs
    if not isinstance(items, list | tuple) or not all(isinstance(d, str) for d in items):
        raise QueryError("doc must be a document id or a list of document ids")
    out = tuple(dict.fromkeys(d.strip() for d in items if d.strip()))
    if len(out) > MAX_DOCS or any(len(d) > 200 for d in out):
        raise QueryError(f"doc accepts at most {MAX_DOCS} document ids of up to 200 characters")
    return out


def check_date(value: str | None, name: str = "date") -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) that exists, or None for none."""
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else ""
    ok = bool(_ISO_DATE.fullmatch(text))
    if ok:
        parts = [int(p) for p in text.split("-")]
        try:
            datetime.date(
                parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
            )
        except ValueError:
            ok = False
    if not ok:
        raise QueryError(
            f"{name} must be a date like 2024-07-31, 2024-07 or 2024 (got {str(value)[:20]!r})"
        )
    return text


def check_date_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    date_from, date_to = check_date(date_from, "date_from"), check_date(date_to, "date_to")
    if date_from and date_to and date_from[: len(date_to)] > date_to:
        raise QueryError(f"date_from ({date_from}) is after date_to ({date_to})")
    return date_from, date_to


def shortened(q: str, width: int = 80) -> str:
    """``q`` on one line, cut to ``width`` characters with "…" (at a space when one is near, so
    an English word is not cut; Chinese has none and is cut anywhere)."""
    flat = " ".join(q.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    if space >= width - 20:
        cut = cut[:space]
    return cut.rstrip() + "…"
