"""One contract, every backend: the embedded store (FAISS + SQLite) and the PostgreSQL store
(sharded over postgres_fdw, marked ``cluster``) answer the IndexStore calls alike on the tiny
index, and the PostgreSQL answers equal the embedded ones."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.embed import get_embedder
from search.store.base import IndexStore, open_store

pytest_plugins = ("tests.pg_conftest",)

BACKENDS = ["local", pytest.param("postgres", marks=pytest.mark.cluster)]
QUERIES = ["circular economy", "碳捕集 标准", "GB 23350-2021", "186 GB broadband", "CEN/TC 474"]


@pytest.fixture(params=BACKENDS)
def store(request, tiny_index: Path) -> IndexStore:
    location = request.getfixturevalue("pg_tiny") if request.param == "postgres" else tiny_index
    opened = open_store(location)
    yield opened
    opened.close()


@pytest.fixture(scope="module")
def local(tiny_index: Path) -> IndexStore:
    return open_store(tiny_index)


@pytest.fixture(scope="module")
def embedder():
    return get_embedder("hashing:64")


def test_manifest_and_table(store: IndexStore) -> None:
    n = store.manifest["chunks"]
    table = store.table()
    assert len(table) == n > 0
    assert set(table.lang.tolist()) <= {"zh", "en"}
    assert table.neighbours.shape == (n, 2)
    assert store.manifest["encoder"] == "hashing:64"
    assert store.location


def test_vector_search(store: IndexStore, embedder) -> None:
    q = embedder.encode_query(["circular economy standards"])
    hits = store.search_chunks(q, 5)
    assert 0 < len(hits) <= 5
    scores = [s for _, s in hits]
    assert scores == sorted(scores, reverse=True)
    vecs = store.chunk_vectors([rid for rid, _ in hits])
    np.testing.assert_allclose(vecs @ q[0], scores, atol=1e-5)
    windows = store.search_windows(q, 8)
    table = store.table()
    for owner, number, _ in windows:
        assert 0 <= owner < len(table) and number >= 0
    assert store.search_chunks(q, 0) == []


def test_keyword_search(store: IndexStore) -> None:
    hits = store.keyword_search(["circular", "economi"], 10)
    assert hits and all(s > 0 for _, s in hits)
    assert hits == sorted(hits, key=lambda h: (-h[1], h[0]))
    zh = store.keyword_search(["circular", "碳"], 10, lang="zh")
    assert all(store.table().lang[rid] == "zh" for rid, _ in zh)
    assert store.keyword_search(["gb23350"], 5, column="ids")
    assert store.keyword_search([], 5) == []
    assert store.keyword_search(["nosuchwordanywhere"], 5) == []


def test_rows(store: IndexStore) -> None:
    docs = store.documents()
    assert {d["doc_id"] for d in docs} and all(d["n_chunks"] > 0 for d in docs)
    doc_id = docs[0]["doc_id"]
    assert store.document(doc_id)["title"] == docs[0]["title"]
    assert store.document("no-such-document") is None
    chunks = store.document_chunks(doc_id)
    assert [c.ordinal for c in chunks] == sorted(c.ordinal for c in chunks)
    rid, chunk = store.chunk_by_id(chunks[0].chunk_id)
    assert store.chunks([rid])[rid] == chunk
    assert store.chunk_by_id("no-such-chunk") is None
    assert store.chunks([]) == {}
    assert "circular" in store.vocabulary() or "circ" in " ".join(store.vocabulary())


def test_terms(store: IndexStore) -> None:
    vocab = store.vocabulary()
    freq = store.term_frequencies()
    assert set(freq) == vocab and all(df > 0 for df in freq.values())
    term = max(sorted(vocab), key=freq.__getitem__)  # the commonest term
    held = store.postings([term, "nosuchtermanywhere"])
    assert len(held[term]) == min(freq[term], 5000) and held["nosuchtermanywhere"] == frozenset()
    assert len(store.postings([term], cap=2)[term]) == min(2, freq[term])
    columns = store.passage_terms(sorted(held[term]))
    assert set(columns) == held[term]
    assert all(term in " ".join(cols).split() for cols in columns.values())
    assert store.passage_terms([]) == {}
    data = store.dictionary_data()
    assert data is None or isinstance(data, dict)


def test_document_data(store: IndexStore) -> None:
    doc_id = store.documents()[0]["doc_id"]
    data = store.document_data(doc_id)
    assert data.chunks == store.document_chunks(doc_id)
    ids = [store.chunk_by_id(c.chunk_id)[0] for c in data.chunks]
    np.testing.assert_array_equal(data.vectors, store.chunk_vectors(ids))
    terms = store.passage_terms(ids)
    assert data.keywords == [terms[i] for i in ids]
    assert len(data.windows) == len(data.owners) == len(data.window_vectors) > 0
    assert data.owners == sorted(data.owners) and set(data.owners) <= set(range(len(ids)))


def test_generation_and_relock(store: IndexStore, embedder) -> None:
    name = store.generation
    assert isinstance(name, str) and name and name in store.location or "://" in store.location
    q = embedder.encode_query(["circular economy standards"])
    before = store.search_chunks(q, 5)
    store.relock()  # as a forked worker does: the store goes on answering, same generation
    assert store.generation == name
    assert store.search_chunks(q, 5) == before


def test_submit(store: IndexStore) -> None:
    ran = store.submit(store.keyword_search, ["circular", "economi"], 10)
    assert ran.result(timeout=30) == store.keyword_search(["circular", "economi"], 10)
    failed = store.submit(int, "not a number")
    assert isinstance(failed.exception(timeout=30), ValueError)


def test_prefetched_answers_as_the_single_reads(store: IndexStore, embedder) -> None:
    """A backend that batches answers the candidate reads as the single reads do; one that
    does not returns None without encoding."""
    for q in QUERIES:
        from search.text.terms import identifiers, terms

        words = tuple(terms(q, with_ids=False))
        asks = [(words, 20, None, None), (words, 20, None, "zh")]
        asks += [((full,), 20, "ids", None) for _, full in identifiers(q)]
        calls: list[str] = []

        def encode(q: str = q, calls: list[str] = calls) -> np.ndarray:
            calls.append(q)
            return embedder.encode_query([q])

        batch = store.prefetched(encode, 10, 30, asks)
        if batch is None:
            assert calls == []
            continue
        view, qvec = batch
        assert calls == [q]
        np.testing.assert_array_equal(qvec, embedder.encode_query([q]))
        assert view.search_chunks(qvec, 10) == store.search_chunks(qvec, 10)
        assert view.search_windows(qvec, 30) == store.search_windows(qvec, 30)
        for ask in asks:
            assert view.keyword_search(list(ask[0]), *ask[1:]) == store.keyword_search(
                list(ask[0]), *ask[1:]
            )
        hits = sorted({rid for rid, _ in view.keyword_search(list(words), 20)})
        assert view.passage_terms(hits) == store.passage_terms(hits)


def test_every_protocol_method_is_covered() -> None:
    """Each name IndexStore declares is called on ``store`` somewhere in this file."""
    source = Path(__file__).read_text("utf-8")
    declared = [n for n in vars(IndexStore) if not n.startswith("_")]
    declared += list(IndexStore.__annotations__)
    missing = [n for n in declared if f"store.{n}" not in source and f".{n}(" not in source]
    assert declared and missing == []


@pytest.mark.cluster
def test_postgres_answers_equal_embedded(pg_tiny: str, local: IndexStore, embedder) -> None:
    pg = open_store(pg_tiny)
    try:
        assert pg.vocabulary() == local.vocabulary()
        assert pg.term_frequencies() == local.term_frequencies()
        ids = list(range(local.manifest["chunks"]))
        assert pg.passage_terms(ids) == local.passage_terms(ids)
        terms = sorted(local.vocabulary())[:50] + ["2.5", "nosuchterm"]
        assert pg.postings(terms) == local.postings(terms)
        assert pg.postings(terms, cap=1) == local.postings(terms, cap=1)
        assert pg.dictionary_data() == local.dictionary_data()
        for a, b in zip(pg.table().__dict__.values(), local.table().__dict__.values(), strict=True):
            np.testing.assert_array_equal(a, b)
        assert pg.documents() == local.documents()
        for doc in local.documents():
            a, b = pg.document_data(doc["doc_id"]), local.document_data(doc["doc_id"])
            assert (a.chunks, a.windows, a.owners, a.keywords) == (
                b.chunks,
                b.windows,
                b.owners,
                b.keywords,
            )
            np.testing.assert_array_equal(a.vectors, b.vectors)
            np.testing.assert_allclose(a.window_vectors, b.window_vectors, atol=1e-7)
        for q in QUERIES:
            from search.text.terms import identifiers, terms

            words = terms(q, with_ids=False)
            assert pg.keyword_search(words, 20) == local.keyword_search(words, 20)
            for _, full in identifiers(q):
                assert pg.keyword_search([full], 20, "ids") == local.keyword_search(
                    [full], 20, "ids"
                )
            v = embedder.encode_query([q])
            got, want = pg.search_chunks(v, 10), local.search_chunks(v, 10)
            assert {r for r, _ in got} == {r for r, _ in want}
            np.testing.assert_allclose(
                sorted(s for _, s in got), sorted(s for _, s in want), atol=1e-6
            )
            ids = [r for r, _ in want]
            np.testing.assert_array_equal(pg.chunk_vectors(ids), local.chunk_vectors(ids))
    finally:
        pg.close()


@pytest.mark.parametrize("backend", BACKENDS)
def test_relevance_cut_is_stored_in_the_index(request, backend: str, tiny_index: Path) -> None:
    location = request.getfixturevalue("pg_tiny") if backend == "postgres" else tiny_index
    store = open_store(location)
    before = store.manifest.get("relevance")
    changed = {**(before or {}), "hybrid": {"score": 0.4321, "coverage": 0.25}}
    try:
        store.set_relevance(changed)
        again = open_store(location)
        assert again.manifest["relevance"] == changed == store.manifest["relevance"]
        again.close()
    finally:
        store.set_relevance(before)  # the session's index as it was
        store.close()
