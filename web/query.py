"""The search parameters of a request (q, k, lang), checked against the configured limits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from search.errors import QueryError
from search.query import MAX_OFFSET, check_date_range, check_docs  # filters, paging
from search.searcher import check_lang, check_query

LANG_CHOICES = ("any", "zh", "en")
DEFAULT_K = 10


@dataclass(frozen=True)
class SearchQuery:
    q: str
    k: int
    lang: str  # any | zh | en
    offset: int = 0  # filters, paging: from here to the end of the class
    docs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @property
    def lang_filter(self) -> str | None:
        return None if self.lang == "any" else self.lang


def parse_k(raw: str | None, max_k: int) -> int:
    if raw is None or raw == "":
        return min(DEFAULT_K, max_k)
    raw = _text(raw)
    try:
        k = int(raw.strip())
    except ValueError:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {raw[:20]!r})") from None
    if not 1 <= k <= max_k:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {k})")
    return k


def parse_lang(raw: str | None) -> str:
    if raw is None or raw == "":
        return "any"
    raw = _text(raw)
    try:
        return check_lang(raw) or "any"
    except QueryError:
        raise QueryError(f"lang must be one of zh, en, any (got {raw[:20]!r})") from None


def parse_query(args: Mapping[str, str], settings: Mapping[str, Any]) -> SearchQuery:
    """Read q, k and lang from query-string ``args``; a bad value raises ``QueryError``."""
    raw = args.get("q")
    if raw is None:
        raise QueryError("the parameter q (what to search for) is required")
    if not isinstance(raw, str):
        raise QueryError("q must be text")
    q = check_query(raw, settings["max_query_chars"])
    k, lang = parse_k(args.get("k"), settings["max_k"]), parse_lang(args.get("lang"))
    dates = check_date_range(_optional(args.get("date_from")), _optional(args.get("date_to")))
    return SearchQuery(q, k, lang, parse_offset(args.get("offset")), parse_docs(args), *dates)


# --- filters, paging: offset, doc (repeatable or a JSON list), date_from, date_to ---
def _text(raw: Any) -> str:
    """A query-string value, or a JSON number or string, as text."""
    if isinstance(raw, bool) or not isinstance(raw, str | int):
        raise QueryError(f"expected text or a whole number (got {str(raw)[:20]!r})")
    return str(raw)


def _optional(raw: Any) -> str | None:
    return None if raw is None or raw == "" else _text(raw)


def parse_offset(raw: Any) -> int:
    if raw is None or raw == "":
        return 0
    try:
        offset = int(_text(raw).strip())
    except (ValueError, QueryError):
        offset = -1
    if not 0 <= offset <= MAX_OFFSET:
        got = str(raw)[:20]
        raise QueryError(f"offset must be a whole number from 0 to {MAX_OFFSET} (got {got!r})")
    return offset


def parse_docs(args: Mapping[str, Any]) -> tuple[str, ...]:
    """``doc`` repeated in a query string, or one id / a list of ids in a JSON body."""
    getlist = getattr(args, "getlist", None)
    return check_docs(getlist("doc") if getlist else args.get("doc"))
