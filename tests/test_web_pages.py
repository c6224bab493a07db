"""The server-rendered pages: search, embed, document; escaping, framing, language labels."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.searcher import Response, Result
from search.types import Chunk, Footnote
from web.filters import safe_url
from web.highlight import marked, window

pytest_plugins = ("tests.web_conftest",)

ROOT = Path(__file__).absolute().parents[1]
XSS = '<script>alert(1)</script>"><img src=x onerror=alert(2)>'


def html(resp) -> str:
    assert resp.mimetype == "text/html"
    return resp.get_data(as_text=True)


def test_search_page_without_query_is_a_form_in_one_language(web_client: FlaskClient) -> None:
    resp = web_client.get("/")
    assert resp.status_code == 200
    page = html(resp)
    assert '<meta name="viewport" content="width=device-width, initial-scale=1">' in page
    assert 'name="q"' in page and 'type="search"' in page and "autofocus" in page
    for label in ("All", "Chinese", "English", "Search", "Paste a paragraph"):
        assert label in page
    assert "搜索" not in page and "全部" not in page  # one language at a time
    assert re.search(r'name="lang" value="any"\s+checked', page)
    assert resp.headers["X-Frame-Options"] == "SAMEORIGIN"
    assert "frame-ancestors 'self'" in resp.headers["Content-Security-Policy"]
    assert 'class="result"' not in page


def test_search_page_shows_cited_results(web_client: FlaskClient, doc_ids) -> None:
    resp = web_client.get("/?q=ESG standards in China&lang=en")
    assert resp.status_code == 200
    page = html(resp)
    assert 'class="badge badge-en"' in page and 'class="badge badge-zh"' not in page
    assert re.search(r'name="lang" value="en"\s+checked', page)
    esg = doc_ids["esg.en"]
    assert re.search(rf'href="/doc/{esg}\?at={esg}-\d+[^"]*#{esg}-\d+"', page), "passage link"
    assert re.search(r'<h2 class="heading"><a class="title" href="/doc/', page), "title links"
    assert "Open in context" in page and "在原文中查看" not in page
    assert 'class="citation"' in page and "¶1–2" in page
    assert re.search(r'class="copy copy-chicago" data-citation="[^"]*“ESG standards in China', page)
    assert re.search(
        r'class="copy copy-gbt7714" data-citation="[^"]*ESG standards in China\[', page
    )
    assert "chars " not in re.findall(r'data-citation="([^"]*)"', page)[0]


def test_chinese_results_carry_the_chinese_badge(web_client: FlaskClient) -> None:
    page = html(web_client.get("/?q=碳达峰标准&lang=zh"))
    assert 'class="badge badge-zh"' in page and ">中文</span>" in page
    assert "碳达峰" in page


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_query_markup_is_reflected_as_text(web_client: FlaskClient, path: str) -> None:
    resp = web_client.get(path, query_string={"q": XSS})
    page = html(resp)
    assert "<script>alert(1)" not in page
    assert "<img src=x" not in page
    assert '"><img' not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;&#34;&gt;&lt;img" in page  # in the box


@pytest.mark.parametrize("path", ["/", "/embed"])
def test_bad_parameters_show_a_message_not_a_crash(web_client: FlaskClient, path: str) -> None:
    for query, message in [
        ("?q=a&k=abc", "must be a whole number from 1 to 50"),
        ("?q=a&k=1000", "from 1 to 50"),
        ("?q=a&lang=fr", "Choose a language: All, Chinese or English"),
        ("?q=", "Type some words to search for"),
        ("?q=" + "x" * 10_000, "The text has 10000 characters; the limit is 4000"),
    ]:
        resp = web_client.get(path + query)
        assert resp.status_code == 400, query
        assert 'role="alert"' in html(resp) and message in html(resp)


def test_document_text_with_markup_is_shown_as_text(web_client: FlaskClient, doc_ids) -> None:
    results = html(web_client.get("/?q=<script>alert(1)</script> html&lang=en"))
    hostile_page = html(web_client.get(f"/doc/{doc_ids['hostile.en']}"))
    for page in (results, hostile_page):
        assert "<script>alert(1)" not in page
        assert "<b>html</b>" not in page
        assert "<img src=x" not in page
        assert "&lt;b&gt;html&lt;/b&gt;" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile_page


def test_highlights_are_marked_and_escaped(web_app, monkeypatch: pytest.MonkeyPatch) -> None:
    text = "Before <b>bold</b> & <script>x</script> after"
    cite = {
        "title": "T",
        "paragraph": "¶1",
        "text": "T, ¶1",
        "permalink": "/doc/d#d-0000",
        "formats": {"gbt7714": "T[EB/OL].", "chicago": "T."},
    }  # as Searcher.search gives
    result = Result(1, 1.0, text, "en", "d", "d-0000", cite, highlights=[[7, 18], [21, 29]])
    holder = web_app.extensions["searcher"]
    canned = Response("bold", "en", 1.0, [result], "any", {"en": 1, "zh": 0})
    monkeypatch.setattr(holder.searcher, "search", lambda *a, **k: canned)
    page = html(web_app.test_client().get("/?q=bold"))
    assert "<mark>&lt;b&gt;bold&lt;/b&gt;</mark> &amp; <mark>&lt;script&gt;</mark>x" in page


@pytest.mark.parametrize(
    ("text", "spans", "expected"),
    [
        ("a<b>c", [], "a&lt;b&gt;c"),
        ("hello world", [[6, 11]], "hello <mark>world</mark>"),
        ("hello world", [[0, 5], [3, 8]], "<mark>hello wo</mark>rld"),  # overlaps merge
        ("hello", [[-4, 2], [4, 99]], "<mark>he</mark>ll<mark>o</mark>"),  # clipped
        ("hello", [[3, 1], [2, 2], [1]], "hello"),  # empty or malformed spans ignored
        ("碳达峰与碳中和", [[0, 3]], "<mark>碳达峰</mark>与碳中和"),
    ],
)
def test_marked_escapes_pieces(text: str, spans: list, expected: str) -> None:
    assert str(marked(text, spans)) == expected


def test_marked_shows_a_window_around_the_first_highlight() -> None:
    text = "x" * 1000 + "needle" + "y" * 1000
    out = str(marked(text, [[1000, 1006]], width=100))
    assert out.startswith("…") and out.endswith("…")
    assert "<mark>needle</mark>" in out and len(out) < 130


def test_marked_window_starts_at_the_snippet() -> None:
    text = "IEC " + "x " * 500 + "It has 160 technical committees. " + "y " * 500
    focus = text.index("It has")
    out = str(marked(text, [[0, 3], [focus + 7, focus + 31]], width=100, focus=focus))
    assert out.startswith("…It has <mark>160 technical committees</mark>.")
    assert "<mark>IEC</mark>" not in out  # the first highlight is far before the snippet


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (" ".join(["standardization"] * 40) + " needle " + " ".join(["committees"] * 40), "needle"),
        ("标准化" * 60 + "碳中和" + "委员会" * 60, "碳中和"),  # CJK: any character is a boundary
    ],
)
def test_window_does_not_cut_latin_words(text: str, needle: str) -> None:
    at = text.index(needle)
    lo, hi = window(text, [(at, at + len(needle))], width=100)
    assert lo <= at and hi >= at + len(needle)
    assert hi - lo > 100 - 2 * 20
    if text.isascii():
        assert text[lo - 1] == " " and text[lo] != " "  # starts on a word
        assert text[hi] == " "  # ends after a whole word
    else:
        assert hi - lo == 100


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://www.iso.org/standard/1.html", True),
        ("http://example.org", True),
        ("javascript:alert(1)", False),
        (" JavaScript:alert(1)", False),
        ("data:text/html,<script>", False),
        ("//evil.example/x", False),
        ("", False),
        (None, False),
    ],
)
def test_only_http_links_are_rendered(url, ok: bool) -> None:
    assert (safe_url(url) is not None) is ok


def test_document_page_lists_every_passage_in_order(web_client: FlaskClient, web_searcher) -> None:
    doc = next(d for d in web_searcher.store.documents() if d["lang"] == "zh")
    resp = web_client.get(f"/doc/{doc['doc_id']}")
    assert resp.status_code == 200
    page = html(resp)
    ids = re.findall(r'<section class="passage" id="([^"]+)"', page)
    assert ids == [c.chunk_id for c in web_searcher.store.document_chunks(doc["doc_id"])]
    assert len(ids) == doc["n_chunks"] >= 2
    assert '<h2 class="article">碳达峰标准</h2>' in page
    assert "碳达峰碳中和标准体系建设指南" in page
    assert 'href="#' + ids[0] + '"' in page  # each passage links to itself


def test_document_page_lists_footnote_sources_safely(
    web_app, web_searcher, doc_ids, monkeypatch: pytest.MonkeyPatch
) -> None:
    notes = (
        Footnote(1, "ISO 14064-1:2018 <i>GHG</i>", "https://www.iso.org/standard/66453.html"),
        Footnote(2, "A hostile note", "javascript:alert(1)"),
    )
    chunk = Chunk("c-1", "esg", 0, "Text.", "en", "Heading", "", 1, 1, 0, 5, footnotes=notes)
    holder = web_app.extensions["searcher"]
    monkeypatch.setattr(holder.searcher.store, "document_chunks", lambda doc_id: [chunk, chunk])
    page = html(web_app.test_client().get(f"/doc/{doc_ids['esg.en']}"))
    assert "Sources" in page and "来源" not in page
    assert 'href="https://www.iso.org/standard/66453.html"' in page
    assert "ISO 14064-1:2018 &lt;i&gt;GHG&lt;/i&gt;" in page
    assert "javascript:" not in page
    assert page.count("A hostile note") == 1  # each note once


@pytest.mark.parametrize(
    "path",
    [
        "/doc/no-such-doc",
        "/doc/../../etc/passwd",
        "/doc/..%2F..%2Fetc%2Fpasswd",
        "/doc/%2e%2e%2f%2e%2e%2fetc%2fpasswd",
        "/doc/%3Cscript%3Ealert(1)%3C%2Fscript%3E",
        "/nothing-here",
    ],
)
def test_unknown_pages_are_html_404(web_client: FlaskClient, path: str) -> None:
    resp = web_client.get(path)
    assert resp.status_code == 404
    page = html(resp)
    assert "root:" not in page and "<script>alert(1)" not in page
    assert "Back to search" in page


def test_embed_page_is_framable_and_links_open_a_new_tab(web_client: FlaskClient) -> None:
    resp = web_client.get("/embed?q=ESG")
    assert resp.status_code == 200
    assert "X-Frame-Options" not in resp.headers
    assert "frame-ancestors *" in resp.headers["Content-Security-Policy"]
    page = html(resp)
    links = re.findall(r'<a class="context" href="[^"]+"([^>]*)>', page)
    assert links and all('target="_blank" rel="noopener"' in attrs for attrs in links)
    assert 'action="/embed"' in page and "<footer" not in page


def test_embed_link_target_is_configurable(make_app) -> None:
    page = html(make_app(link_target="_top").test_client().get("/embed?q=ESG"))
    links = re.findall(r'<a class="context" href="[^"]+"([^>]*)>', page)
    assert links and all(attrs == ' target="_top"' for attrs in links)


def test_pages_send_protective_headers(web_client: FlaskClient) -> None:
    resp = web_client.get("/?q=ESG")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert "script-src 'self'" in resp.headers["Content-Security-Policy"]
    assert "<script>" not in html(resp)  # no inline script, so the CSP can forbid it


def test_static_assets_are_served(web_client: FlaskClient) -> None:
    css = web_client.get("/static/style.css").get_data(as_text=True)
    assert "@media (max-width:" in css and ":target" in css
    js = web_client.get("/static/app.js").get_data(as_text=True)
    assert "clipboard" in js
    widget = web_client.get("/static/widget.js")
    assert widget.status_code == 200 and "javascript" in widget.mimetype
    source = widget.get_data(as_text=True)
    assert "attachShadow" in source and "textContent" in source
    assert "innerHTML" not in source and "a.target = LINK_TARGET" in source
    assert '"_blank"' in source  # a new tab unless data-link-target says otherwise
    assert web_client.get("/static/../web/__init__.py").status_code == 404


def test_intranet_example_shows_both_ways() -> None:
    page = (ROOT / "examples" / "intranet.html").read_text(encoding="utf-8")
    assert "<iframe" in page and "/embed?q=" in page
    assert "/static/widget.js" in page and "data-target" in page and 'id="box"' in page
    script = (ROOT / "examples" / "intranet.js").read_text(encoding="utf-8")
    assert 'get("server")' in script  # the host URL is configurable with ?server=


def test_example_page_is_served_by_the_server_within_its_csp(web_client: FlaskClient) -> None:
    resp = web_client.get("/example/")
    page = html(resp)
    assert resp.status_code == 200 and "<script>" not in page and "<style>" not in page
    assert 'src="intranet.js"' in page and 'href="intranet.css"' in page
    js = web_client.get("/example/intranet.js")
    assert js.status_code == 200 and "javascript" in js.mimetype
    assert 'location.pathname === "/example/"' in js.get_data(as_text=True)
    assert web_client.get("/example/intranet.css").mimetype == "text/css"
    assert web_client.get("/example/../web/__init__.py").status_code == 404


def test_original_file_is_served_only_for_pdf_word_html(web_client, doc_ids) -> None:
    # the web corpus is Markdown: its text is the document page itself, no original link
    esg = doc_ids["esg.en"]
    assert "Original file" not in web_client.get(f"/doc/{esg}").get_data(as_text=True)
    assert web_client.get(f"/doc/{esg}/original").status_code == 404
    assert web_client.get("/doc/no-such-doc/original").status_code == 404
    assert web_client.get("/doc/..%2F..%2Fetc%2Fpasswd/original").status_code == 404
