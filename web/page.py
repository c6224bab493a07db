"""What a results page shows beyond the answer itself: groups, the summary line, next page,
and links to passages (pure helpers over the answer as a dict)."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

from flask import request, url_for

from search.query import shortened
from search.rank.filters import group_by_article
from web.query import SearchQuery

SUMMARY_CHARS = 80  # a long query is shortened to this in the summary line
LINK_QUERY_CHARS = 300  # longer queries are not carried into passage links


def short_query(q: str) -> str:
    return shortened(q, SUMMARY_CHARS)


def article(result: dict[str, Any]) -> tuple[str, str]:
    return result["doc_id"], result.get("heading") or ""


def page_values(response: dict[str, Any], query: SearchQuery) -> dict[str, Any]:
    """Template values: good and weak results grouped by article, the summary numbers (the
    passages shown, the articles they are in, their place in the ranking), the offset of the
    next page (None when this is the last)."""
    results = response["results"]
    good = [r for r in results if r["match"] == "good"]
    weak = [r for r in results if r["match"] != "good"]
    shown_to = query.offset + len(results)
    return {
        "good_groups": group_by_article(good, article),
        "weak_groups": group_by_article(weak, article),
        "articles": len({article(r) for r in results}),
        "first": query.offset + 1 if results else 0,
        "last": shown_to,
        "q_short": short_query(query.q),
        "next_offset": shown_to if results and shown_to < response["total"] else None,
    }


def back_path() -> str:
    """This results page, to come back to from a passage (GET searches only)."""
    if request.method != "GET":
        return ""
    path = request.full_path.rstrip("?")
    return path if len(path) <= 2000 else ""


def same_site_path(link: str) -> str:
    """``link`` if it is a path on this site (``/?q=...``), else "": parsed, not matched by
    prefix. Browsers read ``\\`` as ``/`` and drop tabs and line breaks, so ``/\\host`` and
    ``/<TAB>/host`` lead to another site: any backslash, control character or space is
    refused, and so is anything with a scheme or a host (``//host``, ``///host``)."""
    if (
        not link.startswith("/")
        or link.startswith("//")
        or any(c == "\\" or c.isspace() or not c.isprintable() for c in link)
    ):
        return ""
    parts = urlsplit(link)
    if parts.scheme or parts.netloc or parts.path.startswith("//"):
        return ""
    return link


def passage_link(result: dict[str, Any], q: str) -> str:
    """The document page at the result's passage, with its query words and snippet marked."""
    args: dict[str, Any] = {"doc_id": result["doc_id"], "at": result["chunk_id"]}
    if len(q) <= LINK_QUERY_CHARS:
        args["q"] = q
    span = result.get("snippet_span") or []
    if len(span) == 2:
        args["s"] = f"{span[0]}-{span[1]}"
    back = back_path()
    if back:
        args["back"] = back
    return url_for("views.document", _anchor=result["chunk_id"], **args)
