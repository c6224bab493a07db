"""PDF, .docx and HTML readers on real files made in ``tmp_path``, alone and built into an index
with the seed corpus and the bundled encoder (built once for this module)."""

from __future__ import annotations

import os
import re
import shutil
from pathlib import Path

import pytest

from search.errors import SourceError
from search.ingest.cleaners.pdf_text import clean_pdf_text
from search.ingest.formats import read_source
from search.ingest.formats.html import decode_html, page_lang
from search.ingest.formats.pdf import pdf_date
from search.searcher import Searcher
from search.store import Store
from tests.docmaker import make_docx, make_pdf, make_zip_bomb

ROOT = Path(__file__).resolve().parents[1]

PDF_NAME = "政策 文件 2024.pdf"
PDF_TITLE = "动力电池回收管理办法"
SENT2 = "退役动力电池经检测评估后，可优先用于通信基站备用电源、低速车辆和储能电站等梯次利用场景。"
SENT3 = (
    "到2027年，新能源汽车动力电池中镍、钴、锰的综合回收率须达到百分之九十八，"
    "锂的回收率不低于百分之九十。"
)
PAGES = [
    [
        "一、总体要求 General requirements",
        "为贯彻落实国家标准化发展纲要，进一步提升新能源汽车产业链标准化水平，现就动力电池全生命"
        "周期管理提出如下要求。各地区、各部门要结合实际，认真组织实施，确保各项任务落到实处。",
        "The guideline covers the whole life cycle of traction batteries, from design and "
        "production to reuse and recycling, and applies to all vehicle makers selling in China.",
    ],
    [
        "二、梯次利用 Second-life use",
        SENT2 + "梯次利用企业应当建立产品溯源系统，如实记录电池来源、检测结果和流向信息。",
        "Batteries that retain at least 80 percent of their capacity may be reused in energy "
        "storage stations after testing.",
    ],
    [
        "三、回收利用 Recycling",
        SENT3 + "回收企业应当采用先进适用的拆解和冶炼工艺，防止二次污染。",
        "Recycling plants must report their recovery rates every quarter to the provincial "
        "industry authority.",
    ],
]

DOCX_HEADING = "Battery passport timeline"
DOCX_BLOCKS: list[tuple[str, object]] = [
    ("h1", DOCX_HEADING),
    (
        "p",
        "The regulation requires a digital battery passport for every industrial and electric "
        "vehicle battery placed on the market. The passport records the battery's origin, "
        "chemistry and carbon footprint.",
    ),
    (
        "table",
        [
            ["Obligation", "Applies from"],
            ["Carbon footprint declaration", "February 2025"],
            ["Recycled content documentation", "August 2028"],
        ],
    ),
    ("h2", "Who must comply"),
    ("p", "Manufacturers, importers and distributors share the duty to keep passports current."),
]

NOISE = ["navlinktoken", "SCRIPTTOKEN", "NavStyleToken", "cookiebannertoken", "footertoken"]
ARTICLE = (
    "Operators must inspect welded joints with ultrasonic testing before commissioning a "
    "hydrogen pipeline."
)
HTML = f"""<!DOCTYPE html>
<html lang="en-GB"><head><meta charset="utf-8">
<title>Hydrogen pipeline standard adopted | Standards News</title>
<meta property="article:published_time" content="2024-03-15T08:00:00Z">
<style>.nav {{ color: red }} body {{ font-family: NavStyleToken; }}</style>
<script>var tracker = "SCRIPTTOKEN"; function openMenu() {{}}</script>
</head><body>
<header><div class="logo">Standards News Portal</div>
<nav><ul><li><a href="/">Home navlinktoken</a></li><li><a href="/about">About navlinktoken</a>
</li><li><a href="/contact">Contact navlinktoken</a></li></ul></nav></header>
<div class="cookie-banner" id="cookie-consent">We use cookies cookiebannertoken to improve your
experience. <button>Accept all</button></div>
<main><article>
<h1>Hydrogen pipeline standard adopted</h1>
<p>The national committee adopted a new standard for hydrogen pipelines on Friday. It sets the
maximum operating pressure of blended natural gas and hydrogen networks at 4 megapascals and
requires leak detection every 500 metres along the route.</p>
<h2>What changes for operators</h2>
<p>{ARTICLE} Existing pipelines have three years to comply with the new inspection rules.</p>
<p>The committee will review the standard in 2027 after collecting field data from pilot
projects in three provinces.</p>
</article></main>
<footer><p>Copyright Standards News footertoken. All rights reserved.</p></footer>
<script>console.log("SCRIPTTOKEN")</script>
</body></html>
"""


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("formats")
    make_pdf(folder / PDF_NAME, PAGES, title=PDF_TITLE, date="20240601")
    make_docx(
        folder / "battery-passport.docx", DOCX_BLOCKS, title="Battery memo", created="2024-05-02"
    )
    (folder / "pipeline-news.html").write_text(HTML, encoding="utf-8")
    return folder


