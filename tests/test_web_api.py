"""The JSON API through the Flask test client: answers, limits, errors, CORS, keys, rate limit."""

from __future__ import annotations

import logging
import re

import pytest
from flask.testing import FlaskClient

from web.ratelimit import RateLimiter

pytest_plugins = ("tests.web_conftest",)

SECRET = "s3cret-key"


def error_of(resp) -> dict:
    body = resp.get_json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}
    return body["error"]


@pytest.fixture
def no_crash(caplog: pytest.LogCaptureFixture):
    """Fails the test if the last-resort (500) handler logged anything."""
    caplog.set_level(logging.ERROR)
    yield
    crashes = [r for r in caplog.records if "unhandled error" in r.getMessage()]
    assert not crashes, [r.getMessage() for r in crashes]


def test_search_answers_with_ranked_cited_passages(web_client: FlaskClient) -> None:
    resp = web_client.get("/api/search?q=ESG standards in China&k=3")
    assert resp.status_code == 200
    body = resp.get_json()
    assert {"query", "query_lang", "took_ms", "results", "lang", "counts"} <= set(body)
    assert body["query_lang"] == "en" and body["lang"] == "any"
    assert isinstance(body["took_ms"], float)
    assert 1 <= len(body["results"]) <= 3
    assert [r["rank"] for r in body["results"]] == list(range(1, len(body["results"]) + 1))
    top = body["results"][0]
    assert "ESG" in top["text"]
    assert {"title", "section", "paragraph", "page", "source_url", "text"} <= set(top["citation"])
    assert sum(body["counts"].values()) == len(body["results"])


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_lang_filter_keeps_one_language(web_client: FlaskClient, lang: str) -> None:
    body = web_client.get(f"/api/search?q=标准 standards&lang={lang}").get_json()
    assert body["results"], body
    assert {r["lang"] for r in body["results"]} == {lang}
    assert body["lang"] == lang


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("", "required"),
        ("?q=", "empty"),
        ("?q=%20%20%20", "empty"),
        ("?q=" + "x" * 10_000, "10000 characters; the limit is 4000"),
        ("?q=" + "字" * 4001, "the limit is 4000"),
        ("?q=a&k=abc", "k must be a whole number from 1 to 50 (got 'abc')"),
        ("?q=a&k=0", "from 1 to 50 (got 0)"),
        ("?q=a&k=1000", "from 1 to 50 (got 1000)"),
        ("?q=a&k=-3", "from 1 to 50"),
        ("?q=a&k=2.5", "whole number"),
        ("?q=a&lang=fr", "lang must be one of zh, en, any (got 'fr')"),
        ("?q=a&lang=%3Cscript%3E", "lang must be one of"),
    ],
)
def test_bad_search_input_is_a_clear_400(
    web_client: FlaskClient, no_crash: None, query: str, message: str
) -> None:
    resp = web_client.get("/api/search" + query)
    assert resp.status_code == 400
    err = error_of(resp)
    assert err["code"] == "bad_request"
    assert message in err["message"]


@pytest.mark.parametrize(
    "q",
    ['"', "*", "NEAR(", "AND OR NOT", "' OR 1=1 --", "%", "a\x00b", "🙂🙂", "﷽", "\\", "^$.|?*+()"],
)
def test_odd_queries_are_answered(web_client: FlaskClient, no_crash: None, q: str) -> None:
    resp = web_client.get("/api/search", query_string={"q": q})
    assert resp.status_code in (200, 400), resp.get_data(as_text=True)
    assert "results" in resp.get_json() or error_of(resp)["code"] == "bad_request"


def test_query_at_the_limit_is_accepted(web_client: FlaskClient) -> None:
    assert web_client.get("/api/search", query_string={"q": "碳" * 4000}).status_code == 200
    assert web_client.get("/api/search?q=ESG&k=50").status_code == 200


def test_limits_are_configurable(make_app) -> None:
    client = make_app(max_query_chars=10, max_k=5).test_client()
    assert client.get("/api/search?q=" + "a" * 11).status_code == 400
    assert "from 1 to 5" in error_of(client.get("/api/search?q=a&k=6"))["message"]
    assert client.get("/api/search?q=ESG&k=5").status_code == 200


def test_documents_list_hides_server_paths(web_client: FlaskClient) -> None:
    body = web_client.get("/api/documents").get_json()
    assert body["count"] == 3 == len(body["documents"])
    for doc in body["documents"]:
        assert "path" not in doc
        assert {"doc_id", "title", "lang", "n_chunks"} <= set(doc)


