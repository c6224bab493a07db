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


_VOLUME = re.compile(r"(?:\bVol(?:ume)?\.?\s*(\d+))|(?:第\s*(\d+)\s*卷)", re.IGNORECASE)
_NUMBER = re.compile(r"(?:\b(?:No|Issue)\.?\s*(\d+))|(?:第\s*(\d+)\s*期)", re.IGNORECASE)
_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)[a-z]*\.?"
_DATE_LABEL = re.compile(  # "July/Aug 2024", "2023 年第 12 期", "2008 年第 52 卷第 6 期" at the end
    rf"[\s,，]*(?:{_MONTH}(?:\s*[/–-]\s*{_MONTH})?\s+)?(?:19|20)\d\d"
    r"(?:\s*年)?(?:\s*第\s*\d+\s*[卷期])*\s*$",
    re.IGNORECASE,
)


def _number(pattern: re.Pattern[str], text: str) -> str:
    found = pattern.search(text)
    return next((g for g in found.groups() if g), "") if found else ""


def serial(title: str, issue: str) -> tuple[str, str, str]:
    """(journal title, volume, issue number) of an issue of a serial: the title without its
    issue label ("China Standardization (English edition), July/Aug 2024" -> "China
    Standardization (English edition)"), the numbers from the issue ("No. 4, Vol. 128",
    "2023 年第 12 期", "第 52 卷第 6 期"; '' when not stated)."""
    journal = title.replace(issue, "") if issue else title
    journal = _DATE_LABEL.sub("", journal).strip(" ,，") or title
    stated = f"{issue} {title}"
    return journal, _number(_VOLUME, stated), _number(_NUMBER, stated)


def _pages(citation: dict[str, Any]) -> str:
    """``14`` or ``6-12`` (GB/T 7714 page range), '' when the page is not known."""
    first, last = citation.get("page"), citation.get("page_end")
    if first is None:
        return ""
    return f"{first}-{last}" if last is not None and last != first else str(first)


def gbt7714(citation: dict[str, Any], doc: dict[str, Any], link: str, accessed: str) -> str:
    """GB/T 7714-2015: an article of a serial, ``作者. 题名[J/OL]. 刊名, 年, 卷(期): 页码[引用日期].
    获取路径.`` (section 4.4; ``[J]`` without access date and link when ``link`` is empty), or,
    without an article heading, the document itself (``[Z/OL]``)."""
    author = _author(doc, zh=True)
    title = str(citation.get("title") or doc.get("title") or "")
    heading = citation.get("section")
    year = str(doc.get("date") or "")[:4]
    online = "/OL" if link else ""
    parts = [f"{author}. " if author else ""]
    if heading:
        journal, volume, number = serial(title, str(doc.get("issue") or ""))
        parts.append(f"{heading}[J{online}]. {journal}")
        if year:
            parts.append(f", {year}")
        if volume:
            parts.append(f", {volume}")
        elif number and not year:
            parts.append(", ")
        parts.append(f"({number})" if number else "")  # 年, 卷(期) or 年(期)
    else:
        parts.append(f"{title}[Z{online}]")
        if year:
            parts.append(f", {year}")
    pages = _pages(citation)
    parts.append(f": {pages}" if pages else "")
    if link:
        parts.append(f"[{accessed}]. {link}")
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
