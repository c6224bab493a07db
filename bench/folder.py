"""The folder store in the store benchmark (``--shards ...,folder``): the same synthetic
passages written by the embedded store's own path (``search.store.targets.write``: SQLite FTS5
and the FAISS index ``search.store.ann`` chooses for the size), opened as a searcher opens it."""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from search.types import Chunk, Document


@contextlib.contextmanager
def timed(module: Any, name: str, spent: list[float]) -> Iterator[None]:
    """While the block runs, every call of ``module.name`` adds its seconds to ``spent``."""
    original = getattr(module, name)

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            spent.append(time.perf_counter() - started)

    setattr(module, name, wrapper)
    try:
        yield
    finally:
        setattr(module, name, original)


def write(
    root: Path,
    docs: list[Document],
    chunks: list[Chunk],
    x: np.ndarray,
    cols: list[tuple[str, str, str]],
    manifest: dict[str, Any],
) -> dict[str, Any]:
    """Write a generation into the index folder ``root``; seconds in all and for the ANN part."""
    from search.store import ann_update, targets

    spent: list[float] = []
    started = time.perf_counter()
    with timed(ann_update, "index_for", spent):
        targets.write(root, docs, chunks, x, (x, np.arange(len(x))), cols, manifest)
    return {"write_s": time.perf_counter() - started, "index_s": sum(spent)}


def size(root: Path) -> dict[str, int]:
    """Bytes of the serving generation under ``root``, in all and of its FAISS indexes."""
    from search.store.generations import resolve

    files = [p for p in resolve(root).iterdir() if p.is_file()]
    ann = sum(p.stat().st_size for p in files if p.suffix == ".faiss")
    return {"bytes": sum(p.stat().st_size for p in files), "ann_bytes": ann}


@contextlib.contextmanager
def opened(root: Path) -> Iterator[Any]:
    """The store as a searcher opens it, FAISS answering each query on one thread as a server
    does (the thread count is restored after: a later build uses every core)."""
    import faiss

    from search.store import ann
    from search.store.local import Store

    threads = faiss.omp_get_max_threads()
    ann.single_query_threads()
    store = Store.open(root)
    try:
        yield store
    finally:
        store.close()
        faiss.omp_set_num_threads(threads)
