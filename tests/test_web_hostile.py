"""Requests a hostile client sends to a real ``python -m web``: huge numbers, deeply nested
JSON, lone surrogates, a "back" link that leaves the site, a forged Host header, a forged user
header, and deep pages in a burst. Each answers with a clear 4xx, never a 500 (one server start
for all of them), plus the same rules in process and on the command line."""

from __future__ import annotations

import html
import json
import os
import re
import subprocess
import sys
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

from search.errors import QueryError
from search.searcher import Searcher
from web.page import same_site_path
from web.proxy import forwarded_client, networks, parse_proxies
from web.ratelimit import spend
from web.settings import load

pytest_plugins = ("tests.web_conftest",)

ROOT = Path(__file__).absolute().parents[1]
NINES = "9" * 4301  # beyond Python's 4 300-digit limit on int()
DEEP = "[" * 10_000 + "]" * 10_000
SURROGATES = ("\ud800 carbon", "\udc80", "carbon \ud83d")
PUBLIC = "https://search.example/"
KEY, DEEP_KEY = "hostile-key", "deep-key"


def call(
    base: str, path: str, body: bytes | None = None, headers: dict[str, str] | None = None
) -> tuple[int, str, dict[str, str]]:
    req = urllib.request.Request(
        base + path, data=body, headers={"X-API-Key": KEY, **(headers or {})}
    )
    try:
        with urllib.request.urlopen(req, timeout=60) as resp:
            return resp.status, resp.read().decode(), dict(resp.headers)
    except urllib.error.HTTPError as exc:
        return exc.code, exc.read().decode(), dict(exc.headers)


def post_json(base: str, raw: str) -> tuple[int, str, dict[str, str]]:
    return call(base, "/api/search", raw.encode(), {"Content-Type": "application/json"})


def post_form(base: str, path: str, fields: dict[str, str]) -> tuple[int, str, dict[str, str]]:
    body = urllib.parse.urlencode(fields).encode()
    return call(base, path, body, {"Content-Type": "application/x-www-form-urlencoded"})


def back_link(page: str) -> str:
    """Where the document page's "back to results" link goes."""
    found = re.search(r'<a class="back" href="([^"]*)"', page)
    assert found, page[:500]
    return html.unescape(found.group(1))


def test_hostile_requests_to_a_real_server(start_server, web_index: Path, doc_ids) -> None:
    env = {
        "SEARCH_API_KEYS": f"tester:{KEY}:0,deep:{DEEP_KEY}",  # tester: no rate limit
        "SEARCH_USER_HEADER": "X-Remote-User",
        "SEARCH_TRUSTED_PROXIES": "10.0.0.0/8",  # the test talks from 127.0.0.1: not a proxy
        "SEARCH_PROTECT_PAGES": "true",
        "SEARCH_PUBLIC_URL": PUBLIC,
        "SEARCH_RATE_LIMIT": "120",
        "SEARCH_RATE_BURST": "30",
    }
    base = start_server(web_index, "--workers", "1", env=env)

    # F1: numbers with thousands of digits, in every input path
    bad_numbers = [
        call(base, f"/api/search?q=carbon&k={NINES}"),
        call(base, f"/api/search?q=carbon&offset={NINES}"),
        call(base, f"/?q=carbon&k={NINES}"),
        call(base, f"/embed?q=carbon&offset={NINES}"),
        post_form(base, "/", {"q": "carbon", "k": NINES}),
        post_form(base, "/embed", {"q": "carbon", "offset": NINES}),
        post_json(base, json.dumps({"q": "carbon", "k": NINES})),
        post_json(base, json.dumps({"q": "carbon", "offset": NINES})),
    ]
    for status, body, _ in bad_numbers:  # the pages say it in a drafter's words
        assert status == 400, body[:300]
        assert re.search(r"must be a whole number|number of results|out of range", body)
    # F2: JSON nested 10 000 levels deep
    status, body, _ = post_json(base, DEEP)
    assert status == 400 and "nested too deeply" in json.loads(body)["error"]["message"]
    # F3: lone surrogates in the query (JSON escapes)
    for q in SURROGATES:
        status, body, _ = post_json(base, json.dumps({"q": q}))
        assert status == 400, body[:300]
        assert "not valid text" in json.loads(body)["error"]["message"]
    # F4: "back to results" links that a browser would resolve to another site
    doc = doc_ids["esg.en"]
    for back in ("/%5Cevil.example/", "/%09/evil.example/", "//evil.example/", "/%0A/evil.example"):
        status, body, _ = call(base, f"/doc/{doc}?back={back}")
        assert status == 200 and back_link(body) == "/", (back, back_link(body))
    status, body, _ = call(base, f"/doc/{doc}?back=/%3Fq%3Dcarbon")
    assert back_link(body) == "/?q=carbon"  # a path of this site is kept
    # F5: permalinks and exports name the configured public address, whatever the Host says
    status, body, _ = call(
        base, "/api/search?q=ESG+standards&k=3", headers={"Host": "evil.example"}
    )
    results = json.loads(body)["results"]
    assert status == 200 and results
    assert all(r["citation"]["permalink"].startswith(PUBLIC + "doc/") for r in results)
    assert "evil.example" not in body
    chunk = results[0]["chunk_id"]
    status, body, _ = call(
        base, f"/export?chunk={chunk}&format=md", headers={"Host": "evil.example"}
    )
    assert status == 200 and PUBLIC in body and "evil.example" not in body
    # F6: the user header from a client that is not a trusted proxy names nobody
    for path in ("/api/search?q=carbon", "/?q=carbon", f"/doc/{doc}"):
        status, _, _ = call(base, path, headers={"X-API-Key": "", "X-Remote-User": "alice"})
        assert status == 401, path
    # F7: a deep page is priced in the rate limit (the deep client: 120/min, bursts of 30)
    deep = {"X-API-Key": DEEP_KEY}
    first = call(base, "/api/search?q=standards&offset=500&k=50", headers=deep)
    again = call(base, "/api/search?q=standards&offset=500&k=50", headers=deep)
    assert first[0] == 200
    assert again[0] == 429 and int(again[2]["Retry-After"]) >= 10
    assert call(base, "/api/search?q=standards", headers=deep)[0] == 429  # still paying
    assert call(base, "/api/search?q=standards")[0] == 200  # other clients are not


