"""The query path's shortcuts change nothing they shortcut: the near-duplicate mask, the
count span remembered between re-ranking and presentation, the keyword lists run while the
query is encoded, and citations linked once to the caller's site."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.config import DEFAULT_RANKING
from search.rank.answer import count_span, find_count
from search.rank.candidates import gather
from search.rank.snippet import Shingles, fingerprint, near_duplicate
from search.searcher import Searcher

PASSAGES = [
    "The IEC has approximately 160 technical committees.",
    "The IEC has approximately 160 technical committees and subcommittees.",
    "The IEC has approximately 170 technical committees and subcommittees.",
    "KATS consists of 4 Bureaus and 1 Agency.",
    "韩国技术标准院由4个局和1个机构组成，负责国家标准的制定。",
    "韩国技术标准院由4个局和1个机构组成，负责国家标准的制定与推广。",
    "乘客们在排队上车，旅客们在候车室等候。",
    "旅客们在排队上车，旅客们在候车室等候。",
    "Carbon capture, utilisation and storage standards were published in 2022.",
    "Carbon capture, utilisation and storage standards were published in 2023.",
]


@pytest.mark.parametrize("a, b", itertools.combinations(range(len(PASSAGES)), 2))
def test_near_duplicate_mask_decides_as_the_whole_set(a: int, b: int) -> None:
    x, y = fingerprint(PASSAGES[a]), fingerprint(PASSAGES[b])
    assert isinstance(x, Shingles) and x.bits.bit_count() <= len(x)
    assert near_duplicate(x, y) == near_duplicate(frozenset(x), frozenset(y))


_PIECES = ["标准", "委员会", "2022", "2023", "standard", "committee", "碳", "the ", "数据", "41"]


@settings(max_examples=300, deadline=None)
@given(
    st.lists(st.sampled_from(_PIECES), min_size=1, max_size=40),
    st.lists(st.tuples(st.integers(0, 40), st.sampled_from(_PIECES)), max_size=6),
)
def test_near_duplicate_mask_never_turns_down_a_pair(words: list[str], edits) -> None:
    """The mask only ever rules a pair out that the full sets rule out too (edited copies)."""
    other = list(words)
    for at, piece in edits:
        other[min(at, len(other) - 1)] = piece
    x, y = fingerprint("".join(words)), fingerprint("".join(other))
    assert near_duplicate(x, y) == near_duplicate(frozenset(x), frozenset(y))


def test_near_duplicates_are_still_found() -> None:
    fps = [fingerprint(p) for p in PASSAGES]
    assert near_duplicate(fps[0], fps[1]) and near_duplicate(fps[4], fps[5])
    assert not near_duplicate(fps[1], fps[2])  # 160 against 170
    assert not near_duplicate(fps[8], fps[9])  # 2022 against 2023


@pytest.mark.parametrize(
    "text, lang, english, chinese",
    [
        ("The IEC has approximately 160 technical committees.", "en", ["committe"], []),
        ("In 2022 there were 40 members.", "en", ["member"], []),
        ("The report names no number.", "en", ["member"], []),
        ("韩国技术标准院由4个局和1个机构组成。", "zh", [], ["局"]),
        ("共有八十余人线上参会。", "zh", [], ["人"]),
    ],
)
def test_count_span_remembered_equals_found(text, lang, english, chinese) -> None:
    want = find_count(text, lang, english, chinese)
    assert count_span(text, lang, english, chinese) == want
    assert count_span(text, lang, iter(english), iter(chinese)) == want  # again, remembered


def test_keyword_lists_with_the_query_encoded_on_demand(tiny_index: Path) -> None:
    s = Searcher.open(tiny_index, encoder="hashing:64")
    try:
        for q in ("circular economy", "碳捕集 标准", "GB 23350-2021"):
            query = s.analyse(q, 10)
            vec = s.embedder.encode_query([query.form])
            at_once = gather(s.store, s.table, query, vec, 100, DEFAULT_RANKING, s.doc_freq)
            calls: list[str] = []

            def encode(form: str = query.form, calls: list[str] = calls) -> object:
                calls.append(form)
                return s.embedder.encode_query([form])

            beside = gather(s.store, s.table, query, encode, 100, DEFAULT_RANKING, s.doc_freq)
            assert calls == [query.form]
            assert beside.lists == at_once.lists and beside.windows == at_once.windows
            assert set(beside.lists) >= {"dense", "keyword", "translated", "identifier"}
    finally:
        s.store.close()


def test_citations_link_to_the_callers_site(tiny_index: Path) -> None:
    s = Searcher.open(tiny_index, encoder="hashing:64")
    try:
        plain = s.search("circular economy", k=3).results
        linked = s.search("circular economy", k=3, link_root="https://search.example/").results
    finally:
        s.store.close()
    assert plain and [r.chunk_id for r in plain] == [r.chunk_id for r in linked]
    for a, b in zip(plain, linked, strict=True):
        assert not a.citation["permalink"].startswith("http")
        assert b.citation["permalink"] == "https://search.example" + a.citation["permalink"]
        for style in ("gbt7714", "chicago"):
            assert "https://search.example/" in b.citation["formats"][style]


def test_response_dict_equals_asdict(tiny_index: Path) -> None:
    import dataclasses
    import json

    s = Searcher.open(tiny_index, encoder="hashing:64")
    try:
        for q, kw in [("circular economy", {}), ("碳捕集 标准", {"lang": "zh"}), ("GB", {})]:
            r = s.search(q, k=5, **kw)
            got, want = r.to_dict(), dataclasses.asdict(r)
            assert json.dumps(got, ensure_ascii=False) == json.dumps(want, ensure_ascii=False)
            got["results"][0]["highlights"].append([0, 1])  # a copy: the response is intact
            assert dataclasses.asdict(r) == want
    finally:
        s.store.close()


def test_kept_citations_are_fresh_copies_equal_to_built_ones(tiny_index: Path) -> None:
    from search.citation import _citation, citation_for
    from search.cite_formats import today
    from search.store.local import Store

    store = Store.open(tiny_index)
    try:
        chunk = store.chunks([0])[0]
        doc = store.document(chunk.doc_id)
    finally:
        store.close()
    first = citation_for(chunk, doc)
    assert first == _citation(chunk, doc, "", today())
    first["formats"]["chicago"] = "changed"
    first["text"] = "changed"
    again = citation_for(chunk, doc)
    assert again == _citation(chunk, doc, "", today()) and again is not first
    linked = citation_for(chunk, doc, "https://search.example/")
    assert linked["permalink"].startswith("https://search.example/")
    renamed = citation_for(chunk, {**doc, "title": "Another title"})
    assert renamed["title"] == "Another title"
    odd = citation_for(chunk, {**doc, "tags": ["a list"]})  # cannot be a key: built anew
    assert odd == _citation(chunk, {**doc, "tags": ["a list"]}, "", today())
