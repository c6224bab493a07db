"""Tests for the PDF-text cleaner on real excerpts of the seed bulletin and on the whole file."""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from search.ingest.cleaners.pdf_text import clean_pdf_text
from search.ingest.cleaners.pdf_text_join import join_wrapped
from search.types import CleanDocument

SEED = Path(__file__).parents[1] / "seeds" / "cas-standardization-bulletin-2023-12.zh.txt"
RULE = " " * 61  # the footnote separator line of the seed
BANNERS = {"本期概要", "标准战略", "机构评论", "标准聚焦", "标准计划", "机构合作", "信息动态"}


def excerpt(*lines: str) -> str:
    """Rebuild a seed excerpt: every line is followed by an empty line, except where an
    element itself holds ``\\n`` (a block break of the dump, kept as in the file)."""
    return "\n\n".join(lines)


@cache
def seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@cache
def seed_doc() -> CleanDocument:
    return clean_pdf_text(seed_text())


def texts(doc: CleanDocument) -> list[str]:
    return [p.text for p in doc.paragraphs]


# --- excerpts (each is asserted to be a verbatim piece of the seed) -------------------------

CJK_WRAP = excerpt(
    "行动目标：到 2025 年，专业化、职业化、国际化、系统化的标",
    "准化人才培养机制更加健全，真心爱才、悉心育才、倾心引才、精心",
    "用才的标准化人才培养格局基本形成，标准化人才职业能力评价机制",
    "初步建立，建成一批国际标准化人才培训基地、国家级标准化人才教",
    "育实训基地和全国专业标准化技术委员会实训基地，各类标准化人才",
    "素质全面提升。 ",
)
LATIN_WRAP = excerpt(
    "（1）《IEEE 802.3cz-2023 IEEE 以太网标准修订 7：多千兆玻璃",
    "光纤汽车以太网的物理层规范和管理参数》（IEEE 802.3cz-2023 IEEE ",
    "Standard for Ethernet Amendment 7: Physical Layer Specifications and ",
    "Management Parameters for Multi-Gigabit Glass Optical Fiber ",
    "Automotive Ethernet）。 ",
)
HYPHEN_WRAP = excerpt(
    "这两项标准都是对标准 IEEE 802.3-2022 的修订，IEEE 802.3cz™-",
    "2023 增加了 2.5 Gb/s、5 Gb/s、10 Gb/s、25 Gb/s 和 50 Gb/s 数据速率",
    "的物理层（PHY）规范和管理参数。IEEE 802.3cy™-2023 增加了用于",
    "在单个平衡铜导体对上进行 25 Gb/s 数据传输的物理层规范和管理参",
    "数。这两项标准旨在使汽车环境中通过玻璃光纤和单平衡对铜导线以",
    "太网实现更快的数据传输速率，以满足汽车市场的数据传输要求。 ",
    "（辛竹琳 郑启斌） ",
)
URL_WRAP = excerpt(
    "《国家质量标准实验室管理办法》全文请见：https://www.miit.g",
    "ov.cn/xwdt/gxdt/sjdt/art/2023/art_f896cbdb961242b0bad8c8ffbbc65c43.h",
    "tml ",
    "（孙玉琦  邓阿妹）   ",
)
BAND = excerpt(
    "收入国家，4G 服务仅覆盖了 39%的人口。（付 豪 邓阿妹） ",
    f"{RULE}\n3 ITU. New global connectivity data shows growth, but divides persist[EB/OL]. "
    "2023-11-27. https://www.it",
    "u.int/en/mediacentre/Pages/PR-2023-11-27-facts-and-figures-measuring-digital-"
    "development.aspx ",
    "      机构评论 ",
    " ",
    "",
    " ",
    "5 ",
    " ",
    "2023 年第 12 期 ",
    "美国国家标准与技术研究院强调社区必须适应气候变化 ",
    "12 月 4 日，美国国家标准与技术研究院（NIST）参与完成的第",
    "五次《国家气候评估》（Fifth National Climate Assessment，NCA5）报",
    "告发布。NIST 强调，社区必须适应气候变化并变得更有弹性4。 ",
    "飓风或野火等重大天气事件可能会对社区产生持久、可见的影响。",
    "NCA5 分析了全球气候变化对美国的影响、风险和应对措施，并指出",
    "社区必须适应气候变化。为了帮助社区做出提高抵御能力的决定，该",
    "报告提供了美国民众如何经历气候变化、现在和未来面临的风险以及",
    "正在采取的减少温室气体排放和建立抵御能力的行动的全面信息。",
    "NCA5 在理解气候影响方面采取了比以前版本更全面的方法，并首次",
    "纳入了关于社会公平和环境正义的章节。这些章节探讨了社区如何适",
    "应气候变化，同时促进所有受影响者的公平待遇和参与。 ",
)
TWO_LINE_HEADING = excerpt(
    " ",
    "国家标准委等印发《标准化人才培养专项行动计划（2023-",
    "2025 年）》 ",
    "12 月 1 日，国家标准委、教育部、科技部等联合印发《标准化人",
    "才培养专项行动计划（2023-2025 年）》（下称《计划》），提出了我国",
    "标准化人才培养的目标和重点任务1。 ",
)
PAGE_START_HEADING = excerpt(
    "F33560、F3605。（邓阿妹） \n 欧盟标准化机构认为标准对欧洲市场的绿色发展具有促进",
    "作用 ",
    "12 月 1 日，正值第 28 届联合国气候变化大会（COP 28）召开之",
    "际，欧洲标准化委员会（CEN）和欧洲电工标准化委员会（CENELEC）",
    "强调标准有助于建立更环保的欧洲单一市场6。 ",
)
WRAPPED_SHORT_TAIL_HEADING = excerpt(
    "欧盟电工标准化委员会修订数据中心能耗管理成熟度模型",
    "标准 ",
    "12 月 1 日，欧盟电工标准化委员会（CENELEC）“通信设备电气",
    "技术”委员会（CLC/TC 215）发布一项修订标准《CLC/TS 50600-5-",
    "1:2023 信息技术 - 数据中心设施和基础设施 - 第 5-1 部分：能源管",
    "理和环境可持续性的成熟度模型》（ CLC/TS 50600-5-1:2023 ",
)
INLINE_BYLINE = excerpt(
    "国际标准化人才选培行动方面：1）建立国际标准化人才梯级培",
    "养模式；2）建立国际标准化高端人才选拔推荐机制；3）培育国际标",
    "准化创新团队。（孙玉琦 周 洪） ",
    "市场监管总局和工信部联合印发《国家质量标准实验室管",
    "理办法》 ",
    "11 月 15 日，市场监管总局、工业和信息化部联合制定了《国家",
)
SPLIT_BY_NOTES = excerpt(
    "构在过去一年开展的主要工作及取得的主要成绩5。具体内容如下： ",
    "（1）机构合作方面。ASTM AM CoE 在亚洲地区分别与新加坡",
    f"{RULE}\n4 NIST. In National Climate Assessment, NIST Offers New Insights on Community "
    "Resilience and Adapt",
    "ation[EB/OL]. 2023-12-04. https://www.nist.gov/news-events/news/2023/12/national-climate-"
    "assessment-nist-off",
    "ers-new-insights-community-resilience \n5 ASTM International. Wohlers Associates Receives "
    "Award from America Makes, Unveils Fifth Annual R",
    "eport[EB/OL]. 2023-11-20. https://newsroom.astm.org/newsroom-articles/wohlers-associates-"
    "receives-award-am",
    "erica-makes-unveils-fifth-annual-report \n ST Engineering Land Systems、印度军用适航与认证"
    "中心（CEMILAC）",
    "和印度国家增材制造中心（NCAM）签署了 3 份谅解备忘录。 ",
    "（2）质量认证方面。ASTM AM COE 于 2023 年正式启动了针对",
)
SPLIT_MID_WORD = excerpt(
    "够按照客观的、行业公认的标准运作。（2）在防止食物浪费方面，建",
    f"{RULE}\n7 CEN-CENELEC. Read CEN and CENELEC’s opinion on the revision of the Waste "
    "Framework Directiv",
    "e[EB/OL]. 2023-11-24. https://www.cencenelec.eu/news-and-events/news/2023/brief-news/"
    "2023-11-24-revision-",
    "waste-framework-directuve/ \n 议欧盟委员会发布标准化请求，建立一种分析和测量城市垃圾中食物",
    "垃圾的通用做法。这些标准包括采样方法、废物分析程序等的规范性",
    "说明。（孙玉琦 邓阿妹） ",
)
SPLIT_AFTER_MARKER = excerpt(
    "Information technology - Data center facilities and infrastructures - Part 5-",
    "1: Maturity Model for Energy Management and Environmental ",
    "Sustainability），以帮助数据中心降低能耗和减少对环境的影响11。它",
    f"{RULE}\n10 ASTM International. New Waste Management Standard Will Aid in Soil and "
    "Biosolid Analysis[EB/OL].",
    "2023-11-20. https://newsroom.astm.org/newsroom-articles/new-waste-management-standard-"
    "will-aid-soil-and-bio",
    "solid-analysis \n11 CEN-CENELEC. How mature is your data centre?[EB/OL]. 2023-12-01. "
    "https://www.cencenelec.eu/news-",
    "and-events/news/2023/eninthespotlight/2023-12-01-data-centres/ \n 将替代 CLC/TS "
    "50600-5-1:2021。 ",
    "数据中心是支持数字化转型的 IT 基础设施的核心要素。它们通",
)