def run_cli(*args: str | bytes) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "PYTHONPATH": str(ROOT), "LC_ALL": "C.UTF-8"}
    cmd = [
        sys.executable.encode(),
        b"-m",
        b"search",
        *(a.encode() if isinstance(a, str) else a for a in args),
    ]
    return subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, timeout=120)


def test_cli_refuses_huge_numbers_and_invalid_text(web_index: Path) -> None:
    cases = [
        (["--k", NINES, "carbon"], 2, b"k must be a whole number"),
        (["--offset", NINES, "carbon"], 2, b"offset must be a whole number"),
        ([b"\xff carbon"], 1, b"not valid text"),  # not UTF-8: a lone surrogate in sys.argv
    ]
    for args, code, message in cases:  # 2: a bad option; 1: the one query failed
        done = run_cli("--index", str(web_index), *args)
        assert done.returncode == code, done.stderr[-500:]
        assert message in done.stderr and b"Traceback" not in done.stderr


@pytest.mark.parametrize("name", ["k", "offset"])
def test_python_api_refuses_huge_numbers(web_searcher: Searcher, name: str) -> None:
    with pytest.raises(QueryError, match=rf"{name} must be .* \(got a number of about 5000 digits"):
        web_searcher.search("carbon", **{name: 10**5000})


def test_huge_json_numbers_are_400(web_client) -> None:
    for field in ("k", "offset"):
        body = f'{{"q": "carbon", "{field}": {"9" * 4000}}}'  # parsed: under the limit
        answer = web_client.post("/api/search", data=body, content_type="application/json")
        assert answer.status_code == 400 and "a number of about" in answer.get_data(as_text=True)


@pytest.mark.parametrize("q", SURROGATES)
def test_python_api_refuses_lone_surrogates(web_searcher: Searcher, q: str) -> None:
    with pytest.raises(QueryError, match=r"not valid text \(U\+D[89A-F][0-9A-F]{2} at position"):
        web_searcher.search(q)


def test_surrogates_in_doc_ids_are_refused(web_client) -> None:
    body = json.dumps({"q": "carbon", "doc": ["\udc80"]})  # ASCII: the escape \\udc80
    answer = web_client.post("/api/search", data=body, content_type="application/json")
    assert answer.status_code == 400
    assert (
        "doc contains a character that is not valid text" in answer.get_json()["error"]["message"]
    )


@pytest.mark.parametrize(
    ("link", "kept"),
    [
        ("/?q=carbon&k=10", True),
        ("/embed?q=%E7%A2%B3", True),
        ("/", True),
        ("/\\evil.example/", False),
        ("/\t/evil.example/", False),
        ("/\n/evil.example/", False),
        ("//evil.example/", False),
        ("///evil.example/", False),
        ("https://evil.example/", False),
        ("javascript:alert(1)", False),
        ("evil.example", False),
        ("/ /evil.example", False),
        ("/\u200b/evil.example", False),
        ("", False),
    ],
)
def test_back_link_must_be_a_path_of_this_site(link: str, kept: bool) -> None:
    assert same_site_path(link) == (link if kept else "")


