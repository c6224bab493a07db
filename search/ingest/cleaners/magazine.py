"""Cleaner for Markdown-like magazine text (e.g. *China Standardization*, English edition).

``clean_magazine(source)`` turns the text of one magazine issue into paragraphs grouped
into articles. It is pure: a string in, a :class:`CleanDocument` out.

How the text is read
--------------------
* Paragraphs are blank-line separated blocks; hard-wrapped lines are joined with one
  space (no space between two CJK characters). A body paragraph cut by a page break (it
  ends mid-sentence and the next block starts in lower case) is joined to the next one.
* ``**bold**``, ``*emphasis*``, ``^[n]`` / ``^[n-m]`` reference markers, Markdown links and
  escapes are stripped (the words stay).
* An article starts at
  - an English title (possibly wrapped, possibly with an ``Interview with ...`` subtitle)
    followed by its Chinese title, followed (after bylines) by running text; the heading is
    ``"English title / 中文标题"``; a column banner right above it becomes ``section``;
  - a column banner (``HEADLINE |``, ``08 | CHINA SCENE``, ALL-CAPS line, known words)
    followed by a headline and running text; inside such a column every further
    headline + running text starts a new news item with the same ``section``;
  - after an article has ended (an end sign like ``[CS](#)`` or a closing credit such as
    ``编译/...`` / ``(Edited and translated by ...)`` / ``(Source: X)``), a headline followed
    by running text; ``About ...`` headings keep the previous article going;
  - a headline whose last line is an event date (``August 25-30, Paris``) + running text.
  Other short lines inside an article (subheads, speaker names) stay body paragraphs.
* Bylines and credits go to ``Article.byline``; ``References`` lists become
  ``Article.footnotes`` (``Footnote(number, text, url)``); captions (``Figure 1 ...``,
  ``Table 1: ...``, ``图1``, ``Source: ...``) get ``kind="caption"``.
* Tab-separated rows become ``kind="table"`` paragraphs: cells joined with ``" | "``, rows
  with ``"\\n"``, rows grouped so one paragraph stays under about 600 characters.
* Everything before the first article (cover, masthead, ads, contents) and any banner or
  graphic text between articles that is not followed by running text goes into articles
  with ``section="front"`` (headings ``Cover``, ``Masthead``, ``Contents``,
  ``Front matter``, ``Advertisement``, ``Back cover``) whose paragraphs have
  ``kind="front"``. Running text found among the front pages (an editor's note) is kept as
  ``kind="body"`` in an article headed ``Editorial``.

Offsets
-------
``Paragraph.start``/``end`` index into ``source``. Every non-whitespace character of
``Paragraph.text`` occurs, in order, in ``source[start:end]`` -- except the ``|`` of the
``" | "`` cell separator in table paragraphs, which is not in the source (tab there).
``Paragraph.page`` is always ``None``: this kind of source has no page numbers.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from search.ingest.cleaners.magazine_blocks import Block, classify, split_blocks
from search.ingest.cleaners.magazine_parts import (
    _MAX_HEADLINE_BLOCKS,
    _find_titles,
    _footnotes,
    _group_rows,
    _Start,
    _table_rows,
)
from search.ingest.cleaners.magazine_text import (
    banner_text,
    clean_inline,
    ends_sentence,
    is_contents_heading,
    is_credit_line,
    is_date_line,
    join_lines,
    masthead_hit,
    strip_end_sign,
)
from search.types import Article, CleanDocument, Footnote, Paragraph


@dataclass
class _Art:
    """An article under construction."""

    heading: str
    section: str
    front: bool = False
    bylines: list[str] = field(default_factory=list)
    footnotes: list[Footnote] = field(default_factory=list)
    masthead: bool = False


@dataclass
class _Para:
    """A paragraph under construction (``block`` is the last source block it covers)."""

    text: str
    start: int
    end: int
    article: int
    kind: str
    block: int


def clean_magazine(source: str) -> CleanDocument:
    """Split magazine text into clean paragraphs and articles (see the module docstring)."""
    parser = _Parser(split_blocks(source))
    parser.run()
    return parser.result()


def _continues(prev: _Para, text: str) -> bool:
    """True if ``text`` carries on a body paragraph cut by a page break."""
    return (
        prev.kind == "body"
        and len(prev.text) >= 60
        and not ends_sentence(prev.text)
        and (prev.text[-1:].isalpha() or prev.text[-1:] in ",-")
        and text[:1].islower()
    )


class _Parser:
    """One pass over the blocks; holds the state of the pass (not shared between calls)."""

    def __init__(self, blocks: list[Block]) -> None:
        self.blocks = blocks
        self.kinds = [classify(block) for block in blocks]
        self.titles = _find_titles(blocks, self.kinds)
        self.arts: list[_Art] = []
        self.paras: list[_Para] = []
        self.mode = "front"  # front | column | feature | between | inter
        self.cur: int | None = None
        self.last_real: int | None = None
        self.column_section = ""
        self.front_label = ""
        self.in_refs = False

    # ----------------------------------------------------------------- article starts
    def headline_run(self, i: int) -> _Start | None:
        """Headline blocks (at most three) at ``i`` followed, after bylines, by prose."""
        parts: list[str] = []
        k = i
        while k < len(self.blocks) and self.kinds[k] == "heading":
            if len(parts) == _MAX_HEADLINE_BLOCKS:
                return None
            parts.append(self.blocks[k].text)
            k += 1
        if not parts or parts[0][:1].islower() or parts[0].lower().startswith("about "):
            return None
        after = k
        while after < len(self.kinds) and self.kinds[after] == "byline":
            after += 1
        if after >= len(self.kinds) or self.kinds[after] != "prose":
            return None
        has_date = is_date_line(parts[-1])
        return _Start(heading=" — ".join(parts), section="", next=k, has_date=has_date)

    def match_start(self, i: int) -> _Start | None:
        """The article start at block ``i`` in the current state, if any."""
        kind = self.kinds[i]
        if kind == "banner":
            section = banner_text(self.blocks[i].texts)
            title = self.titles.get(i + 1)
            if title is not None:
                return _Start(title.heading, section, title.next)
            run = self.headline_run(i + 1)
            if run is not None:
                return _Start(run.heading, section, run.next, column=True)
            return None
        if i in self.titles:
            return self.titles[i]
        if self.mode == "front":
            return None
        run = self.headline_run(i)
        if run is None:
            return None
        if self.mode == "column":
            return _Start(run.heading, self.column_section, run.next, column=True)
        if self.mode in ("between", "inter") or run.has_date:
            return run
        return None

    def open_article(self, start: _Start) -> None:
        """Begin a real article."""
        self.arts.append(_Art(heading=start.heading, section=start.section))
        self.cur = self.last_real = len(self.arts) - 1
        self.in_refs = False
        self.mode = "column" if start.column else "feature"
        if start.column:
            self.column_section = start.section

    def open_front(self, heading: str, front: bool = True) -> None:
        """Begin a front-matter article (or the editorial, ``front=False``)."""
        self.arts.append(_Art(heading=heading, section="front" if front else "", front=front))
        self.cur = len(self.arts) - 1

    # ----------------------------------------------------------------- paragraphs
    def emit(self, text: str, start: int, end: int, kind: str, block: int) -> None:
        """Add a paragraph to the current article (joining page-break continuations)."""
        if not text or self.cur is None:
            return
        prev = self.paras[-1] if self.paras else None
        if (
            kind == "body"
            and prev is not None
            and prev.article == self.cur
            and prev.block == block - 1
            and _continues(prev, text)
        ):
            prev.text, prev.end, prev.block = f"{prev.text} {text}", end, block
            return
        self.paras.append(_Para(text, start, end, self.cur, kind, block))

    def emit_block(self, i: int, kind: str) -> None:
        """Add block ``i`` as one paragraph of ``kind``."""
        block = self.blocks[i]
        self.emit(block.text, block.start, block.end, kind, i)

    def emit_table(self, i: int) -> None:
        """Add a tab-separated block as table paragraph(s)."""
        for text, start, end in _group_rows(_table_rows(self.blocks[i])):
            self.emit(text, start, end, "table", i)

    # ----------------------------------------------------------------- states
    def handle_front(self, i: int) -> None:
        """A block before the first article: cover, masthead, editorial, contents."""
        kind, text = self.kinds[i], self.blocks[i].text
        label = self.front_label or "Cover"
        if kind == "prose":
            label = "Editorial"
        elif is_contents_heading(text) or label == "Contents":
            label = "Contents"
        elif masthead_hit(text):
            label = "Masthead"
        elif label == "Editorial" and not ends_sentence(text):
            label = "Front matter"
        if label != self.front_label or self.cur is None:
            self.open_front(label, front=label != "Editorial")
            self.front_label = label
        if kind == "table":
            for text_, start, end in _group_rows(_table_rows(self.blocks[i])):
                self.emit(text_, start, end, "front", i)
        else:
            self.emit_block(i, "body" if label == "Editorial" else "front")

    def handle_inter(self, i: int) -> None:
        """A block that is neither in an article nor running text: graphic / ad text."""
        if self.mode != "inter":
            self.open_front("Advertisement")
            self.mode = "inter"
        art = self.arts[self.cur] if self.cur is not None else None
        if art is not None and masthead_hit(self.blocks[i].text):
            art.masthead = True
        if self.kinds[i] == "table":
            for text, start, end in _group_rows(_table_rows(self.blocks[i])):
                self.emit(text, start, end, "front", i)
        else:
            self.emit_block(i, "front")

    def resume(self) -> None:
        """Go back to the last real article after an end sign or a graphic."""
        self.cur = self.last_real
        self.mode = "feature"

    def handle(self, i: int) -> None:
        """A block that does not start an article."""
        kind, text = self.kinds[i], self.blocks[i].text
        if self.mode == "front":
            self.handle_front(i)
            return
        if self.mode in ("between", "inter"):
            about = kind == "heading" and text.lower().startswith("about ")
            keeps = ("prose", "byline", "refhead", "refs", "table", "caption")
            allowed = keeps if self.mode == "between" else ("prose",)
            back = about or kind in allowed
            if self.last_real is None or not back:
                self.handle_inter(i)
                return
            self.resume()
        self.handle_article(i)

    def handle_article(self, i: int) -> None:
        """A block inside a real article."""
        kind, block = self.kinds[i], self.blocks[i]
        art = self.arts[self.cur] if self.cur is not None else None
        if art is None:
            return
        if kind == "byline":
            art.bylines.append("; ".join(clean_inline(t) for t in block.texts))
            if any(is_credit_line(t) for t in block.texts) and self.mode == "feature":
                self.mode = "between"
            return
        if kind == "refhead":
            self.in_refs = True
            return
        if kind == "refs" and (self.in_refs or len(_footnotes(block)) >= 2):
            art.footnotes.extend(_footnotes(block))
            return
        self.in_refs = False
        if kind == "banner":
            self.handle_inter(i)
        elif kind == "table":
            self.emit_table(i)
        elif kind == "caption":
            self.emit_block(i, "caption")
        else:
            _, ended = strip_end_sign(join_lines(block.texts))
            self.emit_block(i, "body")
            if ended and self.mode == "feature":
                self.mode = "between"

    # ----------------------------------------------------------------- driver
    def run(self) -> None:
        """Walk all blocks once."""
        i = 0
        while i < len(self.blocks):
            start = self.match_start(i)
            if start is not None:
                self.open_article(start)
                i = start.next
                continue
            self.handle(i)
            i += 1

    def result(self) -> CleanDocument:
        """Freeze the collected articles and paragraphs."""
        articles = []
        for index, art in enumerate(self.arts):
            heading = art.heading
            if art.front and heading == "Advertisement":
                if index == len(self.arts) - 1:
                    heading = "Back cover"
                elif art.masthead:
                    heading = "Masthead"
            articles.append(
                Article(
                    index=index,
                    heading=heading,
                    section=art.section,
                    byline="; ".join(art.bylines),
                    footnotes=tuple(art.footnotes),
                )
            )
        paragraphs = tuple(
            Paragraph(p.text, p.start, p.end, p.article, p.kind, None) for p in self.paras
        )
        return CleanDocument(paragraphs=paragraphs, articles=tuple(articles))
