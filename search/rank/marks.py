"""What highlighting looks for in a result, worked out once when the query is analysed.

:func:`marks` reads the query's matching form, its Chinese words and its dictionary
translations and gives :class:`Marks`. Highlighting (search/rank/emphasis.py) reads only these:
it never segments, stems or folds the query again.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from search.text.identifiers import find as find_identifiers
from search.text.script import IDEOGRAPH_RUN
from search.text.terms import STOP_EN, STOP_ZH, stem

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?")
_PIECES = re.compile(r"[A-Za-z]+|\d+")


@dataclass(frozen=True)
class Marks:
    """The query's words as highlighting finds them in passages."""

    identifiers: list[str]  # identifiers in canonical form (matched however spaced)
    stems: frozenset[str]  # English stems marked on their own (query words, one-word glosses)
    words: list[str]  # Chinese words (query words and translations), longest first
    pieces: frozenset[str] = frozenset()  # letter and digit runs of the identifiers (gb, t)
    # English stem -> the Chinese query words whose glosses hold it: marked only inside a
    # run of such words that translates two of them, or a whole gloss ("general assembly")
    glosses: Mapping[str, frozenset[str]] = field(default_factory=dict)
    gloss_phrases: frozenset[str] = frozenset()  # glosses of two or more words, stemmed


def marks(
    form: str,
    phrases: list[str],
    translations: list[str],
    words: Iterable[str] = (),
    glosses_of: Mapping[str, list[str]] | None = None,
) -> Marks:
    """The marks of a query from its matching ``form``, its Chinese ``phrases`` (jieba
    precise mode) and keyword ``words``, its dictionary ``translations``, and ``glosses_of``
    (a Chinese word's first glosses, stemmed: ``BilingualDictionary.zh_en``).

    An English translation is marked on its own only when it is a whole gloss of a query
    word (city for 城市, not general for 大会's "general assembly"); every gloss word can
    also be marked as part of a translated phrase (see :class:`Marks`)."""
    idents = find_identifiers(form)
    pieces = frozenset(p.lower() for i in idents for p in _PIECES.findall(form[i.start : i.end]))
    outside = form
    for ident in idents:
        outside = outside.replace(form[ident.start : ident.end], " ")
    own = {stem(w) for w in LATIN_WORD.findall(outside) if w.lower() not in STOP_EN}
    glosses, gloss_phrases, whole = _glosses(phrases, words, glosses_of or {})
    english = [t for t in translations if t.isascii()]
    single = {t for t in english if glosses_of is None or t in whole or t not in glosses}
    chinese = {w for w in phrases if len(w) >= 2 and w not in STOP_ZH}
    chinese |= {t for t in translations if not t.isascii() and len(t) >= 2}
    return Marks(
        identifiers=[i.canonical for i in idents],
        stems=frozenset(own | single),
        words=sorted(chinese, key=lambda w: (-len(w), w)),
        pieces=pieces,
        glosses=glosses,
        gloss_phrases=gloss_phrases,
    )


def _glosses(
    phrases: list[str], words: Iterable[str], glosses_of: Mapping[str, list[str]]
) -> tuple[dict[str, frozenset[str]], frozenset[str], frozenset[str]]:
    """Each gloss word of the query's Chinese words (a segment inside a phrase, such as 第二
    of 第二届, counts as that phrase), the glosses of two or more words, and the one-word
    glosses."""
    chinese = [w for w in phrases if IDEOGRAPH_RUN.fullmatch(w)]
    parts = [w for w in words if IDEOGRAPH_RUN.fullmatch(w) and w not in chinese]
    owner = {w: w for w in chinese} | {p: next((w for w in chinese if p in w), p) for p in parts}
    found: dict[str, set[str]] = {}
    multi, whole = set(), set()
    for word, concept in owner.items():
        for key in glosses_of.get(word, []):
            if not key:
                continue
            (multi if " " in key else whole).add(key)
            for term in key.split():
                found.setdefault(term, set()).add(concept)
    return {k: frozenset(v) for k, v in found.items()}, frozenset(multi), frozenset(whole)
