"""What the query path needs from an index, whatever holds it: the :class:`IndexStore` protocol.

Two backends implement it: :mod:`search.store.local` (one folder: FAISS + SQLite, the default)
and the PostgreSQL + pgvector backend. The Searcher, the CLI, the server and the evaluation
talk only to this protocol; :func:`open_store` picks the backend from the index location.

Row ids are dense integers ``0 .. n-1`` in the order ``(doc_id, ordinal)`` of the build, the
same ids the vector indexes return, so per-chunk arrays (:class:`ChunkTable`) are indexed by them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import Future
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, Protocol, TypeVar

import numpy as np

from search.types import Chunk

Ranked = list[tuple[int, float]]  # (row id, score), best first
KeywordAsk = tuple[tuple[str, ...], int, str | None, str | None]  # keyword_search's arguments
T = TypeVar("T")


class DocumentData(NamedTuple):
    """Everything an index holds of one document, for a build that keeps it unchanged."""

    chunks: list[Chunk]  # in row id order
    vectors: np.ndarray  # (len(chunks), dim): the chunk vectors
    windows: list[str]  # the sentence windows' texts
    owners: list[int]  # each window's chunk, as a position in ``chunks``
    window_vectors: np.ndarray  # (len(windows), dim)
    keywords: list[tuple[str, str, str]]  # each chunk's keyword columns (body, heading, ids)
    rows: list[int]  # each chunk's row id in this index
    window_rows: list[int]  # each window's number in this index


def done(fn: Callable[..., T], *args: Any) -> Future[T]:
    """``fn(*args)`` run now, as a finished Future (a store that runs lists in turn)."""
    future: Future[T] = Future()
    try:
        future.set_result(fn(*args))
    except Exception as exc:  # handed to whoever asks for the result, as a pool would
        future.set_exception(exc)
    return future


@dataclass(frozen=True)
class ChunkTable:
    """Per-chunk columns the ranking reads for every candidate, indexed by row id."""

    lang: np.ndarray  # "zh" | "en" (dtype <U2)
    front: np.ndarray  # bool: cover, contents, masthead, adverts
    neighbours: np.ndarray  # (n, 2) int64: the passages before and after in the article, -1 none
    window_start: np.ndarray  # int64: number of the chunk's first sentence window
    doc: np.ndarray  # int32: the chunk's document, an index into doc_names
    doc_names: np.ndarray  # the documents' ids, sorted (dtype <U)

    def __len__(self) -> int:
        return len(self.lang)

    def doc_of(self, rid: int) -> str:
        return str(self.doc_names[self.doc[rid]])


def chunk_table(
    rows: Iterable[tuple[int, str, str, str, str]], window_owners: np.ndarray
) -> ChunkTable:
    """Build the table from ``(row id, lang, kind, doc_id, heading)`` rows in document order
    (``ORDER BY doc_id, ordinal, id``) and the owner row id of each sentence window."""
    rows = list(rows)
    n = len(rows)
    lang = np.empty(n, dtype="<U2")
    front = np.zeros(n, dtype=bool)
    neighbours = np.full((n, 2), -1, dtype=np.int64)
    previous = None
    for rid, code, kind, doc_id, heading in rows:
        lang[rid] = code
        front[rid] = kind == "front"
        if previous is not None and previous[1:] == (doc_id, heading):
            neighbours[rid, 0] = previous[0]
            neighbours[previous[0], 1] = rid
        previous = (rid, doc_id, heading)
    window_start = np.searchsorted(np.asarray(window_owners, dtype=np.int64), np.arange(n))
    names = sorted({row[3] for row in rows})
    code = {name: i for i, name in enumerate(names)}
    doc = np.zeros(n, dtype=np.int32)
    for rid, _, _, doc_id, _ in rows:
        doc[rid] = code[doc_id]
    doc_names = np.array(names, dtype=f"<U{max(map(len, names), default=1)}")
    return ChunkTable(lang, front, neighbours, window_start.astype(np.int64), doc, doc_names)


class IndexStore(Protocol):
    """One opened, read-only index generation."""

    manifest: dict[str, Any]
    location: str  # a folder or a postgresql:// URL, for messages
    generation: str  # the generation served: its folder's or its schema's name; a build makes
    # a new one, so a server compares it to see whether the index changed

    def relock(self) -> None:
        """In a process forked after the store was opened (a server worker): hold the
        generation with this process's own lock or connections, never the parent's."""
        ...

    def prefetched(
        self,
        encode: Callable[[], np.ndarray] | None,
        chunk_n: int,
        window_n: int,
        keywords: list[KeywordAsk],
    ) -> tuple[IndexStore, np.ndarray | None] | None:
        """A search's candidate reads at once: ``search_chunks(q, chunk_n)``,
        ``search_windows(q, window_n)`` and the vectors of what they find (``q`` from
        ``encode``), and ``keyword_search(*ask)`` for each of ``keywords`` with the keyword
        columns of their hits. Returns a store answering those reads from memory (any other
        from this one) and the query vector; or None, without encoding, when the backend
        gains nothing from it (a database does: one round trip instead of eight)."""
        ...

    def submit(self, fn: Callable[..., T], *args: Any) -> Future[T]:
        """Run ``fn(*args)`` beside the caller when the backend gains from it (a database:
        a second connection), else now; the candidates' keyword lists go through it."""
        ...

    def table(self) -> ChunkTable:
        """Per-chunk columns (language, front matter, neighbours, first window)."""
        ...

    def vocabulary(self) -> frozenset[str]:
        """Every keyword term the index holds."""
        ...

    def term_frequencies(self) -> dict[str, int]:
        """How many passages hold each keyword term."""
        ...

    def postings(self, terms: list[str], cap: int = 5000) -> dict[str, frozenset[int]]:
        """The passages holding each of ``terms`` (at most ``cap`` each)."""
        ...

    def passage_terms(self, ids: list[int]) -> dict[int, tuple[str, str, str]]:
        """The keyword columns (body, heading, identifiers: space-separated terms) of
        passages ``ids``."""
        ...

    def dictionary_data(self) -> dict[str, Any] | None:
        """The bilingual dictionary restricted to this index's vocabulary, as stored at build
        time (see :meth:`search.text.dictionary.BilingualDictionary.to_data`), or None."""
        ...

    def search_chunks(self, qvec: np.ndarray, n: int) -> Ranked:
        """The ``n`` chunk vectors nearest to the query vector (inner product)."""
        ...

    def search_windows(self, qvec: np.ndarray, n: int) -> list[tuple[int, int, float]]:
        """The ``n`` nearest sentence-window vectors as ``(owner row id, window number within
        its chunk, score)``, best first."""
        ...

    def chunk_vectors(self, ids: list[int]) -> np.ndarray:
        """The stored vectors of chunks ``ids`` (for exact re-scoring), in that order."""
        ...

    def keyword_search(
        self, words: list[str], n: int, column: str | None = None, lang: str | None = None
    ) -> Ranked:
        """BM25 over the keyword index (columns ``body``, ``heading``, ``ids``; weights
        ``WEIGHTS`` of :mod:`search.text.terms`); ``column`` restricts to one column, ``lang``
        to passages in that language. Scores > 0, ties broken by row id."""
        ...

    def chunks(self, ids: list[int]) -> dict[int, Chunk]: ...

    def chunk_by_id(self, chunk_id: str) -> tuple[int, Chunk] | None: ...

    def document_chunks(self, doc_id: str) -> list[Chunk]: ...

    def documents(self) -> list[dict[str, Any]]: ...

    def document(self, doc_id: str) -> dict[str, Any] | None: ...

    def set_relevance(self, cut: dict[str, Any]) -> None:
        """Record the index's relevance cut (search/rank/calibrate.py) in its manifest."""
        ...

    def document_data(self, doc_id: str) -> DocumentData:
        """One document's rows, vectors and keyword columns, for reuse by a build."""
        ...

    def close(self) -> None: ...


def is_database_url(location: str | Path) -> bool:
    return str(location).startswith(("postgresql://", "postgres://"))


def open_store(location: str | Path) -> IndexStore:
    """Open the index at ``location``: a folder (FAISS + SQLite) or a ``postgresql://`` URL."""
    if is_database_url(location):
        from search.store.postgres import PostgresStore  # optional extra: see its module

        return PostgresStore.open(str(location))
    from search.store.local import Store

    return Store.open(location)
