"""Answer type for counting questions ("how many ...", "多少 ...", "几个 ...").

A question that asks for a count is answered by a passage that states a number of the thing
counted: "approximately 160 technical committees", "分为五个阶段". ``counted_words`` finds what
a question counts; ``states_count`` checks a passage for a numeral followed closely by one of
those words (or their dictionary translations). Both are pure functions of text.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from search.rank.fusion import boost
from search.text.dictionary import MAX_GLOSSES, BilingualDictionary
from search.text.normalize import fold_aligned
from search.text.terms import STOP_EN, STOP_ZH, chinese_phrases, stem, tagged_words

_EN_QUESTION = re.compile(r"\b(?:how\s+(?:many|much)|number\s+of)\s+(.*)", re.IGNORECASE)
_EN_WORD = re.compile(r"[A-Za-z][A-Za-z'-]*|[^\sA-Za-z]")
_ZH_QUESTION = ("多少", "几")
_ZH_NOT_QUESTION = ("几乎",)
# measure words: after 多少/几 they name the unit counted (多少人, 几类, 几天), except the
# general-purpose 个
MEASURES = frozenset("个项名位家次届条人批类种天年月周部所座台件本")
NOUN_MEASURES = frozenset("人天年月周")
MAX_COUNTED = 3

_EN_NUMBERS = frozenset(
    [
        "one",
        "two",
        "three",
        "four",
        "five",
        "six",
        "seven",
        "eight",
        "nine",
        "ten",
        "eleven",
        "twelve",
        "thirteen",
        "fourteen",
        "fifteen",
        "sixteen",
        "seventeen",
        "eighteen",
        "nineteen",
        "twenty",
        "thirty",
        "forty",
        "fifty",
        "sixty",
        "seventy",
        "eighty",
        "ninety",
        "hundred",
        "hundreds",
        "thousand",
        "thousands",
        "million",
        "millions",
        "billion",
        "billions",
        "dozen",
        "dozens",
    ]
)
_EN_TOKEN = re.compile(r"\d[\d,.]*%?|[A-Za-z][A-Za-z'-]*")
_YEAR = re.compile(r"(?:19|20)\d\d")
_ZH_NUMERAL = re.compile(
    r"(?<![（(\d])\d[\d,.]*(?![\d)）、.:：])"
    r"|[一二两三四五六七八九十百千万亿]+(?=[余多]?[个项名位家次届条人批类种天年])"
)
_EN_LABEL = frozenset(["figure", "fig", "table", "chapter", "section", "no", "article", "annex"])
ZH_REACH = 8  # characters after a numeral that may hold the counted word ("80 余人线上参会")
EN_REACH = 3  # words after a numeral ("160 technical committees")


def counted_words(query: str) -> list[str] | None:
    """What a counting question counts, in its own words; None when it is not one.

    ``"how many technical standards did ASTM publish"`` -> ``["technical", "standards"]``;
    ``"韩国参加了多少个IEC技术委员会"`` -> ``["iec", "技术", "委员会"]``;
    ``"浙江有多少人"`` -> ``["人"]``.
    """
    m = _EN_QUESTION.search(query)
    if m:
        return _english_counted(m.group(1))
    if not any(w in query for w in _ZH_QUESTION):
        return None
    return _chinese_counted(query)


def _english_counted(rest: str) -> list[str]:
    """The words after "how many": up to a stop word, and ending at the first plural noun."""
    out: list[str] = []
    for tok in _EN_WORD.findall(rest):
        if not tok[0].isalpha() or tok.lower() in STOP_EN or len(out) == MAX_COUNTED:
            break
        out.append(tok)
        if tok.lower().endswith("s") and not tok.lower().endswith("ss"):
            break  # the plural noun heads the phrase: "technical standards", "participants"
    return out


def _chinese_counted(query: str) -> list[str] | None:
    """The measure word and nouns after 多少/几, by jieba's part-of-speech tags."""
    words = tagged_words(query)
    for i, (w, _) in enumerate(words):
        if w.startswith(_ZH_NOT_QUESTION) or not w.startswith(_ZH_QUESTION):
            continue
        unit = w[-1] if w[-1] in MEASURES and w[-1] != "个" else None
        rest = words[i + 1 :]
        if rest and rest[0][0] in MEASURES:
            unit = rest[0][0] if rest[0][0] != "个" else unit
            rest = rest[1:]
        out = [unit] if unit else []
        seen_noun = unit in NOUN_MEASURES  # 多少人 counts people; 几类 waits for its noun
        for word, flag in rest:
            noun = flag.startswith("n") or flag == "eng"
            if not word[0].isalnum() or (seen_noun and not noun) or len(out) == MAX_COUNTED:
                break  # the counted noun phrase ends at the verb after it: 几个局 | 组成
            seen_noun = seen_noun or noun
            if word not in STOP_ZH:
                out.append(word)
        return out
    return None


