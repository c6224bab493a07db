"""Highlights and snippets that show why a passage was chosen (search/rank/marks.py,
emphasis.py, snippet.py, answer_kind.kind_span): invented sentences, no corpus."""

from __future__ import annotations

import pytest

from search.rank.answer_kind import kind_span
from search.rank.emphasis import Highlighter, frequent_terms
from search.rank.marks import marks
from search.rank.snippet import REACH, snippet_window
from search.text.query_form import query_form
from search.text.terms import chinese_phrases, terms

# An invented dictionary: the first glosses of some Chinese words, stemmed (as zh_en holds them).
GLOSSES = {
    "第三": ["third"],
    "世界": ["world"],
    "水务": ["water affair"],
    "大会": ["general assembl", "general meet", "convent"],
    "城市": ["citi", "town"],
}
DF = {"standard": 300, "china": 170, "标准化": 200, "esg": 20, "人才": 12, "water": 30,
      "third": 40, "world": 90, "general": 25, "citi": 15, "gb": 60}  # fmt: skip
FREQUENT = frequent_terms(DF, 458)  # standard, china, 标准化


def marked(query: str, text: str, translations: tuple[str, ...] = (), glosses=None) -> list[str]:
    form = query_form(query)
    found = marks(form, chinese_phrases(form), list(translations), terms(form, False), glosses)
    return [text[a:b] for a, b in Highlighter(found, DF, FREQUENT).spans(text)]


@pytest.mark.parametrize(
    ("query", "text", "expected"),
    [
        # an identifier whole, never its pieces
        ("GB/T 31415-2019", "GB/T 31415-2019 and 802.3-2022 at 10 Gb/s", ["GB/T 31415-2019"]),
        # frequent words give way to a rarer one the passage shows ...
        ("ESG standards in China", "ESG standards in China", ["ESG"]),
        # ... and are kept when they are all the passage matches
        ("ESG standards in China", "Standards in China grew.", ["Standards", "China"]),
        ("standards", "new standards", ["standards"]),
        ("标准化 人才", "标准化人员与人才", ["人才"]),
        ("标准化 人才", "标准化人才培养", ["标准化人才"]),  # side by side: one phrase
        ("the", "The committee met.", []),
    ],
)
def test_weighted_highlights(query: str, text: str, expected: list[str]) -> None:
    assert marked(query, text) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # the translated phrase whole, carried over the name it is part of; "general" of
        # "general assembly" is no translation on its own
        (
            "The Third World Water Conference opened. The general secretary spoke.",
            ["Third World Water Conference"],
        ),
        ("A general assembly of the town council.", ["general assembly of the town"]),
        ("The general assembly voted.", ["general assembly"]),  # one word's whole gloss
        # one query word's translation in a lower-case run is a word, not a phrase
        ("world water use", ["world water"]),
        ("The general is here.", []),  # only part of a gloss: marked inside a phrase only
        ("The world is large.", ["world"]),  # a whole gloss: a word of its own
    ],
)
def test_translated_phrases_are_marked_whole(text: str, expected: list[str]) -> None:
    got = marked("第三届世界水务大会在哪个城市", text, ("world", "general", "citi"), GLOSSES)
    assert got == expected


def test_marks_come_from_the_analysed_query_only() -> None:
    form = query_form("第三届世界水务大会在哪个城市")
    found = marks(form, chinese_phrases(form), ["world", "general", "citi"], terms(form), GLOSSES)
    assert "general" not in found.stems and "citi" in found.stems  # a whole gloss is a word
    assert found.glosses["third"] == frozenset({"第三届"})  # 第三 is a part of 第三届
    assert "general assembl" in found.gloss_phrases


def test_hits_carry_the_rarity_of_their_rarest_word() -> None:
    found = marks("esg standards", [], [], ["esg", "standard"])
    hits = Highlighter(found, DF, frozenset()).hits("Standards for ESG.")
    assert [(h.start, h.end, h.df) for h in hits] == [(0, 9, 300), (14, 17, 20)]


LONG = "Filler words without an end " * 12 + "stop. "  # one sentence of 341 characters
S1, S2, S3, S4 = "First line is plain.", "Second line names glaciers.", "Third line too.", "Last."
TEXT = " ".join([S1, S2, S3, S4])


def at(text: str, word: str, df: int) -> tuple[int, int, int]:
    start = text.index(word)
    return (start, start + len(word), df)


@pytest.mark.parametrize(
    ("text", "hits", "window", "must", "expected"),
    [
        # the rarest marked word, even away from the encoder's best window ...
        (TEXT, [at(TEXT, "glaciers", 3)], at(TEXT, S4, 0)[:2], None, S2 + " " + S3),
        # ... with the best window when one pair of sentences holds both
        (TEXT, [at(TEXT, "glaciers", 3)], (0, TEXT.index(S3) - 1), None, S1 + " " + S2),
        # a stated answer comes first
        (TEXT, [at(TEXT, "glaciers", 3)], None, at(TEXT, "Third", 0)[:2], S2 + " " + S3),
        # nothing marked: the first two sentences
        (TEXT, [], None, None, S1 + " " + S2),
        # a word past REACH of a long sentence: its own sentence starts the snippet
        (LONG + S2, [at(LONG + S2, "glaciers", 3)], None, None, S2),
    ],
)
def test_snippet_window(text, hits, window, must, expected) -> None:
    a, b = snippet_window(text, hits, window, must)
    assert text[a:b].strip() == expected


def test_reach_is_what_a_short_display_shows() -> None:
    assert REACH < 320  # web/highlight.py shows 320 characters from the snippet's start


@pytest.mark.parametrize(
    ("text", "lang", "kind", "expected"),
    [
        ("The expo was held in Lyon city last spring.", "en", "where", "Lyon"),
        ("The forum was hosted in Port Louis, Mauritius.", "en", "where", "Port Louis"),
        ("The fair was held in May by the guild.", "en", "where", None),  # a month, no place
        ("The summit takes place in Oslo County soon.", "en", "where", "Oslo County"),
        ("研讨会在日内瓦召开，讨论了水资源。", "zh", "where", "日内瓦"),
        ("该联盟总部设在维也纳。", "zh", "where", "维也纳"),
        ("It met on March 3, 2021 for the first time.", "en", "when", "March 3, 2021"),
        ("The plan was presented by Director Hansen today.", "en", "who", "Director Hansen"),
        ("Nothing is stated here.", "en", "when", None),
    ],
)
def test_kind_span_marks_the_answer(text, lang, kind, expected) -> None:
    span = kind_span(text, lang, kind)
    assert (text[span[0] : span[1]] if span else None) == expected
