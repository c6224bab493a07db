"""One contract suite run against every index type of ``search.store.ann``."""

from __future__ import annotations

import faiss
import numpy as np
import pytest

from search.store import ann

DIM = 64
N = 20_000
QUERIES = 100
PARAMS = {
    "flat": {"type": "flat"},
    "hnsw": {"type": "hnsw", **ann.HNSW},
    "ivf": ann.ivf_params(N),
    "ivfpq": ann.ivf_params(N, pq=True, dim=DIM),
}


def clustered(n: int, rng: np.random.Generator) -> np.ndarray:
    """Unit vectors around 200 random centres, with neighbours close enough to matter."""
    centres = rng.standard_normal((200, DIM)).astype(np.float32)
    x = centres[rng.integers(0, 200, n)] + 0.7 * rng.standard_normal((n, DIM)).astype(np.float32)
    faiss.normalize_L2(x)
    return x


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(0)
    x = clustered(N + QUERIES, rng)
    base, queries = x[:N], x[N:]
    ids = np.arange(N, dtype=np.int64) * 7 + 3  # row ids need not be positions
    exact = faiss.IndexFlatIP(DIM)
    exact.add(base)
    _, truth = exact.search(queries, 10)
    return base, ids, queries, ids[truth]


@pytest.fixture(scope="module", params=sorted(PARAMS))
def built(request: pytest.FixtureRequest, data) -> tuple[str, faiss.Index]:
    base, ids, _, _ = data
    return request.param, ann.build_index(base, PARAMS[request.param], ids)


def recall(found: np.ndarray, truth: np.ndarray) -> float:
    return sum(len(set(f) & set(t)) for f, t in zip(found, truth, strict=True)) / truth.size


@pytest.mark.parametrize(
    ("n", "kind"),
    [(0, "flat"), (1_000, "flat"), (ann.FLAT_MAX, "flat"), (ann.FLAT_MAX + 1, "hnsw")]
    + [(ann.HNSW_MAX, "hnsw"), (ann.HNSW_MAX + 1, "ivf"), (10_000_000, "ivf")],
)
def test_choose_index_by_size(n: int, kind: str) -> None:
    params = ann.choose_index(n, 512)
    assert params["type"] == kind
    assert params == __import__("json").loads(__import__("json").dumps(params))  # JSON-ready


def test_search_returns_row_ids(built, data) -> None:
    _, index = built
    base, ids, queries, _ = data
    assert index.ntotal == N
    scores, found = index.search(queries[:5], 10)
    assert found.shape == (5, 10)
    assert set(found.ravel().tolist()) <= set(ids.tolist())
    assert np.all(np.diff(scores, axis=1) <= 1e-6)  # best first


def test_reconstruct_by_row_id(built, data) -> None:
    kind, index = built
    base, ids, _, _ = data
    for row in (0, 1234, N - 1):
        got = index.reconstruct(int(ids[row]))
        tol = 0.5 if kind == "ivfpq" else 1e-6  # PQ keeps codes, not the vector
        assert np.linalg.norm(got - base[row]) <= tol


def test_recall_against_exact(built, data) -> None:
    kind, index = built
    _, _, queries, truth = data
    _, found = index.search(queries, 10)
    if kind == "ivfpq":  # a memory option with a stated recall cost, never chosen by size
        assert recall(found, truth) >= 0.3  # the cost is measured in docs/PERFORMANCE.md
    else:
        assert recall(found, truth) >= 0.95


def test_round_trip_keeps_ids_reconstruct_and_tuning(built, data) -> None:
    kind, index = built
    base, ids, queries, _ = data
    copy = faiss.deserialize_index(faiss.serialize_index(index))
    ann.tune(copy, PARAMS[kind])
    _, a = index.search(queries[:10], 10)
    _, b = copy.search(queries[:10], 10)
    assert np.array_equal(a, b)
    assert np.allclose(copy.reconstruct(int(ids[42])), index.reconstruct(int(ids[42])))


def test_tune_sets_search_parameters(built) -> None:
    kind, index = built
    ann.tune(index, {**PARAMS[kind], "efSearch": 99, "nprobe": 3})
    inner = faiss.downcast_index(index.index)
    if kind == "hnsw":
        assert inner.hnsw.efSearch == 99
    elif kind.startswith("ivf"):
        assert inner.nprobe == 3
    ann.tune(index, PARAMS[kind])


def test_empty_and_mismatched_input() -> None:
    index = ann.build_index(np.zeros((0, DIM), np.float32), {"type": "flat"})
    assert index.ntotal == 0
    with pytest.raises(ValueError, match="ids"):
        ann.build_index(np.zeros((3, DIM), np.float32), {"type": "flat"}, np.arange(2))
    with pytest.raises(ValueError, match="unknown index type"):
        ann.build_index(np.zeros((3, DIM), np.float32), {"type": "lsh"})
