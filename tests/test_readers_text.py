"""Titles, headings, dates and languages as in the source, in any common encoding."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from search.build import build, encoder_text
from search.citation import citation_for, quote
from search.embed.hashing import HashingEncoder
from search.ingest.cleaners.plain import clean_plain, outline_heading
from search.ingest.formats import read_source
from search.ingest.formats.base import decode
from search.ingest.formats.html import stated_date
from search.searcher import Searcher
from search.store import Store
from search.text.lang import passage_lang
from tests.docmaker import make_pdf

GBK_DOC = "数据出境安全评估办法\n二、数据出境\n国家网信部门负责全国数据出境安全评估工作。\n"
BULLETIN_ITEM = (
    "（2）《IEEE 802.3cy-2023 IEEE 以太网标准修订 8：25 Gb/s 电动汽车以太网的物理层规范和管理参数》"
    "（IEEE 802.3cy-2023 IEEE Standard for Ethernet Amendment 8: Physical Layer Specifications "
    "and Management Parameters for 25 Gb/s - Electrical Automotive Ethernet）。"
)


@pytest.mark.parametrize(
    "encoding", ["utf-8", "utf-8-sig", "gb18030", "gbk", "big5", "utf-16", "utf-16-le", "utf-16-be"]
)
def test_encodings_are_detected(encoding: str) -> None:
    text = "國家標準化管理委員會發布了新標準。\nNew standard 2024.\n"
    if not encoding.startswith("big5"):
        text = "国家标准化管理委员会发布了新标准。\nNew standard 2024.\n"
    assert decode(text.encode(encoding), "a.txt") == text


@pytest.mark.parametrize(
    ("line", "heading"),
    [
        ("二、数据出境", ("二、数据出境", "")),
        ("（一）适用范围", ("（一）适用范围", "")),
        ("(三) 评估程序", ("(三) 评估程序", "")),
        ("1. 总体要求", ("1. 总体要求", "")),
        ("第一章 总则", ("第一章 总则", "")),
        ("第二节 评估", ("第二节 评估", "")),
        (
            "第一条 为了规范数据出境活动，制定本办法。",
            ("第一条", "为了规范数据出境活动，制定本办法。"),
        ),
        ("## Scope", ("Scope", "")),
        ("1. Install the package", None),  # an English numbered line is a list item
        ("一、本办法自2022年9月1日起施行。", None),  # a sentence, not a heading
        ("第一条规定了适用范围", None),  # the article number does not stand apart
        ("国家网信部门负责全国数据出境安全评估工作", None),
    ],
)
def test_outline_headings(line: str, heading: tuple[str, str] | None) -> None:
    assert outline_heading(line) == heading


def test_outline_heading_does_not_run_into_the_body() -> None:
    doc = clean_plain(GBK_DOC)
    assert [a.heading for a in doc.articles] == ["", "二、数据出境"]
    assert [p.text for p in doc.paragraphs] == [
        "数据出境安全评估办法",
        "国家网信部门负责全国数据出境安全评估工作。",
    ]
    for p in doc.paragraphs:
        assert GBK_DOC[p.start : p.end] == p.text


def test_gbk_text_title_is_its_first_line(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "measures.txt").write_bytes(GBK_DOC.encode("gbk"))
    build([src], tmp_path / "index", HashingEncoder(64))
    store = Store.open(tmp_path / "index")
    doc = store.documents()[0]
    assert doc["title"] == "数据出境安全评估办法"
    chunks = store.document_chunks(doc["doc_id"])
    assert [c.heading for c in chunks] == ["", "二、数据出境"]
    assert not any("二、数据出境" in c.text for c in chunks)


def test_titles_stay_the_same_across_rebuilds(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "a.md").write_text("# Data spaces policy\n\nRules for sharing data.\n")
    (src / "b.txt").write_text("Short note title\n\nThe body of the note.\n")
    (src / "c.txt").write_bytes("标题在这里\r\n\r\n正文。\r\n".encode("utf-16"))
    out = tmp_path / "index"

    def titles() -> dict[str, str]:
        return {Path(d["path"]).name: d["title"] for d in Store.open(out).documents()}

    build([src], out, HashingEncoder(64))
    first = titles()
    assert first == {
        "a.md": "Data spaces policy",
        "b.txt": "Short note title",
        "c.txt": "标题在这里",
    }
    build([src], out, HashingEncoder(64))  # unchanged: taken over
    assert titles() == first
    build([src], out, HashingEncoder(64), incremental=False)
    assert titles() == first


def test_no_file_stem_in_the_encoded_text(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "zq-report-17.txt").write_text("Some body text about carbon capture.\n\nMore text.\n")
    build([src], tmp_path / "index", HashingEncoder(64))
    store = Store.open(tmp_path / "index")
    for chunk in store.document_chunks(store.documents()[0]["doc_id"]):
        assert "zq-report-17" not in encoder_text(chunk, with_heading=True)
        assert chunk.heading == ""


def test_html_without_a_stated_date_has_none(tmp_path: Path) -> None:
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>T</title></head><body><article><p>Published rules for batteries in "
        "2024-01-01 style text.</p></article><footer>© 2024 Company</footer></body></html>"
    )
    assert read_source(page).date is None
    build([page], tmp_path / "index", HashingEncoder(64))
    assert Store.open(tmp_path / "index").documents()[0]["date"] is None


@pytest.mark.parametrize(
    ("head", "date"),
    [
        (
            '<meta property="article:published_time" content="2023-12-05T08:00:00+08:00">',
            "2023-12-05",
        ),
        ('<meta name="date" content="2023-7-9">', "2023-07-09"),
        ('<meta name="DC.date.issued" content="2022-03">', "2022-03"),
        ('<time datetime="2021-10-01">1 Oct</time>', "2021-10-01"),
        ('<meta name="description" content="2020-01-01">', None),
        ("", None),
    ],
)
def test_stated_date(head: str, date: str | None) -> None:
    assert stated_date(f"<html><head>{head}</head><body></body></html>") == date


def test_passage_language_by_its_body(tmp_path: Path) -> None:
    assert passage_lang(BULLETIN_ITEM) == "zh"
    assert passage_lang("The committee (技术委员会) published the standard.") == "en"
    src = tmp_path / "src"
    src.mkdir()
    (src / "bulletin.txt").write_text(f"标准化简报\n\n{BULLETIN_ITEM}\n", encoding="utf-8")
    out = tmp_path / "index"
    build([src], out, HashingEncoder(64))
    hits = Searcher.open(out, HashingEncoder(64)).search("IEEE 802.3cy", k=3, lang="zh")
    assert any("802.3cy" in r.text for r in hits.results)


def test_passage_running_onto_the_next_page_cites_both(tmp_path: Path) -> None:
    paragraphs = [f"Rule {i} of the hydrogen pipeline safety code." for i in range(120)]
    pdf = make_pdf(tmp_path / "rules.pdf", [["Pipeline rules", *paragraphs]])
    build([pdf], tmp_path / "index", HashingEncoder(64))
    store = Store.open(tmp_path / "index")
    doc = store.documents()[0]
    chunks = store.document_chunks(doc["doc_id"])
    spanning = [c for c in chunks if c.page_end and c.page_end > c.page]
    assert spanning, [(c.page, c.page_end) for c in chunks]
    cite = citation_for(spanning[0], doc)
    assert (cite["page"], cite["page_end"]) == (spanning[0].page, spanning[0].page + 1)
    assert f"pp. {cite['page']}–{cite['page_end']}" in cite["text"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("short one", "short one"),
        (
            "a b c d e f g h i j k l m n o p q r s t u v w x y z\nA B C",
            "a b c d e f g h … y z A B C",
        ),
        ("一二三四五六七八九十" * 4, "一二三四五六七八 … 三四五六七八九十"),
    ],
)
def test_quote_is_the_first_and_last_words(text: str, expected: str) -> None:
    result = quote(text)
    if "…" not in expected:
        assert result == expected
        return
    head, tail = expected.split(" … ")
    got_head, got_tail = result.split(" … ")
    assert got_head == head
    assert got_tail.endswith(tail.split()[-1]) and got_tail in " ".join(text.split())


_LINES = st.one_of(
    st.sampled_from(
        ["", "  ", "二、数据出境", "（一）适用范围", "第一章 总则", "# Scope", "1. 总体要求"]
    ),
    st.sampled_from(["第三条 为了规范数据处理活动，制定本办法。", "1. Install the package"]),
    st.text(alphabet="数据出境安全评估 abcXYZ，。.", min_size=1, max_size=40),
)


@given(st.lists(_LINES, min_size=1, max_size=30), st.sampled_from(["\n", "\n\n"]))
@settings(max_examples=200, deadline=None)
def test_plain_paragraphs_map_back_to_the_source(lines: list[str], sep: str) -> None:
    source = sep.join(lines)
    doc = clean_plain(source)
    for p in doc.paragraphs:
        assert "".join(source[p.start : p.end].split()) == "".join(p.text.split())
        assert p.text.strip() and 0 <= p.article < len(doc.articles)
