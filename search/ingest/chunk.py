"""Paragraph-first chunking (pure): paragraphs of one article -> passages that get one vector.

Sizes are counted in *units*: one Latin word (or number) is one unit and one CJK ideograph is
``1 / CJK_CHARS_PER_WORD`` of a unit, so a Chinese and an English passage of the same size carry
the same amount of meaning. ``CJK_CHARS_PER_WORD`` was measured on 4 354 public Chinese-English
sentence pairs (PyPI ``hsk-sentences-audio``): 32 646 ideographs against 22 718 English words.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from collections.abc import Iterator
from dataclasses import dataclass

from search.ingest.align import Aligner
from search.text.lang import passage_lang
from search.text.script import ideographs
from search.text.sentences import sentence_spans
from search.types import Chunk, CleanDocument, Paragraph

CJK_CHARS_PER_WORD = 1.44
_WORD_UNIT = re.compile(r"[A-Za-z0-9](?:[A-Za-z0-9'’./:_-]*[A-Za-z0-9])?")


@dataclass(frozen=True)
class ChunkSizes:
    """Target sizes in units (see module docstring)."""

    max_units: int = 160  # split paragraphs longer than this at sentence ends
    min_units: int = 30  # merge neighbouring paragraphs of one article while below this
    # a short piece (under min_units: a list item, a one-line paragraph) also joins a chunk
    # that is already min_units, up to twice min_units, so lists become passages of a few
    # items rather than one block of max_units


def units(text: str) -> float:
    """Size of ``text``: Latin words/numbers plus CJK ideographs / ``CJK_CHARS_PER_WORD``."""
    return len(_WORD_UNIT.findall(text)) + ideographs(text) / CJK_CHARS_PER_WORD


def split_spans(text: str, max_units: int) -> list[tuple[int, int]]:
    """Greedy packing of whole sentences into spans of at most ``max_units`` (a longer sentence
    stays whole)."""
    if units(text) <= max_units:
        return [(0, len(text))]
    out: list[tuple[int, int]] = []
    cur: tuple[int, int] | None = None
    size = 0
    for a, b in sentence_spans(text):
        n = units(text[a:b])
        if cur and size + n > max_units:
            out.append(cur)
            cur, size = None, 0
        cur = (cur[0], b) if cur else (a, b)
        size += n
    if cur:
        out.append(cur)
    return out


@dataclass
class _Piece:
    text: str
    para_no: int
    para: Paragraph
    start: int
    end: int


def _pieces(source: str, paragraphs: tuple[Paragraph, ...], sizes: ChunkSizes) -> Iterator[_Piece]:
    for no, para in enumerate(paragraphs, start=1):
        spans = split_spans(para.text, sizes.max_units)
        if len(spans) == 1:
            yield _Piece(para.text, no, para, para.start, para.end)
            continue
        aligner = Aligner(source, para.start, para.end)
        for a, b in spans:
            start, end = aligner.span(para.text, a, b)
            yield _Piece(para.text[a:b], no, para, start, end)


def page_at(
    pages: tuple[tuple[int, int | None], ...], offset: int, default: int | None
) -> int | None:
    """The page holding source ``offset`` by the cleaner's page table (``default`` without one)."""
    if not pages:
        return default
    at = bisect_right([start for start, _ in pages], offset) - 1
    return pages[max(at, 0)][1]


def _joins(size: float, piece: float, sizes: ChunkSizes) -> bool:
    """Whether a piece of ``piece`` units joins the chunk of ``size`` units before it."""
    if size + piece > sizes.max_units:
        return False
    if size < sizes.min_units:
        return True
    return piece < sizes.min_units and size + piece <= 2 * sizes.min_units


def chunk_document(
    doc_id: str, source: str, clean: CleanDocument, sizes: ChunkSizes | None = None
) -> list[Chunk]:
    """Cut a cleaned document into chunks; never across articles, never mixing kinds."""
    sizes = sizes or ChunkSizes()
    articles = {a.index: a for a in clean.articles}
    groups: list[list[_Piece]] = []
    for piece in _pieces(source, clean.paragraphs, sizes):
        last = groups[-1] if groups else None
        if (
            last
            and last[-1].para.article == piece.para.article
            and last[-1].para.kind == piece.para.kind
            and last[-1].para_no != piece.para_no  # pieces of one split paragraph stay apart
            and _joins(sum(units(p.text) for p in last), units(piece.text), sizes)
        ):
            last.append(piece)
        else:
            groups.append([piece])
    chunks = []
    for ordinal, group in enumerate(groups):
        first = group[0]
        art = articles.get(first.para.article)
        text = "\n".join(p.text for p in group)
        chunks.append(
            Chunk(
                chunk_id=f"{doc_id}-{ordinal:04d}",
                doc_id=doc_id,
                ordinal=ordinal,
                text=text,
                lang=passage_lang(text),
                heading=art.heading if art else "",
                section=art.section if art else "",
                para_start=first.para_no,
                para_end=group[-1].para_no,
                char_start=min(p.start for p in group),
                char_end=max(p.end for p in group),
                page=page_at(clean.pages, min(p.start for p in group), first.para.page),
                kind=first.para.kind,
                footnotes=art.footnotes if art else (),
                page_end=page_at(clean.pages, max(p.end for p in group) - 1, group[-1].para.page),
            )
        )
    return chunks
