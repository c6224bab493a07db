"""The best passages in the language the query is not written in (``other_language``): in the
Python answer, the JSON API, the CLI and the pages."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.__main__ import main as search_main
from search.build import build
from search.searcher import Searcher

pytest_plugins = ("tests.web_conftest",)

RESULT_KEYS = {
    "rank", "score", "text", "lang", "doc_id", "chunk_id", "citation", "heading", "snippet",
    "snippet_span", "highlights", "duplicates", "match",
}  # fmt: skip


@pytest.fixture(scope="module")
def tiny(tiny_index: Path) -> Searcher:
    return Searcher.open(tiny_index, encoder="hashing:64")


@pytest.mark.parametrize(
    ("q", "other"),
    [("standards committee for carbon capture", "zh"), ("碳捕集 标准 委员会", "en")],
)
def test_other_language_holds_the_best_of_the_other_language(tiny: Searcher, q, other) -> None:
    resp = tiny.search(q, k=2)
    items = resp.other_language
    assert 1 <= len(items) <= 3
    assert {r.lang for r in items} == {other}
    assert [r.rank for r in items] == list(range(1, len(items) + 1))
    assert all(r.match in ("good", "weak") for r in items)
    whole = tiny.search(q, k=50).results  # best first: in the order of the whole ranking
    order = [r.chunk_id for r in whole if r.lang == other]
    assert [r.chunk_id for r in items] == order[: len(items)]
    data = resp.to_dict()
    assert set(data["other_language"][0]) == set(data["results"][0]) == RESULT_KEYS


def test_other_language_ignores_paging_and_respects_filters(tiny: Searcher) -> None:
    q = "carbon capture committee"
    first = [r.chunk_id for r in tiny.search(q, k=2).other_language]
    assert [r.chunk_id for r in tiny.search(q, k=2, offset=2).other_language] == first
    assert tiny.search(q, lang="en").other_language == []
    assert tiny.search(q, lang="zh").other_language == []
    english_doc = next(d for d, doc in tiny.documents.items() if doc["lang"] == "en")
    assert tiny.search(q, docs=[english_doc]).other_language == []


def test_one_language_index_has_no_other_language(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "grid.en.md").write_text(
        "# Grids\n\nSmart grid standards cover metering and demand response.\n\n"
        "Substations follow interoperability profiles.\n",
        encoding="utf-8",
    )
    build([corpus], tmp_path / "index", encoder="hashing:64", progress=None)
    s = Searcher.open(tmp_path / "index", encoder="hashing:64")
    resp = s.search("smart grid standards")
    assert resp.results and resp.other_language == []
    asked_in_chinese = s.search("智能电网 标准").other_language  # English is its other language
    assert asked_in_chinese and {r.lang for r in asked_in_chinese} == {"en"}


def test_api_answers_with_other_language(web_client: FlaskClient) -> None:
    body = web_client.get("/api/search?q=ESG standards in China&k=2").get_json()
    items = body["other_language"]
    assert items and len(items) <= 3 and {r["lang"] for r in items} == {"zh"}
    assert set(items[0]) == set(body["results"][0])
    assert items[0]["citation"]["permalink"].startswith("http://localhost/doc/")
    post = web_client.post("/api/search", json={"q": "碳达峰 标准", "lang": "zh"}).get_json()
    assert post["results"] and post["other_language"] == []


def test_openapi_describes_other_language(web_client: FlaskClient) -> None:
    spec = web_client.get("/api/openapi.json").get_json()
    field = spec["components"]["schemas"]["SearchResponse"]["properties"]["other_language"]
    assert field["maxItems"] == 3 and field["items"]["$ref"].endswith("/Result")


def section(page: str) -> str:
    found = re.findall(r'<section class="other-language".*?</section>', page, re.S)
    return found[0] if found else ""


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_pages_show_the_other_language_section(web_client: FlaskClient, path: str) -> None:
    page = web_client.get(f"{path}?q=ESG standards in China&k=2").get_data(as_text=True)
    part = section(page)
    assert "What the Chinese sources say" in part
    assert part.count('class="result other match-') >= 1 and 'lang="zh"' in part
    assert page.index('class="results"') < page.index('class="other-language"')
    zh = web_client.get(f"{path}?q=碳达峰 标准&k=2&ui=zh").get_data(as_text=True)
    assert "英文资料中的相关段落" in section(zh)
    filtered = web_client.get(f"{path}?q=ESG standards&lang=en").get_data(as_text=True)
    assert "other-language" not in filtered
    later = web_client.get(f"{path}?q=standards&k=1&offset=1").get_data(as_text=True)
    assert "other-language" not in later  # the first page shows it


def test_cli_shows_the_other_language_section(
    tiny_index: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert search_main(["--index", str(tiny_index), "--k", "2", "carbon capture committee"]) == 0
    out = capsys.readouterr().out
    head, _, tail = out.partition("What the Chinese sources say:")
    assert head.startswith("1–2 of") and re.search(r"^1\. \[zh\]", tail, re.M)
    assert search_main(["--index", str(tiny_index), "--lang", "en", "carbon capture"]) == 0
    assert "sources say" not in capsys.readouterr().out
    assert search_main(["--index", str(tiny_index), "--json", "--k", "1", "碳捕集"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["other_language"] and data["other_language"][0]["lang"] == "en"


def test_other_language_rows_leave_out_front_matter() -> None:
    from types import SimpleNamespace

    import numpy as np

    from search.rank.present import other_language_rows

    langs = np.array(["en", "zh", "zh", "zh", "en"])
    front = np.array([False, True, False, False, False])  # row 1: a contents page in Chinese
    ranked = [(0, 0.9), (1, 0.8), (2, 0.7), (4, 0.6), (3, 0.5)]
    query = SimpleNamespace(lang="en", lang_filter=None)
    assert other_language_rows(query, ranked, langs, k=1, front=front) == [(2, 0.7), (3, 0.5)]
    assert other_language_rows(query, ranked, langs, k=1)[0] == (1, 0.8)
