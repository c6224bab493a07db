"""The pages of issue 14 through the Flask test client: home page, no good answer, weaker
matches, more results, filters, paste-a-paragraph, export, document view, interface language."""

from __future__ import annotations

import re

import pytest
from flask.testing import FlaskClient

from search.searcher import Searcher
from tests.web_conftest import build_index, write_corpus

pytest_plugins = ("tests.web_conftest",)


def html(resp) -> str:
    return resp.get_data(as_text=True)


def test_home_page_names_documents_with_counts_and_offers_examples(web_client, web_searcher):
    page = html(web_client.get("/"))
    for doc in web_searcher.documents.values():
        assert doc["title"].replace("<", "&lt;").replace(">", "&gt;") in page
        assert f"{doc['n_chunks']} passages" in page
    examples = re.findall(r'<ul class="examples">(.*?)</ul>', page, re.S)[0]
    links = re.findall(r'href="/\?q=([^"]+)"', examples)
    assert any("%" in q for q in links) and any(q.isascii() and "%" not in q for q in links)


def test_no_good_answer_is_said_above_the_weak_results(web_client: FlaskClient) -> None:
    page = html(web_client.get("/?q=quantum chromodynamics lattice"))
    assert "No good answer for this query" in page
    assert page.index("No good answer") < page.index('class="divider"') < page.index("match-weak")
    assert 'class="result match-good"' not in page


def test_good_results_have_no_divider_before_them(web_client: FlaskClient) -> None:
    page = html(web_client.get("/?q=ESG standards in China&k=3"))
    assert "No good answer" not in page
    assert page.index("match-good") < page.find('class="divider"') or "divider" not in page


def test_summary_counts_and_more_results(web_client: FlaskClient) -> None:
    page = html(web_client.get("/?q=standards 标准&k=2"))
    assert re.search(
        r"2 passages in [12] articles? for “standards 标准” \(1–2 of (about )?\d+\)", page
    )
    more = re.search(r'<form class="more" action="/" method="get">(.*?)</form>', page, re.S)
    assert more and 'name="offset" value="2"' in more.group(1)
    second = html(web_client.get("/?q=standards 标准&k=2&offset=2"))
    assert re.search(
        r"2 passages in [12] articles? for “standards 标准” \(3–4 of (about )?\d+\)", second
    )


@pytest.mark.parametrize(
    ("q", "start"),
    [
        ("ESG disclosure standards for listed companies " * 10, "“ESG disclosure standards"),
        ("国家标准化管理委员会发布了碳达峰碳中和标准体系建设指南。" * 10, "“国家标准化管理委员会"),
    ],
)
def test_long_query_is_shortened_in_the_summary(web_client: FlaskClient, q, start) -> None:
    page = html(web_client.get("/", query_string={"q": q}))
    summary = re.search(r'<p class="summary"[^>]*>(.*?)</p>', page, re.S).group(1)
    assert start in summary and "…”" in summary and len(summary) < 400


GROUPED_DOC = """# ESG disclosure in China

China is building a standards system for ESG disclosure, geared to international conventions,
so that listed companies report environmental, social and governance data in one comparable
form that investors, regulators and the public can read and check across industries.

Enterprises are encouraged to improve the governance of environmental data, to publish ESG
reports every year, and to have the figures on emissions, energy and water use verified by an
independent body before the reports are filed with the exchanges where they are listed.
"""


def test_results_of_one_article_are_grouped(make_app, tmp_path) -> None:
    """Two passages of one article come grouped under it, the better first."""
    corpus = write_corpus(tmp_path / "corpus", {"esg.en.md": GROUPED_DOC})
    searcher = Searcher.open(build_index(corpus, tmp_path / "index"))
    assert len({c.heading for c in searcher.chunks(list(range(len(searcher.table)))).values()}) == 1
    assert len(searcher.table) == 2  # two passages of one article
    client = make_app(searcher=searcher).test_client()
    page = html(client.get("/?q=ESG disclosure reports&k=8"))
    assert re.search(r"\d+ more from this article", page)
    assert '<ol class="results nested">' in page
    # the summary says what the one card and its folded passage are
    assert "2 passages in 1 article for “ESG disclosure reports” (1–2 of 2)" in page
    zh = html(client.get("/?q=ESG disclosure reports&k=8&ui=zh"))
    assert "“ESG disclosure reports”：1 篇文章中的 2 段（第 1–2 段，共 2 段）" in zh
    none = html(client.get("/?q=ESG disclosure reports&k=8&date_from=1990&date_to=1990&ui=en"))
    assert "No passages for “ESG disclosure reports”" in none


