"""Access control that means something (issue finding 5), keys per client with their own rate
limit, a rate limit the workers share, /metrics and one JSON log line per request."""

from __future__ import annotations

import json
import logging
from pathlib import Path

import pytest

from search.errors import ConfigError

pytest_plugins = ("tests.web_conftest",)

SECRET = "s3cret-key"
PAGES = ("/?q=standards", "/embed?q=standards", "/api/documents")


def doc_paths(client, headers=None) -> list[str]:
    docs = client.get("/api/documents", headers=headers or {}).get_json()["documents"]
    return [f"/doc/{d['doc_id']}" for d in docs]


def test_protected_pages_need_a_key(make_app) -> None:
    client = make_app(api_keys=[SECRET], protect_pages=True).test_client()
    key = {"X-API-Key": SECRET}
    for path in (*PAGES, *doc_paths(client, key)):
        assert client.get(path).status_code == 401, path  # the old main answered these 200
        assert client.get(path, headers={"X-API-Key": "wrong"}).status_code == 401, path
        assert client.get(path, headers=key).status_code == 200, path
    assert client.get("/healthz").status_code == 200
    assert client.get("/static/style.css").status_code == 200


def test_pages_stay_open_unless_asked(make_app) -> None:
    client = make_app(api_keys=[SECRET]).test_client()
    assert client.get("/?q=standards").status_code == 200
    assert client.get("/api/documents").status_code == 401


def test_trusted_proxy_user_header(make_app) -> None:
    client = make_app(user_header="X-Remote-User", trusted_proxies="127.0.0.1", protect_pages=True)
    client = client.test_client()
    assert client.get("/?q=standards").status_code == 401
    assert client.get("/?q=standards", headers={"X-Remote-User": "li.wei"}).status_code == 200
    assert client.get("/api/documents", headers={"X-Remote-User": "li.wei"}).status_code == 200


@pytest.mark.parametrize(
    ("settings", "message"),
    [
        ({"protect_pages": True}, "protect_pages needs api_keys or user_header"),
        ({"user_header": "X-User"}, "set trusted_proxies"),
        ({"api_keys": "a:b:c:d"}, "expected KEY, NAME:KEY or NAME:KEY:RATE"),
        ({"api_keys": "a:k1:fast"}, "rate must be a number"),
        ({"api_keys": "a:k1,a:k2"}, "same client name"),
        ({"protect_pages": "maybe"}, "expected true or false"),
    ],
)
def test_bad_access_settings_fail_at_start(make_app, settings: dict, message: str) -> None:
    with pytest.raises(ConfigError, match=message):
        make_app(**settings)


def test_each_key_has_its_own_rate_limit(make_app) -> None:
    client = make_app(api_keys="batch:kb:0,widget:kw,slow:ks:1", rate_limit=60, rate_burst=2)
    client = client.test_client()

    def codes(key: str, n: int) -> list[int]:
        return [client.get("/api/documents", headers={"X-API-Key": key}).status_code
                for _ in range(n)]  # fmt: skip

    assert codes("kb", 8) == [200] * 8  # rate 0: unlimited
    assert codes("kw", 3) == [200, 200, 429]  # the server's rate, its own bucket
    assert codes("ks", 3) == [200, 200, 429]
    assert codes("kb", 1) == [200]


def test_rate_limit_is_shared_by_all_workers(make_app, tmp_path: Path) -> None:
    store = str(tmp_path / "rl.sqlite")
    workers = [make_app(rate_limit=60, rate_burst=4, rate_limit_store=store).test_client()
               for _ in range(3)]  # fmt: skip
    codes = [workers[i % 3].get("/api/documents").status_code for i in range(6)]
    assert codes == [200] * 4 + [429] * 2  # per-worker buckets would have allowed all six


def test_metrics_count_requests_refusals_and_the_index(make_app, tmp_path: Path) -> None:
    folder = tmp_path / "metrics"
    folder.mkdir()
    one = make_app(rate_limit=60, rate_burst=1, metrics_dir=str(folder)).test_client()
    two = make_app(metrics_dir=str(folder)).test_client()
    one.get("/api/search?q=standards")
    one.get("/api/search?q=standards")  # 429
    two.get("/api/documents")
    two.application.extensions["metrics"].flush()
    text = one.get("/metrics").get_data(as_text=True)
    assert 'search_requests_total{route="/api/search",method="GET",status="200"} 1' in text
    assert 'search_requests_total{route="/api/search",method="GET",status="429"} 1' in text
    assert 'search_requests_total{route="/api/documents",method="GET",status="200"} 1' in text
    assert 'search_request_seconds_bucket{route="/api/search",le="+Inf"} 2' in text
    assert "search_rate_limit_refusals_total 1" in text
    assert "search_index_info{generation=" in text and "search_index_degraded 0" in text
    age = next(line for line in text.splitlines() if line.startswith("search_index_age_seconds"))
    assert float(age.split()[1]) >= 0


class Lines(logging.Handler):
    """The log records of one logger, each once (a handler of its own: caplog's capture of a
    non-propagating logger differs between pytest versions)."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


def test_one_json_log_line_per_request_with_an_id(web_client) -> None:
    logger = logging.getLogger("web.requests")
    handler, level = Lines(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        resp = web_client.get("/api/search?q=standards", headers={"X-Request-Id": "abc-123"})
        fresh = web_client.get("/nowhere")
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    lines = [json.loads(r.getMessage()) for r in handler.records]
    assert len(lines) == 2
    assert resp.headers["X-Request-Id"] == "abc-123" and lines[0]["request_id"] == "abc-123"
    assert lines[0]["status"] == 200 and lines[0]["path"] == "/api/search"
    assert lines[0]["generation"].startswith("gen-")
    assert lines[1]["status"] == 404 and lines[1]["request_id"] == fresh.headers["X-Request-Id"]
