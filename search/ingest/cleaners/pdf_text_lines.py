"""Line records, layout measurements and page furniture for PDF-extracted text (pure helpers)."""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from search.ingest.cleaners.pdf_text_join import (
    SENTENCE_FINAL,
    collapse_spaces,
    display_width,
    ends_sentence,
    is_han,
)

_PAGE_NUMBER = re.compile(
    r"(?:[-–—]\s*)?\d{1,4}(?:\s*[-–—])?"
    r"|(?:page|p\.)\s*\d{1,4}(?:\s*(?:of|/)\s*\d{1,4})?"
    r"|第\s*\d{1,4}\s*页(?:\s*[,，]?\s*共\s*\d{1,4}\s*页)?"
    r"|\d{1,4}\s*/\s*\d{1,4}",
    re.IGNORECASE,
)
_ISSUE = re.compile(
    r"(?:\d{4}\s*年\s*)?第\s*\d{1,3}\s*[期卷](?:\s*[（(]?总第\s*\d+\s*期[）)]?)?"
    r"|(?:vol\.?|volume)\s*\d+\s*[,，]?\s*(?:no\.?|issue)\s*\d+(?:\s*[,，]?\s*\d{4})?"
    r"|(?:issue|no\.)\s*\d+\s*[,，]?\s*\d{4}",
    re.IGNORECASE,
)
RULE_MIN_SPACES = 10  # a whitespace-only line this long is a footnote separator rule


@dataclass(frozen=True)
class Line:
    """One physical line of the source.

    ``start``/``end`` bound its non-whitespace content in the source; ``kind`` is
    ``text``, ``blank`` (empty), ``space`` (a few spaces: a graphic or empty box) or
    ``rule`` (a long run of spaces: the footnote separator).
    """

    idx: int
    start: int
    end: int
    text: str
    lead: int
    trailing: bool
    kind: str
    form_feed: bool = False

    @property
    def width(self) -> int:
        """Display width of the stripped text."""
        return display_width(self.text)


def split_lines(source: str) -> list[Line]:
    """Split ``source`` at ``\\n`` only (form feeds are kept and flagged as page breaks)."""
    lines: list[Line] = []
    pos = 0
    for idx, raw in enumerate(source.split("\n")):
        body = raw.replace("\f", " ")
        stripped = body.strip()
        lead = len(body) - len(body.lstrip())
        if stripped:
            start = pos + lead
            end = pos + len(body.rstrip())
            trailing = len(body.rstrip("\r")) > len(body.rstrip())
            kind = "text"
        else:
            start = end = pos
            trailing = False
            kind = "rule" if len(body) >= RULE_MIN_SPACES else ("space" if body else "blank")
        lines.append(
            Line(idx, start, end, collapse_spaces(stripped), lead, trailing, kind, "\f" in raw)
        )
        pos += len(raw) + 1
    return lines


def is_double_spaced(lines: list[Line]) -> bool:
    """True when (nearly) every text line is followed by an empty line (a common PDF dump)."""
    texts = [ln for ln in lines if ln.kind == "text" and ln.idx + 1 < len(lines)]
    if len(texts) < 2:
        return False
    followed = sum(1 for ln in texts if lines[ln.idx + 1].kind == "blank")
    return followed >= 0.6 * len(texts)


def uses_trailing_space(lines: list[Line]) -> bool:
    """Does the extractor mark paragraph-final lines with trailing whitespace?

    Measured on lines ending in CJK text (Latin lines also keep the space at word wraps):
    few lines ending in an ideograph carry it, and clearly more of those ending in 。！？
    do (not all: a full line may end a sentence mid-paragraph).
    """
    final = [ln for ln in lines if ln.kind == "text" and ln.text[-1] in "。！？"]
    open_ = [ln for ln in lines if ln.kind == "text" and is_han(ln.text[-1])]
    if not final or len(open_) < 2:
        return False
    final_rate = sum(ln.trailing for ln in final) / len(final)
    open_rate = sum(ln.trailing for ln in open_) / len(open_)
    return open_rate <= 0.3 and final_rate >= open_rate + 0.3


