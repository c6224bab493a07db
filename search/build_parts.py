"""The parts of a build, one per document: read and chunked anew, or taken over from the index
the build starts from (its chunks, vectors and keyword columns), and which documents a build
keeps, re-reads, holds back or drops.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from search.build_report import BuildSummary
from search.catalog import Found, load_catalog, source_root
from search.errors import SearchError, SourceError
from search.ingest.chunk import ChunkSizes, chunk_document
from search.ingest.document import Read, locate_chunks, read_document
from search.store.base import IndexStore, is_database_url, open_store
from search.store.local import Store
from search.store.rows import document_from_row
from search.store.verify import newest_good
from search.text.sentences import sentence_windows
from search.text.terms import keyword_columns
from search.types import Chunk, Document


@dataclass
class Part:
    """Everything one document contributes to an index generation."""

    doc: Document
    chunks: list[Chunk]
    vectors: np.ndarray | None = None  # one per chunk; None until encoded
    windows: list[str] = field(default_factory=list)
    window_owners: list[int] = field(default_factory=list)  # chunk number within the document
    window_vectors: np.ndarray | None = None
    keywords: list[tuple[str, str, str]] = field(default_factory=list)
    reused: bool = False
    old_rows: list[int] = field(default_factory=list)  # taken over: row ids in that index
    old_windows: list[int] = field(default_factory=list)  # and window numbers


def new_part(read: Read, sizes: ChunkSizes) -> Part:
    """Chunk a read document (no encoding yet)."""
    doc = read.doc
    chunks = chunk_document(doc.doc_id, read.source.text, read.cleaned(), sizes)
    chunks = locate_chunks(chunks, read.source)
    windows, owners = sentence_windows([c.text for c in chunks])
    keywords = [keyword_columns(c.text, c.heading) for c in chunks]
    return Part(doc, chunks, windows=windows, window_owners=owners, keywords=keywords)


def reused_part(store: IndexStore, doc: Document) -> Part:
    """A document's chunks, vectors and keyword columns taken over from ``store``."""
    d = store.document_data(doc.doc_id)
    return Part(
        doc,
        d.chunks,
        d.vectors,
        d.windows,
        d.owners,
        d.window_vectors,
        d.keywords,
        reused=True,
        old_rows=d.rows,
        old_windows=d.window_rows,
    )


def previous_store(out: Path | str) -> IndexStore | None:
    """The generation ``out`` serves now, or None when there is none or it cannot be read. A
    damaged generation is never built upon: the newest sound one is (search/store/verify.py)."""
    try:
        if is_database_url(out):
            return open_store(out)
        good, wrong = newest_good(Path(out))
        if wrong and good is not None:
            msg = f"warning: the served generation is damaged ({wrong[0]}); building on {good.name}"
            sys.stderr.write(msg + "\n")
        return Store(good) if good is not None else None
    except SearchError:
        return None


@dataclass
class Previous:
    """What the index served before this build, as far as the build needs it."""

    store: IndexStore | None = None
    reusable: bool = False  # its vectors fit this build (same encoder and settings)
    documents: dict[str, dict] = field(default_factory=dict)  # doc_id -> documents row
    removed: dict[str, str] = field(default_factory=dict)  # doc_id -> path, by docs remove
    roots: list[Path] = field(default_factory=list)  # source folders ids are relative to

    def ids_by_path(self) -> dict[str, str]:
        return {row["path"]: doc_id for doc_id, row in self.documents.items()}

    def part(self, doc_id: str, sizes: ChunkSizes) -> Part | None:
        """A document this build's sources do not name: taken over when its vectors can be
        reused, else read again from its file with its catalog entry if it has one (None when
        it cannot be read)."""
        doc = document_from_row(self.documents[doc_id])
        if self.reusable and self.store is not None:
            return reused_part(self.store, doc)
        path = Path(doc.path)
        root = source_root(path, self.roots)
        try:
            entry = load_catalog(root).get(path.relative_to(root).as_posix())
            read = read_document(path, entry, root, known_id=doc.doc_id)
        except SearchError:
            return None
        return new_part(read, sizes)


def read_sources(
    found: Found,
    prev: Previous,
    sizes: ChunkSizes,
    summary: BuildSummary,
    remove: frozenset[str],
    readd: bool,
) -> tuple[dict[str, Part], int]:
    """The parts of the files found in the sources (unchanged ones taken over when possible)
    and how many files were readable; skipped and held-back files go into ``summary``."""
    parts: dict[str, Part] = {}
    readable = 0
    ids_by_path = prev.ids_by_path()
    for path, entry, root in found:
        try:
            read = read_document(path, entry, root, ids_by_path.get(str(path)))
        except SourceError as exc:
            summary.skipped.append((path.name, str(exc).removeprefix(f"{path.name}: ")))
            continue
        doc = read.doc
        readable += 1
        if doc.doc_id in parts:
            summary.skipped.append((path.name, f"duplicate document id '{doc.doc_id}'"))
            continue
        if doc.doc_id in remove:
            continue
        if doc.doc_id in prev.removed and not readd:
            summary.held_back.append(doc.doc_id)
            continue
        prev.removed.pop(doc.doc_id, None)
        same = prev.documents.get(doc.doc_id, {}).get("content_hash") == doc.content_hash
        reuse = same and prev.reusable and prev.store is not None
        part = reused_part(prev.store, doc) if reuse else new_part(read, sizes)
        if not part.chunks:
            summary.skipped.append((path.name, "no text found"))
            readable -= 1
            continue
        parts[doc.doc_id] = part
    summary.held_back.sort()
    return parts, readable


def keep_others(
    parts: dict[str, Part],
    prev: Previous,
    sizes: ChunkSizes,
    summary: BuildSummary,
    remove: frozenset[str],
    prune: bool,
) -> None:
    """Add the previous index's other documents to ``parts``: all of them, except those in
    ``remove`` (recorded as removed) and, with ``prune``, those whose file is gone."""
    for doc_id, row in prev.documents.items():
        if doc_id in parts or doc_id in remove or doc_id in summary.held_back:
            continue
        gone = not Path(row["path"]).is_file()
        if prune and gone:
            summary.removed.append(doc_id)
            continue
        part = None if gone and not prev.reusable else prev.part(doc_id, sizes)
        if part is None:
            summary.skipped.append((Path(row["path"]).name, "file is gone: cannot re-embed"))
            continue
        parts[doc_id] = part
    for doc_id in sorted(d for d in remove if d in prev.documents):
        summary.removed.append(doc_id)
        prev.removed[doc_id] = prev.documents[doc_id]["path"]
