"""Cleaner for plain text and Markdown: blank-line paragraphs, ``#`` headings start articles."""

from __future__ import annotations

import re

from search.types import Article, CleanDocument, Paragraph

_BLOCK = re.compile(r"\S(?:.|\n(?![ \t]*\n))*", re.MULTILINE)
_HEADING = re.compile(r"^#{1,6}\s+(.+?)\s*#*$")
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


def clean_plain(source: str, title: str = "") -> CleanDocument:
    """Split ``source`` into paragraphs at blank lines; Markdown headings open new articles."""
    articles = [Article(index=0, heading=title)]
    paragraphs: list[Paragraph] = []
    for m in _BLOCK.finditer(source):
        block = m.group(0).rstrip()
        start = m.start()
        lines = block.splitlines()
        heading = _HEADING.match(lines[0])
        if heading:
            articles.append(Article(index=len(articles), heading=heading.group(1)))
            start += len(lines[0]) + 1
            lines = lines[1:]
        text = join_lines(lines)
        if text:
            paragraphs.append(Paragraph(text, start, m.start() + len(block), articles[-1].index))
    return CleanDocument(tuple(paragraphs), tuple(articles))