# --- readers alone -------------------------------------------------------------------------


def test_pdf_keeps_pages_and_chinese(corpus: Path) -> None:
    source = read_source(corpus / PDF_NAME)
    pages = source.text.split("\f")
    assert len(pages) == 3
    assert SENT2 in squash(pages[1])
    assert SENT3 in squash(pages[2])
    assert (source.kind, source.title, source.date, source.lang) == (
        "pdf_text",
        PDF_TITLE,
        "2024-06-01",
        "",
    )


def test_pdf_cleaner_numbers_the_pages(corpus: Path) -> None:
    clean = clean_pdf_text(read_source(corpus / PDF_NAME).text)
    page_of = {p.page for p in clean.paragraphs if SENT3 in squash(p.text)}
    assert page_of == {3}
    assert [a.heading for a in clean.articles][-1] == "三、回收利用 Recycling"


def test_pdf_placeholder_title_is_ignored(tmp_path: Path) -> None:
    source = read_source(make_pdf(tmp_path / "a.pdf", PAGES[:1]))  # reportlab writes "untitled"
    assert source.title == ""


@pytest.mark.parametrize(
    ("raw", "date"),
    [
        ("D:20240315090000+08'00'", "2024-03-15"),
        ("D:2023", "2023"),
        ("202312", "2023-12"),
        ("", ""),
    ],
)
def test_pdf_date(raw: str, date: str) -> None:
    assert pdf_date(raw) == date


def test_docx_headings_and_table_rows(corpus: Path) -> None:
    source = read_source(corpus / "battery-passport.docx")
    lines = source.text.splitlines()
    assert f"# {DOCX_HEADING}" in lines
    assert "## Who must comply" in lines
    assert "Carbon footprint declaration | February 2025" in lines
    assert (source.kind, source.title, source.date) == ("text", "Battery memo", "2024-05-02")


def test_docx_template_date_is_not_the_documents(tmp_path: Path) -> None:
    source = read_source(make_docx(tmp_path / "a.docx", [("p", "Hello there.")]))
    assert source.date is None  # python-docx's template says 2013-12-23


def test_docx_ratio_bomb_under_the_size_limit(tmp_path: Path) -> None:
    with pytest.raises(SourceError, match=r"compressed \d+:1.*zip bomb"):
        read_source(make_zip_bomb(tmp_path / "small-bomb.docx", megabytes=20))


def test_zip_that_is_not_word(tmp_path: Path) -> None:
    import zipfile

    path = tmp_path / "photos.docx"
    with zipfile.ZipFile(path, "w") as zf:
        zf.writestr("photo.txt", "not a Word document")
    with pytest.raises(SourceError, match="not a readable Word .docx file"):
        read_source(path)


def test_html_main_text_without_boilerplate(corpus: Path) -> None:
    source = read_source(corpus / "pipeline-news.html")
    assert ARTICLE in " ".join(source.text.split())
    assert "## What changes for operators" in source.text.splitlines()
    assert not [w for w in NOISE if w.lower() in source.text.lower()]
    assert (source.title, source.date, source.lang) == (
        "Hydrogen pipeline standard adopted",
        "2024-03-15",
        "en",
    )


@pytest.mark.parametrize(
    ("data", "text"),
    [
        ('<meta charset="gb2312"><p>国家标准</p>'.encode("gbk"), "国家标准"),
        ('<meta charset="utf-8"><p>国家标准</p>'.encode("gb18030"), "国家标准"),  # wrong label
        ("\ufeff<p>标准 standard</p>".encode(), "标准 standard"),
        (
            '<meta http-equiv="Content-Type" content="text/html; charset=big5"><p>標準</p>'.encode(
                "big5"
            ),
            "標準",
        ),
    ],
)
def test_html_charset(data: bytes, text: str) -> None:
    assert text in decode_html(data, "a.html")


