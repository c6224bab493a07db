"""Where a build writes: an index folder (generations of FAISS + SQLite) or a PostgreSQL database
(``postgresql://...``), with the same three steps - hold the build lock, read the generation
serving now (for incremental builds), write and switch in a new one atomically."""

from __future__ import annotations

import contextlib
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from search.errors import SearchError
from search.store.base import IndexStore, is_database_url, open_store
from search.types import Chunk, Document


@contextlib.contextmanager
def build_lock(out: str | Path, wait: bool = True) -> Iterator[None]:
    """Hold the build lock of ``out`` for the whole build (a second build waits)."""
    if is_database_url(out):
        from search.store.pg_writer import build_lock as pg_lock

        with pg_lock(str(out), wait):
            yield
        return
    from search.store.generations import build_lock as folder_lock

    with folder_lock(Path(out), wait):
        yield


def previous(out: str | Path) -> IndexStore | None:
    """The generation ``out`` serves now, or None when there is none or it cannot be read."""
    try:
        return open_store(out)
    except SearchError:
        return None


def write(
    out: str | Path,
    documents: list[Document],
    chunks: list[Chunk],
    vectors: np.ndarray,
    windows: tuple[np.ndarray, np.ndarray],
    keyword_terms: list[tuple[str, str, str]],
    manifest: dict[str, Any],
) -> str | Path:
    """Write a complete generation into ``out`` and make it the serving one; returns where."""
    if is_database_url(out):
        from search.store.pg_writer import write_generation as pg_write

        pg_write(str(out), documents, chunks, vectors, windows, keyword_terms, manifest)
        return str(out)
    from search.store.generations import new_generation, publish
    from search.store.write import write_generation

    root = Path(out)
    tmp = new_generation(root)
    try:
        write_generation(tmp, documents, chunks, vectors, windows, keyword_terms, manifest)
        return publish(root, tmp)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
