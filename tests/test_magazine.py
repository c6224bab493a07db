"""Tests for the magazine cleaner on real excerpts of *China Standardization* 2024 No. 4."""

from __future__ import annotations

from collections import Counter
from functools import cache
from pathlib import Path

import pytest

from search.ingest.cleaners.magazine import clean_magazine
from search.ingest.cleaners.magazine_parts import TABLE_SEPARATOR
from search.types import Article, CleanDocument, Paragraph

SEED = Path(__file__).parents[1] / "seeds" / "china-standardization-2024-no4.en.txt"


def _doc(*blocks: str) -> str:
    """Excerpt blocks separated by blank lines, as in the seed file."""
    return "\n\n".join(blocks) + "\n"


@cache
def _seed_text() -> str:
    return SEED.read_text(encoding="utf-8")


@cache
def _seed_doc() -> CleanDocument:
    return clean_magazine(_seed_text())


def _article(doc: CleanDocument, heading_part: str) -> Article:
    """The one article whose heading contains ``heading_part``."""
    found = [a for a in doc.articles if heading_part in a.heading]
    assert len(found) == 1, [a.heading for a in doc.articles]
    return found[0]


def _paragraphs(doc: CleanDocument, article: Article) -> list[Paragraph]:
    return [p for p in doc.paragraphs if p.article == article.index]


def _texts(doc: CleanDocument, article: Article) -> list[str]:
    return [p.text for p in _paragraphs(doc, article)]


def _is_subsequence(needle: str, haystack: str) -> bool:
    chars = iter(haystack)
    return all(ch in chars for ch in needle)


def _offsets_ok(paragraph: Paragraph, source: str) -> bool:
    """Documented invariant: non-whitespace chars of the text (minus the table ``|``
    separator) occur in order inside ``source[start:end]``."""
    text = paragraph.text
    if paragraph.kind == "table":
        text = text.replace(TABLE_SEPARATOR.strip(), "")
    compact = "".join(ch for ch in text if not ch.isspace())
    return 0 <= paragraph.start < paragraph.end <= len(source) and _is_subsequence(
        compact, source[paragraph.start : paragraph.end]
    )


# ---------------------------------------------------------------- real excerpts (verbatim)

