"""The search parameters of a request (q, k, lang), checked against the configured limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search.errors import QueryError
from search.searcher import check_lang, check_query

LANG_CHOICES = ("any", "zh", "en")
DEFAULT_K = 10


@dataclass(frozen=True)
class SearchQuery:
    q: str
    k: int
    lang: str  # any | zh | en

    @property
    def lang_filter(self) -> str | None:
        return None if self.lang == "any" else self.lang


def parse_k(raw: str | None, max_k: int) -> int:
    if raw is None:
        return min(DEFAULT_K, max_k)
    if not (raw.isascii() and raw.isdigit()) or len(raw) > 6:  # not "", " 5", "٣", "５", "1e3"
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {raw[:20]!r})")
    k = int(raw)
    if not 1 <= k <= max_k:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {k})")
    return k


def parse_lang(raw: str | None) -> str:
    if raw is None or raw == "":
        return "any"
    try:
        return check_lang(raw) or "any"
    except QueryError:
        raise QueryError(f"lang must be one of zh, en, any (got {raw[:20]!r})") from None


def parse_query(args: Mapping[str, str], settings: Mapping[str, Any]) -> SearchQuery:
    """Read q, k and lang from query-string ``args``; a bad value raises ``QueryError``."""
    raw = args.get("q")
    if raw is None:
        raise QueryError("the parameter q (what to search for) is required")
    q = check_query(raw, settings["max_query_chars"])
    return SearchQuery(q, parse_k(args.get("k"), settings["max_k"]), parse_lang(args.get("lang")))
