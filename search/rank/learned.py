"""Learned fusion: the candidate lists of one query put on comparable scales, then combined by a
small linear model trained across several corpora (``python -m search.evaluation.learn``).

The keyword features are normalised within the query (BM25 over the query's best BM25), the
others are bounded shares or cosines, so each means about the same on any corpus:

- ``dense``: the dense score (cosine blend of the chunk and its best sentence window; a
  passage only the keyword lists found gets the lowest dense score of the query);
- ``keyword_same`` / ``keyword_other``: BM25 of the query's own words over the list's best
  score, for a passage in the query's language / in the other one (names and numbers that
  both languages write alike);
- ``translated_same`` / ``translated_other``: the same for the dictionary translations;
- ``coverage``: the idf-weighted share of the query's words (or their translations) the
  passage holds, in either language;
- ``identifier``: the share of the query's identifiers it holds;
- ``other``: 1 for a passage in the other language.

The score is the model's probability that a passage answers the query (logistic function of
the weighted sum), so later steps (neighbours, answer kinds, the good/weak cut) add to and cut
a scale in [0, 1] on every corpus.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from search.errors import ConfigError

Ranked = list[tuple[int, float]]
MODEL_FILE = Path(__file__).with_name("fusion_model.json")
FEATURES = (
    "dense",
    "keyword_same",
    "keyword_other",
    "translated_same",
    "translated_other",
    "coverage",
    "identifier",
    "other",
)


def features(
    lists: dict[str, Ranked], langs: np.ndarray, query_lang: str
) -> tuple[np.ndarray, np.ndarray]:
    """(row ids, feature matrix) of every passage in any list, in ``FEATURES`` order; ids
    ascending."""
    ids = sorted({rid for ranked in lists.values() for rid, _ in ranked})
    if not ids:
        return np.zeros(0, dtype=np.int64), np.zeros((0, len(FEATURES)))
    index = {rid: i for i, rid in enumerate(ids)}
    x = np.zeros((len(ids), len(FEATURES)))
    other = langs[np.asarray(ids)] != query_lang
    col = {name: i for i, name in enumerate(FEATURES)}
    dense = lists.get("dense") or []
    if dense:
        scores = np.array([s for _, s in dense])
        floor = float(scores.min())
        x[:, col["dense"]] = floor
        for rid, s in dense:
            x[index[rid], col["dense"]] = s
    for name in ("keyword", "translated"):
        ranked = lists.get(name) or []
        top = max((s for _, s in ranked), default=0.0) or 1.0
        for rid, s in ranked:
            i = index[rid]
            x[i, col[f"{name}_other" if other[i] else f"{name}_same"]] = s / top
    for name in ("coverage", "identifier"):
        for rid, s in lists.get(name) or []:
            x[index[rid], col[name]] = s
    x[:, col["other"]] = other
    return np.asarray(ids, dtype=np.int64), x


@dataclass(frozen=True)
class Model:
    """A linear model over ``FEATURES`` (weights in that order) and its bias."""

    weights: tuple[float, ...]
    bias: float

    def score(self, x: np.ndarray) -> np.ndarray:
        z = x @ np.asarray(self.weights) + self.bias
        return 1.0 / (1.0 + np.exp(-z))

    def rank(self, lists: dict[str, Ranked], langs: np.ndarray, query_lang: str) -> Ranked:
        ids, x = features(lists, langs, query_lang)
        if not len(ids):
            return []
        p = self.score(x)
        order = np.lexsort((ids, -p))
        return [(int(ids[i]), float(p[i])) for i in order]

    def to_dict(self) -> dict[str, float]:
        return {"bias": self.bias, **dict(zip(FEATURES, self.weights, strict=True))}


@lru_cache(maxsize=4)
def load(path: Path = MODEL_FILE) -> Model:
    """The shipped model; a missing, unreadable or incomplete file is a ``ConfigError``."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        weights = data["weights"]
        model = Model(tuple(float(weights[f]) for f in FEATURES), float(weights["bias"]))
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise ConfigError(f"cannot read the fusion model '{path}': {exc}") from exc
    if not all(math.isfinite(w) for w in (*model.weights, model.bias)):
        raise ConfigError(f"the fusion model '{path}' holds a weight that is not a number")
    return model
