"""Pure pieces of honest relevance, filters, weighted highlights and citation strings."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.cite_formats import NBSP, chicago, formats, gbt7714, permalink
from search.errors import QueryError
from search.query import check_date, check_date_range, check_docs, check_offset, shortened
from search.rank import filters, relevance
from search.rank.fusion import balance
from search.rank.relevance import Passage, Threshold

# --- relevance --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("threshold", "score", "coverage", "holds_all", "expected"),
    [
        (Threshold(0.36, 0.62), 0.50, 1.0, False, "good"),
        (Threshold(0.36, 0.62), 0.30, 1.0, False, "weak"),
        (Threshold(0.36, 0.62), 0.30, 1.0, True, "good"),  # the passage names it all
        (Threshold(0.36, 0.62), 0.90, 0.33, False, "weak"),  # the index knows too little
        (Threshold(0.36, 0.62), 0.90, 0.33, True, "weak"),
        (Threshold(None, 0.5), 0.01, 0.5, False, "good"),  # uncalibrated: coverage only
        (Threshold(None, 0.5), 0.99, 0.4, False, "weak"),
    ],
)
def test_label(threshold, score, coverage, holds_all, expected) -> None:
    assert threshold.label(score, coverage, holds_all) == expected


@settings(max_examples=200, deadline=None)
@given(
    st.lists(st.tuples(st.integers(0, 30), st.floats(0, 1)), max_size=25, unique_by=lambda x: x[0]),
    st.sampled_from([Threshold(0.4, 0.5), Threshold(None, 0.5), Threshold(0.0, 0.0)]),
    st.floats(0, 1),
    st.sets(st.integers(0, 30)),
)
def test_good_mask_labels_each_row_as_label_does(ranked, threshold, coverage, holding) -> None:
    """The array form of the mask gives every row the label ``Threshold.label`` gives it."""
    qterms = [("esg", frozenset())]
    passages = {
        rid: Passage(frozenset({"esg"} if rid in holding else {"x"}), "") for rid in range(31)
    }
    mask = relevance.good_mask(ranked, 31, threshold, coverage, passages, qterms)
    want = np.zeros(31, dtype=bool)
    for rid, score in ranked:
        want[rid] = threshold.label(score, coverage, rid in holding) == "good"
    assert mask.tolist() == want.tolist()


def test_coverage_counts_known_terms_and_translations() -> None:
    known = {"quantum", "标准"}.__contains__
    translations = {"lattice": ["晶格"], "chromodynam": []}
    qterms = relevance.query_terms(
        ["quantum", "chromodynam", "lattice", "quantum"], lambda t: translations.get(t, [])
    )
    assert [t for t, _ in qterms] == ["quantum", "chromodynam", "lattice"]
    assert relevance.query_coverage(qterms, known) == pytest.approx(2 / 3)
    assert relevance.query_coverage([], known) == 0.0


@pytest.mark.parametrize(
    ("qterms", "terms", "text", "expected"),
    [
        ([("esg", frozenset())], {"esg", "standard"}, "ESG standards", True),
        ([("esg", frozenset()), ("quantum", frozenset({"量子"}))], {"esg"}, "ESG", False),
        ([("quantum", frozenset({"量子"}))], set(), "量子技术", True),  # translation in text
        ([("碳达峰", frozenset())], {"碳", "达峰"}, "碳达峰碳中和", True),  # segmented apart
        ([], {"esg"}, "ESG", False),
    ],
)
def test_holds_all(qterms, terms, text, expected) -> None:
    passage = Passage(frozenset(terms), text)
    assert relevance.holds_all(qterms, passage) is expected


def test_balance_never_lifts_weak_other_language_passages() -> None:
    langs = np.array(["en"] * 6 + ["zh"] * 2)
    ranked = [(i, 1.0 - i / 10) for i in range(8)]
    good = relevance.good_mask(ranked, 8, Threshold(0.35, 0.0), 1.0, {}, [])
    assert good.tolist() == [True] * 7 + [False]
    out = balance(ranked, langs, 4, 2, good)
    top = [rid for rid, _ in out[:4]]
    assert 6 in top and 7 not in top  # the good zh passage is lifted, the weak one is not


# --- filters ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2024", ("2024-01-01", "2024-12-31")),
        ("2024-02", ("2024-02-01", "2024-02-29")),
        ("2023-12-05", ("2023-12-05", "2023-12-05")),
    ],
)
def test_date_range(value, expected) -> None:
    assert filters.date_range(value) == expected


@pytest.mark.parametrize(
    ("date", "date_from", "date_to", "inside"),
    [
        ("2023-12", "2023-12-15", None, True),  # a month overlaps a day inside it
        ("2023-12", "2024", None, False),
        ("2024-07", None, "2024-06-30", False),
        ("2024-07", "2024-07-31", "2024-07-31", True),
        ("", "2000", None, False),  # undated documents are outside any range
        ("", None, None, True),
        ("not a date", "2000", None, False),
    ],
)
def test_doc_in_dates(date, date_from, date_to, inside) -> None:
    assert filters.doc_in_dates(date, date_from, date_to) is inside


def test_allowed_docs_and_keep() -> None:
    docs = {"a": {"date": "2023-12"}, "b": {"date": "2024-07"}}
    assert filters.allowed_docs(docs, filters.Filters(("a", "b"), "2024")) == {"b"}
    assert filters.allowed_docs(docs, filters.Filters()) == {"a", "b"}
    with pytest.raises(QueryError, match="no document with id 'zz'"):
        filters.allowed_docs(docs, filters.Filters(("zz",)))
    row_docs = np.array(["a", "b", "a"], dtype=object)
    assert filters.keep_docs([(2, 0.9), (1, 0.8), (0, 0.1)], row_docs, {"a"}) == [
        (2, 0.9),
        (0, 0.1),
    ]


def test_facets_and_groups() -> None:
    row_docs = np.array(["a", "b", "a"], dtype=object)
    langs = np.array(["zh", "en", "zh"])
    assert filters.facets([(0, 1.0), (1, 0.5), (2, 0.2)], row_docs, langs) == {
        "doc": {"a": 2, "b": 1},
        "lang": {"zh": 2, "en": 1},
    }
    items = [("a", 1), ("b", 2), ("a", 3)]
    assert filters.group_by_article(items, lambda x: x[0]) == [[("a", 1), ("a", 3)], [("b", 2)]]


@pytest.mark.parametrize(
    ("check", "value", "ok"),
    [
        (check_offset, 0, 0),
        (check_offset, 500, 500),
        (check_offset, -1, None),
        (check_offset, True, None),
        (check_docs, "a", ("a",)),
        (check_docs, ["a", "a", " b "], ("a", "b")),
        (check_docs, None, ()),
        (check_docs, [1], None),
        (check_date, "2024-07-31", "2024-07-31"),
        (check_date, "2024-7", None),
        (check_date, "2024-00", None),
        (check_date, 2024, None),
    ],
)
def test_parameter_checks(check, value, ok) -> None:
    if ok is None:
        with pytest.raises(QueryError):
            check(value)
    else:
        assert check(value) == ok


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("short  query\n", "short query"),
        ("word " * 30, " ".join(["word"] * 15) + "…"),
        ("标" * 100, "标" * 79 + "…"),
    ],
)
def test_shortened(q: str, expected: str) -> None:
    assert shortened(q, 80) == expected


def test_date_range_order() -> None:
    assert check_date_range("2024-07-15", "2024-07") == ("2024-07-15", "2024-07")
    with pytest.raises(QueryError, match="after"):
        check_date_range("2024-08", "2024-07-31")


# --- citation strings ---------------------------------------------------------------------------

EN_DOC = {"publisher": "China Standardization Press", "issue": "No. 4, Vol. 128", "date": "2024-07"}
EN_CITE = {
    "title": "China Standardization (English edition), July/Aug 2024",
    "section": "ESG standards in China",
    "paragraph": "¶453–454",
    "page": 14,
    "source_url": "https://example.org/a",
}
ZH_DOC = {"publisher": "中国科学院武汉文献情报中心 (Wuhan Library, CAS)", "date": "2023-12"}
ZH_CITE = {
    "title": "标准化信息 2023 年第 12 期",
    "section": "碳达峰",
    "paragraph": "¶4",
    "page": None,
}


def test_permalink_is_escaped() -> None:
    assert permalink("a b", "c#d", "https://h/") == "https://h/doc/a%20b#c%23d"


def test_gbt7714() -> None:
    text = gbt7714(ZH_CITE, ZH_DOC, "https://h/doc/x#y", "2026-11-30")
    assert text == (
        "中国科学院武汉文献情报中心. 碳达峰[J/OL]. 标准化信息, 2023(12)[2026-11-30]. https://h/doc/x#y."
    )
    en = gbt7714(EN_CITE, EN_DOC, "L", "2026-11-30")
    assert ", 2024, 128(4): 14[2026-11-30]. L. 原始来源: https://example.org/a." in en


def test_chicago() -> None:
    text = chicago(EN_CITE, EN_DOC, "https://h/doc/x#y", "2026-11-30")
    assert text == (
        "China Standardization Press, “ESG standards in China,” China Standardization (English "
        f"edition), July/Aug 2024, No. 4, Vol. 128, p.{NBSP}14, ¶453–454, https://h/doc/x#y "
        "(accessed 2026-11-30); original source: https://example.org/a."
    )
    assert f"p.{NBSP}14" in text  # never broken inside "p. 14"


def test_formats_hold_both_styles_without_offsets() -> None:
    out = formats({**EN_CITE, "char_start": 1, "char_end": 9}, EN_DOC, "L")
    assert set(out) == {"gbt7714", "chicago"}
    assert all("chars" not in v and "L" in v for v in out.values())