CHILIN_TITLE = (
    "2024 International Standardization (Chilin) Forum convened in Nanjing",
    "2024国际标准化(麒麟)大会在南京成功举办",
)
CHILIN_PROSE = (
    "At the forum, a special event was moderated by Richard Schomberg, IEC Special Envoy, "
    "to release fruitful achievements."
)
GUO_ROLE = (
    "Deputy Director-General of\n"
    "Standards Innovative Management\n"
    "Department of SAMR and Secretary\n"
    "of IEC National Committee of China"
)
GUO_SPEECH = (
    "We are living in an open world. With the emerging of the Fourth Industrial Revolution, "
    "a connected global system with shared interests is taking shape. Standardization is of "
    "increasing significance in addressing challenges such as climate change and carbon "
    "emission, and providing solutions."
)
INTANGIBLE_TITLE = (
    "Study on standardization of intangible cultural heritage protection",
    "非物质文化遗产的标准化研究",
)
INTANGIBLE_BYLINE = "By Han Zhiyou\n文/韩知佑\n(The Palace Museum)"
INTANGIBLE_ABSTRACT = (
    "Abstract: Intangible cultural heritage is an important part of human civilization, and "
    "its protection and inheritance are of great significance for maintaining the diversity "
    "of national culture and the continuity of traditional culture. In order to better "
    "protect intangible cultural heritage, many countries have formulated corresponding "
    "protection standards and policies. This paper summarizes and studies the current "
    "standardization development of intangible cultural heritage protection in various "
    "countries, explores its significance, current situation, and development trends, and "
    "provides suggestions for the standardization of intangible cultural heritage "
    "protection in China."
)
INTANGIBLE_DEFINITION = (
    "Intangible cultural heritage refers to various non-material cultural expressions "
    "created and passed down by humanity, including oral traditions, performing arts, social "
    "practices, rituals, festivals, knowledge and practices, and traditional crafts. The "
    "cultural heritage is typically transmitted through"
)
INTANGIBLE_DEFINITION_END = (
    "languages, performances, and practice, rather than being preserved in the material form^[1]."
)
INTANGIBLE_REFS = (
    "- [1] UNESCO, Cultural Heritage, and Outstanding Universal Value: Value-based Analyses "
    "of the World Heritage and Intangible Heritage Conventions [J]. *International Journal "
    "of Heritage Studies*, 2013, 21(5):528-530.\n"
    "- [2] Ahmad, Y. The Scope and Definitions of Heritage: From Tangible to Intangible [J]. "
    "*International Journal of Heritage Studies*, 2006, 12(3):292-300."
)
CHENGDU_TITLE = (
    "Experience on promoting the pilot of implementing international standards for "
    "sustainable development of business districts in Chengdu",
    "成都推进商务区可持续发展国际标准试点的经验",
)
CHENGDU_BYLINE = (
    "By Ren Yan, Deng Wen, Wen Mengchuan, Huang Hao, Yu Qiankao, Zhao Chenghong, He Huaqing\n"
    "文/任雁 邓雯 文萌川 黄浩 于乾靠 赵成虹 何华清\n"
    "(Chengdu Institute of Standardization)"
)
CHENGDU_ABSTRACT = (
    "Abstract: ISO 37108:2022, *Sustainable cities and communities—Business districts—"
    "Guidance for practical local implementation of ISO 37101*, is the first standard for "
    "the sustainable development management of business districts in the world. Taking "
    "Fashion & Vigor Industrial Zone of Chunxi Road and Jiaozi Park Financial Business "
    "District in Chengdu as examples, this paper elaborates on the application of ISO 37108 "
    "and shares the distinctive experience of Chengdu. It offers a comprehensive evaluation "
    "of the effectiveness of standardization in promoting the sustainable development of "
    "business districts."
)
CHENGDU_REFS = (
    "- [1] YANG Feng. Analysis of the Development of ISO City Sustainable Development "
    "Standardization and the Functions [J]. *Standard Science*, 2019(8):6-10+16.\n"
    "- [2] ISO 37108:2022, *Sustainable cities and communities—Business districts—Guidance "
    "for practical local implementation of ISO 37101* [S]. 2022."
)
MOTOR_REFS = (
    "- [1] Wu Longquan. Analysis of the Current Development Status and Strategic Research of "
    "China's Electric Motor Industry [J]. *China's strategic emerging industries*, "
    "2022(5):23-25.\n"
    "- [2] CAAM. Market outlook for new energy drive motors [EB/OL]. [2015-12-30]. "
    "http://www.caam.org.cn/chn/38/cate_427/con5235596.html"
)
MOTOR_TABLE = (
    "No.\tStandard Number\tName\tType*\n"
    "1\tGB/T 14711-2013\tGeneral requirements for safety of small and medium size rotating "
    "electrical machines\ta\n"
    "2\tGB/T 12350-2022\tSafety requirements of small power motors\ta\n"
    "6\tGB 755-2019\tRotating electrical machines—Rating and performance\ta\n"
    "* a-Quality supervision random inspection reference standard b-Indirect reference "
    "standard\t\t\t"
)
MOTOR_TABLE_CAPTION = "Table 1: Main national standards on electric motors"
HEADLINE_ITEMS = (
    "■ HEADLINE |",
    "National guide on construction of standardization system for AI published",
    "Artificial intelligence (AI) has become a vital driving force of a new round of "
    "technological revolution and industrial transformation, attracting global concern.",
    "Zhejiang releases local standard on operation of live streaming",
    "Live streaming has become a vital means of e-commerce to attract consumers' attention "
    "and boost sales worldwide. Zhejiang province, one of the most economically active "
    "regions in China, pioneers the innovative forms and channels of e-commerce.",
    "HIGHLIGHTS |",
    "Tian Shihong attends the 124th meeting of ISO Council",
    "The 124th meeting of ISO Council was held on June 3-6 in Copenhagen, Denmark. The "
    "Chinese delegation attended the meeting, which was led by Tian Shihong, Vice Minister "
    "of SAMR and Administrator of SAC.",
)
MASTHEAD_AND_AD = (
    "COPYRIGHT",
    "ISSN 1672-5700/CN 11-5133/T",
    "Vice President & Chief Editor: Guo Kai",
    "Address",
    "Building No. 51 Tiantong Zhongyuan,\nChangping District, Beijing, China 102218",
    "Tel: +86 10 56597342, 56597341",
    "Price",
    "Domestic: RMB 50.00",
    "GB 23350-2021,",
    "Requirements of restricting excessive package—Foods and cosmetics",
    "**SAY NO\nTO OVERPACKAGING!**",
    "Have you ever travelled to Nanjing, the ancient capital of six dynasties in China, with "
    "a history of more than 2,600 years?",
    "CONTENTS",
    "08 | CHINA SCENE 中国视窗",
    "National guide on construction of standardization system for AI published",
    "四部门联合印发《国家人工智能产业综合标准化体系建设指南（2024版）》",
)
LOW_ALTITUDE = (
    "The low-altitude economy faces several legal and regulatory issues: **First, incomplete "
    "implementation of low-altitude laws and regulations.** Key regulations such as the "
    "*Interim Regulations on the Flight Management of Unmanned Aerial Vehicles* and *Rules on "
    "the Safety Management of Civil Unmanned Aircraft* (CCAR-92) have been"
)
STANDARDS_PARTICIPATION = (
    "The standards development of intangible cultural heritage should involve democratic "
    "negotiation and prioritize the role of communities, groups, and individuals in "
    "preserving cultural heritage. Various challenges arise when traditional intangible "
    "heritage becomes a public concern, including disputes over origins and ownership. It is "
    "crucial for cultural departments, institutions, inheritors, communities, and "
    "organizations to actively participate in the standard-setting process alongside "
    "standardization and quality supervision efforts^[4-5]."
)
INTERVIEW_TITLE = (
    "Working together for an all-electric and connected society",
    "Interview with IEC President Jo Cops",
    "携手共建全电互联社会\n专访IEC主席 乔·科普斯",
)
INTERVIEW_Q = (
    "Before becoming IEC President, you led the Belgian National Committee of the IEC for "
    "almost 10 years. Would you like to share your opinions on how IEC standards and "
    "conformity assessment help solve global challenges?"
)
GIF_TITLE = (
    "IEC standards and conformity assessment facilitate environmental and economic development",
    "The IEC Global Impact Fund Forum held in Nanjing\n"
    "IEC标准与合格评定促进环境和经济发展\n"
    "IEC全球影响力基金项目研讨会在南京召开",
)
GIF_BYLINE = "By Cao Xinxin\n文/曹欣欣"
GIF_PROSE = (
    "To discuss solutions for the global challenge on environmental, social and governance "
    "(ESG), and promote the IEC Global Impact Fund (GIF), the IEC Global Impact Fund Forum "
    "was held in hybrid forms in Nanjing city, Jiangsu province, China on June 24."
)
KATS_TITLE = (
    "KATS",
    "the first financing partner of IEC GIF,\ntakes the lead in resolving global challenges",
    "Interview with Ph.D. Jinseok Bae,\nKATS Liaison Officer to IEC Global Impact Fund",
    "**IEC全球影响力基金首个融资合作伙伴\n韩国技术标准局(KATS)积极应对全球挑战\n"
    "专访KATS驻IEC联络官员 裴珍爽博士**",
)
KATS_Q = (
    "Can you please briefly introduce the Korean Agency for Technology and Standards (KATS) "
    "and the Korean standards system?"
)
ISO_EVENT = (
    "ISO Annual Meeting",
    "September 9-13, Cartagena de Indias, Colombia & online",
    "The ISO Annual Meeting is the world's premier event for the international standards "
    "community.",
)

