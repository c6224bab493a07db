"""The good/weak cut measured on each index from off-topic questions, stored in its manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.config import DEFAULT_RANKING
from search.rank import calibrate
from search.rank.relevance import Threshold
from search.searcher import Searcher
from search.store.generations import resolve

COVERAGE = DEFAULT_RANKING.good_coverage


@pytest.mark.parametrize(
    ("manifest", "expected"),
    [
        ({}, {}),
        ({"relevance": None}, {}),
        (
            {"relevance": {"hybrid": {"score": 0.41, "coverage": 0.5}, "_about": "x"}},
            {"hybrid": Threshold(0.41, 0.5)},
        ),
        (
            {"relevance": {"dense": {"score": None}, "keyword": "nonsense"}},
            {"dense": Threshold(None, COVERAGE)},
        ),
    ],
)
def test_thresholds_read_from_a_manifest(manifest: dict, expected: dict) -> None:
    assert calibrate.thresholds(manifest) == expected


def test_the_bundled_questions_are_both_languages_and_distinct() -> None:
    questions = calibrate.offtopic()
    chinese = [q for q in questions if any("\u4e00" <= ch <= "\u9fff" for ch in q)]
    assert len(questions) == len(set(questions)) >= 80
    assert 0.4 <= len(chinese) / len(questions) <= 0.6


def test_a_build_stores_the_cut_and_the_searcher_uses_it(tiny_index: Path) -> None:
    manifest = json.loads((resolve(tiny_index) / "manifest.json").read_text("utf-8"))
    cut = manifest["relevance"]
    for method in calibrate.METHODS:
        assert cut[method]["coverage"] == COVERAGE
    for method in ("hybrid", "dense"):  # every question has a best passage by vector
        assert cut[method]["questions"] >= 10
        assert isinstance(cut[method]["score"], float)
    # few off-topic questions share a word with two documents: too few to set a cut, so the
    # keyword method keeps the coverage rule alone
    assert cut["keyword"]["score"] is None or cut["keyword"]["questions"] >= 10
    searcher = Searcher.open(tiny_index, encoder="hashing:64")
    assert searcher.threshold("hybrid") == Threshold(cut["hybrid"]["score"], COVERAGE)
    assert "relevance cut: hybrid score >= " in calibrate.describe(manifest)


def test_recalibrating_rewrites_the_manifest(tiny_index: Path, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "index"
    shutil.copytree(tiny_index, copy, symlinks=True)
    generation = resolve(copy)
    manifest = json.loads((generation / "manifest.json").read_text("utf-8"))
    manifest.pop("relevance")
    (generation / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    assert Searcher.open(copy, encoder="hashing:64").threshold("hybrid").score is None
    assert calibrate.main(["--index", str(copy)]) == 0
    again = json.loads((generation / "manifest.json").read_text("utf-8"))
    assert again["relevance"]["hybrid"]["questions"] >= 10


def test_an_unreadable_index_is_a_one_line_error(tmp_path: Path, capsys) -> None:
    assert calibrate.main(["--index", str(tmp_path / "missing")]) == 2
    assert capsys.readouterr().err.startswith("error: ")
