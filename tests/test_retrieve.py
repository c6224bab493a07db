"""Pure ranking steps: fusion, dense scoring, language balance, snippets, duplicates."""

import numpy as np
import pytest

from search.rank.emphasis import Highlighter
from search.rank.fusion import balance, combine, coverage, dense_scores, smooth
from search.rank.marks import marks
from search.rank.snippet import fingerprint, merge_spans, near_duplicate, snippet_window
from search.text.query_form import query_form
from search.text.terms import chinese_phrases


def highlighter(query: str, extra_terms: tuple[str, ...] = ()) -> Highlighter:
    form = query_form(query)
    return Highlighter(marks(form, chinese_phrases(form), list(extra_terms)))


def highlight_spans(text: str, query: str, extra_terms: tuple[str, ...] = ()) -> list:
    return highlighter(query, extra_terms).spans(text)


def test_dense_scores_mix_chunk_and_best_window() -> None:
    ranked = dense_scores({1: 0.5, 2: 0.4}, [(2, 0.9), (1, 0.3), (2, 0.1)], 0.5)
    assert ranked[0] == (2, pytest.approx(0.65))
    assert ranked[1] == (1, pytest.approx(0.4))


def test_dense_scores_floor_for_chunks_without_window_hits() -> None:
    ranked = dict(dense_scores({1: 0.5, 2: 0.5}, [(1, 0.6), (3, 0.2)], 0.5))
    assert ranked[2] == pytest.approx(0.5 * 0.5 + 0.5 * 0.2)


@pytest.mark.parametrize(
    ("mask", "expected_top"),
    [(None, 5), (np.array([True] * 5 + [False] * 5), 2)],
)
def test_combine_adds_masked_normalized_keyword_scores(mask, expected_top) -> None:
    dense = {2: 0.50, 5: 0.45}
    ranked = combine(dense, [([(5, 10.0), (2, 2.0)], 0.2, mask)])
    assert ranked[0][0] == expected_top


def test_balance_brings_the_other_language_into_the_top_k() -> None:
    langs = np.array(["en"] * 8 + ["zh"] * 3)
    ranked = [(i, 1.0 - i / 100) for i in range(11)]
    out = balance(ranked, langs, k=5, minimum=2)
    top = [rid for rid, _ in out[:5]]
    assert top[:3] == [0, 1, 2] and set(top[3:]) == {8, 9}
    assert sorted(rid for rid, _ in out) == list(range(11))


def test_balance_respects_eligibility_and_leaves_balanced_lists_alone() -> None:
    langs = np.array(["en", "zh", "en", "zh", "en", "en"])
    ranked = [(i, 1.0 - i / 10) for i in range(6)]
    assert balance(ranked, langs, 4, 2) == ranked
    langs2 = np.array(["en", "en", "en", "en", "zh", "zh"])
    eligible = np.array([True, True, True, True, False, True])  # passage 4 is front matter
    out = balance(ranked, langs2, 4, 2, eligible)
    assert [rid for rid, _ in out[:4]] == [0, 1, 2, 5]


def test_merge_spans() -> None:
    assert merge_spans([(5, 8), (0, 2), (1, 3), (8, 9)]) == [(0, 3), (5, 9)]


@pytest.mark.parametrize(
    ("text", "query", "marked"),
    [
        ("CEN created CEN/TC 481 on circular economy.", "CEN/TC481", ["CEN/TC 481"]),
        ("GB 18613-2020 sets motor efficiency.", "GB 18613", ["GB 18613"]),
        ("National standards for ESG reporting.", "ESG standard", ["standards", "ESG"]),
        ("国家标准委印发标准化人才培养计划。", "标准化人才", ["标准化", "人才"]),
        ("The committee met.", "the", []),
    ],
)
def test_highlight_spans(text: str, query: str, marked: list[str]) -> None:
    spans = highlight_spans(text, query)
    got = [text[a:b] for a, b in spans]
    for m in marked:
        assert any(m in g for g in got), (m, got)
    if not marked:
        assert spans == []


