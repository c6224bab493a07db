"""The issue-14 search parameters through the Flask test client: offset, doc, date_from,
date_to, POST bodies, relevance labels, totals, facets and ready-to-paste citations."""

from __future__ import annotations

import logging

import pytest
from flask.testing import FlaskClient

from search.rank.relevance import Threshold

pytest_plugins = ("tests.web_conftest",)


def error_of(resp) -> dict:
    body = resp.get_json()
    assert set(body) == {"error"}, body
    return body["error"]


@pytest.fixture
def no_crash(caplog: pytest.LogCaptureFixture):
    caplog.set_level(logging.ERROR)
    yield
    crashes = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert not crashes, [r.getMessage() for r in crashes]


@pytest.fixture
def dated(web_searcher, doc_ids, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """The tiny corpus with dates: Chinese 2023-12, English 2024-07, hostile undated."""
    monkeypatch.setitem(web_searcher.documents[doc_ids["carbon.zh"]], "date", "2023-12")
    monkeypatch.setitem(web_searcher.documents[doc_ids["esg.en"]], "date", "2024-07")
    return doc_ids


def search(client: FlaskClient, **params) -> dict:
    resp = client.get("/api/search", query_string=params)
    assert resp.status_code == 200, resp.get_data(as_text=True)
    return resp.get_json()


# --- the answer's new fields ---------------------------------------------------------------


def test_answer_carries_total_good_offset_facets_and_match(web_client: FlaskClient) -> None:
    body = search(web_client, q="ESG standards in China", k=3)
    assert body["offset"] == 0 and body["total"] >= len(body["results"]) == 3
    assert isinstance(body["total_is_estimate"], bool)
    assert body["good"] == sum(r["match"] == "good" for r in body["results"])
    assert {r["match"] for r in body["results"]} <= {"good", "weak"}
    assert set(body["facets"]) == {"doc", "lang"}
    assert sum(body["facets"]["lang"].values()) >= body["total"]


def test_citations_are_ready_to_paste_with_a_permalink(web_client: FlaskClient) -> None:
    top = search(web_client, q="ESG standards in China", k=1)["results"][0]
    cite = top["citation"]
    link = f"http://localhost/doc/{top['doc_id']}#{top['chunk_id']}"
    assert cite["permalink"] == link
    for style in ("gbt7714", "chicago"):
        text = cite["formats"][style]
        assert isinstance(text, str) and link in text and "chars" not in text
    assert "[J/OL]" in cite["formats"]["gbt7714"]
    assert f"“{top['heading']},”" in cite["formats"]["chicago"]


def test_no_good_answer_is_said(web_client: FlaskClient) -> None:
    body = search(web_client, q="quantum chromodynamics lattice")
    assert body["good"] == 0 and all(r["match"] == "weak" for r in body["results"])


def test_threshold_splits_good_from_weak(web_client: FlaskClient, web_searcher, monkeypatch):
    # no passage holds every word of this query, so the score alone decides
    monkeypatch.setitem(web_searcher.thresholds, "hybrid", Threshold(score=0.45, coverage=0.5))
    body = search(web_client, q="governance of environmental data packaging", k=6)
    good = [r for r in body["results"] if r["match"] == "good"]
    weak = [r for r in body["results"] if r["match"] == "weak"]
    assert good and weak, [r["score"] for r in body["results"]]
    assert all(r["score"] >= 0.45 for r in good) and all(r["score"] < 0.45 for r in weak)
    assert body["good"] == len(good)


# --- offset ---------------------------------------------------------------------------------


def test_offset_pages_through_the_same_ranking(web_client: FlaskClient) -> None:
    whole = search(web_client, q="standards 标准", k=4)["results"]
    second = search(web_client, q="standards 标准", k=2, offset=2)
    assert second["offset"] == 2
    assert [r["chunk_id"] for r in second["results"]] == [r["chunk_id"] for r in whole[2:4]]
    assert [r["rank"] for r in second["results"]] == [3, 4]


def test_offset_past_the_end_is_empty_not_an_error(web_client: FlaskClient) -> None:
    body = search(web_client, q="ESG", offset=400)
    assert body["results"] == [] and body["offset"] == 400


@pytest.mark.parametrize("offset", ["-1", "abc", "501", "2.5", "1e3", " "])
def test_bad_offset_is_a_clear_400(web_client: FlaskClient, no_crash, offset: str) -> None:
    resp = web_client.get("/api/search", query_string={"q": "ESG", "offset": offset})
    if offset == " ":
        assert resp.status_code == 400 or resp.get_json()["offset"] == 0
        return
    assert resp.status_code == 400
    assert "offset must be a whole number from 0 to 500" in error_of(resp)["message"]


# --- doc ------------------------------------------------------------------------------------


def test_doc_filter_keeps_one_document(web_client: FlaskClient, doc_ids) -> None:
    esg = doc_ids["esg.en"]
    body = search(web_client, q="standards 标准", doc=esg)
    assert body["results"] and {r["doc_id"] for r in body["results"]} == {esg}
    assert body["total"] == len({r["chunk_id"] for r in body["results"]}) or body["total"] >= 1
    assert esg in body["facets"]["doc"]  # facets still count every document


def test_doc_is_repeatable(web_client: FlaskClient, doc_ids) -> None:
    two = [doc_ids["esg.en"], doc_ids["carbon.zh"]]
    resp = web_client.get(
        "/api/search", query_string=[("q", "standards 标准"), *[("doc", d) for d in two]]
    )
    assert {r["doc_id"] for r in resp.get_json()["results"]} == set(two)


@pytest.mark.parametrize(
    ("doc", "message"),
    [("no-such-doc", "no document with id 'no-such-doc'"), ("x" * 201, "at most 50 document ids")],
)
def test_bad_doc_is_a_clear_400(web_client: FlaskClient, no_crash, doc: str, message: str) -> None:
    resp = web_client.get("/api/search", query_string={"q": "ESG", "doc": doc})
    assert resp.status_code == 400 and message in error_of(resp)["message"]


def test_too_many_docs_is_a_400(web_client: FlaskClient) -> None:
    many = [("doc", f"d{i}") for i in range(51)]
    resp = web_client.get("/api/search", query_string=[("q", "ESG"), *many])
    assert resp.status_code == 400 and "at most 50" in error_of(resp)["message"]


# --- dates ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("date_from", "date_to", "expected"),
    [
        ("2024", None, {"esg.en"}),
        ("2024-07-31", None, {"esg.en"}),
        (None, "2023-12", {"carbon.zh"}),
        ("2023-12-15", "2024-06", {"carbon.zh"}),
        ("2023", "2024", {"carbon.zh", "esg.en"}),
    ],
)
def test_date_range_keeps_documents_dated_in_it(
    web_client: FlaskClient, dated, date_from, date_to, expected
) -> None:
    params = {"q": "standards 标准", "k": 20, "date_from": date_from, "date_to": date_to}
    body = search(web_client, **{k: v for k, v in params.items() if v})
    by_id = {v: k for k, v in dated.items()}
    assert {by_id[r["doc_id"]] for r in body["results"]} == expected


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"date_from": "2024-13"}, "date_from must be a date like 2024-07-31"),
        ({"date_to": "yesterday"}, "date_to must be a date"),
        ({"date_from": "2024-02-30"}, "date_from must be a date"),
        ({"date_from": "2025", "date_to": "2024-06"}, "date_from (2025) is after date_to"),
    ],
)
def test_bad_dates_are_a_clear_400(web_client: FlaskClient, no_crash, params, message) -> None:
    resp = web_client.get("/api/search", query_string={"q": "ESG", **params})
    assert resp.status_code == 400 and message in error_of(resp)["message"]