@pytest.mark.parametrize(
    ("html", "lang"),
    [
        ('<html lang="zh-CN">', "zh"),
        ("<html class=x lang=en>", "en"),
        ('<html lang="fr">', ""),
        ("<p>", ""),
    ],
)
def test_html_lang(html: str, lang: str) -> None:
    assert page_lang(html) == lang


def test_html_without_main_text(tmp_path: Path) -> None:
    path = tmp_path / "empty.html"
    path.write_text("<html><head><script>var x = 1;</script></head><body></body></html>")
    with pytest.raises(SourceError, match="no main text"):
        read_source(path)


# --- built into an index with the seeds (real encoder) ------------------------------------


@pytest.fixture(scope="module")
def index(corpus: Path, seed_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The seeds plus the three files, with the bundled encoder. The build starts from a copy of
    the session's seed index, so an incremental build only embeds the new files."""
    from search.build import build
    from search.store import CURRENT, resolve

    out = tmp_path_factory.mktemp("formats-index") / "index"
    out.mkdir()
    shutil.copytree(resolve(seed_index), out / "gen-seed")
    os.symlink("gen-seed", out / CURRENT)
    summary = build([corpus, ROOT / "seeds"], out, encoder="use-m3")
    assert summary.skipped == []
    return out


@pytest.fixture(scope="module")
def searcher(index: Path) -> Searcher:
    return Searcher.open(index)


def documents(index: Path) -> dict[str, dict]:
    return {Path(d["path"]).name: d for d in Store.open(index).documents()}


@pytest.mark.slow
def test_english_question_finds_chinese_pdf_page_3(searcher: Searcher) -> None:
    q = "By 2027, what recovery rate must nickel, cobalt and manganese from EV batteries reach?"
    hits = [r for r in searcher.search(q, k=5).results if SENT3 in squash(r.text)]
    assert hits, "the page-3 passage is not in the top 5"
    assert hits[0].citation["page"] == 3


@pytest.mark.slow
def test_docx_heading_is_the_section_and_table_is_searchable(searcher: Searcher) -> None:
    results = searcher.search("When does the carbon footprint declaration apply?", k=5).results
    hits = [r for r in results if "Carbon footprint declaration | February 2025" in r.text]
    assert hits
    assert hits[0].citation["section"] == DOCX_HEADING


@pytest.mark.slow
def test_html_noise_is_not_indexed(index: Path) -> None:
    doc_id = documents(index)["pipeline-news.html"]["doc_id"]
    rows = Store.open(index).db.execute(
        "SELECT text, heading FROM chunks WHERE doc_id = ?", (doc_id,)
    )
    indexed = " ".join(f"{text} {heading}" for text, heading in rows)
    assert ARTICLE in " ".join(indexed.split())
    everything = " ".join(t for (t,) in Store.open(index).db.execute("SELECT text FROM chunks"))
    assert [w for w in NOISE if w.lower() in everything.lower()] == []


@pytest.mark.slow
def test_file_metadata_describes_documents_without_a_catalog(index: Path) -> None:
    docs = documents(index)
    pdf, html, word = docs[PDF_NAME], docs["pipeline-news.html"], docs["battery-passport.docx"]
    assert (pdf["title"], pdf["date"], pdf["lang"], pdf["kind"]) == (
        PDF_TITLE,
        "2024-06-01",
        "zh",
        "pdf_text",
    )
    assert (html["title"], html["date"], html["lang"]) == (
        "Hydrogen pipeline standard adopted",
        "2024-03-15",
        "en",
    )
    assert (word["title"], word["date"], word["lang"]) == ("Battery memo", "2024-05-02", "en")


@pytest.mark.slow
def test_document_page_links_to_the_cited_page_of_the_pdf(searcher: Searcher) -> None:
    from web import create_app

    client = create_app({"rate_limit": 0}, searcher=searcher).test_client()
    q = "By 2027, what recovery rate must nickel, cobalt and manganese from EV batteries reach?"
    hit = next(r for r in searcher.search(q, k=5).results if SENT3 in squash(r.text))
    from urllib.parse import quote

    page = client.get(f"/doc/{hit.doc_id}").get_data(as_text=True)
    assert f'href="/doc/{quote(hit.doc_id)}/original#page=3"' in page
    original = client.get(f"/doc/{hit.doc_id}/original")
    assert original.status_code == 200 and original.mimetype == "application/pdf"
    assert original.data.startswith(b"%PDF")