EXCERPTS = [
    CJK_WRAP,
    LATIN_WRAP,
    HYPHEN_WRAP,
    URL_WRAP,
    BAND,
    TWO_LINE_HEADING,
    PAGE_START_HEADING,
    WRAPPED_SHORT_TAIL_HEADING,
    INLINE_BYLINE,
    SPLIT_BY_NOTES,
    SPLIT_MID_WORD,
    SPLIT_AFTER_MARKER,
]


@pytest.mark.parametrize("snippet", EXCERPTS, ids=[f"excerpt{i}" for i in range(len(EXCERPTS))])
def test_excerpts_are_verbatim_from_the_seed(snippet: str) -> None:
    assert snippet in seed_text()


@pytest.mark.parametrize(
    ("snippet", "expected"),
    [
        pytest.param(
            CJK_WRAP,
            "行动目标：到 2025 年，专业化、职业化、国际化、系统化的标准化人才培养机制更加健全，"
            "真心爱才、悉心育才、倾心引才、精心用才的标准化人才培养格局基本形成，"
            "标准化人才职业能力评价机制初步建立，建成一批国际标准化人才培训基地、"
            "国家级标准化人才教育实训基地和全国专业标准化技术委员会实训基地，"
            "各类标准化人才素质全面提升。",
            id="cjk",
        ),
        pytest.param(
            LATIN_WRAP,
            "（1）《IEEE 802.3cz-2023 IEEE 以太网标准修订 7：多千兆玻璃光纤汽车以太网的物理层"
            "规范和管理参数》（IEEE 802.3cz-2023 IEEE Standard for Ethernet Amendment 7: "
            "Physical Layer Specifications and Management Parameters for Multi-Gigabit Glass "
            "Optical Fiber Automotive Ethernet）。",
            id="latin",
        ),
        pytest.param(
            URL_WRAP,
            "《国家质量标准实验室管理办法》全文请见：https://www.miit.gov.cn/xwdt/gxdt/sjdt/art/"
            "2023/art_f896cbdb961242b0bad8c8ffbbc65c43.html",
            id="url",
        ),
    ],
)
def test_hard_wraps_are_rejoined(snippet: str, expected: str) -> None:
    assert texts(clean_pdf_text(snippet)) == [expected]


