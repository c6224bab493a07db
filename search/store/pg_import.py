"""Copy an index (an embedded FAISS + SQLite generation, or another database's) into a
PostgreSQL index, unchanged: same row ids, vectors, keyword columns and manifest, so both
backends can be compared query by query and an existing index can move to a cluster without
re-embedding. It reads the source through the IndexStore protocol only::

    python -m search.store.pg_import index/ postgresql://postgres@127.0.0.1:5432/search
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from search.errors import SearchError
from search.store import ann
from search.store.base import open_store
from search.store.pg_writer import build_lock, write_generation
from search.store.rows import document_from_row


def import_index(root: str | Path, location: str, hnsw_min_rows: int = ann.FLAT_MAX) -> str:
    """Write the generation ``root`` serves into ``location``; returns the new generation."""
    store = open_store(root)
    try:
        rows = store.documents()
        documents = [document_from_row(d) for d in rows]
        parts = [store.document_data(d["doc_id"]) for d in rows]  # row ids in document order
        chunks = [c for p in parts for c in p.chunks]
        by_id = store.chunks(list(range(len(chunks))))
        if [by_id[i].chunk_id if i in by_id else None for i in range(len(chunks))] != [
            c.chunk_id for c in chunks
        ]:
            raise SearchError(f"index at '{root}': chunk row ids are not 0..n-1 in document order")
        dim = int(store.manifest["dim"])
        vectors = np.concatenate([p.vectors for p in parts]) if parts else np.zeros((0, dim))
        starts = np.cumsum([0] + [len(p.chunks) for p in parts])
        owners = np.array(
            [start + o for p, start in zip(parts, starts, strict=False) for o in p.owners],
            dtype=np.int64,
        )
        windows = np.concatenate([p.window_vectors for p in parts]) if len(owners) else None
        keywords = [k for p in parts for k in p.keywords]
        manifest = dict(store.manifest)
        manifest.pop("vector_index", None)
        with build_lock(location):
            return write_generation(
                location,
                documents,
                chunks,
                vectors.astype(np.float32),
                (windows, owners),
                [tuple(k) for k in keywords],
                manifest,
                hnsw_min_rows,
                store.dictionary_data(),
            )
    finally:
        store.close()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m search.store.pg_import", description=__doc__)
    parser.add_argument("index", help="an embedded index folder")
    parser.add_argument("location", help="postgresql://... URL of the target database")
    parser.add_argument("--hnsw-min-rows", type=int, default=ann.FLAT_MAX)
    args = parser.parse_args(argv)
    try:
        name = import_index(args.index, args.location, args.hnsw_min_rows)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print(f"generation {name} serves at {args.location}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
