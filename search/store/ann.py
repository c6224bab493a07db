"""Which FAISS index serves the dense vectors at a given corpus size, and how it is built and tuned.

Every index scores by inner product over L2-normalized float32 vectors and is wrapped in an
``IndexIDMap2``, so the ids it returns are chunk row ids and ``index.reconstruct(row_id)`` gives
the stored vector back (the searcher re-scores its candidates exactly with it). The parameters
go into the manifest as JSON (``choose_index``) and are applied again at load (``tune``).

The choice comes from ``python -m bench --size full`` (figures in docs/PERFORMANCE.md): synthetic
512-dim corpora of 100 000 and 1 000 000 vectors (each a random point between two random real
seed vectors plus noise shaped like their covariance, see ``bench/scale.py``), 200 single
queries on one thread, recall@10 against exact search, 2-core AMD EPYC.

* ``flat`` up to ``FLAT_MAX`` (10 000) vectors: exact, and one query scans every vector (17.5 ms
  at 100 000, 145 ms at 1 000 000), so it stops where it would cost ~2 ms; the searcher scans the
  sentence-window index (about twice as many vectors) as well, which gets its own choice.
* ``hnsw`` (HNSW-flat, M=32, efConstruction=40, efSearch=256) up to ``HNSW_MAX`` (1 000 000):
  recall@10 0.998 at 100 000 and 0.970 at 1 000 000, p50 ~2 ms at both; efSearch=128 gave only
  0.943 at 1 000 000. Memory is the raw vectors plus the graph (~1.15x raw). The build is the
  slow part: 318 s per million vectors on 2 cores (24 s per 100 000).
* ``ivf`` (IVF-flat, nlist = 2*sqrt(n) rounded to a power of two, nprobe = max(64, nlist/32))
  above: recall@10 0.980 at 100 000 (nlist 512) and 0.968 at 1 000 000 (nlist 2048) at 3.5 and
  5.5 ms; it builds ~6x faster than HNSW (54 s per million) and keeps the raw vectors, so exact
  re-scoring still works. Beyond 1 000 000 it is extrapolated, not measured.
* ``ivfpq`` (64-byte codes) is never chosen by size: ~30x less memory, but recall@10 stays near
  0.56-0.63 whatever nprobe, and ``reconstruct`` returns approximations, so the searcher's exact
  re-scoring would not be exact any more. Ask for it explicitly only when RAM is the limit.
"""

from __future__ import annotations

import math
from typing import Any

import faiss
import numpy as np

FLAT_MAX = 10_000
HNSW_MAX = 1_000_000
HNSW = {"M": 32, "efConstruction": 40, "efSearch": 256}
TRAIN_PER_LIST = 50  # training sample for IVF: this many vectors per list (FAISS wants >= 39)
SEED = 1234


def choose_index(n: int, dim: int) -> dict[str, Any]:
    """Index parameters for ``n`` vectors of ``dim`` dimensions (JSON-ready, for the manifest)."""
    if n <= FLAT_MAX:
        return {"type": "flat"}
    if n <= HNSW_MAX:
        return {"type": "hnsw", **HNSW}
    return ivf_params(n)


def ivf_params(n: int, pq: bool = False, dim: int = 512) -> dict[str, Any]:
    """IVF parameters for ``n`` vectors: ~2*sqrt(n) lists; with ``pq``, dim/8-byte codes."""
    nlist = 2 ** max(4, round(math.log2(2 * math.sqrt(max(n, 1)))))
    params: dict[str, Any] = {"type": "ivf", "nlist": nlist, "nprobe": max(64, nlist // 32)}
    if pq:
        nbits = 8 if n >= 2**8 * TRAIN_PER_LIST else 4  # k-means of 2**nbits codes needs data
        params.update(type="ivfpq", m=dim // 8, nbits=nbits, nprobe=max(32, nlist // 32))
    return params


def build_index(
    vectors: np.ndarray, params: dict[str, Any], ids: np.ndarray | None = None
) -> faiss.Index:
    """An id-mapped inner-product index over ``vectors`` (ids default to 0..n-1), tuned."""
    x = np.ascontiguousarray(vectors, dtype=np.float32)
    n, dim = x.shape
    ids = np.arange(n, dtype=np.int64) if ids is None else np.asarray(ids, dtype=np.int64)
    if len(ids) != n:
        raise ValueError(f"{n} vectors but {len(ids)} ids")
    kind = params["type"]
    ip = faiss.METRIC_INNER_PRODUCT
    if kind == "flat":
        inner: faiss.Index = faiss.IndexFlatIP(dim)
    elif kind == "hnsw":
        inner = faiss.IndexHNSWFlat(dim, int(params["M"]), ip)
        inner.hnsw.efConstruction = int(params["efConstruction"])
    elif kind in ("ivf", "ivfpq"):
        nlist = min(int(params["nlist"]), max(1, n // 39))  # never more lists than data allows
        params = {**params, "nlist": nlist}
        quantizer = faiss.IndexFlatIP(dim)
        if kind == "ivf":
            inner = faiss.IndexIVFFlat(quantizer, dim, nlist, ip)
        else:
            inner = faiss.IndexIVFPQ(quantizer, dim, nlist, int(params["m"]), params["nbits"], ip)
            inner.pq.cp.niter = 10
        inner.cp.niter = 10
        inner.train(_sample(x, nlist * TRAIN_PER_LIST))
    else:
        raise ValueError(f"unknown index type {kind!r}: one of flat, hnsw, ivf, ivfpq")
    index = faiss.IndexIDMap2(inner)
    if n:
        index.add_with_ids(x, ids)
    if kind in ("ivf", "ivfpq"):
        inner.make_direct_map()  # IDMap2.reconstruct(id) -> position -> stored vector
    tune(index, params)
    return index


def tune(index: faiss.Index, params: dict[str, Any]) -> None:
    """Apply the search-time parameters (efSearch, nprobe) to a built or freshly read index."""
    inner = faiss.downcast_index(index.index) if hasattr(index, "id_map") else index
    kind = params.get("type", "flat")
    if kind == "hnsw":
        inner.hnsw.efSearch = int(params["efSearch"])
    elif kind in ("ivf", "ivfpq"):
        faiss.extract_index_ivf(inner).nprobe = int(params["nprobe"])


def single_query_threads(n: int = 1) -> None:
    """Serve one query per call on ``n`` OpenMP threads. A server answers single queries,
    which FAISS cannot split across threads anyway; with the default (all cores) the idle
    OpenMP workers spin and fight the encoder's BLAS threads (see docs/PERFORMANCE.md)."""
    faiss.omp_set_num_threads(n)


def _sample(x: np.ndarray, size: int) -> np.ndarray:
    if len(x) <= size:
        return x
    rows = np.sort(np.random.default_rng(SEED).choice(len(x), size, replace=False))
    return x[rows]
