"""Map the main text extracted from a web page back to offsets in the raw HTML (pure).

The page's *visible characters* are read from the raw markup with their offsets: tags,
comments and the content of ``<script>``/``<style>``/``<template>`` are skipped, entities
decoded (``&amp;`` is one character spanning five in the file). The extracted text is then
matched against them line by line, in reading order: each line's non-space characters (without
Markdown markers such as ``#`` or table pipes) are looked up as one run after the previous
line's match, else anywhere, else character by character nearby.
"""

from __future__ import annotations

import html
import re
from array import array

from search.ingest.locate import CharMap

_SKIP = re.compile(
    r"<!--.*?-->|<!\[CDATA\[.*?\]\]>|<(script|style|template|noscript)\b[^>]*>.*?</\1\s*>"
    r"|<[^>]*>",
    re.IGNORECASE | re.DOTALL,
)
_ENTITY = re.compile(r"&(?:#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z][A-Za-z0-9]*);?")
_MARKER = re.compile(r"^\s*(?:#{1,6}\s+|[-*+]\s+|>\s*)")
NEAR = 400  # how far after the last match a character-by-character match may look


def visible_chars(raw: str) -> tuple[str, array, array]:
    """The non-space visible characters of ``raw`` and each one's ``[start, end)`` in it."""
    chars: list[str] = []
    starts, ends = array("i"), array("i")

    def text_run(a: int, b: int) -> None:
        pos = a
        for m in _ENTITY.finditer(raw, a, b):
            plain(pos, m.start())
            value = html.unescape(m.group(0))
            for ch in value:
                if not ch.isspace():
                    chars.append(ch)
                    starts.append(m.start())
                    ends.append(m.end())
            pos = m.end()
        plain(pos, b)

    def plain(a: int, b: int) -> None:
        for i in range(a, b):
            if not raw[i].isspace():
                chars.append(raw[i])
                starts.append(i)
                ends.append(i + 1)

    pos = 0
    for m in _SKIP.finditer(raw):
        text_run(pos, m.start())
        pos = m.end()
    text_run(pos, len(raw))
    return "".join(chars), starts, ends


def _line_runs(text: str) -> list[list[tuple[int, str]]]:
    """Each line's non-space characters with their positions in ``text``, Markdown markers and
    table pipes left out; a table row gives one run per cell."""
    runs: list[list[tuple[int, str]]] = []
    pos = 0
    for line in text.split("\n"):
        marker = _MARKER.match(line)
        skip = marker.end() if marker else 0
        cells = line.split(" | ") if " | " in line else [line]
        at = pos
        for k, cell in enumerate(cells):
            run = [
                (at + i, ch)
                for i, ch in enumerate(cell)
                if not ch.isspace() and (k > 0 or i >= skip)
            ]
            if run:
                runs.append(run)
            at += len(cell) + 3
        pos += len(line) + 1
    return runs


def html_char_map(text: str, raw: str) -> CharMap:
    """Where each character of the extracted ``text`` sits in ``raw`` (-1 where it does not)."""
    vis, vstart, vend = visible_chars(raw)
    starts = array("i", [-1]) * len(text)
    ends = array("i", [-1]) * len(text)
    cursor = 0
    for run in _line_runs(text):
        key = "".join(ch for _, ch in run)
        found = vis.find(key, cursor)
        if found < 0:
            found = vis.find(key)
        if found >= 0:
            for k, (i, _) in enumerate(run):
                starts[i], ends[i] = vstart[found + k], vend[found + k]
            cursor = found + len(key)
            continue
        at = cursor
        for i, ch in run:  # loose match: the extractor changed a few characters
            hit = vis.find(ch, at, at + NEAR)
            if hit >= 0:
                starts[i], ends[i] = vstart[hit], vend[hit]
                at = hit + 1
        cursor = at
    return CharMap(text, starts, ends)
