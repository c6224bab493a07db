"""Cleaner for plain text and Markdown: blank-line paragraphs; headings start articles.

A heading is a Markdown ``#`` line or a Chinese outline heading on a line of its own: ``一、``,
``（一）``, ``1.`` (short, Chinese), ``第一章``/``第一节``/``第一条``. A ``第…条`` line that goes on
with its text (as laws are written) gives the number as heading and the rest as body.
"""

from __future__ import annotations

import re

from search.types import Article, CleanDocument, Paragraph

_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
_NUM = "一二三四五六七八九十百千零〇两"
_OUTLINE = re.compile(
    rf"^(?:[{_NUM}]+、|[（(][{_NUM}]+[)）]|\d{{1,2}}[.．、](?!\d)|第[{_NUM}\d]+[章节编部分])\s*\S"
)
_ARTICLE_NO = re.compile(rf"^(第[{_NUM}\d]+条)(?:\s+|$)")
_SENTENCE_END = re.compile(r"[。；;，,：:！？!?]$")
_CJK = re.compile(r"[\u3400-\u9fff]")
MAX_HEADING_CHARS = 40
_CJK_END = re.compile(r"[\u3000-\u9fff\uff00-\uffef]$")
_CJK_START = re.compile(r"^[\u3000-\u9fff\uff00-\uffef]")


def join_lines(lines: list[str]) -> str:
    """Join hard-wrapped lines: no space between CJK characters, one space between words."""
    out = ""
    for line in (ln.strip() for ln in lines):
        if not line:
            continue
        if out and not (_CJK_END.search(out) and _CJK_START.search(line)):
            out += " "
        out += line
    return out


def outline_heading(line: str) -> tuple[str, str] | None:
    """``(heading, rest of the line)`` when ``line`` is a heading, else None (pure)."""
    line = line.strip()
    md = _HEADING.match(line)
    if md:
        return md.group(1), ""
    article = _ARTICLE_NO.match(line)
    if article:
        return article.group(1), line[article.end() :]
    if len(line) > MAX_HEADING_CHARS or _SENTENCE_END.search(line) or not _CJK.search(line):
        return None
    if _OUTLINE.match(line):
        if re.match(r"^\d", line) and len(line) > 20:
            return None  # a numbered sentence, not a section number
        return line, ""
    return None


def clean_plain(source: str, title: str = "") -> CleanDocument:
    """Split ``source`` into paragraphs at blank lines and headings; headings open articles."""
    articles = [Article(index=0, heading=title)]
    paragraphs: list[Paragraph] = []
    lines: list[tuple[int, str]] = []  # (offset in source, line) of the open paragraph

    def close() -> None:
        text = join_lines([ln for _, ln in lines])
        if text:
            start = lines[0][0] + len(lines[0][1]) - len(lines[0][1].lstrip())
            last_at, last = lines[-1]
            paragraphs.append(
                Paragraph(text, start, last_at + len(last.rstrip()), articles[-1].index)
            )
        lines.clear()

    at = 0
    for line in source.split("\n"):
        here, at = at, at + len(line) + 1
        if not line.strip():
            close()
            continue
        heading = outline_heading(line)
        if heading is None:
            lines.append((here, line))
            continue
        close()
        articles.append(Article(index=len(articles), heading=heading[0]))
        rest = heading[1]
        if rest:
            lines.append((here + line.index(rest), rest))
    close()
    return CleanDocument(tuple(paragraphs), tuple(articles))