ALL_EXCERPTS = (
    CHILIN_TITLE,
    (CHILIN_PROSE, GUO_ROLE, GUO_SPEECH, INTANGIBLE_BYLINE, INTANGIBLE_ABSTRACT),
    INTANGIBLE_TITLE,
    (INTANGIBLE_DEFINITION, INTANGIBLE_DEFINITION_END, INTANGIBLE_REFS, STANDARDS_PARTICIPATION),
    CHENGDU_TITLE,
    (CHENGDU_BYLINE, CHENGDU_ABSTRACT, CHENGDU_REFS, MOTOR_REFS, MOTOR_TABLE),
    (MOTOR_TABLE_CAPTION, LOW_ALTITUDE, INTERVIEW_Q, GIF_BYLINE, GIF_PROSE, KATS_Q),
    HEADLINE_ITEMS,
    MASTHEAD_AND_AD,
    INTERVIEW_TITLE,
    GIF_TITLE,
    KATS_TITLE,
    ISO_EVENT,
)


def test_excerpts_are_verbatim_lines_of_the_seed() -> None:
    seed_lines = set(_seed_text().splitlines())
    for group in ALL_EXCERPTS:
        for block in group:
            for line in block.split("\n"):
                assert line in seed_lines, line


# ---------------------------------------------------------------- table-driven snippets


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        pytest.param(
            _doc(*CHILIN_TITLE, CHILIN_PROSE, "Guo Chenguang", GUO_ROLE, GUO_SPEECH),
            "Deputy Director-General of Standards Innovative Management Department of SAMR "
            "and Secretary of IEC National Committee of China",
            id="wrapped-lines-joined-with-space",
        ),
        pytest.param(
            _doc(*INTANGIBLE_TITLE, INTANGIBLE_ABSTRACT, INTANGIBLE_DEFINITION)
            + "\n"
            + INTANGIBLE_DEFINITION_END
            + "\n",
            INTANGIBLE_DEFINITION + " languages, performances, and practice, rather than being "
            "preserved in the material form.",
            id="page-break-continuation-joined-and-marker-stripped",
        ),
        pytest.param(
            _doc(*CHILIN_TITLE, CHILIN_PROSE, GUO_SPEECH),
            GUO_SPEECH,
            id="plain-paragraph-unchanged",
        ),
    ],
)
def test_paragraph_joining(source: str, expected: str) -> None:
    doc = clean_magazine(source)
    assert expected in [p.text for p in doc.paragraphs]
    assert all(p.kind == "body" for p in doc.paragraphs)


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        pytest.param(
            LOW_ALTITUDE,
            "The low-altitude economy faces several legal and regulatory issues: First, "
            "incomplete implementation of low-altitude laws and regulations. Key regulations "
            "such as the Interim Regulations on the Flight Management of Unmanned Aerial "
            "Vehicles and Rules on the Safety Management of Civil Unmanned Aircraft (CCAR-92) "
            "have been",
            id="bold-and-emphasis",
        ),
        pytest.param(
            STANDARDS_PARTICIPATION,
            STANDARDS_PARTICIPATION.replace("^[4-5]", ""),
            id="range-reference-marker",
        ),
        pytest.param(
            CHENGDU_ABSTRACT,
            CHENGDU_ABSTRACT.replace("*", ""),
            id="emphasis-keeps-iso-identifier",
        ),
    ],
)
def test_markup_and_reference_markers_stripped(raw: str, clean: str) -> None:
    doc = clean_magazine(_doc(*INTANGIBLE_TITLE, INTANGIBLE_ABSTRACT, raw))
    texts = [p.text for p in doc.paragraphs]
    assert clean in texts
    assert not any("*" in t or "^[" in t for t in texts)


