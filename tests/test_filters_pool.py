"""Document and date filters search within the chosen documents, however far down the whole
index's ranking their passages are: a generated corpus of many documents in which one small
document holds none of the query's words, on both store backends."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.build import build
from search.searcher import Searcher

pytest_plugins = ("tests.pg_conftest",)

BACKENDS = ["local", pytest.param("postgres", marks=pytest.mark.cluster)]
QUERY = "carbon capture storage standards"
DOCS = 160  # x 5 passages: far more than the candidate pool (100) and its windows
QUIET = "quiet-notes"  # the document none of whose passages is anywhere near the top


def entry(doc_id: str, title: str, date: str) -> str:
    return (
        f'[[document]]\nid = "{doc_id}"\nfile = "{doc_id}.md"\ntitle = "{title}"\n'
        f'lang = "en"\nkind = "text"\ndate = "{date}"\n'
    )


def write_corpus(folder: Path) -> Path:
    folder.mkdir()
    entries = []
    for n in range(DOCS):
        paragraphs = [
            f"Committee {n} reviewed carbon capture and storage standards in meeting {m}. "
            f"Its working group {n * 7 + m} drafted rules on capture plants and storage sites."
            for m in range(5)
        ]
        body = f"# Carbon report {n}\n\n" + "\n\n".join(paragraphs) + "\n"
        (folder / f"report-{n:03d}.md").write_text(body, encoding="utf-8")
        entries.append(entry(f"report-{n:03d}", f"Carbon report {n}", f"2024-0{1 + n % 9}"))
    quiet = [
        "Bicycle lanes along the river were repainted in spring.",
        "The library extended its opening hours on weekends.",
        "A new bus line links the university with the old town.",
    ]
    (folder / f"{QUIET}.md").write_text("# Town notes\n\n" + "\n\n".join(quiet) + "\n", "utf-8")
    entries.append(entry(QUIET, "Town notes", "2019-05"))
    (folder / "catalog.toml").write_text("\n".join(entries), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return write_corpus(tmp_path_factory.mktemp("many") / "docs")


@pytest.fixture(scope="module")
def local_index(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("many-index") / "index"
    build([corpus], out, encoder="hashing:64")
    return out


@pytest.fixture(params=BACKENDS)
def searcher(request, local_index: Path, corpus: Path) -> Searcher:
    if request.param == "postgres":
        url = request.getfixturevalue("pg_database")("filterpool")
        build([corpus], url, encoder="hashing:64")
        return Searcher.open(url)
    return Searcher.open(local_index)


def test_the_quiet_document_is_outside_the_unfiltered_ranking(searcher: Searcher) -> None:
    response = searcher.search(QUERY, k=10)
    assert len(response.results) == 10
    assert QUIET not in response.facets["doc"]  # not among the candidates at all


def test_a_document_filter_finds_its_passages(searcher: Searcher) -> None:
    passages = searcher.documents[QUIET]["n_chunks"]
    response = searcher.search(QUERY, k=10, docs=[QUIET])
    assert [r.doc_id for r in response.results] == [QUIET] * passages
    assert response.total == passages
    unfiltered = searcher.search(QUERY, k=10)
    assert response.facets == unfiltered.facets  # facets count before the filters


def test_a_date_filter_finds_its_passages(searcher: Searcher) -> None:
    response = searcher.search(QUERY, k=5, date_from="2019", date_to="2019-12")
    assert {r.doc_id for r in response.results} == {QUIET}


def test_a_filter_keeping_many_documents_still_ranks_within_them(searcher: Searcher) -> None:
    chosen = [QUIET, "report-007", "report-151"]
    response = searcher.search(QUERY, k=10, docs=chosen)
    found = [r.doc_id for r in response.results]
    assert set(found) == set(chosen)
    passages = searcher.documents[QUIET]["n_chunks"]
    assert found[-passages:] == [QUIET] * passages  # those holding the query's words first


def test_unfiltered_ranking_is_the_same_with_and_without_a_filter_search(
    searcher: Searcher,
) -> None:
    before = [r.chunk_id for r in searcher.search(QUERY, k=20).results]
    searcher.search(QUERY, k=10, docs=[QUIET])
    assert [r.chunk_id for r in searcher.search(QUERY, k=20).results] == before