def test_permalinks_never_follow_the_host_header(make_app) -> None:
    client = make_app().test_client()
    body = client.get("/api/search?q=ESG", headers={"Host": "evil.example"}).get_json()
    assert body["results"]
    assert all(r["citation"]["permalink"].startswith("http://localhost/") for r in body["results"])
    client = make_app(public_url="https://search.example/base").test_client()
    body = client.get("/api/search?q=ESG", headers={"Host": "evil.example"}).get_json()
    link = body["results"][0]["citation"]["permalink"]
    assert link.startswith("https://search.example/base/doc/")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("search.example", "expected the site's address"),
        ("ftp://search.example/", "expected the site's address"),
        ("https://search.example/?a=1", "no ? or #"),
        ("https://search.example:99999/", "expected the site's address"),
    ],
)
def test_bad_public_url_is_a_start_error(value: str, message: str) -> None:
    from search.errors import ConfigError

    with pytest.raises(ConfigError, match=re.escape(message)):
        load({"public_url": value}, environ={})


def test_public_url_from_the_environment() -> None:
    settings = load({}, environ={"SEARCH_PUBLIC_URL": "https://search.example"})
    assert settings["public_url"] == "https://search.example/"


def test_user_header_only_from_trusted_proxy_addresses(make_app) -> None:
    app = make_app(user_header="X-Remote-User", trusted_proxies="10.0.0.0/8", protect_pages=True)
    client = app.test_client()
    user = {"X-Remote-User": "alice"}
    assert client.get("/api/documents", headers=user).status_code == 401  # from 127.0.0.1
    proxy = {"REMOTE_ADDR": "10.1.2.3"}
    assert client.get("/api/documents", headers=user, environ_base=proxy).status_code == 200
    assert client.get("/api/documents", environ_base=proxy).status_code == 401


@pytest.mark.parametrize(
    ("header", "client"),
    [
        ("203.0.113.7", "203.0.113.7"),
        ("198.51.100.1, 203.0.113.7", "203.0.113.7"),  # the client forged the first hop
        ("203.0.113.7, 10.0.0.2", "203.0.113.7"),  # two proxies
        ("10.0.0.3", None),
        ("not-an-address", None),
        ("", None),
    ],
)
def test_forwarded_client_is_the_last_untrusted_hop(header: str, client: str | None) -> None:
    assert forwarded_client(header, networks(["10.0.0.0/8"])) == client


@pytest.mark.parametrize(
    ("value", "ok"),
    [("127.0.0.1", True), ("10.0.0.0/8, ::1", True), (0, True), ("0", True), (1, False),
     ("1", False), ("proxy.local", False)],
)  # fmt: skip
def test_trusted_proxies_are_addresses(value: object, ok: bool) -> None:
    if ok:
        assert isinstance(parse_proxies(value), tuple)
    else:
        with pytest.raises(ValueError, match="list the proxies' addresses|expected the proxies"):
            parse_proxies(value)


def test_a_dear_request_leaves_the_bucket_in_debt() -> None:
    tokens, wait = spend(30.0, 0.0, 2.0, 30.0, cost=121.0)
    assert (tokens, wait) == (-91.0, 0.0)
    tokens, wait = spend(tokens, 1.0, 2.0, 30.0)
    assert tokens == -89.0 and wait == pytest.approx(45.0)
    assert spend(29.0, 0.0, 2.0, 30.0, cost=121.0) == (29.0, 0.5)  # needs a full bucket


def test_deep_pages_cost_more_in_process(make_app) -> None:
    client = make_app(rate_limit=60, rate_burst=10).test_client()
    assert client.get("/api/search?q=ESG&offset=100&k=50").status_code == 200  # 9 tokens
    assert client.get("/api/search?q=ESG&k=50").status_code == 200  # 1 token
    assert client.get("/api/search?q=ESG").status_code == 429


def test_head_answers_like_get(web_client) -> None:
    assert web_client.head("/api/search?q=ESG").status_code == 200  # was 400
    assert web_client.head("/api/search").status_code == 400


def test_pages_without_a_query_still_check_the_other_parameters(web_client) -> None:
    assert web_client.get("/?lang=zh").status_code == 200
    for path in ("/?offset=501", "/embed?k=0", "/?date_to=0000", "/embed?date_from=2024-02-30"):
        assert web_client.get(path).status_code == 400, path
    assert web_client.post("/", data={}).status_code == 400  # a search form always sends q


def test_cli_batch_reports_invalid_text_as_json(web_index: Path, tmp_path: Path) -> None:
    batch = tmp_path / "batch.txt"
    batch.write_text('{"q": "\\ud800 carbon"}\nESG\n', encoding="utf-8")  # a JSON escape
    done = run_cli("--index", str(web_index), "--json", "--batch", str(batch))
    # exit 1: a query of the batch failed (README); the others are still answered
    assert done.returncode == 1 and b"Traceback" not in done.stderr, done.stderr[-500:]
    first, second = (json.loads(line) for line in done.stdout.decode().splitlines())
    assert first["query"] == "\ud800 carbon" and "not valid text" in first["error"]
    assert second["results"]
