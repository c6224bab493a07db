"""The Embedder protocol and the registry of encoder backends.

An encoder name is ``BACKEND`` or ``BACKEND:ARGUMENT``, e.g. ``use-m3`` (the bundled default) or
``st:/path/to/model`` (sentence-transformers, any model the user has on disk or in the cache).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, runtime_checkable

import numpy as np

from search.errors import ConfigError

DEFAULT_ENCODER = "use-m3"


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into L2-normalized float32 vectors of a fixed dimension."""

    name: str
    dim: int

    def encode_query(self, texts: Sequence[str]) -> np.ndarray: ...

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray: ...


Factory = Callable[[str], Embedder]
_REGISTRY: dict[str, Factory] = {}


def register(backend: str) -> Callable[[Factory], Factory]:
    """Register a factory that builds an embedder from the part of the name after ``backend:``."""

    def deco(factory: Factory) -> Factory:
        _REGISTRY[backend] = factory
        return factory

    return deco


def backends() -> list[str]:
    _load_builtin()
    return sorted(_REGISTRY)


def get_embedder(name: str = DEFAULT_ENCODER) -> Embedder:
    """Build the embedder called ``name``; unknown names fail with the list of known backends."""
    _load_builtin()
    backend, _, arg = (name or "").strip().partition(":")
    if backend not in _REGISTRY:
        known = ", ".join(f"'{b}'" for b in sorted(_REGISTRY))
        raise ConfigError(f"unknown encoder '{name}': choose one of {known} (e.g. 'st:MODEL_DIR')")
    return _REGISTRY[backend](arg)


def normalize(vectors: np.ndarray) -> np.ndarray:
    """Return float32 rows scaled to unit length (zero rows stay zero)."""
    v = np.asarray(vectors, dtype=np.float32)
    if v.ndim == 1:
        v = v[None, :]
    norms = np.linalg.norm(v, axis=1, keepdims=True)
    norms[norms == 0] = 1.0
    return np.ascontiguousarray(v / norms, dtype=np.float32)


def _load_builtin() -> None:
    from search.embed import hashing, sbert, use  # noqa: F401  (registers the backends)
