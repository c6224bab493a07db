"""Cleaner for text extracted from PDFs (bulletins, reports; Chinese or English).

``clean_pdf_text`` turns a raw text dump into paragraphs grouped into articles: it drops
page furniture (lone page numbers, issue banners such as ``2023 年第 12 期``, running
headers), re-joins hard-wrapped lines, takes numbered footnotes out of the text flow
(re-joining the paragraph a footnote block splits) and attaches them to the article that
carries their marker, turns column banners into ``Article.section``, headings into new
articles and trailing ``（name name）`` bylines into ``Article.byline``.

Page rule (``Paragraph.page``): a page starts at a form feed or, in a double-spaced dump,
at an indented line that opens a new text block (not preceded by the usual empty line),
or at a header band holding a lone page number / issue banner. A band followed directly
by text opens the page it labels (the seed's ``机构评论 / 5 / 2023 年第 12 期`` band heads
page 5); a band followed by a page start closes the page before it. Pages are numbered
from the nearest printed number (counting page starts forwards, and backwards before the
first one); a count below 1 is unnumbered front matter and gives None. With no printed
numbers, pages count 1, 2, ... from the top; with no page evidence at all, None.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from search.ingest.cleaners.pdf_text_join import (
    display_width,
    ends_sentence,
    join_wrapped,
    url_tail,
)
from search.ingest.cleaners.pdf_text_lines import (
    Line,
    find_furniture,
    is_band_text,
    is_double_spaced,
    page_numbers,
    page_starts,
    split_lines,
    typical_width,
    uses_trailing_space,
)
from search.ingest.cleaners.pdf_text_notes import (
    find_marker,
    note_start,
    note_url,
    split_byline,
    strip_positions,
)
from search.types import Article, CleanDocument, Footnote, Paragraph

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


@dataclass
class _ArticleDraft:
    heading: str
    section: str
    byline: str = ""
    notes: list[Footnote] = field(default_factory=list)


@dataclass
class _ParaDraft:
    text: str
    start: int
    end: int
    article: int
    kind: str
    page: int | None
    cuts: list[tuple[int, int]] = field(default_factory=list)


def _byline_end(source: str, start: int, end: int) -> int:
    """Source offset just past the paragraph's last character before its byline."""
    cut = max(source.rfind("（", start, end), source.rfind("(", start, end))
    if cut <= start:
        return end
    while cut > start and source[cut - 1].isspace():
        cut -= 1
    return cut


@dataclass
class _Builder:
    """Accumulates articles and paragraphs while walking the classified groups."""

    source: str
    articles: list[_ArticleDraft] = field(default_factory=list)
    paras: list[_ParaDraft] = field(default_factory=list)
    section: str = ""
    pending_banner: str = ""
    # body line index -> (paragraph index or -1, text length there, article index or -1)
    positions: dict[int, tuple[int, int, int]] = field(default_factory=dict)

    def new_article(self, heading: str) -> None:
        """Open an article under the current section."""
        self.articles.append(_ArticleDraft(heading, self.section))
        self.pending_banner = ""

    def ensure_article(self) -> int:
        """Index of the current article, opening one (banner name or blank heading) if needed."""
        if self.pending_banner or not self.articles:
            self.new_article(self.pending_banner)
        return len(self.articles) - 1

    def add(
        self, kind: str, text: str, group: list[BodyLine], lengths: list[int], layout: Layout
    ) -> None:
        """Apply one classified group."""
        if kind == "banner":
            self.section = self.pending_banner = text
        elif kind == "heading":
            self.new_article(text)
        elif kind == "byline":
            art = self.articles[self.ensure_article()]
            art.byline = " ".join(filter(None, [art.byline, split_byline(text)[1]]))
        else:
            self._add_paragraph(kind, text, group, lengths, layout)
        para = len(self.paras) - 1
        size = len(self.paras[para].text) if para >= 0 else 0
        art = len(self.articles) - 1
        for bl in group:
            self.positions.setdefault(bl.line.idx, (para, size, art))

    def _add_paragraph(
        self, kind: str, text: str, group: list[BodyLine], lengths: list[int], layout: Layout
    ) -> None:
        """Append a paragraph, moving a trailing byline to its article."""
        art = self.ensure_article()
        start, end = group[0].line.start, group[-1].line.end
        rest, names = split_byline(text)
        if names:
            draft = self.articles[art]
            draft.byline = " ".join(filter(None, [draft.byline, names]))
            end = _byline_end(self.source, start, end)
        self.paras.append(
            _ParaDraft(rest, start, end, art, kind, layout.pages.get(group[0].line.idx))
        )
        for bl, size in zip(group, lengths, strict=True):
            self.positions[bl.line.idx] = (len(self.paras) - 1, min(size, len(rest)), art)


