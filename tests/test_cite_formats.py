"""GB/T 7714-2015 strings of journal articles, checked against the standard's own examples
(section 8 / appendix A: ``作者. 题名[J]. 刊名, 年, 卷(期): 页码.`` and, online,
``...[J/OL]. 刊名, 年, 卷(期): 页码[引用日期]. 获取和访问路径.``)."""

from __future__ import annotations

import pytest

from search.cite_formats import gbt7714, serial


@pytest.mark.parametrize(
    ("citation", "doc", "link", "accessed", "expected"),
    [
        (  # print journal article
            {"title": "科学通报", "section": "蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口",
             "page": 3219},
            {"publisher": "袁训来, 陈哲, 肖书海, 等", "date": "2012", "issue": "第 55 卷第 34 期"},
            "",
            "",
            "袁训来, 陈哲, 肖书海, 等. 蓝田生物群: 一个认识多细胞生物起源和早期演化的新窗口[J]. "
            "科学通报, 2012, 55(34): 3219.",
        ),
        (  # online journal article, a page range
            {"title": "图书情报工作 2008 年第 52 卷第 6 期", "section": "韩国图书馆法", "page": 6,
             "page_end": 12},
            {"publisher": "李炳穆", "date": "2008-06"},
            "http://www.docin.com/p-400265742.html",
            "2013-10-25",
            "李炳穆. 韩国图书馆法[J/OL]. 图书情报工作, 2008, 52(6): 6-12[2013-10-25]. "
            "http://www.docin.com/p-400265742.html.",
        ),
        (  # the seed magazine: year, volume and issue from its catalog entry
            {"title": "China Standardization (English edition), July/Aug 2024",
             "section": "ESG standards in China", "page": 14},
            {"publisher": "China Standardization Press", "issue": "No. 4, Vol. 128",
             "date": "2024-07"},
            "https://h/doc/m#c",
            "2026-12-06",
            "China Standardization Press. ESG standards in China[J/OL]. China Standardization "
            "(English edition), 2024, 128(4): 14[2026-12-06]. https://h/doc/m#c.",
        ),
        (  # an issue without a volume: 年(期)
            {"title": "中国科学院武汉文献情报中心 标准化信息 2023 年第 12 期", "section": "碳达峰",
             "page": None},
            {"publisher": "中国科学院武汉文献情报中心 (Wuhan Library, CAS)", "date": "2023-12",
             "issue": "2023 年第 12 期"},
            "L",
            "2026-12-06",
            "中国科学院武汉文献情报中心. 碳达峰[J/OL]. 中国科学院武汉文献情报中心 标准化信息, "
            "2023(12)[2026-12-06]. L.",
        ),
    ],
)  # fmt: skip
def test_journal_article_as_the_standard_writes_it(citation, doc, link, accessed, expected) -> None:
    assert gbt7714(citation, doc, link, accessed) == expected


@pytest.mark.parametrize(
    ("title", "issue", "expected"),
    [
        ("China Standardization (English edition), July/Aug 2024", "No. 4, Vol. 128",
         ("China Standardization (English edition)", "128", "4")),
        ("标准化信息 2023 年第 12 期", "2023 年第 12 期", ("标准化信息", "", "12")),
        ("Journal of Standards", "Volume 7, Issue 2", ("Journal of Standards", "7", "2")),
        ("Annual report", "", ("Annual report", "", "")),
    ],
)  # fmt: skip
def test_serial_title_volume_and_issue(title: str, issue: str, expected: tuple) -> None:
    assert serial(title, issue) == expected


def test_a_document_without_an_article_heading_stays_z() -> None:
    text = gbt7714({"title": "Annual report", "page": 3}, {"date": "2025"}, "L", "2026-12-06")
    assert text == "Annual report[Z/OL], 2025: 3[2026-12-06]. L."
