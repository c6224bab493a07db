"""A tiny deterministic encoder (hashed character n-grams) for tests and smoke runs.

It needs no model and understands no meaning: use it to test the plumbing, never for search.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np

from search.embed import normalize, register


class HashingEncoder:
    """Bag of hashed character bigrams; same text -> same vector on every machine."""

    def __init__(self, dim: int = 64) -> None:
        self.dim = dim
        self.name = f"hashing:{dim}"
        self.calls = 0  # number of encode calls, for tests that count re-embedding
        self.texts = 0  # number of document texts encoded (what a build embedded)

    def _vector(self, text: str) -> np.ndarray:
        v = np.zeros(self.dim, dtype=np.float32)
        t = text.lower()
        for i in range(max(len(t) - 1, 1)):
            h = hashlib.blake2b(t[i : i + 2].encode(), digest_size=4).digest()
            v[int.from_bytes(h, "little") % self.dim] += 1.0
        return v

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        self.calls += 1
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(np.stack([self._vector(t) for t in texts]))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        self.texts += len(texts)
        return self._encode(texts)


@register("hashing")
def _factory(arg: str) -> HashingEncoder:
    try:
        dim = int(arg) if arg else 64
    except ValueError:
        dim = 0
    if not 8 <= dim <= 4096:
        from search.errors import ConfigError

        raise ConfigError(f"encoder 'hashing:{arg}': the dimension must be a number from 8 to 4096")
    return HashingEncoder(dim)
