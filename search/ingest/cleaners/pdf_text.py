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

from dataclasses import dataclass, field, replace

from search.ingest.cleaners.pdf_text_blocks import (
    BodyLine,
    Layout,
    _Note,
    block_widths,
    classify,
    group_lines,
    group_text,
    merge_wrapped_headings,
    split_stream,
)
from search.ingest.cleaners.pdf_text_lines import (
    Line,
    find_furniture,
    is_double_spaced,
    page_numbers,
    page_starts,
    split_lines,
    typical_width,
    uses_trailing_space,
)
from search.ingest.cleaners.pdf_text_notes import (
    find_marker,
    note_url,
    split_byline,
    strip_positions,
)
from search.types import Article, CleanDocument, Footnote, Paragraph


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
