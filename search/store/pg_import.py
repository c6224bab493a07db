"""Copy an embedded index (FAISS + SQLite generation) into a PostgreSQL index, unchanged: same
row ids, vectors, keyword columns and manifest, so both backends can be compared query by query
and an existing index can move to a cluster without re-embedding::

    python -m search.store.pg_import index/ postgresql://postgres@127.0.0.1:5432/search
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np

from search.errors import SearchError
from search.store import ann
from search.store.local import Store, document_from_row, row_to_chunk
from search.store.pg_writer import build_lock, write_generation


def import_index(root: str | Path, location: str, hnsw_min_rows: int = ann.FLAT_MAX) -> str:
    """Write the generation ``root`` serves into ``location``; returns the new generation."""
    store = Store.open(root)
    try:
        rows = store.db.execute("SELECT * FROM chunks ORDER BY id").fetchall()
        if [r[0] for r in rows] != list(range(len(rows))):
            raise SearchError(f"index at '{root}': chunk row ids are not 0..n-1")
        chunks = [row_to_chunk(r) for r in rows]
        documents = [document_from_row(d) for d in store.documents()]
        n, w = store.vectors.ntotal, store.windows.ntotal
        vectors = store.vectors.reconstruct_batch(np.arange(n, dtype=np.int64))
        windows = np.stack([store.windows.reconstruct(i) for i in range(w)]) if w else None
        kw = store.db.execute("SELECT body, heading, ids FROM keywords ORDER BY rowid").fetchall()
        manifest = dict(store.manifest)
        manifest.pop("vector_index", None)
        with build_lock(location):
            return write_generation(
                location,
                documents,
                chunks,
                vectors,
                (windows, store.window_owners),
                [tuple(r) for r in kw],
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
