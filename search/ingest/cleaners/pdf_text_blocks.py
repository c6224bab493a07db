"""PDF-text cleaning, first half: the page stream split into body lines and notes, the page
layout measured, body lines grouped into blocks and each block classified (heading, banner,
caption, paragraph ...). :mod:`search.ingest.cleaners.pdf_text` builds articles from them."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from search.ingest.cleaners.pdf_text_join import (
    display_width,
    ends_sentence,
    join_wrapped,
    url_tail,
)
from search.ingest.cleaners.pdf_text_lines import (
    Line,
    is_band_text,
    typical_width,
)
from search.ingest.cleaners.pdf_text_notes import (
    note_start,
    split_byline,
)

KNOWN_BANNERS = frozenset(
    {"本期概要", "本期要目", "目录", "编者按", "Contents", "CONTENTS", "In This Issue"}
)
_CAPTION = re.compile(r"(?:图|表)\s*\d+(?:[.\-]\d+)*\s*[.:：、]?\s*\S|(?:Figure|Fig\.|Table)\s+\d+")
_LATIN_SENTENCE = re.compile(r"[a-z\d][.!?;]\d{0,3}(?:\s|$)")
_LIST_ITEM = re.compile(r"(?:[（(]\d{1,2}[）)]|\d{1,2}[）)]|[•·▪●◆■\-–]\s)")


@dataclass(frozen=True)
class BodyLine:
    """A line of the main text flow; ``gap`` says a graphic/blank gap preceded it."""

    line: Line
    gap: bool


@dataclass
class _Note:
    """A footnote being collected; ``after`` = number of body lines before its block."""

    number: int
    text: str
    after: int
    trailing: bool


@dataclass(frozen=True)
class Stream:
    """The main text flow and the footnotes taken out of it."""

    body: tuple[BodyLine, ...]
    notes: tuple[_Note, ...]


@dataclass(frozen=True)
class Layout:
    """Measurements of the document that steer joining and paragraph breaks."""

    double: bool
    char_wrap: bool
    width: int
    starts: frozenset[int]
    pages: dict[int, int | None]
    repeated: frozenset[str]
    line_width: dict[int, int] = field(default_factory=dict)

    def full_width(self, ln: Line) -> int:
        """Width of a full line of body text around ``ln`` (its page block, else the document)."""
        return self.line_width.get(ln.idx, self.width)


def next_text(lines: list[Line], idx: int, count: int) -> str:
    """The next ``count`` text lines after ``idx``, joined by spaces."""
    found = [ln.text for ln in lines[idx + 1 : idx + 1 + 4 * count] if ln.kind == "text"]
    return " ".join(found[:count])


def split_stream(lines: list[Line], drop: frozenset[int], layout: Layout) -> Stream:
    """Separate footnote entries (below a separator rule, or citation-shaped in sequence)
    from the body text; drop furniture. A footnote block ends at a page start, a band or
    the end of the text."""
    body: list[BodyLine] = []
    notes: list[_Note] = []
    current: _Note | None = None
    in_block = False
    gap_space = gap_blank = gap_other = False
    for ln in lines:
        if ln.kind != "text":
            in_block = in_block or ln.kind == "rule"
            gap_other = gap_other or ln.kind == "rule"
            gap_space = gap_space or ln.kind == "space"
            gap_blank = gap_blank or ln.kind == "blank"
            continue
        if ln.idx in drop or ln.idx in layout.starts:
            current, in_block = None, False
            if ln.idx in drop:
                gap_other = True
                continue
        following = "" if in_block else next_text(lines, ln.idx, 2)
        start = note_start(ln.text, notes[-1].number if notes else 0, in_block, following)
        if start:
            current = _Note(start.number, start.text, len(body), ln.trailing)
            notes.append(current)
            in_block, gap_other = True, True
            continue
        if in_block and current is not None:
            current.text = join_wrapped(current.text, ln.text, current.trailing, layout.char_wrap)
            current.trailing = ln.trailing
            continue
        current, in_block = None, False
        gap = (gap_space and not gap_other) or (not layout.double and gap_blank and not gap_other)
        body.append(BodyLine(ln, gap))
        gap_space = gap_blank = gap_other = False
    return Stream(tuple(body), tuple(notes))


def block_widths(body: tuple[BodyLine, ...], starts: frozenset[int]) -> dict[int, int]:
    """Full-line width per page block (blocks of at least 5 body lines), by line index."""
    blocks: list[list[Line]] = []
    for bl in body:
        if not blocks or bl.line.idx in starts:
            blocks.append([])
        blocks[-1].append(bl.line)
    widths: dict[int, int] = {}
    for block in blocks:
        if len(block) >= 5:
            full = typical_width(block)
            widths.update((ln.idx, full) for ln in block)
    return widths


def ends_paragraph(ln: Line, layout: Layout) -> bool:
    """Does ``ln`` end its paragraph?

    Bylines always do. When the extractor marks paragraph ends with trailing whitespace
    (measured, see ``uses_trailing_space``), a marked line ends the paragraph unless it ends
    in Latin text that is neither a sentence end nor a short line (Latin lines keep the
    space at word wraps). Otherwise: sentence-final punctuation on a line shorter than a
    full line, or a line clearly shorter than a full line without it (a heading).
    """
    if split_byline(ln.text)[1]:
        return True
    full = layout.full_width(ln)
    if layout.char_wrap:
        if not ln.trailing:
            return False
        last = ln.text[-1]
        return not last.isascii() or ends_sentence(ln.text) or ln.width < 0.6 * full
    if ends_sentence(ln.text):
        return ln.width < 0.9 * full
    return ln.width < 0.85 * full


def group_lines(body: tuple[BodyLine, ...], layout: Layout) -> list[list[BodyLine]]:
    """Cut the body flow into groups of lines (paragraph, heading, banner or byline)."""
    groups: list[list[BodyLine]] = []
    current: list[BodyLine] = []
    for bl in body:
        if current and bl.gap:
            groups.append(current)
            current = []
        current.append(bl)
        if ends_paragraph(bl.line, layout):
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def merge_wrapped_headings(groups: list[list[BodyLine]], layout: Layout) -> list[list[BodyLine]]:
    """Without trailing-space evidence a wrapped heading's long first line ends a group on
    its own; put it back together with the short next line when both look like a title."""
    if layout.char_wrap:
        return groups
    merged: list[list[BodyLine]] = []
    for group in groups:
        if merged and len(merged[-1]) == 1 and len(group) == 1 and not group[0].gap:
            prev = merged[-1][0].line
            both = merged[-1] + group
            if (
                prev.width >= 0.7 * layout.full_width(prev)
                and heading_shaped(prev.text, 1, layout)
                and heading_shaped(group_text(both, layout)[0], 2, layout)
            ):
                merged[-1] = both
                continue
        merged.append(group)
    return merged


def group_text(group: list[BodyLine], layout: Layout) -> tuple[str, list[int]]:
    """Join a group's lines; also return the text length after each line."""
    text = ""
    lengths: list[int] = []
    for i, bl in enumerate(group):
        trailing = group[i - 1].line.trailing if i else False
        text = join_wrapped(text, bl.line.text, trailing, layout.char_wrap)
        lengths.append(len(text))
    return text, lengths


