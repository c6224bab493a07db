"""Sentences and sentence windows of a text (pure): used by chunking at build time and by
snippets at query time, so both cut text the same way."""

from __future__ import annotations

import re
from functools import lru_cache

# A sentence ends after 。！？； (and any closing quote/bracket), or after . ! ? followed by space.
_SENTENCE_END = re.compile(r"(?<=[。！？；])[”’」』）)]*|(?<=[.!?])[”’\"')\]]*\s+(?=\S)")


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Spans of the sentences of ``text``: they end at Chinese 。！？； or English . ! ? + space."""
    return list(_sentence_spans(text))


@lru_cache(maxsize=4096)  # snippets of passages that recur across queries
def _sentence_spans(text: str) -> tuple[tuple[int, int], ...]:
    spans, start = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.end() > start and text[start : m.end()].strip():
            spans.append(_strip_span(text, start, m.end()))
        start = m.end()
    if text[start:].strip():
        spans.append(_strip_span(text, start, len(text)))
    return tuple(spans)


def _strip_span(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def window_spans(text: str, size: int = 2) -> list[tuple[int, int]]:
    """Spans of the overlapping windows of ``size`` sentences of ``text`` (at least one)."""
    spans = sentence_spans(text) or [(0, len(text))]
    return [
        (spans[j][0], spans[min(j + size, len(spans)) - 1][1])
        for j in range(max(1, len(spans) - size + 1))
    ]


def sentence_windows(texts: list[str], size: int = 2) -> tuple[list[str], list[int]]:
    """The sentence windows of each text, and the number of the text each belongs to."""
    windows: list[str] = []
    owners: list[int] = []
    for i, text in enumerate(texts):
        for a, b in window_spans(text, size):
            windows.append(text[a:b])
            owners.append(i)
    return windows, owners
