"""Scale: exact (flat) vs HNSW vs IVF vs IVF-PQ on synthetic clustered corpora of real dimension.

Vectors are perturbations of the seed index's real chunk and window vectors: each is a random
point between two random real vectors plus noise drawn from the covariance of the real vectors,
L2-normalized (a query's nearest neighbour has cosine ~0.6, its 10th ~0.55: harder than tight
clusters, where IVF finds everything in its first few lists). Queries are
200 more such vectors (not in the corpus), searched one at a time on one thread, as a server
worker does; recall@10 is measured against exact search over the same corpus.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from bench.common import percentiles
from search.store import Store, ann

SIZES = {"tiny": [5_000], "full": [100_000, 1_000_000]}
QUERIES = {"tiny": 50, "full": 200}
NOISE = 1.0  # scale of the covariance noise around each real vector
EF_SEARCH = {"tiny": [64], "full": [32, 64, 128, 256, 512]}
NPROBE = {"tiny": [16], "full": [8, 16, 32, 64, 128]}
BATCH = 50_000
RSS_PROBE = """
import sys, faiss
def rss():
    for line in open('/proc/self/status'):
        if line.startswith('VmRSS:'):
            return int(line.split()[1]) * 1024
before = rss()
index = faiss.read_index(sys.argv[1])
print(rss() - before)
"""


def seed_vectors(index: Path | None, dim: int) -> np.ndarray:
    """The real chunk and window vectors of a built index (random unit vectors if none)."""
    if index is None:
        x = np.random.default_rng(0).standard_normal((500, dim)).astype(np.float32)
    else:
        store = Store.open(index)
        x = np.vstack(
            [store.vectors.index.reconstruct_n(0, store.vectors.ntotal)]
            + [store.windows.reconstruct_n(0, store.windows.ntotal)]
        )
        store.close()
    faiss.normalize_L2(x)
    return x


def synthetic(n: int, base: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """``n`` unit vectors clustered around the rows of ``base`` (noise shaped like ``base``)."""
    centred = ((base - base.mean(axis=0)) / np.sqrt(len(base))).astype(np.float32)
    out = np.empty((n, base.shape[1]), dtype=np.float32)
    for i in range(0, n, BATCH):
        m = min(BATCH, n - i)
        z = rng.standard_normal((m, len(base)), dtype=np.float32)
        w = rng.random((m, 1), dtype=np.float32)
        a, b = base[rng.integers(0, len(base), m)], base[rng.integers(0, len(base), m)]
        x = w * a + (1 - w) * b + NOISE * (z @ centred)
        faiss.normalize_L2(x)
        out[i : i + m] = x
    return out


def single_queries(index: faiss.Index, q: np.ndarray, k: int) -> tuple[np.ndarray, list[float]]:
    """Search one query at a time; the ids found and the milliseconds each took."""
    ids = np.empty((len(q), k), dtype=np.int64)
    ms: list[float] = []
    index.search(q[:1], k)  # warm
    for i in range(len(q)):
        t = time.perf_counter()
        _, found = index.search(q[i : i + 1], k)
        ms.append((time.perf_counter() - t) * 1000)
        ids[i] = found[0]
    return ids, ms


def recall_at_10(found: np.ndarray, truth: np.ndarray) -> float:
    hits = sum(
        len(set(f[:10].tolist()) & set(t[:10].tolist())) for f, t in zip(found, truth, strict=True)
    )
    return hits / (10 * len(truth))


def loaded_rss(index: faiss.Index, folder: Path) -> tuple[int, int]:
    """(bytes on disk, RSS growth of a fresh process reading the index)."""
    path = folder / "probe.faiss"
    faiss.write_index(index, str(path))
    size = path.stat().st_size
    out = subprocess.run(
        [sys.executable, "-c", RSS_PROBE, str(path)], capture_output=True, text=True, check=True
    )
    path.unlink()
    return size, int(out.stdout.strip())


def measure(
    name: str,
    params: dict[str, Any],
    x: np.ndarray,
    q: np.ndarray,
    truth: np.ndarray,
    folder: Path,
    sweep: tuple[str, list[int]] | None,
) -> list[dict[str, Any]]:
    """Build one index, then one row per search setting of the sweep."""
    faiss.omp_set_num_threads(os.cpu_count() or 1)
    started = time.perf_counter()
    index = ann.build_index(x, params)
    build_s = time.perf_counter() - started
    disk, rss = loaded_rss(index, folder)
    ann.single_query_threads(1)
    rows = []
    settings = [None] if sweep is None else sweep[1]
    for value in settings:
        p = dict(params) if value is None else {**params, sweep[0]: value}
        ann.tune(index, p)
        found, ms = single_queries(index, q, 10)
        _, ms100 = single_queries(index, q, 100)
        rows.append(
            {
                "index": name,
                "params": {k: v for k, v in p.items() if k != "type"},
                "recall@10": recall_at_10(found, truth),
                "p50_ms": percentiles(ms)["p50"],
                "p99_ms": percentiles(ms)["p99"],
                "p50_k100_ms": percentiles(ms100)["p50"],
                "build_s": build_s,
                "disk_bytes": disk,
                "rss_bytes": rss,
                "raw_bytes": x.nbytes,
            }
        )
    del index
    return rows


def mark_chosen(rows: list[dict[str, Any]], dim: int = 512) -> list[dict[str, Any]]:
    """Flag the rows whose index and parameters are what ``ann.choose_index`` picks for n."""
    for row in rows:
        chosen = ann.choose_index(row["n"], dim)
        row["chosen"] = row["index"] == chosen["type"] and all(
            row["params"].get(k) == v for k, v in chosen.items() if k != "type"
        )
    return rows


def run(size: str, index: Path | None, dim: int = 512, log=print) -> dict[str, Any]:
    rng = np.random.default_rng(7)
    base = seed_vectors(index, dim)
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-scale-") as tmp:
        for n in SIZES[size]:
            started = time.perf_counter()
            x = synthetic(n, base, rng)
            q = synthetic(QUERIES[size], base, rng)
            faiss.omp_set_num_threads(os.cpu_count() or 1)
            exact = faiss.IndexFlatIP(dim)
            exact.add(x)
            _, truth = exact.search(q, 10)
            del exact
            log(f"scale {n}: data + ground truth in {time.perf_counter() - started:.0f}s")
            hnsw = {"type": "hnsw", **ann.HNSW}
            plans = [
                ("flat", {"type": "flat"}, None),
                ("hnsw", hnsw, ("efSearch", EF_SEARCH[size])),
                ("ivf", ann.ivf_params(n, dim=dim), ("nprobe", NPROBE[size])),
                ("ivfpq", ann.ivf_params(n, pq=True, dim=dim), ("nprobe", NPROBE[size])),
            ]
            for name, params, sweep in plans:
                t = time.perf_counter()
                rows = measure(name, params, x, q, truth, Path(tmp), sweep)
                for row in rows:
                    row["n"] = n
                results += mark_chosen(rows, dim)
                log(f"scale {n}: {name} in {time.perf_counter() - t:.0f}s")
                for row in rows:
                    recall, p50 = row["recall@10"], row["p50_ms"]
                    log(f"  {row['params']}: recall@10 {recall:.3f}, p50 {p50:.2f} ms")
            del x
    return {"rows": results, "queries": QUERIES[size], "noise": NOISE}
