"""Data records passed between the pipeline steps (data only, no behaviour)."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Footnote:
    """A numbered source note pulled out of the text flow."""

    number: int
    text: str
    url: str | None = None


@dataclass(frozen=True)
class Article:
    """A unit of a document that chunks never cross (a news item, a magazine article)."""

    index: int
    heading: str
    section: str = ""  # column banner / section the article sits under, e.g. 标准战略, SPOTLIGHT
    byline: str = ""
    footnotes: tuple[Footnote, ...] = ()


@dataclass(frozen=True)
class Paragraph:
    """One clean paragraph with a map back to the source text.

    ``start``/``end`` are character offsets into the source file's decoded text; every
    non-whitespace character of ``text`` occurs, in order, inside ``source[start:end]``.
    """

    text: str
    start: int
    end: int
    article: int  # Article.index
    kind: str = "body"  # body | table | caption | reference | list
    page: int | None = None


@dataclass(frozen=True)
class CleanDocument:
    """What a cleaner returns: paragraphs in reading order and the articles they belong to."""

    paragraphs: tuple[Paragraph, ...]
    articles: tuple[Article, ...]
    # (source offset, page number) where each page starts, for text dumps of paged documents
    pages: tuple[tuple[int, int | None], ...] = ()


@dataclass(frozen=True)
class Document:
    """A catalogued source document."""

    doc_id: str
    path: str
    title: str
    lang: str
    kind: str  # which cleaner reads it: pdf_text | magazine | text
    publisher: str = ""
    issue: str = ""
    date: str | None = None  # as the source or catalog states it; None when it states none
    source_url: str | None = None
    content_hash: str = ""


@dataclass(frozen=True)
class Chunk:
    """A passage that gets one vector: one or more paragraphs of one article."""

    chunk_id: str
    doc_id: str
    ordinal: int  # position in the document's reading order
    text: str
    lang: str
    heading: str
    section: str
    para_start: int  # first paragraph number (1-based, within the document)
    para_end: int  # last paragraph number (inclusive)
    char_start: int  # where the passage starts in the original (see search.ingest.locate)
    char_end: int
    page: int | None = None  # first page (PDF: physical page; text dumps: printed number)
    kind: str = "body"
    footnotes: tuple[Footnote, ...] = field(default=())
    page_end: int | None = None  # last page
    block: int | None = None  # Word: first body block (paragraph or table, 1-based)
    block_end: int | None = None  # Word: last body block