@pytest.mark.parametrize(
    ("snippet", "fragment"),
    [
        (HYPHEN_WRAP, "IEEE 802.3cz™-2023 增加了 2.5 Gb/s"),
        (TWO_LINE_HEADING, "（2023-2025 年）》（下称《计划》）"),
        (SPLIT_AFTER_MARKER, "Part 5-1: Maturity Model for Energy Management and Environmental"),
        (SPLIT_AFTER_MARKER, "Environmental Sustainability），"),
    ],
    ids=["hyphen-tm", "hyphen-years", "hyphen-part", "latin-to-cjk"],
)
def test_line_end_hyphens_and_spaces(snippet: str, fragment: str) -> None:
    assert any(fragment in t for t in texts(clean_pdf_text(snippet)))


def test_band_with_page_number_and_issue_is_removed_and_opens_page_5() -> None:
    doc = clean_pdf_text(BAND)
    body = texts(doc)
    assert body[1].startswith("12 月 4 日，美国国家标准与技术研究院（NIST）")
    # a full line ending in 。 without the trailing space continues its paragraph
    assert body[2].startswith("飓风或野火等重大天气事件可能会对社区产生持久、可见的影响。NCA5 分析")
    for junk in ("机构评论", "2023 年第 12 期", "[EB/OL]"):
        assert not any(junk in t for t in body)
    assert all(t.strip() != "5" for t in body)
    assert [a.heading for a in doc.articles][
        -1
    ] == "美国国家标准与技术研究院强调社区必须适应气候变化"
    assert [p.page for p in doc.paragraphs] == [4, 5, 5]


