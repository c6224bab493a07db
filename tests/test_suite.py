"""The evaluation suite's pure parts: its corpora and query sets, the macro-average, the rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.evaluation import corpora, suite
from search.evaluation.relevance import is_relevant
from search.evaluation.stats import Difference


def test_xquad_queries_name_the_answer_sentence_in_both_languages(tmp_path: Path) -> None:
    sets = corpora.xquad_queries()
    both, cross = sets["xquad-r"], sets["xquad-r-cross"]
    assert len(both) == len(cross) == 1210  # 605 questions, each in both languages
    assert [q["id"] for q in both] == [q["id"] for q in cross]
    corpora.write_xquad(tmp_path)
    files = sorted(tmp_path.glob("*.txt"))
    assert len(files) == 48  # 24 articles x 2 languages
    texts = [f.read_text(encoding="utf-8") for f in files]
    for item, other in zip(both[::97], cross[::97], strict=True):
        assert len(item["gold"]) == 2 and other["gold"] == [item["gold"][1]]
        for gold in item["gold"]:  # each answer sentence is in an article file
            assert sum(is_relevant(t, [gold]) for t in texts) >= 1


@pytest.mark.parametrize("name", ["zh", "en", "mixed"])
def test_hsk_layouts_cross_languages(name: str) -> None:
    pytest.importorskip("hsk_sentences_audio", reason="pip install -e '.[eval]'")
    from search.text.lang import detect_lang

    passages, queries = corpora.hsk_layout(name)
    assert len(passages) == len(queries) == corpora.HSK_PAIRS
    for q in queries[::10]:
        assert detect_lang(q["q"]) != detect_lang(q["gold"][0])
    assert corpora.hsk_layout(name) == (passages, queries)  # the same sample every time


def test_every_corpus_names_questions_it_cannot_answer() -> None:
    for corpus in corpora.corpora().values():
        if corpus.name.startswith("hsk"):
            continue  # needs the eval extra; the same questions as xquad-r
        questions = corpus.unanswerable()
        assert len(questions) >= 30 and all(q["q"].strip() for q in questions)


def test_macro_average_weighs_each_set_the_same() -> None:
    a = {"big": {str(i): 1 for i in range(1000)}, "small": {"x": 1, "y": 1}}
    b = {"big": {str(i): 1 for i in range(1000)}, "small": {"x": None, "y": None}}
    d = suite.macro(a, b)
    assert d.a == 1.0 and d.delta == pytest.approx(-0.5) and d.high < 0


def diff(delta: float, low: float, high: float) -> Difference:
    return Difference("MRR@10", 0.5, 0.5 + delta, delta, low, high, 0.5)


@pytest.mark.parametrize(
    ("per_set", "overall", "ships"),
    [
        ({"a": diff(0.02, 0.01, 0.03), "b": diff(0.0, -0.01, 0.01)}, diff(0.01, 0.0, 0.02), True),
        ({"a": diff(0.05, 0.04, 0.06), "b": diff(-0.02, -0.03, -0.01)}, diff(0.015, 0, 1), False),
        ({"a": diff(0.0, -0.1, 0.1)}, diff(0.0, -0.1, 0.1), False),
        ({"a": diff(-0.01, -0.05, 0.02)}, diff(-0.01, -0.05, 0.02), False),
    ],
)
def test_the_shipping_rule(per_set: dict, overall: Difference, ships: bool) -> None:
    assert suite.verdict(per_set, overall)[0] is ships


def test_an_unknown_corpus_is_a_one_line_error(capsys) -> None:
    from search.eval import main

    assert main(["--suite", "--corpus", "nope"]) == 2
    assert "unknown corpus" in capsys.readouterr().err
