"""Keyword-side steps: identifier recognition, identifier coverage scoring, dictionary lookups."""

from __future__ import annotations

import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from search.rank.candidates import identifier_search
from search.store import Store
from search.text.dictionary import BilingualDictionary, concept_groups
from search.text.senses import choose
from search.text.terms import identifiers, stem


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("GB/T 31415-2019", [("gbt31415", "gbt314152019")]),
        ("CEN/TC 481", [("centc481", "centc481")]),
        ("CEN/TC481", [("centc481", "centc481")]),
        ("IEEE 802.3cz-2023", [("ieee8023cz", "ieee8023cz2023")]),
        ("ISO/IEC JTC 1/SC 42", [("isoiecjtc1", "isoiecjtc1"), ("sc42", "sc42")]),
        ("JTC 1", [("jtc1", "jtc1")]),
        ("IEC 63303 and IEC 63303", [("iec63303", "iec63303")]),
        ("CO2 storage capacity", []),  # a formula glued to one digit
        ("H2 pipelines", []),
        ("Chapter 4", []),
        ("no identifiers here", []),
    ],
)
def test_identifiers(text: str, expected: list[tuple[str, str]]) -> None:
    assert identifiers(text) == expected


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("GB 23350-2021", {"GB 23350-2021": 1.0}),  # full form
        ("GB 23350-2020", {"GB 23350-2021": 0.5}),  # same standard, another year
        ("GB 23350", {"GB 23350-2021": 1.0}),  # typed without a year
        ("CEN/TC 481 or CEN/TC 474", {"CEN/TC 481": 0.5, "CEN/TC 474": 0.5}),
        ("CEN/TC 999", {}),
    ],
)
def test_identifier_search_scores_coverage(
    tiny_index: Path, query: str, expected: dict[str, float]
) -> None:
    store = Store.open(tiny_index)
    try:
        hits = identifier_search(store, identifiers(query), 10)
        chunks = store.chunks([rid for rid, _ in hits])
        got = {}
        for rid, score in hits:
            holder = next(ident for ident in expected if ident in chunks[rid].text)
            got[holder] = score
        assert got == expected
    finally:
        store.close()


CEDICT = """\
中國 中国 [Zhong1 guo2] /China/
德國 德国 [De2 guo2] /Germany/German/
合作 合作 [he2 zuo4] /to cooperate/cooperation/
"""


@pytest.mark.parametrize(
    ("english", "chinese"),
    [
        ("China-Germany cooperation", ["中国", "德国", "合作"]),
        ("cooperation with Germany", ["合作", "德国"]),
        ("nothing known", []),
    ],
)
def test_to_chinese_splits_hyphenated_words(english: str, chinese: list[str]) -> None:
    dictionary = BilingualDictionary.parse(CEDICT.splitlines())
    assert dictionary.to_chinese(english, lambda term: True) == chinese


@pytest.mark.parametrize(
    ("words", "stems"),
    [
        (["divided", "divide"], ["divid", "divid"]),
        (["standards", "standardization"], ["standard", "standard"]),
        (["committees", "meetings"], ["committe", "meet"]),
        (["GB18613", "IEC", "数据"], ["gb18613", "iec", "数据"]),  # no digits or CJK stemmed
    ],
)
def test_stem(words: list[str], stems: list[str]) -> None:
    assert [stem(w) for w in words] == stems


def test_stem_is_safe_across_threads() -> None:
    words = ["international", "standardization", "committees", "participants", "divided"] * 400
    expected = [stem.__wrapped__(w) for w in words]  # bypass the cache: the stemmer itself

    def run(_: int) -> list[str]:
        return [stem.__wrapped__(w) for w in words]

    interval = sys.getswitchinterval()
    sys.setswitchinterval(1e-6)  # switch threads often, inside stemWord too
    try:
        with ThreadPoolExecutor(8) as pool:
            assert all(got == expected for got in pool.map(run, range(8)))
    finally:
        sys.setswitchinterval(interval)


SENSE_DICT = """\
路 路 [lu4] /road/path/route/
长度 长度 [chang2 du4] /length/
公里 公里 [gong1 li3] /kilometer/
"""


def test_concept_groups_pair_each_word_with_its_translations() -> None:
    dictionary = BilingualDictionary.parse(SENSE_DICT.splitlines())
    groups = concept_groups("这条路的长度是三公里", dictionary, lambda t: True)
    assert frozenset({"路", "road", "path"}) in groups
    assert frozenset({"公里", "kilomet"}) in groups
    english = concept_groups("road length", dictionary, lambda t: True)
    assert frozenset({"length", "长度"}) in english  # one-character headwords are too vague


@pytest.mark.parametrize(
    ("postings", "expected"),
    [
        # "route" co-occurs with the other word's sense in two passages: it is kept first
        ({"road": {1}, "path": set(), "route": {2, 3}, "length": {2, 3}}, ["route"]),
        # no co-occurrence at all: the dictionary's order stands
        ({"road": {1}, "path": {4}, "route": {5}, "length": {2}}, ["road"]),
    ],
)
def test_sense_choice_uses_the_other_query_words(postings, expected) -> None:
    senses = [
        [frozenset({"road"}), frozenset({"path"}), frozenset({"route"})],
        [frozenset({"length"})],
    ]
    rows = {t: frozenset(r) for t, r in postings.items()}
    chosen = choose(senses, rows, keep=1)
    assert [sorted(s)[0] for s in chosen[0]] == expected
    assert chosen[1] == [frozenset({"length"})]
