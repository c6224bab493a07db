"""Citation strings ready to paste: GB/T 7714-2015 (Chinese drafts) and Chicago notes.

Both take the citation fields of a passage (``search.citation.citation_for``), its document
record and a permalink to the passage; they never include character offsets.
"""

from __future__ import annotations

import datetime as dt
import re
from typing import Any
from urllib.parse import quote

NBSP = "\u00a0"  # keeps "p. 14" and "¶453–454" on one line


def permalink(doc_id: str, chunk_id: str, root: str = "") -> str:
    """``{root}/doc/<doc_id>#<chunk_id>``; ``root`` is the site address (empty: a path)."""
    return f"{root.rstrip('/')}/doc/{quote(doc_id, safe='')}#{quote(chunk_id, safe='')}"


def _author(doc: dict[str, Any], zh: bool) -> str:
    """The responsible body: the publisher, without a translated name in brackets."""
    publisher = str(doc.get("publisher") or "").strip()
    if zh:
        publisher = re.sub(r"\s*[(（][^()（）]*[)）]\s*$", "", publisher)
    return publisher


def _page(citation: dict[str, Any], prefix: str) -> str:
    return f"{prefix}{citation['page']}" if citation.get("page") is not None else ""


def gbt7714(citation: dict[str, Any], doc: dict[str, Any], link: str, accessed: str) -> str:
    """GB/T 7714-2015, an article in an online serial ([J/OL]) or, without an article
    heading, the document itself ([Z/OL])."""
    author = _author(doc, zh=True)
    title = str(citation.get("title") or doc.get("title") or "")
    heading = citation.get("section")
    year = str(doc.get("date") or "")[:4]
    parts = [f"{author}. " if author else ""]
    if heading:
        parts.append(f"{heading}[J/OL]. {title}")
    else:
        parts.append(f"{title}[Z/OL]")
    if year:
        parts.append(f", {year}")
    page = _page(citation, ": ")
    parts.append(f"{page}[{accessed}]. {link}")
    source = citation.get("source_url")
    if source:
        parts.append(f". 原始来源: {source}")
    return "".join(parts) + "."


def chicago(citation: dict[str, Any], doc: dict[str, Any], link: str, accessed: str) -> str:
    """A Chicago-style note: body, “article,” publication, issue, page, paragraph, link."""
    parts = [_author(doc, zh=False)]
    if citation.get("section"):
        parts.append(f"“{citation['section']},”")
    parts.append(str(citation.get("title") or doc.get("title") or ""))
    if doc.get("issue") and str(doc["issue"]) not in parts[-1]:
        parts.append(str(doc["issue"]))
    if citation.get("page") is not None:
        parts.append(_page(citation, "p." + NBSP))
    if citation.get("paragraph"):
        parts.append(str(citation["paragraph"]).replace(" ", NBSP))
    text = ", ".join(p for p in parts if p).replace(",”,", ",”")
    text += f", {link} (accessed {accessed})"
    if citation.get("source_url"):
        text += f"; original source: {citation['source_url']}"
    return text + "."


def formats(
    citation: dict[str, Any],
    doc: dict[str, Any],
    link: str,
    accessed: str | None = None,
) -> dict[str, str]:
    """``{"gbt7714": ..., "chicago": ...}`` for one passage; ``accessed`` defaults to today."""
    day = accessed or today()
    return {
        "gbt7714": gbt7714(citation, doc, link, day),
        "chicago": chicago(citation, doc, link, day),
    }


def today() -> str:
    """The access date a citation gives: today in UTC, ISO."""
    return dt.datetime.now(dt.UTC).date().isoformat()


def with_formats(
    citation: dict[str, Any],
    doc: dict[str, Any],
    doc_id: str,
    chunk_id: str,
    root: str = "",
    accessed: str | None = None,
) -> dict[str, Any]:
    """``citation`` plus ``permalink`` and ``formats`` (the hook ``citation_for`` calls)."""
    link = permalink(doc_id, chunk_id, root)
    return {**citation, "permalink": link, "formats": formats(citation, doc, link, accessed)}