@pytest.mark.parametrize(
    ("blocks", "heading"),
    [
        pytest.param(
            (*CHILIN_TITLE, CHILIN_PROSE),
            "2024 International Standardization (Chilin) Forum convened in Nanjing / "
            "2024国际标准化(麒麟)大会在南京成功举办",
            id="one-line-titles",
        ),
        pytest.param(
            (*CHENGDU_TITLE, CHENGDU_BYLINE, CHENGDU_ABSTRACT),
            "Experience on promoting the pilot of implementing international standards for "
            "sustainable development of business districts in Chengdu / "
            "成都推进商务区可持续发展国际标准试点的经验",
            id="long-title-with-byline",
        ),
        pytest.param(
            (*INTERVIEW_TITLE, INTERVIEW_Q),
            "Working together for an all-electric and connected society — Interview with "
            "IEC President Jo Cops / 携手共建全电互联社会专访IEC主席 乔·科普斯",
            id="interview-subtitle-and-wrapped-chinese",
        ),
        pytest.param(
            (*GIF_TITLE, GIF_BYLINE, GIF_PROSE),
            "IEC standards and conformity assessment facilitate environmental and economic "
            "development — The IEC Global Impact Fund Forum held in Nanjing / "
            "IEC标准与合格评定促进环境和经济发展 IEC全球影响力基金项目研讨会在南京召开",
            id="english-and-chinese-in-one-block",
        ),
        pytest.param(
            (*KATS_TITLE, KATS_Q),
            "KATS — the first financing partner of IEC GIF, takes the lead in resolving global "
            "challenges — Interview with Ph.D. Jinseok Bae, KATS Liaison Officer to IEC Global "
            "Impact Fund / IEC全球影响力基金首个融资合作伙伴韩国技术标准局(KATS)积极应对全球挑战"
            "专访KATS驻IEC联络官员 裴珍爽博士",
            id="bold-chinese-title-three-english-parts",
        ),
    ],
)
def test_title_pair_becomes_article_heading(blocks: tuple[str, ...], heading: str) -> None:
    doc = clean_magazine(_doc(*blocks))
    assert [a.heading for a in doc.articles] == [heading]
    assert doc.paragraphs and all(p.article == 0 and p.kind == "body" for p in doc.paragraphs)
    title_words = {heading.split(" / ")[1]}
    assert not any(p.text in title_words for p in doc.paragraphs)