# --- POST -----------------------------------------------------------------------------------


def test_post_json_takes_the_same_parameters(web_client: FlaskClient, doc_ids) -> None:
    esg = doc_ids["esg.en"]
    get = search(web_client, q="standards 标准", k=2, offset=1, doc=esg, lang="en")
    resp = web_client.post(
        "/api/search",
        json={"q": "standards 标准", "k": 2, "offset": 1, "doc": [esg], "lang": "en"},
    )
    assert resp.status_code == 200
    post = resp.get_json()
    assert [r["chunk_id"] for r in post["results"]] == [r["chunk_id"] for r in get["results"]]
    assert post["offset"] == 1


def test_post_accepts_a_pasted_paragraph(web_client: FlaskClient) -> None:
    paragraph = ("国家标准化管理委员会发布了碳达峰碳中和标准体系建设指南。" * 40)[:1500]
    paragraph += " China is building a standards system for ESG disclosure. " * 20
    resp = web_client.post("/api/search", json={"q": paragraph})
    assert resp.status_code == 200 and resp.get_json()["results"]


@pytest.mark.parametrize(
    ("kwargs", "status", "message"),
    [
        ({"data": "not json", "content_type": "application/json"}, 400, "JSON object"),
        ({"json": ["ESG"]}, 400, "JSON object"),
        ({"json": {"k": 3}}, 400, "the parameter q"),
        ({"json": {"q": 42}}, 400, "q must be text"),
        ({"json": {"q": "ESG", "k": True}}, 400, "k must be a whole number from 1 to 50"),
        ({"json": {"q": "ESG", "doc": [1, 2]}}, 400, "doc must be a document id"),
        ({"json": {"q": "ESG", "offset": -5}}, 400, "offset must be"),
        ({"json": {"q": "字" * 4001}}, 400, "the limit is 4000"),
        ({"data": "q=ESG", "content_type": "application/x-www-form-urlencoded"}, 400, "JSON"),
    ],
)
def test_bad_post_is_a_clear_400(web_client: FlaskClient, no_crash, kwargs, status, message):
    resp = web_client.post("/api/search", **kwargs)
    assert resp.status_code == status
    assert message in error_of(resp)["message"]


def test_post_body_over_the_limit_is_413(make_app, no_crash) -> None:
    client = make_app(max_body_bytes=1000).test_client()
    resp = client.post("/api/search", json={"q": "x" * 2000})
    assert resp.status_code == 413


def test_query_limit_is_configurable_for_post(make_app) -> None:
    client = make_app(max_query_chars=100).test_client()
    resp = client.post("/api/search", json={"q": "y" * 101})
    assert resp.status_code == 400 and "the limit is 100" in error_of(resp)["message"]


def test_openapi_describes_the_new_parameters_post_and_fields(web_client: FlaskClient) -> None:
    spec = web_client.get("/api/openapi.json").get_json()
    search_path = spec["paths"]["/api/search"]
    names = {p["name"] for p in search_path["get"]["parameters"]}
    assert {"q", "k", "lang", "offset", "doc", "date_from", "date_to"} <= names
    body = search_path["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert {"q", "k", "lang", "offset", "doc", "date_from", "date_to"} <= set(body["properties"])
    schemas = spec["components"]["schemas"]
    assert {"total", "total_is_estimate", "good", "offset"} <= set(
        schemas["SearchResponse"]["properties"]
    )
    result = schemas["Result"]["properties"]
    assert result["match"]["enum"] == ["good", "weak"]
    assert result["citation"] == {"$ref": "#/components/schemas/Citation"}
    assert {"permalink", "formats"} <= set(schemas["Citation"]["properties"])
    assert "post" in spec["paths"]["/"] and "post" in spec["paths"]["/embed"]
