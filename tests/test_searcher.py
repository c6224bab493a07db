"""Searcher API: validation, odd queries, methods, snippets and highlights."""

from pathlib import Path

import pytest

from search.errors import QueryError
from search.searcher import Searcher


@pytest.fixture(scope="module")
def searcher(tiny_index: Path) -> Searcher:
    return Searcher.open(tiny_index)


@pytest.mark.parametrize(
    "query",
    [
        "?!。，…",  # only punctuation
        "the of and",  # only stop words
        "的 了 是",
        '"unbalanced quote',
        "circular* NEAR economy",
        "economy AND OR NOT -standards",
        "CEN/TC 481 ^ : ( )",
        "'; DROP TABLE chunks; --",
        "SELECT * FROM keywords WHERE 1=1",
        "🌍♻️ 循环经济 🚀",
        "碳捕集 carbon capture 标准",
        "x" * 1999,
        "how many?",  # counting questions with nothing to count
        "多少",
        "几个几个几个",
        "number of 🙂 1 2 3",
        "how many 2023 " + "GB 1 " * 300,
    ],
)
def test_odd_queries_answer_without_error(searcher: Searcher, query: str) -> None:
    resp = searcher.search(query, k=5)
    assert resp.query == query.strip()
    assert len(resp.results) <= 5
    for r in resp.results:
        assert r.text and r.citation["text"]


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"q": ""}, "the query is empty"),
        ({"q": " \n\t "}, "the query is empty"),
        ({"q": "x" * 100_000}, "the limit is 6000"),
        ({"q": "ok", "k": 0}, "k must be a whole number from 1 to 50"),
        ({"q": "ok", "k": 51}, "k must be a whole number from 1 to 50"),
        ({"q": "ok", "k": "5"}, "k must be a whole number"),
        ({"q": "ok", "lang": "fr"}, "lang must be one of zh, en, any"),
        ({"q": "ok", "method": "bm25"}, "method must be one of"),
    ],
)
def test_bad_arguments_raise_clear_errors(searcher: Searcher, kwargs: dict, message: str) -> None:
    with pytest.raises(QueryError, match=message):
        searcher.search(**kwargs)


@pytest.mark.parametrize("method", ["dense", "keyword", "hybrid"])
def test_every_method_ranks_the_identifier_first(searcher: Searcher, method: str) -> None:
    resp = searcher.search("CEN/TC474", k=3, method=method)
    if method == "dense":  # the test encoder only hashes characters: just check it answers
        assert resp.results
    else:
        assert "CEN/TC 474" in resp.results[0].text


def test_results_carry_snippets_and_highlights(searcher: Searcher) -> None:
    r = searcher.search("GB 23350", k=1).results[0]
    assert r.snippet and r.snippet in r.text
    a, b = r.snippet_span
    assert r.text[a:b] == r.snippet
    marked = [r.text[x:y] for x, y in r.highlights]
    assert "GB 23350" in marked


def test_lang_filter(searcher: Searcher) -> None:
    resp = searcher.search("标准", k=10, lang="en")
    assert resp.results and {r.lang for r in resp.results} == {"en"}
    assert resp.lang == "en" and resp.counts["zh"] == 0


def test_same_text_twice_is_collapsed(tiny_corpus: Path, tmp_path: Path) -> None:
    from search.build import build

    src = tmp_path / "src"
    src.mkdir()
    text = (tiny_corpus / "packaging.en.md").read_text(encoding="utf-8")
    (src / "a.md").write_text(text, encoding="utf-8")
    (src / "copy.md").write_text(text, encoding="utf-8")
    build([src], tmp_path / "index", encoder="hashing:64")
    resp = Searcher.open(tmp_path / "index").search("GB 23350-2021 packaging", k=5)
    texts = [r.text for r in resp.results]
    assert len(texts) == len(set(texts))
    assert resp.results[0].duplicates  # the copy is named, not shown twice


def test_dense_candidates_name_each_chunks_best_window(tiny_index: Path) -> None:
    """A dense hit carries the number (within its chunk) of its best-scoring sentence window."""
    from search.embed import get_embedder
    from search.rank.candidates import dense
    from search.store import Store
    from search.text.sentences import window_spans

    store = Store.open(tiny_index)
    qvec = get_embedder("hashing:64").encode_query(["carbon capture committee secretariat"])
    ranked, windows = dense(store, store.table(), qvec, 10, None, 100, 0.6)
    hits = store.search_windows(qvec, 1000)
    assert ranked and set(windows) == {owner for owner, _, _ in hits}
    chunks = store.chunks(list(windows))
    for owner, number in windows.items():
        best = max(score for o, _, score in hits if o == owner)
        assert (owner, number, best) in hits
        assert 0 <= number < len(window_spans(chunks[owner].text))