def attach_notes(builder: _Builder, notes: tuple[_Note, ...], body: tuple[BodyLine, ...]) -> None:
    """Find each footnote's marker (in order, after the previous one and before its block),
    schedule the marker digits for removal and attach the footnote to that article."""
    prev = (0, 0)
    for note in notes:
        if note.after:
            para, size, art = builder.positions[body[note.after - 1].line.idx]
        else:
            para, size, art = -1, 0, -1
        best: tuple[int, int, int] | None = None  # (score, paragraph, offset)
        for p in range(prev[0], para + 1):
            text = builder.paras[p].text
            lo = prev[1] if p == prev[0] else 0
            hi = size if p == para else len(text)
            hit = find_marker(text, note.number, lo, hi)
            if hit and (best is None or hit[0] > best[0]):
                best = (hit[0], p, hit[1])
        if best:
            _, p, pos = best
            end = pos + len(str(note.number))
            builder.paras[p].cuts.append((pos, end))
            prev, art = (p, end), builder.paras[p].article
        if art < 0:
            art = builder.ensure_article()
        footnote = Footnote(note.number, note.text, note_url(note.text))
        builder.articles[art].notes.append(footnote)


def measure(lines: list[Line]) -> tuple[Layout, frozenset[int]]:
    """Measure the layout and find the furniture lines to drop."""
    double = is_double_spaced(lines)
    starts = page_starts(lines, double)
    furniture = find_furniture(lines, starts)
    all_starts = frozenset(starts | furniture.starts)
    kept = [ln for ln in lines if ln.idx not in furniture.drop]
    counts: dict[str, int] = {}
    for ln in kept:
        if ln.kind == "text":
            counts[ln.text] = counts.get(ln.text, 0) + 1
    layout = Layout(
        double=double,
        char_wrap=uses_trailing_space(kept),
        width=typical_width(kept),  # refined on the body lines once footnotes are out
        starts=all_starts,
        pages=page_numbers(lines, set(all_starts), furniture.anchors),
        repeated=frozenset(t for t, n in counts.items() if n >= 2),
    )
    return layout, furniture.drop


def clean_pdf_text(source: str) -> CleanDocument:
    """Clean text extracted from a PDF into paragraphs and articles (pure; see module doc).

    Each paragraph's ``start``/``end`` span its first to last source line (footnotes and
    furniture removed from inside the span stay in it); a stripped byline is left out.
    """
    lines = split_lines(source)
    layout, drop = measure(lines)
    stream = split_stream(lines, drop, layout)
    layout = replace(
        layout,
        width=typical_width([bl.line for bl in stream.body]),
        line_width=block_widths(stream.body, layout.starts),
    )
    groups = merge_wrapped_headings(group_lines(stream.body, layout), layout)
    joined = [group_text(g, layout) for g in groups]
    kinds = classify(groups, [t for t, _ in joined], layout)
    builder = _Builder(source)
    for group, (text, lengths), kind in zip(groups, joined, kinds, strict=True):
        builder.add(kind, text, group, lengths, layout)
    attach_notes(builder, stream.notes, stream.body)
    paragraphs = tuple(
        Paragraph(
            text=strip_positions(p.text, p.cuts),
            start=p.start,
            end=p.end,
            article=p.article,
            kind=p.kind,
            page=p.page,
        )
        for p in builder.paras
    )
    articles = tuple(
        Article(
            index=i,
            heading=a.heading,
            section=a.section,
            byline=a.byline,
            footnotes=tuple(sorted(a.notes, key=lambda f: f.number)),
        )
        for i, a in enumerate(builder.articles)
    )
    return CleanDocument(paragraphs=paragraphs, articles=articles, pages=page_table(lines, layout))


def page_table(lines: list[Line], layout: Layout) -> tuple[tuple[int, int | None], ...]:
    """(source offset, page) where each page starts, so that a span's last page is known too."""
    out: list[tuple[int, int | None]] = []
    for ln in lines:
        page = layout.pages.get(ln.idx)
        if not out or out[-1][1] != page:
            out.append((ln.start, page))
    return tuple(out)
