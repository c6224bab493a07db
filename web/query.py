"""The search parameters of a request (q, k, lang, offset, doc, date_from, date_to) from a
query string or a JSON body, checked against the configured limits by the same functions the
CLI and the Python API use (:mod:`search.query`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from search.errors import QueryError
from search.query import (
    DEFAULT_K,
    check_date_range,
    check_docs,
    check_lang,
    check_query,
    parse_k,
    parse_offset,
)

if TYPE_CHECKING:
    from search.searcher import Searcher

__all__ = [
    "DEFAULT_K",
    "LANG_CHOICES",
    "SearchQuery",
    "parse_lang",
    "parse_options",
    "parse_query",
    "search_cost",
]

LANG_CHOICES = ("any", "zh", "en")


@dataclass(frozen=True)
class SearchQuery:
    q: str
    k: int
    lang: str  # any | zh | en
    offset: int = 0
    docs: tuple[str, ...] = ()
    date_from: str | None = None
    date_to: str | None = None

    @property
    def lang_filter(self) -> str | None:
        return None if self.lang == "any" else self.lang


def parse_lang(raw: Any) -> str:
    if raw is not None and not isinstance(raw, str):
        raise QueryError(f"lang must be one of zh, en, any (got {str(raw)[:20]!r})")
    return check_lang(raw) or "any"


def answer(searcher: Searcher, query: SearchQuery, root: str) -> dict[str, Any]:
    """The ``/api/search`` answer to ``query`` (also the MCP server's ``search_passages``):
    the response as a dict, citations linked under ``root``, and on the cluster backend the
    shards that answered."""
    response = searcher.search(
        query.q,
        k=query.k,
        lang=query.lang_filter,
        offset=query.offset,
        docs=query.docs,
        date_from=query.date_from,
        date_to=query.date_to,
        link_root=root,
    )
    out = response.to_dict()
    shards = getattr(searcher.store, "shards", None)  # the cluster backend: every shard answered
    if shards is not None:
        out["shards"] = shards.answered()
    return out


def parse_query(args: Mapping[str, Any], settings: Mapping[str, Any]) -> SearchQuery:
    """Read the parameters from query-string ``args`` or a JSON body; a bad value raises
    ``QueryError``."""
    raw = args.get("q")
    if raw is None:
        raise QueryError("the parameter q (what to search for) is required")
    if not isinstance(raw, str):
        raise QueryError("q must be text")
    q = check_query(raw, settings["max_query_chars"])
    return SearchQuery(q, **parse_options(args, settings))


def parse_options(args: Mapping[str, Any], settings: Mapping[str, Any]) -> dict[str, Any]:
    """Every parameter but ``q`` (also checked where ``q`` is absent: a page without a query
    still refuses a bad ``k`` or date)."""
    k, lang = parse_k(args.get("k"), settings["max_k"]), parse_lang(args.get("lang"))
    dates = check_date_range(_optional(args.get("date_from")), _optional(args.get("date_to")))
    offset, docs = parse_offset(args.get("offset")), parse_docs(args)
    return {"k": k, "lang": lang, "offset": offset, "docs": docs, "date_from": dates[0],
            "date_to": dates[1]}  # fmt: skip


def _optional(raw: Any) -> str | None:
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        raise QueryError(f"expected a date as text (got {str(raw)[:20]!r})")
    return raw


def parse_docs(args: Mapping[str, Any]) -> tuple[str, ...]:
    """``doc`` repeated in a query string, or one id / a list of ids in a JSON body."""
    getlist = getattr(args, "getlist", None)
    return check_docs(getlist("doc") if getlist else args.get("doc"))


# Rate-limit pricing of deep pages: ranking ``offset + k`` results takes time that grows about
# with the square of that depth (candidates, relevance checks and duplicate collapsing all grow
# with it), so a search is charged (depth / RESULTS_PER_TOKEN)² tokens, at least 1: a page of
# up to 50 results costs 1, results 501-550 cost 121 (docs/RELIABILITY.md, "Access control").
RESULTS_PER_TOKEN = 50


def search_cost(args: Mapping[str, Any]) -> float:
    """Rate-limit tokens for a search with these parameters (bad values cost 1: they are
    refused with a 400 before any ranking)."""
    try:
        depth = parse_offset(args.get("offset")) + parse_k(args.get("k"))
    except QueryError:
        return 1.0
    return max(1.0, (depth / RESULTS_PER_TOKEN) ** 2)