def test_banners_become_sections_and_split_news_items() -> None:
    doc = clean_magazine(_doc(*HEADLINE_ITEMS))
    got = [(a.heading, a.section) for a in doc.articles]
    assert got == [
        ("National guide on construction of standardization system for AI published", "HEADLINE"),
        ("Zhejiang releases local standard on operation of live streaming", "HEADLINE"),
        ("Tian Shihong attends the 124th meeting of ISO Council", "HIGHLIGHTS"),
    ]
    assert [p.article for p in doc.paragraphs] == [0, 1, 2]
    assert not any("HEADLINE" in p.text or "HIGHLIGHTS" in p.text for p in doc.paragraphs)


def test_banner_above_title_pair_is_section() -> None:
    banner = "2024 | INTERNATIONAL\nSTANDARDIZATION\n(IN) FORUM\n国际标准化(磷)大会"
    assert banner in _seed_text()
    doc = clean_magazine(_doc(banner, *KATS_TITLE, KATS_Q))
    assert len(doc.articles) == 1
    assert doc.articles[0].section.startswith("2024 | INTERNATIONAL STANDARDIZATION (IN) FORUM")


def test_event_date_line_starts_new_item() -> None:
    doc = clean_magazine(_doc(*GIF_TITLE, GIF_PROSE, *ISO_EVENT))
    assert doc.articles[-1].heading == (
        "ISO Annual Meeting — September 9-13, Cartagena de Indias, Colombia & online"
    )


@pytest.mark.parametrize(
    ("blocks", "byline"),
    [
        pytest.param((*GIF_TITLE, GIF_BYLINE, GIF_PROSE), "By Cao Xinxin; 文/曹欣欣", id="by-wen"),
        pytest.param(
            (*INTANGIBLE_TITLE, INTANGIBLE_BYLINE, INTANGIBLE_ABSTRACT),
            "By Han Zhiyou; 文/韩知佑; (The Palace Museum)",
            id="with-affiliation",
        ),
        pytest.param(
            (
                *CHILIN_TITLE,
                CHILIN_PROSE,
                "编译/方洛凡",
                "(Edited and translated by Fang Luofan based on the speeches)",
            ),
            "编译/方洛凡; (Edited and translated by Fang Luofan based on the speeches)",
            id="closing-credit",
        ),
        pytest.param(
            ("HIGHLIGHTS |", *ISO_EVENT, "(Source: IEC)"),
            "(Source: IEC)",
            id="source-credit",
        ),
    ],
)
def test_bylines(blocks: tuple[str, ...], byline: str) -> None:
    doc = clean_magazine(_doc(*blocks))
    assert doc.articles[-1].byline == byline
    assert not any(part in p.text for p in doc.paragraphs for part in byline.split("; "))


def test_table_rows_kept_with_identifiers() -> None:
    doc = clean_magazine(
        _doc(*INTANGIBLE_TITLE, INTANGIBLE_ABSTRACT, MOTOR_TABLE, MOTOR_TABLE_CAPTION)
    )
    tables = [p for p in doc.paragraphs if p.kind == "table"]
    assert len(tables) == 1
    rows = tables[0].text.split("\n")
    assert rows[0] == "No. | Standard Number | Name | Type*"
    assert "2 | GB/T 12350-2022 | Safety requirements of small power motors | a" in rows
    assert "6 | GB 755-2019 | Rotating electrical machines—Rating and performance | a" in rows
    assert rows[-1].startswith("* a-Quality supervision")  # trailing empty cells dropped
    captions = [p.text for p in doc.paragraphs if p.kind == "caption"]
    assert captions == [MOTOR_TABLE_CAPTION]


