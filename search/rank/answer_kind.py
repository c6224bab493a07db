"""Answer kinds of when / where / who questions (pure functions of text).

A question asking *when* is answered by a passage that states a date, one asking *where* by a
passage that states a place something happened or is based, one asking *who* by a passage
that names a person with a role. ``question_kind`` reads the kind off the question (in its
matching form); ``states_kind`` checks a passage for it with general patterns of dates, places
and titled names in both languages. Like the counting check (search/answer.py), the kind only
reorders the best candidates a little; it never brings in a passage the search did not find.
"""

from __future__ import annotations

import re

from search.rank.fusion import boost
from search.text.normalize import fold_aligned

_EN_KIND = (
    ("when", re.compile(r"\b(?:when|what (?:year|date|day|month)|since when)\b")),
    ("where", re.compile(r"\b(?:where|in (?:which|what) (?:city|country|place))\b")),
    ("who", re.compile(r"\b(?:who|whom|whose)\b")),
)
_ZH_KIND = (
    ("when", re.compile(r"何时|什么时候|哪一?年|哪一?天|几月|几号|哪个月|日期")),
    ("where", re.compile(r"哪里|哪儿|何地|何处|在哪|哪个(?:城市|国家|地方|省)|哪座城市")),
    ("who", re.compile(r"谁|哪位|何人")),
)
_MONTHS = (
    r"(?:January|February|March|April|May|June|July|August|September|October|November|"
    r"December|Jan|Feb|Mar|Apr|Jun|Jul|Aug|Sep|Sept|Oct|Nov|Dec)\.?"
)
_DATE = {
    "en": re.compile(
        rf"\b{_MONTHS}\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?(?:,?\s+(?:19|20)\d\d)?\b"
        rf"|\b\d{{1,2}}\s+{_MONTHS}(?:\s+(?:19|20)\d\d)?\b"
        rf"|\b(?:[Ii]n|[Ss]ince|[Oo]n)\s+(?:{_MONTHS}\s+)?(?:19|20)\d\d\b"
    ),
    "zh": re.compile(
        r"(?:(?:19|20)\d\d\s*年\s*)?\d{1,2}\s*月(?:\s*\d{1,2}(?:\s*[-—~]\s*\d{1,2})?\s*日)?"
    ),
}
_PLACE = {
    "en": re.compile(
        r"\b(?:held|hosted|located|based|headquartered|took place|convened|opened)\s+"
        r"(?:\S+\s+){0,4}?(?:in|at)\s+(?:the\s+)?[A-Z]"
        r"|\bin\s+[A-Z]\w+\s+(?:[Cc]ity|[Pp]rovince|[Cc]ounty|[Dd]istrict)\b"
    ),
    "zh": re.compile(
        r"(?:在|于)[\u4e00-\u9fff·]{2,14}(?:召开|举办|举行|开幕|闭幕|成立|设立|落户|签署)"
        r"|总部(?:设)?在"
    ),
}
_PERSON = {
    "en": re.compile(
        r"\b(?:Mr|Ms|Mrs|Dr|Prof|President|Chairman|Chairwoman|Chair|Director|Minister|"
        r"Secretary-General|CEO|Vice President|[Pp]resident|[Cc]hairman|[Dd]irector)\.?\s+"
        r"[A-Z][a-z]+"
        r"|\b(?:chaired|presided over|led|headed|opened)\s+by\s+(?:\w+\s+){0,4}?[A-Z][a-z]+"
    ),
    "zh": re.compile(
        r"(?:主任|局长|主席|部长|院长|会长|理事长|秘书长|司长|处长|总裁|院士|研究员|教授|工程师|"
        r"博士)[\u4e00-\u9fff·]{2,4}(?=出席|主持|表示|指出|介绍|致辞|讲话|发言|参加|担任|当选|，|。)"
        r"|[\u4e00-\u9fff·]{2,4}(?:主持会议|主持)"
    ),
}
PATTERNS = {"when": _DATE, "where": _PLACE, "who": _PERSON}
_MONTH = re.compile(_MONTHS)
_EN_NAME = re.compile(r"[A-Z][\w'’-]*(?:[ \t]+[A-Z][\w'’-]*)*")
_ZH_PLACE = re.compile(r"[\u4e00-\u9fff·]{2,14}?(?=召开|举办|举行|开幕|闭幕|成立|设立|落户|签署)")
_ZH_AFTER = re.compile(r"[\u4e00-\u9fff·]{2,20}")


def question_kind(query: str) -> str | None:
    """``when``, ``where`` or ``who`` for such a question (its matching form), else None."""
    for kind, pattern in (*_EN_KIND, *_ZH_KIND):
        if pattern.search(query):
            return kind
    return None


def states_kind(text: str, lang: str, kind: str) -> bool:
    """Whether ``text`` states a date / place / titled person (``kind``) in its language.
    English is read as written (capitals mark names); Chinese in its matching form."""
    pattern = PATTERNS[kind].get(lang)
    if pattern is None:
        return False
    return bool(pattern.search(fold_aligned(text) if lang == "zh" else text))


def kind_span(text: str, lang: str, kind: str) -> tuple[int, int] | None:
    """Where ``text`` states what a ``kind`` question asks (see ``states_kind``), as the span
    of the answer itself: the date, the place's name ("held in Quzhou" -> Quzhou), or the
    titled person; None when it states none."""
    pattern = PATTERNS[kind].get(lang)
    if pattern is None:
        return None
    read = fold_aligned(text) if lang == "zh" else text
    for m in pattern.finditer(read):
        if kind != "where":
            return m.span()
        if lang == "zh":
            return _zh_place(read, m)
        if not read[m.end() - 1].isupper():
            words = m.group(0).split(None, 1)  # "in Quzhou City"
            return (m.end() - len(words[-1]), m.end())
        name = _EN_NAME.match(read, m.end() - 1)
        if name is not None and not _MONTH.fullmatch(name.group(0)):  # "held in May" is a date
            return name.span()
    return None


def _zh_place(read: str, m: re.Match[str]) -> tuple[int, int]:
    """The place a Chinese where-statement names (see ``kind_span``)."""
    place = _ZH_PLACE.match(read, m.start() + 1)  # 在衢州召开 -> 衢州
    if place is not None and place.end() < m.end():
        return place.span()
    after = _ZH_AFTER.match(read, m.end())  # 秘书处设在 -> what follows
    return after.span() if after is not None else m.span()


def lift_kind(
    ranked: list[tuple[int, float]],
    texts: dict[int, tuple[str, str]],
    kind: str,
    weight: float,
) -> list[tuple[int, float]]:
    """Add ``weight`` to the passages among ``texts`` (row id -> (text, lang), the best few of
    ``ranked``) that state what a ``kind`` question asks for; re-sorted, ties by row id."""
    lifted = {rid for rid, (text, lang) in texts.items() if states_kind(text, lang, kind)}
    return boost(ranked, lifted, weight)