def test_document_lists_its_passages_in_reading_order(web_client: FlaskClient, doc_ids) -> None:
    body = web_client.get(f"/api/documents/{doc_ids['carbon.zh']}").get_json()
    assert body["document"]["lang"] == "zh" and "path" not in body["document"]
    ordinals = [c["ordinal"] for c in body["chunks"]]
    assert ordinals == sorted(ordinals) and len(ordinals) == body["document"]["n_chunks"]
    assert "碳达峰" in body["chunks"][0]["text"]
    assert body["footnotes"] == []


def test_chunk_comes_with_its_neighbours(web_client: FlaskClient, doc_ids) -> None:
    chunks = web_client.get(f"/api/documents/{doc_ids['esg.en']}").get_json()["chunks"]
    assert len(chunks) == 2
    first = web_client.get(f"/api/chunks/{chunks[0]['chunk_id']}").get_json()
    assert first["chunk"]["chunk_id"] == chunks[0]["chunk_id"]
    assert first["previous"] is None
    assert first["next"]["chunk_id"] == chunks[1]["chunk_id"]
    assert first["chunk"]["citation"]["text"]
    last = web_client.get(f"/api/chunks/{chunks[1]['chunk_id']}").get_json()
    assert last["previous"]["chunk_id"] == chunks[0]["chunk_id"] and last["next"] is None


@pytest.mark.parametrize(
    "path",
    [
        "/api/documents/no-such-doc",
        "/api/chunks/no-such-chunk",
        "/api/documents/" + "x" * 5000,
        "/api/documents/../../etc/passwd",
        "/api/documents/..%2F..%2Fetc%2Fpasswd",
        "/api/documents/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/api/chunks/..%252F..%252Fetc%252Fpasswd",
        "/api/chunks/%00",
        "/api/nothing-here",
    ],
)
def test_unknown_or_hostile_ids_are_json_404(
    web_client: FlaskClient, no_crash: None, path: str
) -> None:
    resp = web_client.get(path)
    assert resp.status_code == 404
    assert resp.is_json and error_of(resp)["code"] == "not_found"
    assert "root:" not in resp.get_data(as_text=True)


def test_wrong_method_is_json_405_with_allow(web_client: FlaskClient) -> None:
    resp = web_client.put("/api/search", json={"q": "ESG"})
    assert resp.status_code == 405
    assert error_of(resp)["code"] == "method_not_allowed"
    assert {"GET", "POST"} <= set(resp.headers["Allow"].replace(" ", "").split(","))


def test_huge_body_is_413(web_client: FlaskClient, no_crash: None) -> None:
    resp = web_client.post("/api/search", data=b"x" * (1024 * 1024))
    assert resp.status_code == 413
    assert error_of(resp)["code"] == "payload_too_large"
    resp = web_client.get("/api/search?q=a", data=b"x" * (1024 * 1024))
    assert resp.status_code == 413


def test_huge_headers_are_431(web_client: FlaskClient, no_crash: None) -> None:
    resp = web_client.get("/api/search?q=a", headers={"X-Big": "y" * 64 * 1024})
    assert resp.status_code == 431
    assert error_of(resp)["code"] == "headers_too_large"


def test_unexpected_error_is_a_bare_json_500_and_logged(
    make_app, caplog: pytest.LogCaptureFixture
) -> None:
    app = make_app()

    @app.get("/api/boom")
    def boom():
        raise RuntimeError("secret internals /etc/shadow")

    with caplog.at_level(logging.ERROR):
        resp = app.test_client().get("/api/boom")
    assert resp.status_code == 500
    assert error_of(resp)["code"] == "internal_error"
    assert "secret" not in resp.get_data(as_text=True)
    assert any("unhandled error" in r.getMessage() for r in caplog.records)


def test_health_summarises_the_manifest(web_client: FlaskClient) -> None:
    body = web_client.get("/healthz").get_json()
    assert body["status"] == "ok"
    assert body["generation"].startswith("gen-")
    assert body["index"]["documents"] == 3 and body["index"]["encoder"] == "hashing:64"


def test_openapi_describes_every_route(web_app) -> None:
    spec = web_app.test_client().get("/api/openapi.json").get_json()
    assert spec["openapi"].startswith("3.")
    routes = set()
    for rule in web_app.url_map.iter_rules():
        path = re.sub(r"<(?:[^:<>]+:)?([^<>]+)>", r"{\1}", rule.rule)
        routes.add(path)
        assert path in spec["paths"], f"{rule.rule} is not in the OpenAPI description"
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            assert method.lower() in spec["paths"][path], f"{method} {path} undocumented"
        for name in rule.arguments:
            params = spec["paths"][path]["get"]["parameters"]
            assert any(p["name"] == name and p["in"] == "path" for p in params), (path, name)
    assert set(spec["paths"]) == routes, "the description lists routes the app does not have"


