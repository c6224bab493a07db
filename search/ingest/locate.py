"""Where a span of a reader's text sits in the original file: the citation model per format.

A reader hands the cleaners a text (Markdown-ish for HTML and Word, pages joined by form feeds
for PDF). A chunk's span in that text is turned into a :class:`Location` by the reader's
locator, so that a citation points into the *original* file:

- text-like files (TXT, Markdown, HTML): ``char_start``/``char_end`` into the file's decoded
  text (HTML: the raw markup, tags and entities included; line ends as in the file);
- PDF: ``page``/``page_end`` (1-based physical pages) with ``char_start`` into the text of
  ``page`` and ``char_end`` into the text of ``page_end`` (pdfminer's extraction of that page);
- Word: ``block``/``block_end`` (1-based body blocks: paragraphs and tables in document
  order, empty paragraphs counted) with ``char_start``/``char_end`` into those blocks' text.
"""

from __future__ import annotations

from array import array
from bisect import bisect_right
from collections.abc import Callable, Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    char_start: int
    char_end: int
    page: int | None = None
    page_end: int | None = None
    block: int | None = None
    block_end: int | None = None


Locator = Callable[[int, int], Location]


def _visible_bounds(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` narrowed to its first and last non-space character."""
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


@dataclass(frozen=True)
class CharMap:
    """For each character of a reader's text, where it came from in the raw text (-1: nowhere,
    e.g. a Markdown marker or an inserted separator)."""

    text: str
    raw_start: array
    raw_end: array

    def __call__(self, start: int, end: int) -> Location:
        start, end = _visible_bounds(self.text, start, end)
        first = next((i for i in range(start, end) if self.raw_start[i] >= 0), None)
        last = next((i for i in range(end - 1, start - 1, -1) if self.raw_end[i] >= 0), None)
        if first is None or last is None:
            return Location(0, 0)
        return Location(self.raw_start[first], self.raw_end[last])


def newline_map(raw: str) -> tuple[str, CharMap | None]:
    """``raw`` with CRLF/CR line ends as LF, and the map back (None when nothing changed)."""
    if "\r" not in raw:
        return raw, None
    out: list[str] = []
    starts, ends = array("i"), array("i")
    i = 0
    while i < len(raw):
        ch = raw[i]
        if ch == "\r":
            width = 2 if raw.startswith("\r\n", i) else 1
            out.append("\n")
            starts.append(i)
            ends.append(i + width)
            i += width
            continue
        out.append(ch)
        starts.append(i)
        ends.append(i + 1)
        i += 1
    text = "".join(out)
    return text, CharMap(text, starts, ends)


def page_locator(text: str) -> Locator:
    """Pages joined by form feeds: physical page numbers and offsets into each page's text."""
    starts = [0] + [i + 1 for i, ch in enumerate(text) if ch == "\f"]

    def locate(start: int, end: int) -> Location:
        start, end = _visible_bounds(text, start, end)
        first = bisect_right(starts, start)
        last = bisect_right(starts, max(end - 1, start))
        return Location(start - starts[first - 1], end - starts[last - 1], first, last)

    return locate


@dataclass(frozen=True)
class Block:
    """One body block of a Word file as the reader wrote it: ``text_start`` in the reader's text,
    ``index`` (1-based) in the body, ``lead`` characters dropped from the front of its text."""

    text_start: int
    text_end: int
    index: int
    lead: int = 0


def block_locator(text: str, blocks: Sequence[Block]) -> Locator:
    """Word: the body blocks a span covers and offsets into their text."""
    starts = [b.text_start for b in blocks]

    def locate(start: int, end: int) -> Location:
        start, end = _visible_bounds(text, start, end)
        if not blocks:
            return Location(start, end)
        a = blocks[max(bisect_right(starts, start) - 1, 0)]
        b = blocks[max(bisect_right(starts, max(end - 1, start)) - 1, 0)]
        return Location(
            start - a.text_start + a.lead,
            min(end, b.text_end) - b.text_start + b.lead,
            block=a.index,
            block_end=b.index,
        )

    return locate