def heading_shaped(text: str, n_lines: int, layout: Layout) -> bool:
    """A title: no sentence punctuation, no URL, at most three lines, not a continuation."""
    return (
        bool(text)
        and n_lines <= 3
        and not ends_sentence(text)
        and text[-1] not in "：:，,、"
        and not any(c in "。！？；，" for c in text)
        and not _LATIN_SENTENCE.search(text)
        and url_tail(text) is None
        and "://" not in text
        and not text[0].islower()
        and not _LIST_ITEM.match(text)
        and display_width(text) <= 2.5 * max(layout.width, 40)
        and not split_byline(text)[1]
    )


def is_banner(groups: list[list[BodyLine]], texts: list[str], i: int, layout: Layout) -> bool:
    """A column banner: a one-line group of banner shape (see ``is_band_text``) that opens a
    page, the text or is repeated, and is followed by a graphic gap or a heading; or a known
    banner word (an addition to the shape rule)."""
    group, text = groups[i], texts[i]
    if len(group) != 1:
        return False
    if text in KNOWN_BANNERS:
        return True
    first = group[0].line
    placed = first.idx in layout.starts or first.idx == 0 or text in layout.repeated
    has_next = i + 1 < len(groups)
    followed = has_next and (
        groups[i + 1][0].gap or heading_shaped(texts[i + 1], len(groups[i + 1]), layout)
    )
    return is_band_text(text) and placed and followed


def classify(groups: list[list[BodyLine]], texts: list[str], layout: Layout) -> list[str]:
    """Label each group ``byline``, ``banner``, ``caption``, ``heading``, ``list`` or ``body``."""
    kinds: list[str] = []
    for i, text in enumerate(texts):
        rest, names = split_byline(text)
        if names and not rest:
            kinds.append("byline")
        elif is_banner(groups, texts, i, layout):
            kinds.append("banner")
        elif _CAPTION.match(text) and display_width(text) <= layout.width * 1.5:
            kinds.append("caption")
        elif heading_shaped(text, len(groups[i]), layout) and i + 1 < len(texts):
            kinds.append("heading")
        else:
            kinds.append("list" if _LIST_ITEM.match(text) else "body")
    return kinds