# --- CORS ---------------------------------------------------------------------------------


def cors_client(make_app, origins) -> FlaskClient:
    return make_app(cors_origins=origins).test_client()


def test_allowed_origin_is_echoed(make_app) -> None:
    client = cors_client(make_app, "https://intranet.example, http://127.0.0.1:9000")
    resp = client.get("/api/search?q=ESG", headers={"Origin": "https://intranet.example"})
    assert resp.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    assert "Origin" in resp.headers["Vary"]
    err = client.get("/api/search?k=0&q=a", headers={"Origin": "http://127.0.0.1:9000"})
    assert err.status_code == 400  # errors are readable cross-origin too
    assert err.headers["Access-Control-Allow-Origin"] == "http://127.0.0.1:9000"


def test_disallowed_origin_gets_no_cors_header(make_app) -> None:
    client = cors_client(make_app, "https://intranet.example")
    resp = client.get("/api/search?q=ESG", headers={"Origin": "https://evil.example"})
    assert resp.status_code == 200
    assert "Access-Control-Allow-Origin" not in resp.headers
    page = client.get("/?q=ESG", headers={"Origin": "https://intranet.example"})
    assert "Access-Control-Allow-Origin" not in page.headers  # pages are not an API


def test_no_origins_configured_means_no_cors(web_client: FlaskClient) -> None:
    resp = web_client.get("/api/search?q=ESG", headers={"Origin": "https://intranet.example"})
    assert "Access-Control-Allow-Origin" not in resp.headers


def test_preflight_allows_the_api_key_header(make_app) -> None:
    client = make_app(cors_origins=["https://intranet.example"], api_keys=[SECRET]).test_client()
    resp = client.options(
        "/api/search",
        headers={
            "Origin": "https://intranet.example",
            "Access-Control-Request-Method": "GET",
            "Access-Control-Request-Headers": "x-api-key",
        },
    )
    assert resp.status_code == 200
    assert resp.headers["Access-Control-Allow-Origin"] == "https://intranet.example"
    assert "X-API-Key" in resp.headers["Access-Control-Allow-Headers"]
    assert "GET" in resp.headers["Access-Control-Allow-Methods"]


# --- API keys -----------------------------------------------------------------------------


@pytest.mark.parametrize("headers", [{}, {"X-API-Key": "wrong"}, {"X-API-Key": ""}])
def test_missing_or_wrong_key_is_401(make_app, headers: dict) -> None:
    client = make_app(api_keys=f"other,{SECRET}").test_client()
    for path in ("/api/search?q=ESG", "/api/documents", "/api/openapi.json"):
        resp = client.get(path, headers=headers)
        assert resp.status_code == 401, path
        assert error_of(resp)["code"] == "unauthorized"


def test_right_key_passes_and_pages_need_none(make_app) -> None:
    client = make_app(api_keys=[SECRET]).test_client()
    assert client.get("/api/search?q=ESG", headers={"X-API-Key": SECRET}).status_code == 200
    assert client.get("/api/documents", headers={"X-API-Key": "other"}).status_code == 401
    assert client.get("/healthz").status_code == 200
    assert client.get("/?q=ESG").status_code == 200


# --- rate limit ---------------------------------------------------------------------------


def test_rate_limit_answers_429_per_client(make_app) -> None:
    app = make_app(rate_limit=60, rate_burst=3)
    now = [1000.0]  # an injected clock: the test never depends on how fast it runs
    app.extensions["rate_limiter"] = RateLimiter(60, 3, clock=lambda: now[0])
    client = app.test_client()
    codes = [client.get("/api/search?q=ESG").status_code for _ in range(4)]
    assert codes == [200, 200, 200, 429]
    resp = client.get("/api/documents")
    assert resp.status_code == 429
    assert error_of(resp)["code"] == "too_many_requests"
    assert int(resp.headers["Retry-After"]) >= 1
    now[0] += 1.0  # one request per second refills one token
    assert client.get("/api/documents").status_code == 200
    assert client.get("/api/documents").status_code == 429
    other = client.get("/api/documents", environ_base={"REMOTE_ADDR": "10.0.0.9"})
    assert other.status_code == 200
    assert client.get("/healthz").status_code == 200  # health checks are never limited