def test_long_table_split_into_paragraphs_under_600_chars() -> None:
    doc = _seed_doc()
    motors = _article(doc, "electric motors in China")
    tables = [p for p in _paragraphs(doc, motors) if p.kind == "table"]
    assert len(tables) >= 3
    assert all(len(p.text) <= 600 for p in tables)
    rows = [row for p in tables for row in p.text.split("\n")]
    assert len(rows) == len(set(rows)) == 20  # header + 18 standards + note, none repeated
    assert (
        "18 | GB/T 18488.1-2015 | Drive motor system for electric vehicles—Part 1: "
        "Specification | /"
    ) in rows


@pytest.mark.parametrize(
    "caption",
    [
        "Figure 1: The standardization system of South Korea",
        "Figure 1: Technical roadmap for pilot implementation",
        "Table 2: Comparison of pilot business districts",
        "Figure 2: Schematic diagram of power line wiring terminals",
    ],
)
def test_captions(caption: str) -> None:
    assert caption in _seed_text()
    doc = clean_magazine(_doc(*INTANGIBLE_TITLE, INTANGIBLE_ABSTRACT, caption, GUO_SPEECH))
    assert [(p.kind, p.text) for p in doc.paragraphs][1] == ("caption", caption)
    assert doc.paragraphs[2].kind == "body"


def test_reference_lists_become_footnotes_of_their_article() -> None:
    doc = clean_magazine(
        _doc(
            *INTANGIBLE_TITLE,
            INTANGIBLE_ABSTRACT,
            "References",
            INTANGIBLE_REFS,
            "About the author",
            *CHENGDU_TITLE,
            CHENGDU_BYLINE,
            CHENGDU_ABSTRACT,
            "References",
            CHENGDU_REFS,
        )
    )
    intangible, chengdu = doc.articles
    assert [f.number for f in intangible.footnotes] == [1, 2]
    assert intangible.footnotes[1].text == (
        "Ahmad, Y. The Scope and Definitions of Heritage: From Tangible to Intangible [J]. "
        "International Journal of Heritage Studies, 2006, 12(3):292-300."
    )
    assert [f.number for f in chengdu.footnotes] == [1, 2]
    assert "ISO 37108:2022, Sustainable cities" in chengdu.footnotes[1].text
    texts = [p.text for p in doc.paragraphs]
    assert "References" not in texts
    assert not any("[1]" in t or "Ahmad" in t for t in texts)
    assert "About the author" in _texts(doc, intangible)


def test_footnote_url() -> None:
    doc = clean_magazine(_doc(*CHENGDU_TITLE, CHENGDU_ABSTRACT, "References", MOTOR_REFS))
    notes = doc.articles[0].footnotes
    assert [(f.number, f.url) for f in notes] == [
        (1, None),
        (2, "http://www.caam.org.cn/chn/38/cate_427/con5235596.html"),
    ]


def test_masthead_ad_and_contents_are_front() -> None:
    doc = clean_magazine(_doc(*MASTHEAD_AND_AD, *HEADLINE_ITEMS[:3]))
    by_text = {p.text: (p.kind, doc.articles[p.article]) for p in doc.paragraphs}
    for text in (
        "Tel: +86 10 56597342, 56597341",
        "SAY NO TO OVERPACKAGING!",
        "Domestic: RMB 50.00",
    ):
        kind, article = by_text[text]
        assert (kind, article.section, article.heading) == ("front", "front", "Masthead")
    kind, article = by_text["08 | CHINA SCENE 中国视窗"]
    assert (kind, article.section, article.heading) == ("front", "front", "Contents")
    kind, article = by_text[HEADLINE_ITEMS[2]]
    assert (kind, article.section) == ("body", "HEADLINE")
    editorial = by_text[MASTHEAD_AND_AD[11]]
    assert editorial[0] == "body" and editorial[1].section != "front"


@pytest.mark.parametrize(
    "source",
    [
        _doc(*MASTHEAD_AND_AD, *HEADLINE_ITEMS),
        _doc(*GIF_TITLE, GIF_BYLINE, GIF_PROSE, MOTOR_TABLE, MOTOR_TABLE_CAPTION),
        _doc(*INTANGIBLE_TITLE, INTANGIBLE_ABSTRACT, INTANGIBLE_DEFINITION)
        + "\n"
        + INTANGIBLE_DEFINITION_END,
    ],
    ids=["front", "table", "continuation"],
)
def test_offset_invariant_on_snippets(source: str) -> None:
    doc = clean_magazine(source)
    assert doc.paragraphs
    assert all(_offsets_ok(p, source) for p in doc.paragraphs)


