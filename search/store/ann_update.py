"""Updating a built vector index for an incremental build, instead of building it again from
every vector.

An index is an ``IndexIDMap2`` whose ids are row numbers (``search/store/ann.py``). Rows are
numbered in document order, so a document added or removed renumbers the rows after it: the
stored vectors stay where they are and only the id map is rewritten. Vectors of dropped rows
are removed (exact index) or, where FAISS cannot remove them (HNSW), kept as *dead* entries
under negative ids that a search skips (it asks for that many more, see
``search.store.local.Store``); new rows are added with ``add_with_ids``. Past
``MAX_DEAD_SHARE`` dead entries, or when the index kind the size calls for changes, the index
is built again from all vectors (compaction).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.store import ann

MAX_DEAD_SHARE = 0.1  # dead HNSW entries, as a share of the live ones, before a rebuild
UPDATABLE = ("flat", "hnsw")


def index_for(
    vectors: np.ndarray,
    old_ids: np.ndarray | None,
    previous: tuple[Path, dict[str, Any]] | None,
) -> tuple[faiss.Index, dict[str, Any]]:
    """The index of ``vectors`` (row ``i`` has id ``i``) and its manifest parameters: the
    previous generation's index file updated when ``previous`` is given and can be (each
    row's id there in ``old_ids``, -1 for a new row), else built anew."""
    n, dim = vectors.shape
    params = ann.choose_index(n, dim)
    if previous is not None and old_ids is not None:
        updated = update(previous[0], previous[1], params, vectors, old_ids)
        if updated is not None:
            return updated
    return ann.build_index(vectors, params, np.arange(n)), params


def update(
    path: Path,
    old_params: dict[str, Any],
    params: dict[str, Any],
    vectors: np.ndarray,
    old_ids: np.ndarray,
) -> tuple[faiss.Index, dict[str, Any]] | None:
    """The index file ``path`` (built with ``old_params``) updated to hold ``vectors``, or
    None when it cannot be (another kind, too many dead entries, an unreadable file)."""
    kind = params["type"]
    if kind not in UPDATABLE or old_params.get("type") != kind:
        return None
    if kind == "hnsw" and any(old_params.get(k) != params[k] for k in ("M", "efConstruction")):
        return None
    try:
        index = faiss.read_index(str(path))
    except RuntimeError:
        return None
    old_ids = np.asarray(old_ids, dtype=np.int64)
    dead_before = int(old_params.get("dead", 0))
    id_map = faiss.vector_to_array(index.id_map)
    live = id_map >= 0
    renumber = np.full(int(id_map[live].max(initial=-1)) + 1, -1, dtype=np.int64)
    kept = old_ids >= 0
    renumber[old_ids[kept]] = np.flatnonzero(kept)  # old id -> new id (-1: dropped)
    new_map = id_map.copy()
    new_map[live] = renumber[id_map[live]]
    dropped = live & (new_map < 0)
    if kind == "flat":
        index.remove_ids(faiss.IDSelectorBatch(np.asarray(id_map[dropped], dtype=np.int64)))
        new_map = new_map[~dropped]
        dead = 0
    else:  # HNSW cannot remove: dropped entries stay, under ids below -1 that no row has
        dead = dead_before + int(dropped.sum())
        marks = -2 - np.arange(dead_before, dead, dtype=np.int64)
        new_map[dropped] = marks
        if dead > MAX_DEAD_SHARE * max(len(vectors), 1):
            return None
    faiss.copy_array_to_vector(new_map, index.id_map)
    index.construct_rev_map()
    fresh = np.flatnonzero(~kept)
    if len(fresh):
        index.add_with_ids(np.ascontiguousarray(vectors[fresh], dtype=np.float32), fresh)
    ann.tune(index, params)
    return index, {**params, "dead": dead, "updated": True} if dead else {**params, "updated": True}
