"""Updating the vector index against building it: ``python -m bench --ann-update N``.

``N`` synthetic clustered unit vectors (512 dimensions) get the index ``search.store.ann``
chooses for them (HNSW above 10 000), built from scratch and timed; then 1 % more vectors,
inserted at random places of the row order (new documents sort among the old), are added by
``search.store.ann_update`` to the saved index, timed from reading the file to the updated
index. Recall@10 of both against exact search over the same vectors, 200 queries.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

DIM = 512
SEED = 7
QUERIES = 200


def vectors(n: int, rng: np.random.Generator) -> np.ndarray:
    centres = rng.standard_normal((max(n // 100, 1), DIM)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + 0.5 * rng.standard_normal((n, DIM)).astype(
        np.float32
    )
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def recall(index: Any, x: np.ndarray, queries: np.ndarray) -> float:
    truth = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    _, got = index.search(queries, 10)
    return float(np.mean([len(set(g) & set(t)) / 10 for g, t in zip(got, truth, strict=True)]))


def run(n: int, share: float = 0.01) -> dict[str, Any]:
    import faiss

    from search.store import ann, ann_update

    add = max(1, round(n * share))
    kinds = ann.choose_index(n, DIM)["type"], ann.choose_index(n + add, DIM)["type"]
    if kinds[0] != kinds[1]:
        raise SystemExit(
            f"--ann-update {n}: {n} + {add} vectors call for a {kinds[1]} index instead of "
            f"{kinds[0]} (search/store/ann.py), so an incremental build makes it anew: "
            "take a size that stays on one side"
        )
    rng = np.random.default_rng(SEED)
    x_all = vectors(n + add, rng)
    slots = np.sort(rng.choice(n + add, add, replace=False))  # where the new rows sort
    old_ids = np.full(n + add, -1, dtype=np.int64)
    old_ids[np.setdiff1d(np.arange(n + add), slots)] = np.arange(n)
    x_old = x_all[old_ids >= 0]
    queries = vectors(QUERIES, rng)
    params = ann.choose_index(n, DIM)
    started = time.perf_counter()
    built = ann.build_index(x_old, params)
    build_s = time.perf_counter() - started
    with tempfile.TemporaryDirectory(prefix="ann-") as tmp:
        path = Path(tmp) / "vectors.faiss"
        faiss.write_index(built, str(path))
        started = time.perf_counter()
        updated = ann_update.update(path, params, ann.choose_index(n + add, DIM), x_all, old_ids)
        update_s = time.perf_counter() - started
    if updated is None:
        raise RuntimeError(f"a {params['type']} index of {n} vectors was not updated")
    return {
        "passages": n,
        "added": add,
        "index": params["type"],
        "build_s": build_s,
        "update_s": update_s,
        "share": update_s / build_s,
        "recall_built": recall(built, x_old, queries),
        "recall_updated": recall(updated[0], x_all, queries),
        "threads": faiss.omp_get_max_threads(),
    }


def render(r: dict[str, Any]) -> list[str]:
    from bench.report import table

    rows = [
        ["passages / added", f"{r['passages']} / {r['added']}"],
        ["index", r["index"]],
        ["build from all vectors, s", f"{r['build_s']:.1f}"],
        ["update in place (read, renumber, add), s", f"{r['update_s']:.2f}"],
        ["update / build", f"{100 * r['share']:.1f} %"],
        ["recall@10 built / updated", f"{r['recall_built']:.3f} / {r['recall_updated']:.3f}"],
        ["FAISS threads", r["threads"]],
    ]
    return ["## Incremental vector index update", "", *table(["", ""], rows)]