@pytest.mark.parametrize(
    ("snippet", "heading", "first_words"),
    [
        (
            TWO_LINE_HEADING,
            "国家标准委等印发《标准化人才培养专项行动计划（2023-2025 年）》",
            "12 月 1 日，国家标准委",
        ),
        (
            PAGE_START_HEADING,
            "欧盟标准化机构认为标准对欧洲市场的绿色发展具有促进作用",
            "12 月 1 日，正值第 28 届",
        ),
        (
            WRAPPED_SHORT_TAIL_HEADING,
            "欧盟电工标准化委员会修订数据中心能耗管理成熟度模型标准",
            "12 月 1 日，欧盟电工",
        ),
        (
            INLINE_BYLINE,
            "市场监管总局和工信部联合印发《国家质量标准实验室管理办法》",
            "11 月 15 日",
        ),
    ],
    ids=["two-line", "page-start", "short-tail", "after-byline"],
)
def test_headings_open_articles(snippet: str, heading: str, first_words: str) -> None:
    doc = clean_pdf_text(snippet)
    article = next(a for a in doc.articles if a.heading == heading)
    first = next(p for p in doc.paragraphs if p.article == article.index)
    assert first.text.startswith(first_words)
    assert not any(heading in t for t in texts(doc))


@pytest.mark.parametrize(
    ("snippet", "byline", "paragraph_end"),
    [
        (INLINE_BYLINE, "孙玉琦 周 洪", "3）培育国际标准化创新团队。"),
        (HYPHEN_WRAP, "辛竹琳 郑启斌", "以满足汽车市场的数据传输要求。"),
        (URL_WRAP, "孙玉琦 邓阿妹", "art_f896cbdb961242b0bad8c8ffbbc65c43.html"),
        (SPLIT_MID_WORD, "孙玉琦 邓阿妹", "废物分析程序等的规范性说明。"),
    ],
    ids=["inline", "own-line", "after-url", "after-split"],
)
def test_bylines_move_to_the_article(snippet: str, byline: str, paragraph_end: str) -> None:
    doc = clean_pdf_text(snippet)
    para = next(p for p in doc.paragraphs if p.text.endswith(paragraph_end))
    assert doc.articles[para.article].byline == byline
    assert not any("（" + byline.split()[0] in t for t in texts(doc))
    assert not snippet[para.start : para.end].rstrip().endswith("）")


@pytest.mark.parametrize(
    ("snippet", "joined", "numbers"),
    [
        (
            SPLIT_BY_NOTES,
            "（1）机构合作方面。ASTM AM CoE 在亚洲地区分别与新加坡 ST Engineering Land Systems、"
            "印度军用适航与认证中心（CEMILAC）"
            "和印度国家增材制造中心（NCAM）签署了 3 份谅解备忘录。",
            [4, 5],
        ),
        (
            SPLIT_MID_WORD,
            "（2）在防止食物浪费方面，建议欧盟委员会发布标准化请求，",
            [7],
        ),
        (
            SPLIT_AFTER_MARKER,
            "以帮助数据中心降低能耗和减少对环境的影响。它将替代 CLC/TS 50600-5-1:2021。",
            [10, 11],
        ),
    ],
    ids=["ast-am-coe", "mid-word", "after-marker"],
)
def test_footnote_blocks_leave_the_flow_and_the_paragraph_is_rejoined(
    snippet: str, joined: str, numbers: list[int]
) -> None:
    doc = clean_pdf_text(snippet)
    assert any(joined in t for t in texts(doc))
    assert not any("[EB/OL]" in t or "https://" in t for t in texts(doc))
    found = sorted(f.number for a in doc.articles for f in a.footnotes)
    assert found == numbers
    for a in doc.articles:
        for f in a.footnotes:
            assert f.url and " " not in f.url and f.url.startswith("https://")


def test_paragraph_after_page_start_keeps_its_own_line() -> None:
    doc = clean_pdf_text(SPLIT_BY_NOTES)
    assert texts(doc)[0] == "构在过去一年开展的主要工作及取得的主要成绩。具体内容如下："
    assert texts(doc)[-1].startswith("（2）质量认证方面。ASTM AM COE 于 2023 年")


# --- the whole seed file ------------------------------------------------------------------


def test_offsets_cover_every_character_in_order() -> None:
    source = seed_text()
    for p in seed_doc().paragraphs:
        assert 0 <= p.start < p.end <= len(source)
        assert not source[p.start].isspace() and not source[p.end - 1].isspace()
        window = iter(source[p.start : p.end])
        assert all(ch in window for ch in p.text if not ch.isspace()), p.text[:30]


