"""The synthetic passages of the store benchmark (bench/store.py): clustered unit vectors
(512-dim, as the bundled encoder's), keyword columns of Zipf-distributed words, the queries and
their exact nearest passages."""

from __future__ import annotations

import numpy as np

from search.types import Chunk, Document

DIM = 512
QUERIES = 200
PER_DOC = 10
VOCAB = 5000
SEED = 7


def synthetic(n: int, dim: int = DIM) -> tuple[np.ndarray, np.ndarray]:
    """``n`` clustered unit vectors and the word numbers of their keyword columns (Zipf)."""
    rng = np.random.default_rng(SEED)
    centres = rng.standard_normal((max(1, n // 100), dim)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, dim)).astype(
        np.float32
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    return x, np.minimum(rng.zipf(1.3, (n, 40)), VOCAB).astype(np.int16)


def keyword_columns(words: np.ndarray) -> list[tuple[str, str, str]]:
    """Each passage's keyword columns (body, heading, ids) from its word numbers."""
    return [
        (" ".join(f"w{w}" for w in row), f"w{row[0]}", f"gbt{i % 997}")
        for i, row in enumerate(words.tolist())
    ]


def query_vectors(x: np.ndarray) -> np.ndarray:
    """``QUERIES`` unit vectors near random passages."""
    rng = np.random.default_rng(SEED + 2)
    q = x[rng.integers(0, len(x), QUERIES)] + 0.3 * rng.standard_normal(
        (QUERIES, x.shape[1])
    ).astype(np.float32)
    return q / np.linalg.norm(q, axis=1, keepdims=True)


def exact_top10(x: np.ndarray, queries: np.ndarray) -> np.ndarray:
    """Row ids of each query's 10 nearest passages by inner product, best first."""
    scores = queries @ x.T
    if len(x) <= 10:
        return np.argsort(-scores, axis=1)
    top = np.argpartition(-scores, 10, axis=1)[:, :10]
    order = np.argsort(-np.take_along_axis(scores, top, axis=1), axis=1)
    return np.take_along_axis(top, order, axis=1)


def corpus(n: int) -> tuple[list[Document], list[Chunk]]:
    docs = [
        Document(f"d{i:07d}", f"/synthetic/{i}.txt", f"doc {i}", "en", "text")
        for i in range((n + PER_DOC - 1) // PER_DOC)
    ]
    chunks = [
        Chunk(
            chunk_id=f"d{i // PER_DOC:07d}-{i % PER_DOC:04d}",
            doc_id=f"d{i // PER_DOC:07d}",
            ordinal=i % PER_DOC,
            text=f"passage {i}",
            lang="en",
            heading="",
            section="",
            para_start=i % PER_DOC + 1,
            para_end=i % PER_DOC + 1,
            char_start=0,
            char_end=0,
        )
        for i in range(n)
    ]
    return docs, chunks
