"""Answer type for counting questions: what a question counts, and which passages state it."""

from __future__ import annotations

import pytest

from search.rank.answer import count_span, count_targets, counted_words, states_count
from search.rank.answer_kind import question_kind, states_kind
from search.rank.fusion import boost
from search.text.dictionary import BilingualDictionary
from search.text.query_form import query_form


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("how many technical reports did ISO publish", ["technical", "reports"]),
        ("How many delegates attended the forum in person", ["delegates"]),
        ("how much funding did the fund receive", ["funding"]),
        ("number of ESG standards in China", ["ESG", "standards"]),
        ("日本主导了多少个ISO技术委员会和分委员会", ["iso", "技术", "委员会"]),
        ("该协会由几个部门组成", ["部门"]),  # stops at the verb 组成
        ("这项标准的修订分为几个步骤", ["步骤"]),
        ("全国仍有多少人没有接入互联网", ["人"]),  # the measure word is what is counted
        ("这项计划包括哪几方面内容", None),  # 哪几 asks "which ones", not how many
        ("该联盟有哪几个成员单位", None),
        ("ESG standards in China", None),
        ("几乎所有标准", None),  # 几乎 "almost" is not a question word
        ("how many", None),
    ],
)
def test_counted_words(query: str, expected: list[str] | None) -> None:
    got = counted_words(query)
    assert (got or None) == expected


@pytest.mark.parametrize(
    ("text", "lang", "english", "chinese", "expected"),
    [
        ("The agency runs approximately 90 regional offices.", "en", ["offic"], [], True),
        ("The project is split into three stages.", "en", ["stage"], [], True),
        ("95 ISO Technical Committees and Working Groups", "en", ["committe"], [], True),
        ("the committee met in 2023 committees", "en", ["committe"], [], False),  # a year
        ("Figure 1 committees of Korea", "en", ["committe"], [], False),  # a label
        ("75 people attended; the technical committees met", "en", ["committe"], [], False),
        ("下设的四个分技术委员会", "zh", [], ["委员会"], True),
        ("代表 80 余人线上参会", "zh", [], ["人"], True),
        ("1）开展标准化人才培训基地建设", "zh", [], ["人才"], False),  # a list number
        ("2023 年委员会会议", "zh", [], ["委员会"], False),
        ("委员会统一了标准", "zh", [], ["委员会"], False),  # 一 inside a word, no count
    ],
)
def test_states_count(
    text: str, lang: str, english: list[str], chinese: list[str], expected: bool
) -> None:
    assert states_count(text, lang, english, chinese) is expected


CEDICT = """\
委員會 委员会 [wei3 yuan2 hui4] /committee/commission/
階段 阶段 [jie1 duan4] /stage/section/phase/period/CL:個|个[ge4]/
人 人 [ren2] /man/person/people/CL:個|个[ge4],位[wei4]/
專家 专家 [zhuan1 jia1] /expert/specialist/CL:個|个[ge4]/
"""


@pytest.mark.parametrize(
    ("query", "english", "chinese"),
    [
        ("该联盟大约有多少个委员会", ["committe", "commiss"], ["委员会"]),
        ("试点工作分为几个阶段", ["stage", "section", "phase", "period"], ["阶段"]),
        ("有多少人", ["man", "person", "peopl"], ["人"]),
        ("how many experts attended", ["expert"], ["专家"]),
        ("what is a committee", None, None),
    ],
)
def test_count_targets_translate_both_ways(
    query: str, english: list[str] | None, chinese: list[str] | None
) -> None:
    dictionary = BilingualDictionary.parse(CEDICT.splitlines())
    got = count_targets(query, dictionary, lambda term: True)
    assert got == (None if english is None else (english, chinese))


def test_boost_lifts_and_resorts() -> None:
    ranked = [(1, 0.50), (2, 0.45), (3, 0.30)]
    assert boost(ranked, {2}, 0.1) == [(2, 0.55), (1, 0.50), (3, 0.30)]
    assert boost(ranked, set(), 0.1) == ranked
    assert boost(ranked, {3}, 0.0) == ranked


@pytest.mark.parametrize(
    ("text", "lang", "english", "chinese", "marked"),
    [
        ("ASTM has 85 technical committees.", "en", ["committe"], [], "85 technical committees"),
        ("Figure 2 offices. The 9 offices of the agency", "en", ["offic"], [], "9 offices"),
        ("下设的四个分技术委员会（术语）", "zh", [], ["委员会", "技术"], "四个分技术"),
        ("代表 80 余人线上参会", "zh", [], ["人"], "80 余人"),
        ("no count here", "en", ["committe"], [], None),
    ],
)  # fmt: skip
def test_count_span_marks_numeral_to_counted_word(
    text: str, lang: str, english: list[str], chinese: list[str], marked: str | None
) -> None:
    span = count_span(text, lang, english, chinese)
    assert (text[span[0] : span[1]] if span else None) == marked


@pytest.mark.parametrize(
    ("query", "kind"),
    [
        ("When did Maria Lind become chair of the council?", "when"),
        ("what year was the plan issued", "when"),
        ("李华何时就任协会会长", "when"),
        ("where was the summit held", "where"),
        ("年会在哪个城市举办", "where"),
        ("who opened the workshop", "who"),
        ("会议由谁主持", "who"),
        ("how many committees", None),
        ("ESG standards in China", None),
    ],
)
def test_question_kind(query: str, kind: str | None) -> None:
    assert question_kind(query_form(query)) == kind


@pytest.mark.parametrize(
    ("text", "lang", "kinds"),
    [
        ("Ms. Lind became Council President on March 15, 2021.", "en", {"when", "who"}),
        ("The 37th plenary was held on May 12-14 in Lisbon, Portugal.", "en", {"when", "where"}),
        ("The forum was held in Suzhou city, Jiangsu province.", "en", {"where"}),
        ("I am very impressed by the work that is being done here.", "en", set()),
        (
            "3 月 8 日，工作组以线上形式召开会议，研究院院长李明出席并讲话。",
            "zh",
            {"when", "who"},
        ),
        ("国际电工论坛在新加坡召开。", "zh", {"where"}),
        ("國際電工論壇在新加坡召開。", "zh", {"where"}),  # traditional characters
        ("该联盟总部设在维也纳。", "zh", {"where"}),
        ("标准化工作取得了新进展。", "zh", set()),
    ],
)
def test_states_kind(text: str, lang: str, kinds: set[str]) -> None:
    assert {k for k in ("when", "where", "who") if states_kind(text, lang, k)} == kinds