def test_filters_show_facet_counts_and_keep_choices(web_client: FlaskClient, doc_ids) -> None:
    esg = doc_ids["esg.en"]
    page = html(web_client.get(f"/?q=standards 标准&doc={esg}&date_from=&date_to="))
    assert re.search(rf'name="doc" value="{esg}" checked', page)
    assert re.search(r'<details class="filters" open>', page)
    counts = re.findall(r'<span class="count">(\d+)</span>', page)
    assert len(counts) == len(doc_ids) and sum(map(int, counts)) > 0
    assert "badge-zh" not in page  # only the English document's passages


def test_bad_filter_is_a_message_for_a_drafter(web_client: FlaskClient) -> None:
    resp = web_client.get("/?q=ESG&date_from=2024-13")
    assert resp.status_code == 400
    assert "Dates look like 2024-07-31, 2024-07 or 2024." in html(resp)
    resp = web_client.get("/?q=ESG&doc=nope")
    assert "A document chosen is not in this collection" in html(resp)


def test_paragraph_mode_is_a_textarea_posting_the_form(web_client: FlaskClient) -> None:
    page = html(web_client.get("/?mode=long"))
    assert re.search(r'<form class="search long" action="/" method="post"', page)
    assert re.search(r'<textarea id="q" name="q"[^>]*maxlength="4000"', page)
    assert "up to 4000 characters" in page


def test_pasted_paragraph_is_searched_by_post(web_client: FlaskClient) -> None:
    paragraph = "China is building a standards system for ESG disclosure. " * 30
    resp = web_client.post("/", data={"q": paragraph, "lang": "any"})
    page = html(resp)
    assert resp.status_code == 200 and 'class="result' in page
    assert "<textarea" in page  # stays in paragraph mode
    more = re.search(r'<form class="more" action="/" method="(\w+)"', page)
    assert more is None or more.group(1) == "post"  # a long query never goes into a URL


def test_copy_buttons_carry_both_styles_in_ui_order(web_client: FlaskClient) -> None:
    en = html(web_client.get("/?q=ESG&k=1"))
    assert en.index("copy-chicago") < en.index("copy-gbt7714")
    zh = html(web_client.get("/?q=ESG&k=1", headers={"Accept-Language": "zh-CN,zh;q=0.9"}))
    assert zh.index("copy-gbt7714") < zh.index("copy-chicago")


@pytest.mark.parametrize(
    ("fmt", "mimetype", "needle"),
    [
        ("md", "text/markdown", "[^1]: "),
        ("bib", "application/x-bibtex", "@article{"),
        ("ris", "application/x-research-info-systems", "TY  - JOUR"),
    ],
)
def test_export_of_selected_results(web_client, web_searcher, fmt, mimetype, needle) -> None:
    ids = [r.chunk_id for r in web_searcher.search("ESG standards in China", k=2).results]
    resp = web_client.get("/export", query_string=[("format", fmt), *[("chunk", i) for i in ids]])
    assert resp.status_code == 200 and resp.mimetype == mimetype
    assert f'filename="citations.{fmt}"' in resp.headers["Content-Disposition"]
    body = html(resp)
    assert needle in body and all("/doc/" in body for _ in ids)
    assert body.count("http://localhost/doc/") >= len(ids)


@pytest.mark.parametrize("query", ["?format=pdf&chunk=x", "?format=md", "?format=md&chunk=nope"])
def test_bad_export_is_a_400_or_empty(web_client: FlaskClient, query: str) -> None:
    resp = web_client.get("/export" + query)
    if query.endswith("nope"):
        assert resp.status_code == 200 and "/doc/" not in html(resp)
    else:
        assert resp.status_code == 400


