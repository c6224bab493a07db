"""The search parameters of a request (q, k, lang), checked against the configured limits by
the same functions the CLI and the Python API use (:mod:`search.query`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search.errors import QueryError
from search.query import DEFAULT_K, check_lang, check_query, parse_k

__all__ = ["DEFAULT_K", "LANG_CHOICES", "SearchQuery", "parse_lang", "parse_query"]

LANG_CHOICES = ("any", "zh", "en")


@dataclass(frozen=True)
class SearchQuery:
    q: str
    k: int
    lang: str  # any | zh | en

    @property
    def lang_filter(self) -> str | None:
        return None if self.lang == "any" else self.lang


def parse_lang(raw: str | None) -> str:
    return check_lang(raw) or "any"


def parse_query(args: Mapping[str, str], settings: Mapping[str, Any]) -> SearchQuery:
    """Read q, k and lang from query-string ``args``; a bad value raises ``QueryError``."""
    raw = args.get("q")
    if raw is None:
        raise QueryError("the parameter q (what to search for) is required")
    q = check_query(raw, settings["max_query_chars"])
    return SearchQuery(q, parse_k(args.get("k"), settings["max_k"]), parse_lang(args.get("lang")))