def test_highlight_spans_use_translations() -> None:
    text = "欧洲标准化委员会成立循环经济技术委员会。"
    assert "循环经济" in [text[a:b] for a, b in highlight_spans(text, "circular", ["循环经济"])]


def test_snippet_holds_the_highlighted_pair() -> None:
    text = "第一句无关。第二句提到碳捕集。第三句也提到碳捕集标准。第四句无关。"
    a, b = snippet_window(text, highlighter("碳捕集").hits(text))
    assert text[a:b] == "第二句提到碳捕集。第三句也提到碳捕集标准。"


def test_near_duplicates() -> None:
    a = fingerprint("The council has roughly 140 working groups.")
    b = fingerprint("The council has roughly 140 working groups and task forces.")
    c = fingerprint("The agency consists of 3 divisions and 2 regional offices.")
    assert near_duplicate(a, b)
    assert not near_duplicate(a, c)


def test_smooth_adds_the_better_neighbour_score() -> None:
    neighbours = np.array([[-1, 1], [0, 2], [1, -1], [-1, -1], [-1, -1], [4, -1]])
    ranked = [(0, 0.5), (1, 0.45), (2, 0.2), (5, 0.1)]
    got = dict(smooth(ranked, neighbours, 0.1))
    # row 5's neighbour (row 4) is not a candidate: it counts as the lowest score, 0.1
    assert got == pytest.approx({0: 0.545, 1: 0.5, 2: 0.245, 5: 0.11})


def test_smooth_lifts_a_passage_whose_neighbour_matches() -> None:
    neighbours = np.array([[-1, -1], [-1, -1], [-1, 3], [2, -1], [-1, -1], [-1, -1], [-1, -1]])
    ranked = [(0, 0.50), (3, 0.49), (2, 0.48), (6, 0.0)]
    assert [rid for rid, _ in smooth(ranked, neighbours, 0.1)] == [3, 2, 0, 6]
    assert smooth(ranked, neighbours, 0.0) == ranked


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("旅客们在排队上车。", "乘客们在排队上车。", False),  # different words, not a copy
        ("这条路的长度是三公里。", "這條路的長度是三公里。", True),  # one text in two scripts
        (
            "In 2021 the median monthly download per mobile subscriber was 186 GB.",
            "In 2022 the median monthly download per mobile subscriber was 186 GB.",
            False,  # another year: says something else
        ),
        (
            "The council has roughly 140 working groups.",
            "The council has roughly 140 working groups and task forces.",
            True,
        ),
        ("ＥＳＧ  reporting rules", "ESG reporting rules", True),
    ],
)
def test_near_duplicate_joins_only_copies(a: str, b: str, same: bool) -> None:
    assert near_duplicate(fingerprint(a), fingerprint(b)) is same


def test_coverage_scores_words_held_in_either_language() -> None:
    groups = [frozenset({"road", "路"}), frozenset({"long", "长"}), frozenset({"km", "公里"})]
    passages = {
        1: frozenset({"这", "条", "路", "长", "公里"}),  # all three, in Chinese
        2: frozenset({"road", "long", "km"}),  # all three, in English
        3: frozenset({"road", "just", "right"}),  # one
        4: frozenset({"unrelated"}),
    }
    df = {"road": 2, "路": 1, "long": 1, "长": 1, "km": 1, "公里": 1}
    got = dict(coverage(groups, passages, df, total=100))
    assert got[1] == pytest.approx(1.0) and got[2] == pytest.approx(1.0)
    assert 0 < got[3] < 0.5
    assert 4 not in got


def test_coverage_weighs_rare_words_more() -> None:
    groups = [frozenset({"standard"}), frozenset({"kenya"})]
    df = {"standard": 90, "kenya": 2}
    got = dict(coverage(groups, {1: frozenset({"standard"}), 2: frozenset({"kenya"})}, df, 100))
    assert got[2] > got[1]
    assert coverage([], {1: frozenset({"x"})}, {}, 10) == []
