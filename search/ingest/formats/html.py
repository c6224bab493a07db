"""The ``.html``/``.htm`` reader: the page's main text, without navigation and boilerplate.

Library: trafilatura (works offline on a string; no fetching). It drops ``<nav>``, headers,
footers, sidebars, cookie banners, scripts and styles, and writes Markdown with ``#`` headings,
which the plain-text cleaner turns into articles. Markdown tables become one line per row with
cells joined by `` | `` (as the .docx reader writes them). The title comes from the page's
metadata (``<title>``, Open Graph ...), the date only from a date the page states in its
markup (``article:published_time``, ``<meta name="date">``, Dublin Core, ``<time
datetime>``; never guessed from the text), the language from ``<html lang>``. Bytes are
decoded with the declared charset (BOM, ``<meta charset>``), else as detected
(:func:`search.ingest.formats.base.decode_raw`). Citations point into the raw HTML
(:mod:`search.ingest.formats.html_map`).
"""

from __future__ import annotations

import codecs
import logging
import re
from pathlib import Path

import trafilatura

from search.errors import SourceError
from search.ingest.formats.base import SourceText, decode_raw, read_bytes
from search.ingest.formats.html_map import html_char_map

_CHARSET = re.compile(rb"""<meta[^>]+?charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.IGNORECASE)
_HTML_LANG = re.compile(r"""<html\b[^>]*?\blang\s*=\s*["']?\s*([A-Za-z]+)""", re.IGNORECASE)
_TABLE_RULE = re.compile(r"^\|?(?:\s*:?-+:?\s*\|)+\s*:?-*:?\s*\|?\s*$")
_DATE_META = re.compile(
    r"""<meta\b[^>]*?\b(?:property|name|itemprop)\s*=\s*["']?(?:article:published_time|"""
    r"""og:published_time|date|pubdate|publishdate|publish[-_]date|datePublished|dc\.date|"""
    r"""dc\.date\.issued|dcterms\.date|dcterms\.issued|dcterms\.created)["'\s>][^>]*>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(r"""\bcontent\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_TIME = re.compile(r"""<time\b[^>]*?\bdatetime\s*=\s*["']([^"']+)["']""", re.IGNORECASE)
_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})(?:-(\d{1,2}))?")
_MD_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!<>|~])")
_CHINESE = frozenset({"gb2312", "gbk", "x-gbk", "gb18030", "euc-cn", "cp936", "hz-gb-2312"})

logging.getLogger("trafilatura").setLevel(logging.ERROR)
logging.getLogger("htmldate").setLevel(logging.ERROR)


def declared_charset(data: bytes) -> str | None:
    """The encoding named by a BOM or a ``<meta charset>`` near the top, if Python knows it."""
    if data.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    m = _CHARSET.search(data[:4096])
    if not m:
        return None
    name = m.group(1).decode("ascii").lower()
    if name in _CHINESE:
        return "gb18030"  # a superset of GB2312/GBK: pages that say gb2312 often use GBK
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def decode_html(data: bytes, name: str) -> str:
    """Decode with the declared charset, else as detected; line ends are kept as in the file."""
    charset = declared_charset(data)
    if charset and (charset == "utf-16" or b"\x00" not in data[:8192]):
        try:
            return data.decode(charset).removeprefix("\ufeff")
        except UnicodeDecodeError:
            pass  # a wrong declaration is common: detect instead
    return decode_raw(data, name)


def stated_date(html: str) -> str | None:
    """``YYYY-MM-DD`` (or ``YYYY-MM``) from a date the markup states; None when it states none."""
    head = html[:200_000]
    values = [c.group(1) for m in _DATE_META.finditer(head) if (c := _CONTENT.search(m.group(0)))]
    values += _TIME.findall(head)
    for value in values:
        m = _ISO_DATE.match(value.strip())
        if m and 1 <= int(m.group(2)) <= 12:
            parts = [m.group(1), f"{int(m.group(2)):02d}"]
            if m.group(3):
                parts.append(f"{int(m.group(3)):02d}")
            return "-".join(parts)
    return None


def page_lang(html: str) -> str:
    """``zh``/``en`` from ``<html lang>`` ('zh-CN' -> 'zh'); '' for other or no language."""
    m = _HTML_LANG.search(html[:4096])
    code = m.group(1).lower()[:2] if m else ""
    return code if code in ("zh", "en") else ""


def tidy_markdown(text: str) -> str:
    """Drop Markdown table rules; table rows lose their outer pipes (``a | b``); Markdown
    backslash escapes (``\\<``) become the characters the page shows."""
    lines: list[str] = []
    for line in text.splitlines():
        stripped = line.strip()
        if stripped.startswith("|") and _TABLE_RULE.match(stripped):
            continue
        if stripped.startswith("|") and stripped.endswith("|"):
            cells = [" ".join(c.split()) for c in stripped.strip("|").split("|")]
            line = " | ".join(cells)
        lines.append(_MD_ESCAPE.sub(r"\1", line.rstrip()))
    return "\n".join(lines).strip()


def main_text(html: str) -> str:
    """The page's main text as Markdown ('' when nothing is left after boilerplate removal)."""
    for recall in (False, True):
        text = trafilatura.extract(
            html,
            output_format="markdown",
            include_tables=True,
            include_comments=False,
            include_images=False,
            include_links=False,
            favor_recall=recall,
        )
        if text and text.strip():
            return tidy_markdown(text)
    return ""


def read_html(path: Path) -> SourceText:
    """Read a saved web page: main text for the plain-text cleaner, title/date/lang metadata."""
    name = path.name
    html = decode_html(read_bytes(path), name)
    if not html.strip():
        raise SourceError(f"{name}: the file is empty")
    try:
        text = main_text(html)
        meta = trafilatura.extract_metadata(html, extensive=False)
    except Exception as exc:  # lxml/trafilatura on malformed markup
        reason = " ".join(str(exc).split())[:80] or type(exc).__name__
        raise SourceError(f"{name}: not a readable HTML page ({reason})") from exc
    if not text:
        raise SourceError(f"{name}: no main text found (only navigation or boilerplate)")
    title = " ".join((meta.title or "").split()) if meta else ""
    char_map = html_char_map(text, html)
    return SourceText(text, "text", title, stated_date(html), page_lang(html), char_map)