def test_every_numbered_footnote_is_found_once() -> None:
    # Read off the seed: footnotes 1..19, each opened by "N " on its own line.
    numbers = [f.number for a in seed_doc().articles for f in a.footnotes]
    assert sorted(numbers) == list(range(1, 20))
    assert len(numbers) == 19


def test_footnote_text_and_url_are_whole() -> None:
    notes = {f.number: f for a in seed_doc().articles for f in a.footnotes}
    assert notes[4].text == (
        "NIST. In National Climate Assessment, NIST Offers New Insights on Community Resilience "
        "and Adaptation[EB/OL]. 2023-12-04. https://www.nist.gov/news-events/news/2023/12/"
        "national-climate-assessment-nist-offers-new-insights-community-resilience"
    )
    assert notes[15].url == (
        "https://www.iec.ch/blog/ai-workshop-brings-together-global-experts-explore-latest-"
        "trends-and-applications"
    )
    assert notes[12].url == (
        "https://www.cencenelec.eu/news-and-events/news/2023/eninthespotlight/2023-11-27-"
        "two-new-cen-workshop-agreements-on-critical-infrastructures/"
    )
    assert "[EB/OL]. 2023-12-01." in notes[6].text
    assert all(f.url and re.fullmatch(r"https://\S+", f.url) for f in notes.values())


@pytest.mark.parametrize(
    ("number", "heading"),
    [
        (1, "国家标准委等印发《标准化人才培养专项行动计划（2023-2025 年）》"),
        (3, "国际电信联盟最新报告指出全球数字鸿沟依然存在"),
        (5, "美国增材制造卓越中心发布《2022-2023 年度报告》"),
        (12, "欧盟标准化委员会发布关键基础设施弹性改进研讨会协议"),
        (15, "国际标准化机构举办人工智能研讨会"),
        (19, "中德标准化合作委员会会议召开"),
    ],
    ids=["n1", "n3", "n5", "n12", "n15", "n19"],
)
def test_footnotes_attach_to_the_article_with_the_marker(number: int, heading: str) -> None:
    owners = [a for a in seed_doc().articles if any(f.number == number for f in a.footnotes)]
    assert [a.heading for a in owners] == [heading]


def test_every_footnote_belongs_to_exactly_one_article() -> None:
    numbers = [f.number for a in seed_doc().articles for f in a.footnotes]
    assert len(numbers) == len(set(numbers))


@pytest.mark.parametrize(
    ("clean", "marked"),
    [
        ("评估等进行了规定。", "规定2。"),
        ("导致低收入国家的人们处于落后状态。", "状态3。"),
        ("发布了两项研讨会协议（CWAs），分别是：", "（CWAs）12，"),
        ("Future Quantum Industry）。该白皮书", "Industry）8。"),
        ("对环境的影响。它将替代", "影响11。"),
        ("并导致低收入国家的人们处于落后状态。", None),
    ],
    ids=["n2", "n3", "n12", "n8", "n11", "summary"],
)
def test_footnote_markers_are_removed(clean: str, marked: str | None) -> None:
    body = "\n".join(texts(seed_doc()))
    assert clean in body
    if marked:
        assert marked not in body


@pytest.mark.parametrize(
    "data",
    [
        "257 GB",
        "11 GB",
        "IEEE 802.3cz-2023",
        "IEEE 802.3cy™-2023",
        "CEN/TC 474",
        "CLC/TS 50600-5-1:2023",
        "ASTM D8535-2023",
        "CWA 18028:2023",
        "2023 年",
        "CO2捕集",
        "（F42）",
        "第 15 条",
        "ISO/IEC JTC 1/SC 42",
        "目标#12（",
    ],
    ids=["d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7", "d8", "d9", "d10", "d11", "d12", "d13"],
)
def test_data_digits_are_kept(data: str) -> None:
    assert any(data in t for t in texts(seed_doc()))


def test_no_furniture_or_citations_in_the_text() -> None:
    for t in texts(seed_doc()):
        assert "[EB/OL]" not in t
        assert t not in BANNERS
        assert not re.fullmatch(r"\d{1,4}|\d{4} 年第 \d+ 期", t)
        assert "2023 年第 12 期" not in t


