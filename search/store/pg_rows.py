"""Reading passages and documents from a PostgreSQL index: the row reads of
:class:`search.store.postgres.PostgresStore` (chunks by id, by chunk id and by document, the
documents, one document's stored data for an incremental build)."""

from __future__ import annotations

from typing import Any

import numpy as np

from search.store.base import DocumentData
from search.store.pg_connect import Connections
from search.store.pg_schema import DOCUMENT_COLUMNS
from search.store.rows import CHUNK_COLUMNS, row_to_chunk
from search.types import Chunk


class PgRows:
    """Row reads over ``self.db`` (one connection per thread) in schema ``self.generation``."""

    db: Connections
    generation: str

    def _chunk_rows(self, where: str, params: Any, order: str = "id") -> list[tuple]:
        cols = ", ".join(CHUNK_COLUMNS)
        g = self.generation
        return self.db.query(
            f"SELECT {cols} FROM {g}.chunks WHERE {where} ORDER BY {order}", params
        )

    def chunks(self, ids: list[int]) -> dict[int, Chunk]:
        if not ids:
            return {}
        rows = self._chunk_rows("id = ANY(%s)", (list(map(int, ids)),))
        return {r[0]: row_to_chunk(r) for r in rows}

    def chunk_by_id(self, chunk_id: str) -> tuple[int, Chunk] | None:
        rows = self._chunk_rows("chunk_id = %s", (chunk_id,))
        return (rows[0][0], row_to_chunk(rows[0])) if rows else None

    def document_chunks(self, doc_id: str) -> list[Chunk]:
        return [row_to_chunk(r) for r in self._chunk_rows("doc_id = %s", (doc_id,), "ordinal")]

    def documents(self) -> list[dict[str, Any]]:
        cols = ", ".join(f'"{c}"' for c in DOCUMENT_COLUMNS)
        rows = self.db.query(f"SELECT {cols} FROM {self.generation}.documents ORDER BY doc_id")
        return [dict(zip(DOCUMENT_COLUMNS, r, strict=True)) for r in rows]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        cols = ", ".join(f'"{c}"' for c in DOCUMENT_COLUMNS)
        rows = self.db.query(
            f"SELECT {cols} FROM {self.generation}.documents WHERE doc_id = %s", (doc_id,)
        )
        return dict(zip(DOCUMENT_COLUMNS, rows[0], strict=True)) if rows else None

    def document_data(self, doc_id: str) -> DocumentData:
        from search.text.sentences import sentence_windows

        g = self.generation
        cols = ", ".join(CHUNK_COLUMNS)
        rows = self.db.query(
            f"SELECT {cols}, embedding, kw_body, kw_heading, kw_ids FROM {g}.chunks "
            "WHERE doc_id = %s ORDER BY id",
            (doc_id,),
        )
        n = len(CHUNK_COLUMNS)
        chunks = [row_to_chunk(r[:n]) for r in rows]
        vectors = np.stack([array_of(r[n]) for r in rows])
        local = {r[0]: i for i, r in enumerate(rows)}
        wrows = self.db.query(
            f"SELECT owner, embedding, id FROM {g}.windows WHERE doc_id = %s ORDER BY id",
            (doc_id,),
        )
        windows, _ = sentence_windows([c.text for c in chunks])
        owners = [local[int(o)] for o, _, _ in wrows]
        wvecs = np.stack([array_of(v) for _, v, _ in wrows])
        keywords = [tuple(r[n + 1 : n + 4]) for r in rows]
        ids, wids = [int(r[0]) for r in rows], [int(w) for _, _, w in wrows]
        return DocumentData(chunks, vectors, windows, owners, wvecs, keywords, ids, wids)


def array_of(vector: Any) -> np.ndarray:
    """A float32 array from what pgvector's loader returns (an array or a ``Vector``)."""
    if hasattr(vector, "to_numpy"):
        vector = vector.to_numpy()
    return np.asarray(vector, dtype=np.float32)
