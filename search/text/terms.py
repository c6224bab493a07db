"""Keyword terms of a text (jieba for Chinese, stemmed English, whole identifiers), the same for
passages at build time and for queries; stores run BM25 over them (``WEIGHTS`` per column).

Every term is taken from the matching form of a text (``search.text.normalize.fold``:
half-width, case folded, simplified Chinese), for documents and queries alike. Identifiers
(``GB/T 12350-2022``, ``CEN/TC 473``) are also indexed as compact terms (see
``search.text.identifiers``), so they match however they are typed.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from functools import lru_cache

from search.text.identifiers import identifier_terms, identifiers
from search.text.normalize import fold
from search.text.script import IDEOGRAPH_RUN

_CJK_RUN = IDEOGRAPH_RUN
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?|\d+(?:\.\d+)*")

__all__ = ["identifier_terms", "identifiers"]

STOP_EN = frozenset(
    [
        "a",
        "an",
        "the",
        "many",
        "much",
        "of",
        "in",
        "on",
        "at",
        "to",
        "for",
        "from",
        "by",
        "with",
        "and",
        "or",
        "not",
        "is",
        "are",
        "was",
        "were",
        "be",
        "been",
        "being",
        "this",
        "that",
        "these",
        "those",
        "it",
        "its",
        "as",
        "into",
        "about",
        "over",
        "what",
        "which",
        "who",
        "whom",
        "whose",
        "when",
        "where",
        "why",
        "how",
        "do",
        "does",
        "did",
        "has",
        "have",
        "had",
        "can",
        "could",
        "should",
        "would",
        "will",
        "may",
        "might",
        "must",
        "i",
        "we",
        "you",
        "they",
        "he",
        "she",
        "our",
        "your",
        "their",
        "there",
        "here",
        "than",
        "then",
        "so",
        "such",
        "any",
        "all",
        "some",
    ]
)
STOP_ZH = frozenset(
    [
        "的",
        "了",
        "和",
        "与",
        "及",
        "是",
        "在",
        "对",
        "等",
        "也",
        "并",
        "或",
        "中",
        "为",
        "将",
        "有",
        "被",
        "把",
        "以",
        "之",
        "其",
        "于",
        "由",
        "从",
        "个",
        "哪",
        "哪些",
        "哪个",
        "哪几",
        "什么",
        "如何",
        "怎么",
        "怎样",
        "多少",
        "几个",
        "几",
        "何时",
        "何地",
        "为什么",
        "吗",
        "呢",
        "是否",
        "根据",
        "关于",
    ]
)


_local = threading.local()


def _stemmer():
    """This thread's Snowball stemmer (a stemmer keeps state while it works on a word)."""
    stemmer = getattr(_local, "stemmer", None)
    if stemmer is None:
        import snowballstemmer

        stemmer = _local.stemmer = snowballstemmer.stemmer("english")
    return stemmer


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """English Snowball (Porter 2) stem, so a question, a passage and a dictionary gloss meet
    on one form (divided, divide -> divid; standards -> standard). Words with digits or other
    scripts pass through unchanged."""
    w = word.lower()
    if len(w) <= 3 or not w.isascii() or not w.isalpha():
        return w
    return _stemmer().stemWord(w)


@lru_cache(maxsize=1)
def _jieba():
    import logging

    import jieba

    jieba.setLogLevel(logging.WARNING)
    jieba.initialize()
    return jieba


def frequency(word: str) -> int:
    """How common a Chinese word is (jieba's dictionary count; 0 when unknown)."""
    return int(_jieba().dt.FREQ.get(word, 0))


def chinese_phrases(text: str) -> list[str]:
    """jieba precise-mode words of ``text`` without stop words (the units a dictionary knows)."""
    out: list[str] = []
    for run in _CJK_RUN.findall(fold(text)):  # jieba loads only for text with Chinese
        out.extend(w for w in _jieba().cut(run) if w.strip() and w not in STOP_ZH)
    return out


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba words of ``text`` with their part-of-speech flags (n noun, v verb, m numeral ...)."""
    from jieba import posseg

    _jieba()  # initialised quietly
    return [(p.word, p.flag) for p in posseg.cut(fold(text)) if p.word.strip()]


def chinese_words(text: str) -> list[str]:
    """jieba search-mode words of the CJK runs of ``text`` (so 待处理 also yields 处理)."""
    words: list[str] = []
    for run in _CJK_RUN.findall(text):  # jieba loads only for text with Chinese
        words.extend(w for w in _jieba().cut_for_search(run) if w.strip())
    return words


def terms(text: str, drop_stop: bool = True, with_ids: bool = True) -> list[str]:
    """All keyword terms of ``text``, in order (used for documents and queries alike), taken
    from its matching form (``fold``)."""
    text = fold(text)
    out = chinese_words(text)
    if drop_stop:
        out = [w for w in out if w not in STOP_ZH]
    for w in _WORD.findall(text):
        lw = w.lower()
        if drop_stop and lw in STOP_EN:
            continue
        out.append(stem(lw))
    if with_ids:
        out += identifier_terms(text)
    return out


_NEUTRAL = re.compile(r"(?<![a-z0-9])(?:[a-z][a-z0-9]{1,9}|\d+(?:\.\d+)?[a-z]{0,3})(?![a-z0-9])")


def neutral_terms(text: str, is_word: Callable[[str], bool] = lambda w: False) -> list[str]:
    """Tokens written alike in Chinese and English text: acronyms and codes (IEC, ESG, CO2)
    and numbers with units (2023, 257GB), in matching form. Whether a Latin token is an
    acronym is decided without its case (``esg`` typed in lower case is still one): it is
    one when ``is_word`` (e.g. the dictionary's English vocabulary) does not know it."""
    out = []
    for m in _NEUTRAL.finditer(fold(text)):
        tok = m.group(0)
        if tok in STOP_EN or (tok[0].isalpha() and is_word(tok)):
            continue
        out.append(tok)
    return out


def keyword_columns(text: str, heading: str) -> tuple[str, str, str]:
    """The FTS5 columns for a chunk: body terms, heading terms, compact identifiers."""
    ids = identifier_terms(f"{heading}\n{text}")
    return (
        " ".join(terms(text, drop_stop=False, with_ids=False)),
        " ".join(terms(heading, drop_stop=False, with_ids=False)),
        " ".join(ids),
    )


def quote(words: list[str]) -> str:
    """An FTS5 expression OR-ing the quoted words (user text never reaches FTS5 syntax)."""
    words = [w.replace("\x00", "") for w in words]  # FTS5 strings end at a NUL
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words) if w)


# bm25 column weights: body, heading (shared by every chunk of an article), identifiers.
WEIGHTS = (1.0, 0.3, 2.0)