def count_targets(
    query: str, dictionary: BilingualDictionary | None, known: Callable[[str], bool]
) -> tuple[list[str], list[str]] | None:
    """For a counting question, what it counts as English stems and Chinese words: the
    query's own words plus their dictionary translations (kept to ``known`` index terms).
    None for any other query."""
    counted = counted_words(query)
    if not counted:
        return None
    unit = counted[0] if counted[0] in MEASURES else None
    nouns = counted[1:] if unit else counted
    latin = [w for w in nouns if w.isascii()]
    zh = [p for w in nouns if not w.isascii() for p in chinese_phrases(w)]
    english = [stem(w) for w in latin]
    chinese = zh + ([unit] if unit else [])
    if dictionary is not None:
        # a measure word (名, 项) glosses badly; it is translated only when it is all there is
        english += dictionary.to_english(zh or chinese, known, per_word=MAX_GLOSSES)
        chinese += dictionary.to_chinese(" ".join(latin), known, per_phrase=3)
    return list(dict.fromkeys(english)), list(dict.fromkeys(chinese))


def count_span(
    text: str, lang: str, english: Iterable[str], chinese: Iterable[str]
) -> tuple[int, int] | None:
    """Where ``text`` gives a number of the counted thing (see ``find_count``). Remembered
    for the last few passages: the re-ranking reads the best passages and the presentation
    shows some of them, with the same question's targets (a few dozen: one question's)."""
    return _count_span(text, lang, tuple(english), tuple(chinese))


@lru_cache(maxsize=64)
def _count_span(
    text: str, lang: str, english: tuple[str, ...], chinese: tuple[str, ...]
) -> tuple[int, int] | None:
    return find_count(text, lang, english, chinese)


def find_count(
    text: str, lang: str, english: Iterable[str], chinese: Iterable[str]
) -> tuple[int, int] | None:
    """Where ``text`` gives a number of the counted thing: the first numeral (not a year, list
    number or figure label) followed within a few words by one of the ``english`` stems
    (English text) or the ``chinese`` words (Chinese text), as a character span from the
    numeral to the end of that word ("160 technical committees"); None when there is none.
    The text is read in its matching form (full-width digits, traditional characters)."""
    text = fold_aligned(text)
    if lang == "zh":
        targets = [w for w in chinese if w]
        for m in _ZH_NUMERAL.finditer(text):
            if _YEAR.fullmatch(m.group(0)):
                continue
            after = text[m.end() : m.end() + ZH_REACH]
            hits = [(after.find(t), t) for t in targets if t in after]
            if hits:
                at, word = min(hits)
                return m.start(), m.end() + at + len(word)
        return None
    stems = set(english)
    tokens = list(_EN_TOKEN.finditer(text))
    for i, m in enumerate(tokens):
        tok = m.group(0)
        is_number = tok[0].isdigit() or tok.lower() in _EN_NUMBERS
        label = i and tokens[i - 1].group(0).lower() in _EN_LABEL
        if not is_number or _YEAR.fullmatch(tok) or label:
            continue
        for nxt in tokens[i + 1 : i + 1 + EN_REACH]:
            if stem(nxt.group(0).lower()) in stems:
                return m.start(), nxt.end()
    return None


def states_count(text: str, lang: str, english: Iterable[str], chinese: Iterable[str]) -> bool:
    """Whether ``text`` gives a number of the counted thing (see ``count_span``)."""
    return count_span(text, lang, english, chinese) is not None


def lift_counts(
    ranked: list[tuple[int, float]],
    texts: dict[int, tuple[str, str]],
    targets: tuple[list[str], list[str]],
    weight: float,
) -> list[tuple[int, float]]:
    """Add ``weight`` to the passages among ``texts`` (row id -> (text, lang), the best few of
    ``ranked``) that state a number of what the question counts; re-sorted, ties by row id."""
    lifted = {rid for rid, (text, lang) in texts.items() if states_count(text, lang, *targets)}
    return boost(ranked, lifted, weight)