def test_document_view_marks_the_cited_passage(web_client, web_searcher, doc_ids) -> None:
    top = web_searcher.search("ESG standards in China", k=1).results[0]
    a, b = top.snippet_span
    url = f"/doc/{top.doc_id}?at={top.chunk_id}&q=ESG standards in China&s={a}-{b}&back=/?q=ESG"
    page = html(web_client.get(url))
    cited = re.search(
        rf'<section class="passage cited" id="{top.chunk_id}".*?</section>', page, re.S
    )
    assert cited, "the cited passage is marked"
    assert "<mark>ESG</mark>" in cited.group(0) and '<span class="snip">' in cited.group(0)
    assert page.count("passage cited") == 1
    assert '<a class="back" href="/?q=ESG">' in page
    assert '<nav class="toc"' in page and 'class="docbar"' in page


@pytest.mark.parametrize(
    "back", ["//evil.example/", "javascript:alert(1)", "https://evil.example/"]
)
def test_document_view_back_link_stays_on_site(web_client, doc_ids, back: str) -> None:
    page = html(web_client.get(f"/doc/{doc_ids['esg.en']}", query_string={"back": back}))
    back_link = re.search(r'<a class="back" href="([^"]*)"', page).group(1)
    assert back_link == "/" and "data-history-back" in page
    assert 'href="javascript:' not in page


def test_interface_language_follows_accept_language_and_is_remembered(web_client) -> None:
    zh = html(web_client.get("/", headers={"Accept-Language": "zh-CN,zh;q=0.9,en;q=0.5"}))
    assert '<html lang="zh-CN">' in zh and "搜索" in zh and ">Search<" not in zh
    en = web_client.get("/?ui=en", headers={"Accept-Language": "zh-CN"})
    assert '<html lang="en">' in html(en) and "ui=en" in en.headers["Set-Cookie"]
    again = html(web_client.get("/", headers={"Accept-Language": "zh-CN"}))
    assert '<html lang="en">' in again  # the cookie wins over the browser's language
    assert 'class="ui-switch" href="/?ui=zh"' in again


def test_error_pages_speak_to_drafters(web_client: FlaskClient) -> None:
    resp = web_client.get("/?q=a&lang=fr", headers={"Accept-Language": "zh"})
    assert resp.status_code == 400 and "请选择语言：全部、中文或英文。" in html(resp)
    missing = html(web_client.get("/nothing", headers={"Accept-Language": "zh"}))
    assert "找不到这个页面" in missing and "返回检索" in missing


def test_language_radio_change_reruns_the_search(web_client: FlaskClient) -> None:
    js = html(web_client.get("/static/app.js"))
    assert "input[name=lang]" in js and "requestSubmit" in js


def test_front_matter_is_folded_where_it_stands(web_app, web_searcher, doc_ids, monkeypatch):
    from search.types import Chunk

    def chunk(n: int, kind: str, heading: str) -> Chunk:
        return Chunk(f"c-{n}", "esg", n, f"Text {n}.", "en", heading, "", n, n, 0, 5, kind=kind)

    chunks = [chunk(0, "front", "Cover"), chunk(1, "body", "A"), chunk(2, "body", "B"),
              chunk(3, "front", "Advert")]  # fmt: skip
    monkeypatch.setattr(web_searcher.store, "document_chunks", lambda doc_id: chunks)
    page = html(web_app.test_client().get(f"/doc/{doc_ids['esg.en']}?at=c-3"))
    folds = re.findall(r'<details class="front"( open)?>(.*?)</details>', page, re.S)
    assert [("c-0" in body, "c-3" in body, bool(is_open)) for is_open, body in folds] == [
        (True, False, False),
        (False, True, True),  # the cited passage's fold is open
    ]
    assert page.index('id="c-0"') < page.index('id="c-1"') < page.index('id="c-3"')
    toc = re.search(r'<nav class="toc".*?</nav>', page, re.S).group(0)
    assert "Cover" not in toc and ">A<" in toc and ">B<" in toc
