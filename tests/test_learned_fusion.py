"""Learned fusion: features on per-query scales (table-tested), the model file, its ranking."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from search.errors import ConfigError
from search.evaluation.learn import Sample, fit
from search.rank import learned

LANGS = np.array(["en", "en", "zh", "zh", "en"])


def row(x: np.ndarray, ids: np.ndarray, rid: int) -> dict[str, float]:
    i = int(np.flatnonzero(ids == rid)[0])
    return dict(zip(learned.FEATURES, x[i].tolist(), strict=True))


def test_features_are_normalised_within_the_query() -> None:
    lists = {
        "dense": [(0, 0.8), (2, 0.6)],
        "keyword": [(0, 12.0), (3, 6.0)],  # 3 is Chinese: the query's words in the other language
        "translated": [(2, 4.0), (4, 2.0)],
        "coverage": [(2, 0.5)],
        "identifier": [(4, 1.0)],
    }
    ids, x = learned.features(lists, LANGS, "en")
    assert ids.tolist() == [0, 2, 3, 4]
    assert row(x, ids, 0) == {**dict.fromkeys(learned.FEATURES, 0.0), "dense": 0.8,
                              "keyword_same": 1.0}  # fmt: skip
    r2 = row(x, ids, 2)
    assert (r2["dense"], r2["translated_other"], r2["coverage"], r2["other"]) == (0.6, 1.0, 0.5, 1)
    r3 = row(x, ids, 3)
    assert (r3["dense"], r3["keyword_other"], r3["other"]) == (0.6, 0.5, 1.0)  # dense floor
    r4 = row(x, ids, 4)
    assert (r4["translated_same"], r4["identifier"], r4["other"]) == (0.5, 1.0, 0.0)


def test_scaling_every_bm25_score_changes_nothing() -> None:
    lists = {"dense": [(0, 0.5), (1, 0.4)], "keyword": [(0, 3.0), (1, 9.0)]}
    scaled = {**lists, "keyword": [(r, s * 40) for r, s in lists["keyword"]]}
    assert np.array_equal(learned.features(lists, LANGS, "en")[1],
                          learned.features(scaled, LANGS, "en")[1])  # fmt: skip


def test_no_candidates_rank_to_nothing() -> None:
    model = learned.Model((1.0,) * len(learned.FEATURES), 0.0)
    assert model.rank({"dense": []}, LANGS, "en") == []


def test_ties_break_on_the_row_id() -> None:
    model = learned.Model((0.0,) * len(learned.FEATURES), 0.0)
    ranked = model.rank({"dense": [(4, 0.3), (1, 0.3), (2, 0.3)]}, LANGS, "en")
    assert [r for r, _ in ranked] == [1, 2, 4]
    assert all(s == pytest.approx(0.5) for _, s in ranked)


def test_the_shipped_model_loads_and_weighs_every_feature() -> None:
    model = learned.load()
    assert len(model.weights) == len(learned.FEATURES)
    assert model.to_dict().keys() == {"bias", *learned.FEATURES}


@pytest.mark.parametrize(
    "text", ["not json", "{}", '{"weights": {"bias": 1}}', '{"weights": {"bias": "NaN"}}']
)
def test_a_bad_model_file_is_a_clear_error(tmp_path: Path, text: str) -> None:
    path = tmp_path / "model.json"
    if "NaN" in text:
        text = json.dumps(
            {"weights": {**dict.fromkeys(learned.FEATURES, 1.0), "bias": float("nan")}}
        )
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ConfigError, match="fusion model"):
        learned.load(path)


def test_training_learns_which_feature_marks_the_answer() -> None:
    rng = np.random.default_rng(3)
    data = []
    for q in range(60):
        x = rng.random((8, len(learned.FEATURES)))
        y = np.zeros(8)
        best = int(np.argmax(x[:, 1]))  # the answer is the passage with the best keyword score
        y[best] = 1
        data.append(Sample("c", "set-a" if q % 2 else "set-b", np.arange(8), x, y, []))
    model = fit(data)
    weights = dict(zip(learned.FEATURES, model.weights, strict=True))
    assert weights[learned.FEATURES[1]] == max(weights.values()) > 0
    for s in data:
        p = model.score(s.x)
        assert np.all((p > 0) & (p < 1))
        assert int(np.argmax(p)) == int(np.argmax(s.y))
