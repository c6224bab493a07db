"""sentence-transformers backend: any model directory or cached hub name the user has.

Optional: install with ``pip install -e '.[st]'`` (pulls in torch). Name it as ``st:MODEL``.
Nothing is downloaded here; set ``HF_HUB_OFFLINE=1`` to make that explicit.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.embed import normalize, register
from search.errors import ConfigError

INSTALL_HINT = "pip install -e '.[st]'"


class SentenceTransformerEncoder:
    """Wraps ``SentenceTransformer.encode``; uses the model's query/document prompts if any."""

    def __init__(self, model: str) -> None:
        if not model:
            raise ConfigError("encoder 'st' needs a model: use 'st:MODEL_DIR' or 'st:HUB_NAME'")
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise ConfigError(
                f"encoder 'st:{model}' needs sentence-transformers: {INSTALL_HINT}"
            ) from exc
        try:
            self._model = SentenceTransformer(model, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises OSError, ValueError, HF errors ...
            raise ConfigError(
                f"cannot load sentence-transformers model '{model}': {str(exc).splitlines()[0]}"
            ) from exc
        self.name = f"st:{model}"
        model = self._model
        get_dim = getattr(model, "get_embedding_dimension", None)
        get_dim = get_dim or model.get_sentence_embedding_dimension
        dim = get_dim()
        self.dim = int(dim) if dim else int(self._encode(["x"], None).shape[1])

    def _encode(self, texts: Sequence[str], prompt_name: str | None) -> np.ndarray:
        if not texts:
            return np.zeros((0, getattr(self, "dim", 0)), dtype=np.float32)
        prompts = getattr(self._model, "prompts", {}) or {}
        kwargs = {"prompt_name": prompt_name} if prompt_name in prompts else {}
        vecs = self._model.encode(list(texts), batch_size=32, show_progress_bar=False, **kwargs)
        return normalize(vecs)

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "query")

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self._encode(texts, "document")


@register("st")
def _factory(arg: str) -> SentenceTransformerEncoder:
    return SentenceTransformerEncoder(arg)
