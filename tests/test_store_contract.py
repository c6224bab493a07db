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
