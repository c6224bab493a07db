"""Embedding spread over a Ray cluster: one actor per CPU, each holding the encoder with one
BLAS thread, fed batches in order; the vectors are exactly those of one process (same encoder,
same batches), so an index built this way ranks like one built without Ray.

``python build_index.py --ray auto`` (a cluster this machine belongs to, or a local one) or
``--ray HOST:PORT`` (the head node of a running cluster; see docs/SCALE.md).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Sequence

import numpy as np

from search.errors import ConfigError

ENV = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}


def _ray():
    try:
        import ray
    except ImportError as exc:
        raise ConfigError(
            "--ray needs the 'scale' extra: pip install -e '.[scale]' (installs ray)"
        ) from exc
    return ray


class _Worker:
    """A Ray actor body: the encoder, loaded once, one BLAS thread."""

    def __init__(self, encoder: str) -> None:
        from search.embed import get_embedder

        self.embedder = get_embedder(encoder)
        if hasattr(self.embedder, "batch_threads"):
            self.embedder.batch_threads = 1

    def encode(self, texts: list[str]) -> np.ndarray:
        return self.embedder.encode_documents(texts)

    def node(self) -> str:
        import ray

        return ray.get_runtime_context().get_node_id()


class RayEmbedder:
    """An Embedder whose document encoding runs on Ray actors (queries stay local)."""

    def __init__(self, encoder: str, address: str = "auto", actors: int | None = None) -> None:
        from search.embed import get_embedder

        ray = _ray()
        self.local = get_embedder(encoder)  # fails early, in one line, on a bad name
        self.name, self.dim = self.local.name, self.local.dim
        if not ray.is_initialized():
            os.environ.setdefault("RAY_USAGE_STATS_ENABLED", "0")
            try:
                if address == "local":
                    ray.init(include_dashboard=False, log_to_driver=False)
                else:
                    ray.init(address=address, log_to_driver=False)
            except (ConnectionError, RuntimeError, ValueError) as exc:
                raise ConfigError(f"cannot join the Ray cluster at '{address}': {exc}") from exc
        free = int(ray.available_resources().get("CPU", 0))
        count = actors or free
        if count < 1:
            raise ConfigError(f"the Ray cluster at '{address}' has no free CPU for an encoder")
        remote = ray.remote(num_cpus=1, runtime_env={"env_vars": ENV})(_Worker)
        self.actors = [remote.remote(encoder) for _ in range(count)]
        try:
            self.nodes = sorted(set(ray.get([a.node.remote() for a in self.actors], timeout=300)))
        except ray.exceptions.GetTimeoutError as exc:
            self.shutdown()
            raise ConfigError(f"{count} encoder actors did not start on '{address}'") from exc

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self.local.encode_query(texts)

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.encode_many(list(texts), 64)

    def encode_many(
        self,
        texts: list[str],
        batch: int,
        progress: Callable[[int, int], None] | None = None,
    ) -> np.ndarray:
        """Encode ``texts`` in batches of ``batch`` spread over the actors; rows in order."""
        ray = _ray()
        out = np.zeros((len(texts), self.dim), dtype=np.float32)
        pending = {}
        for n, start in enumerate(range(0, len(texts), batch)):
            actor = self.actors[n % len(self.actors)]
            pending[actor.encode.remote(texts[start : start + batch])] = start
        done = 0
        while pending:
            ready, _ = ray.wait(list(pending), num_returns=1)
            start = pending.pop(ready[0])
            vectors = ray.get(ready[0])
            out[start : start + len(vectors)] = vectors
            done += len(vectors)
            if progress:
                progress(done, len(texts))
        return out

    def shutdown(self) -> None:
        ray = _ray()
        for actor in self.actors:
            ray.kill(actor)
        self.actors = []