def typical_width(lines: list[Line]) -> int:
    """The 75th-percentile display width of text lines (a full line of body text)."""
    widths = sorted(ln.width for ln in lines if ln.kind == "text")
    return widths[(len(widths) * 3) // 4] if widths else 0


def page_starts(lines: list[Line], double: bool) -> set[int]:
    """Indices of lines that open a new page block.

    A form feed always does. In a double-spaced dump a new text block begins where a text
    line is *not* preceded by the usual empty line; such a block opens a page when its
    first line is indented (footnote entries also start blocks, but flush left).
    """
    starts: set[int] = set()
    feed = False
    for ln in lines:
        feed = feed or ln.form_feed
        if ln.kind != "text":
            continue
        new_block = double and ln.idx > 0 and lines[ln.idx - 1].kind == "text"
        if (feed and ln.idx > 0) or (new_block and ln.lead > 0):
            starts.add(ln.idx)
        feed = False
    return starts


def is_page_number(text: str) -> bool:
    """A lone page number line: ``5``, ``- 5 -``, ``Page 5 of 20``, ``第 5 页``."""
    return bool(_PAGE_NUMBER.fullmatch(text))


def is_issue_banner(text: str) -> bool:
    """An issue banner line: ``2023 年第 12 期``, ``Vol. 3, No. 12``."""
    return bool(_ISSUE.fullmatch(text))


def _short_furniture(ln: Line) -> bool:
    """Shape of a line that may sit in a header/footer band: short, no sentence end."""
    return ln.width <= 30 and not any(c in SENTENCE_FINAL for c in ln.text)


def _neighbour(lines: list[Line], idx: int, step: int) -> tuple[int | None, bool]:
    """Next text line from ``idx`` going ``step``; also whether a ``space`` line was crossed."""
    crossed = False
    i = idx + step
    while 0 <= i < len(lines):
        if lines[i].kind == "text":
            return i, crossed
        if lines[i].kind == "rule":
            return None, crossed
        crossed = crossed or lines[i].kind == "space"
        i += step
    return None, crossed


def running_headers(lines: list[Line], pages: int) -> set[str]:
    """Short lines repeated on many pages (at least 3 times and on 30% of the page blocks)."""
    counts = Counter(ln.text for ln in lines if ln.kind == "text" and _short_furniture(ln))
    need = max(3, int(0.3 * pages))
    return {t for t, n in counts.items() if n >= need}


@dataclass(frozen=True)
class Furniture:
    """Header/footer lines to drop, extra page starts, and (page block, printed number) anchors."""

    drop: frozenset[int]
    starts: frozenset[int]
    anchors: tuple[tuple[int, int], ...]


def find_furniture(lines: list[Line], starts: set[int]) -> Furniture:
    """Find page-number / issue-banner bands and running headers.

    A band is a lone page number or issue banner plus the short lines next to it that are
    separated from it only by empty or space-only lines (with at least one space-only line
    in between, or themselves of band shape). A band followed directly by text opens the
    page (as in the seed, where ``机构评论 / 5 / 2023 年第 12 期`` heads a page); a band
    followed by a page start closes the page before.
    """
    repeated = running_headers(lines, len(starts) + 1)
    drop: set[int] = {ln.idx for ln in lines if ln.kind == "text" and ln.text in repeated}
    new_starts: set[int] = set()
    number_at: dict[int, int] = {}
    for ln in lines:
        if ln.kind != "text" or ln.idx in drop:
            continue
        if not (is_page_number(ln.text) or is_issue_banner(ln.text)):
            continue
        band = [ln.idx]
        for step in (-1, 1):
            edge = ln.idx
            while True:
                nxt, crossed = _neighbour(lines, edge, step)
                if nxt is None:
                    break
                cand = lines[nxt]
                bandlike = is_page_number(cand.text) or is_issue_banner(cand.text)
                if not (bandlike or (crossed and _short_furniture(cand))):
                    break
                band.append(nxt)
                edge = nxt
        band.sort()
        drop.update(band)
        after, _ = _neighbour(lines, band[-1], 1)
        opens = after is None or after not in starts
        if opens and band[0] > 0:
            new_starts.add(band[0])
        if is_page_number(ln.text):
            digits = re.search(r"\d+", ln.text)
            number_at[band[0] if opens else -band[0] - 1] = int(digits.group(0)) if digits else 0
    all_starts = starts | new_starts
    anchors: list[tuple[int, int]] = []
    for key, number in sorted(number_at.items(), key=lambda kv: abs(kv[0])):
        line_idx = key if key >= 0 else -key - 1
        block = sum(1 for s in all_starts if s <= line_idx)
        anchors.append((block, number))
    return Furniture(frozenset(drop), frozenset(new_starts), tuple(anchors))


def page_numbers(
    lines: list[Line], starts: set[int], anchors: tuple[tuple[int, int], ...]
) -> dict[int, int | None]:
    """Map each line index to its page.

    Pages are counted by page starts (block 0 is everything before the first start).
    With printed page numbers, block ``b`` gets ``N + (b - a)`` from the nearest anchor
    ``(a, N)`` at or before it (the first anchor for earlier blocks); results below 1 are
    unnumbered front matter and get None. Without page numbers, pages count 1, 2, ...
    from the first line when page starts were seen, else every page is None.
    """
    result: dict[int, int | None] = {}
    block = 0
    for ln in lines:
        if ln.idx in starts and ln.idx > 0:
            block += 1
        result[ln.idx] = _page_of_block(block, anchors, bool(starts))
    return result


def _page_of_block(
    block: int, anchors: tuple[tuple[int, int], ...], have_starts: bool
) -> int | None:
    """Printed page number of page block ``block`` (see :func:`page_numbers`)."""
    if not anchors:
        return block + 1 if have_starts else None
    base = anchors[0]
    for a in anchors:
        if a[0] <= block:
            base = a
    page = base[1] + block - base[0]
    return page if page >= 1 else None


def is_band_text(text: str) -> bool:
    """A banner-like short text: only ideographs/letters and spaces, no digits or punctuation."""
    if not text or any(c.isdigit() for c in text):
        return False
    if all(is_han(c) or c == " " for c in text):
        return display_width(text) <= 16
    words = text.split()
    return (
        all(w.isalpha() or w in "&-" for w in words)
        and len(words) <= 4
        and len(text) <= 30
        and not ends_sentence(text)
    )