def test_empty_input() -> None:
    assert clean_magazine("") == CleanDocument(paragraphs=(), articles=())


# ---------------------------------------------------------------- whole seed file


def test_whole_file_offset_invariant() -> None:
    source, doc = _seed_text(), _seed_doc()
    bad = [p for p in doc.paragraphs if not _offsets_ok(p, source)]
    assert not bad
    assert all(p.page is None for p in doc.paragraphs)
    starts = [p.start for p in doc.paragraphs]
    assert starts == sorted(starts)  # reading order


def test_whole_file_counts() -> None:
    doc = _seed_doc()
    front = [a for a in doc.articles if a.section == "front"]
    real = [a for a in doc.articles if a.section != "front"]
    # Read from the file: 4 HEADLINE + 4 HIGHLIGHTS news, Chilin forum, IEC GIF forum, two
    # interviews, the conference report plus its 4 credited parallel sessions, 2 GLOBAL
    # VISION news + 4 event notices, 3 research papers, and the editor's note = 27.
    assert 24 <= len(real) <= 30
    assert 3 <= len(front) <= 10
    assert [a.index for a in doc.articles] == list(range(len(doc.articles)))
    kinds = Counter(p.kind for p in doc.paragraphs)
    assert set(kinds) <= {"body", "table", "caption", "front"}
    assert kinds["table"] >= 8 and kinds["caption"] >= 8
    footnotes = {a.heading.split(" / ")[0]: len(a.footnotes) for a in doc.articles if a.footnotes}
    assert sorted(footnotes.values()) == [4, 6, 8]


@pytest.mark.parametrize(
    ("heading_part", "section", "text_part"),
    [
        (
            "Interview with IEC President Jo Cops",
            "",
            "About 700 million people still don't have access to electricity.",
        ),
        (
            "Study on standardization of intangible cultural heritage protection / "
            "非物质文化遗产的标准化研究",
            "",
            "Intangible cultural heritage embodies cultural diversity and multiculturalism.",
        ),
        ("Interview with Ph.D. Jinseok Bae", "2024 | INTERNATIONAL", "KATS has taken three"),
        ("The Second China Standardization Conference", "", "Thoughts on the development"),
        ("Three working groups on commercial aerospace", "HEADLINE", "WG 2 on the application"),
        ("ISO/TC 344 on innovative logistics", "HIGHLIGHTS", "ISO President Sung Hwan Cho"),
        ("business districts in Chengdu", "", "ISO 37108:2022, developed by ISO/TC 268"),
        ("Parallel session on marine standardization", "", "Playing a leading role"),
        ("New international standard for human machine interfaces", "", "IEC 63303"),
    ],
)
def test_known_article_text_is_body_under_right_heading(
    heading_part: str, section: str, text_part: str
) -> None:
    doc = _seed_doc()
    article = _article(doc, heading_part)
    assert article.section.startswith(section)
    hits = [p for p in _paragraphs(doc, article) if text_part in p.text]
    assert hits and all(p.kind == "body" for p in hits)


def test_whole_file_front_matter_kept_apart() -> None:
    doc = _seed_doc()
    front_ids = {a.index for a in doc.articles if a.section == "front"}
    for p in doc.paragraphs:
        assert (p.kind == "front") == (p.article in front_ids)
    front_text = " ".join(p.text for p in doc.paragraphs if p.kind == "front")
    for needle in ("ISSN 1672-5700", "Tel: +86", "SAY NO TO OVERPACKAGING!", "CONTENTS"):
        assert needle in front_text
    body_text = " ".join(p.text for p in doc.paragraphs if p.kind != "front")
    for needle in ("Tel: +86", "ISSN", "Price:", "Overseas Distributor"):
        assert needle not in body_text
    headings = [a.heading for a in doc.articles if a.index in front_ids]
    assert {"Cover", "Masthead", "Contents"} <= set(headings)
    assert doc.articles[-1].heading == "Back cover"


def test_whole_file_has_no_markup_left() -> None:
    doc = _seed_doc()
    for p in doc.paragraphs:
        assert "^[" not in p.text and "**" not in p.text and "[CS](#)" not in p.text
    headings = " ".join(a.heading for a in doc.articles)
    assert "**" not in headings
