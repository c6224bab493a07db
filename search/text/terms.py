"""Keyword terms of a text (jieba for Chinese, stemmed English, whole identifiers), the same for
passages at build time and for queries; stores run BM25 over them (``WEIGHTS`` per column).

Identifiers such as ``GB/T 12350-2022`` or ``CEN/TC 473`` are also indexed as one compact term
(``gbt123502022``) and as their stem without the year/part (``gbt12350``), so they match whether
typed with or without spaces and hyphens, and ``GB 18613`` finds ``GB 18613-2020``.
"""

from __future__ import annotations

import re
import threading
from functools import lru_cache

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+")
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:['’][a-z]+)?|\d+(?:\.\d+)*")
# An identifier: a Latin prefix (GB/T, CEN/TC, ISO/IEC, IEEE, CWA ...) then a number with
# optional parts (.3cz, -5-1, :2023).
IDENTIFIER = re.compile(
    r"\b([A-Z][A-Za-z]{0,7}(?:/[A-Z]{1,5})*(?:\s?[A-Z]{1,3})?)\s?(\d[\d.]*[a-z]{0,3})"
    r"((?:[-–:.]\d+[a-z]{0,3})*)"
)

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
    jb = _jieba()
    out: list[str] = []
    for run in _CJK_RUN.findall(text):
        out.extend(w for w in jb.cut(run) if w.strip() and w not in STOP_ZH)
    return out


def tagged_words(text: str) -> list[tuple[str, str]]:
    """jieba words of ``text`` with their part-of-speech flags (n noun, v verb, m numeral ...)."""
    from jieba import posseg

    _jieba()  # initialised quietly
    return [(p.word, p.flag) for p in posseg.cut(text) if p.word.strip()]


def chinese_words(text: str) -> list[str]:
    """jieba search-mode words of the CJK runs of ``text`` (so 待处理 also yields 处理)."""
    jb = _jieba()
    words: list[str] = []
    for run in _CJK_RUN.findall(text):
        words.extend(w for w in jb.cut_for_search(run) if w.strip())
    return words


def identifiers(text: str) -> list[tuple[str, str]]:
    """Identifiers in ``text`` as (stem, full) compact forms: ``GB/T 12350-2022`` gives
    ("gbt12350", "gbt123502022"); without a year or part both are the same.

    A capitalised word glued to one digit (CO2, H2) is a formula, not an identifier.
    """
    out: list[tuple[str, str]] = []
    for m in IDENTIFIER.finditer(text):
        prefix, number, tail = m.group(1), m.group(2), m.group(3)
        if not (any(c.isupper() for c in prefix[1:]) or "/" in prefix or prefix.isupper()):
            continue  # "Chapter 4" is not an identifier; "GB 18613" and "CEN/TC 473" are
        glued = not text[m.start(2) - 1].isspace()
        if glued and not tail and "/" not in prefix and len(number) == 1:
            continue
        base = re.sub(r"[^a-z0-9]", "", (prefix + number).lower())
        full = re.sub(r"[^a-z0-9]", "", (prefix + number + tail).lower())
        out.append((base, full))
    return list(dict.fromkeys(out))


def identifier_terms(text: str) -> list[str]:
    """Compact forms of identifiers in ``text``: stem, then the full form when it differs."""
    return list(dict.fromkeys(t for pair in identifiers(text) for t in pair))


def terms(text: str, drop_stop: bool = True, with_ids: bool = True) -> list[str]:
    """All keyword terms of ``text``, in order (used for documents and queries alike)."""
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


_NEUTRAL = re.compile(
    r"(?<![A-Za-z0-9])(?:[A-Z][A-Z0-9]{1,9}|\d+(?:\.\d+)?[A-Za-z]{0,3})(?![A-Za-z0-9])"
)


def neutral_terms(text: str) -> list[str]:
    """Tokens written alike in Chinese and English text: acronyms (IEC, ESG, CO2) and numbers
    with units (2023, 257GB), lower-cased as the index stores them."""
    return [
        m.group(0).lower() for m in _NEUTRAL.finditer(text) if m.group(0).lower() not in STOP_EN
    ]


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
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words) if w)


# bm25 column weights: body, heading (shared by every chunk of an article), identifiers.
WEIGHTS = (1.0, 0.3, 2.0)