def test_articles_headings_and_sections() -> None:
    doc = seed_doc()
    assert len(doc.articles) == 22
    assert [a.index for a in doc.articles] == list(range(22))
    assert doc.articles[1].heading == doc.articles[1].section == "本期概要"
    sections = [a.section for a in doc.articles]
    assert sections.count("标准战略") == 2
    assert sections.count("机构评论") == 6
    assert sections.count("标准聚焦") == 3
    assert sections.count("标准计划") == 2
    assert sections.count("机构合作") == 1
    assert sections.count("信息动态") == 6
    heading_17 = "国际标准化组织微束分析技术委员会第三十次全体会议成功举行"
    assert doc.articles[17].heading == heading_17
    assert all(a.heading not in BANNERS for a in doc.articles[2:])
    assert sum(1 for a in doc.articles if a.byline) == 19


def test_paragraph_counts_pages_and_kinds() -> None:
    doc = seed_doc()
    assert len(doc.paragraphs) == 90
    assert {p.article for p in doc.paragraphs} == set(range(22))
    pages = [p.page for p in doc.paragraphs]
    numbered = [pg for pg in pages if pg is not None]
    assert numbered == sorted(numbered)
    assert pages[:6] == [None] * 6  # front matter and 本期概要 precede printed page 1
    assert pages[6] == 1
    nist = next(p for p in doc.paragraphs if p.text.startswith("12 月 4 日，美国国家标准与技术"))
    assert nist.page == 5
    assert numbered[0] == 1 and numbered[-1] == 20
    caption = [p for p in doc.paragraphs if p.kind == "caption"]
    assert [p.text for p in caption] == ["图 1. ISO/TC 202 第三十次全体会议合影"]
    assert {p.kind for p in doc.paragraphs} <= {"body", "list", "caption"}


def test_split_paragraph_spans_the_footnote_block() -> None:
    source = seed_text()
    para = next(p for p in seed_doc().paragraphs if p.text.startswith("（1）机构合作方面。"))
    assert para.text.endswith("签署了 3 份谅解备忘录。")
    span = source[para.start : para.end]
    assert "[EB/OL]" in span  # footnotes 4 and 5 lie inside the span, not in the text
    assert "（3）获得资助方面。ASTM 获得了先进制造机器人研究所（ARM）的资助" in "\n".join(
        texts(seed_doc())
    )


@pytest.mark.parametrize(
    ("left", "right", "trailing", "char_wrap", "joined"),
    [
        # real wraps from the seed
        ("精心", "用才的标准化", False, True, "精心用才的标准化"),
        ("（IEEE 802.3cz-2023 IEEE", "Standard for Ethernet", True, True, "IEEE Standard"),
        (
            "https://www.cencenelec.eu/news-",
            "and-events/news/2023/",
            False,
            True,
            "news-and-events",
        ),
        ("Resilience and Adapt", "ation[EB/OL]. 2023-12-04.", False, True, "Adaptation[EB/OL]"),
        ("Biosolid Analysis[EB/OL].", "2023-11-20. https://", False, True, "[EB/OL]. 2023-11-20"),
        ("（ASTM D8535-", "2023 Standard Test Method", False, True, "D8535-2023 Standard"),
        ("分别与新加坡", "ST Engineering Land Systems", False, True, "新加坡 ST Engineering"),
        # an English word split by a line-end hyphen (lowercase on both sides)
        ("the stan-", "dard for widgets", False, False, "the standard for"),
        ("the CEN-", "CENELEC office", False, False, "CEN-CENELEC office"),
        ("global", "experts", True, False, "global experts"),
    ],
    ids=[
        "cjk",
        "word",
        "url",
        "mid-word",
        "after-dot",
        "id-hyphen",
        "cjk-latin",
        "stan-dard",
        "caps-hyphen",
        "words",
    ],
)
def test_join_wrapped(left: str, right: str, trailing: bool, char_wrap: bool, joined: str) -> None:
    assert joined in join_wrapped(left, right, trailing, char_wrap)


def test_structure_survives_without_trailing_spaces() -> None:
    """Other extractors drop the trailing space that marks paragraph ends here: the
    fallback (punctuation + line width) must still find every article and footnote."""
    stripped = "\n".join(line.rstrip() for line in seed_text().split("\n"))
    doc = clean_pdf_text(stripped)
    assert [a.heading for a in doc.articles] == [a.heading for a in seed_doc().articles]
    assert sorted(f.number for a in doc.articles for f in a.footnotes) == list(range(1, 20))
    assert not any("[EB/OL]" in p.text for p in doc.paragraphs)
