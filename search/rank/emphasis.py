"""Highlights that mean something: the marked words of a result, weighed.

:class:`Highlighter` reads the query's :class:`~search.rank.marks.Marks` (worked out once, in
analysis) and the index's term frequencies, and finds in a passage
- identifiers, whole however they are spaced (never their pieces "GB", "T", "2022" alone);
- translated phrases, whole: a run of words that translates two or more of the query's Chinese
  words ("China Standardization Conference" for 中国标准化大会), or a whole gloss of one of them
  ("general assembly"), carried over the capitalised words of the name it is part of;
- Chinese words literally, adjacent ones as one phrase;
- English words by stem (the query's own words, one-word translations).
A frequent word on its own ("standards", "China", 标准: in more than ``FREQUENT`` of the
passages) is dropped when the passage also shows a rarer mark, which is what it is about (and
kept when it is all the passage matches, since it then says why the passage came). Each hit
carries the document frequency of its rarest word, so the snippet can be chosen around it.
A passage's words are read and stemmed once (and kept for the next query that shows it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import lru_cache
from typing import NamedTuple, Protocol

from search.rank.marks import LATIN_WORD, Marks
from search.rank.snippet import merge_spans
from search.text.normalize import fold_aligned
from search.text.terms import STOP_EN, stem

FREQUENT = 0.2  # share of passages a word may occur in and still be worth marking on its own
RARE = 0  # the frequency given to an identifier: rarer than any word
UNSEEN = 1 << 30  # the frequency of a term the index does not count

Span = tuple[int, int]
Token = tuple[int, int, str | None, bool, bool]  # see Words


class Hit(NamedTuple):
    """One marked span and how many passages hold its rarest word."""

    start: int
    end: int
    df: int


class SpanFinder(Protocol):
    def spans(self, text: str) -> list[Span]: ...

    def hits(self, text: str) -> list[Hit]: ...


def frequent_terms(df: Mapping[str, int], passages: int) -> frozenset[str]:
    """The terms held by more than ``FREQUENT`` of an index's ``passages`` (worked out once
    per index, not per query)."""
    limit = max(1.0, FREQUENT * max(passages, 1))
    return frozenset(k for k, n in df.items() if n > limit)


def _identifier_pattern(ident: str) -> re.Pattern[str]:
    """A pattern matching an identifier however it is spaced or hyphenated."""
    chars = [re.escape(c) for c in re.sub(r"[\s\-/:.]", "", ident)]
    return re.compile(r"\s?[\-/:.]?\s?".join(chars), re.IGNORECASE)


class Words(NamedTuple):
    """A passage's Latin words, read once: each as (start, end, stem or None for a stop word,
    whether only spaces part it from the next word, whether it is capitalised), and where
    each stem occurs (word numbers)."""

    tokens: tuple[Token, ...]
    where: dict[str, tuple[int, ...]]


@lru_cache(maxsize=4096)  # result passages recur across queries
def passage_words(text: str) -> Words:
    folded = fold_aligned(text)
    spans = [m.span() for m in LATIN_WORD.finditer(folded)]
    tokens: list[Token] = []
    where: dict[str, list[int]] = {}
    for i, (a, b) in enumerate(spans):
        word = folded[a:b]
        key = None if word in STOP_EN else stem(word)
        gap = folded[b : spans[i + 1][0]] if i + 1 < len(spans) else ""
        tokens.append((a, b, key, bool(gap) and gap.strip(" \t") == "", text[a].isupper()))
        if key is not None:
            where.setdefault(key, []).append(i)
    return Words(tuple(tokens), {k: tuple(v) for k, v in where.items()})


def _bridged(tokens: tuple[Token, ...], left: int, right: int, skip: set[int]) -> bool:
    """Whether words ``left`` and ``right`` stand in one phrase: side by side, or with only
    stop words between them, spaces apart (no line break or mark)."""
    for k in range(left, right):
        if not tokens[k][3] or (k > left and (tokens[k][2] is not None or k in skip)):
            return False
    return True


def _name(tokens: tuple[Token, ...], i: int, last: int, skip: set[int]) -> Span:
    """Word numbers of the phrase ``i`` .. ``last``, widened over the capitalised words of
    the name it is part of when its own words are capitalised."""
    if not all(t[4] for t in tokens[i : last + 1] if t[2] is not None):
        return i, last

    def name_word(k: int) -> bool:
        return tokens[k][2] is not None and tokens[k][4] and k not in skip

    while last + 1 < len(tokens) and tokens[last][3] and name_word(last + 1):
        last += 1
    while i > 0 and tokens[i - 1][3] and name_word(i - 1):
        i -= 1
    return i, last


class Highlighter:
    """The spans of a text that match one query's marks (see the module doc), in the text's
    matching form at the offsets of the text as shown. Built once per query."""

    def __init__(
        self,
        marks: Marks,
        df: Mapping[str, int] | None = None,
        frequent: frozenset[str] = frozenset(),
    ) -> None:
        self.marks = marks
        self.df = df or {}
        self.frequent = frequent
        self.identifiers = [_identifier_pattern(i) for i in marks.identifiers]
        self.words = re.compile("|".join(map(re.escape, marks.words))) if marks.words else None

    def spans(self, text: str) -> list[Span]:
        return merge_spans([(h.start, h.end) for h in self.hits(text)])

    def hits(self, text: str) -> list[Hit]:
        folded = fold_aligned(text)  # same offsets as the shown text, matched in folded form
        out = [
            Hit(*m.span(), RARE) for pattern in self.identifiers for m in pattern.finditer(folded)
        ]
        common: list[Hit] = []  # frequent words on their own
        if self.marks.stems or self.marks.glosses:
            out += self._latin(text, folded, [(h.start, h.end) for h in out], common)
        if self.words is not None:
            out += self._chinese(folded, common)
        return sorted(out or common)

    def _rare(self, key: str) -> int:
        return self.df.get(key, UNSEEN)

    def _latin(self, text: str, folded: str, taken: list[Span], common: list[Hit]) -> list[Hit]:
        words = passage_words(text)
        tokens = words.tokens
        skip = set()  # words inside a marked identifier
        if taken:
            skip = {i for i, t in enumerate(tokens) if any(a <= t[0] < b for a, b in taken)}
        out, held = self._phrases(words, skip)
        held |= skip
        for key in self.marks.stems:
            for i in words.where.get(key, ()):
                a, b = tokens[i][0], tokens[i][1]
                if i not in held and folded[a:b] not in self.marks.pieces:
                    (common if key in self.frequent else out).append(Hit(a, b, self._rare(key)))
        return out

    def _phrases(self, words: Words, skip: set[int]) -> tuple[list[Hit], set[int]]:
        """Translated phrases among the passage's ``words``, and the words they hold."""
        glosses, tokens = self.marks.glosses, words.tokens
        found = sorted({i for k in glosses for i in words.where.get(k, ()) if i not in skip})
        out: list[Hit] = []
        held: set[int] = set()
        j = 0
        while j < len(found):
            run = [found[j]]
            while j + 1 < len(found) and _bridged(tokens, run[-1], found[j + 1], skip):
                j += 1
                run.append(found[j])
            j += 1
            keys = [tokens[i][2] or "" for i in run]
            if self._is_phrase(keys):
                first, last = _name(tokens, run[0], run[-1], skip)
                rare = min(self._rare(k) for k in keys)
                out.append(Hit(tokens[first][0], tokens[last][1], rare))
                held.update(range(first, last + 1))
        return out, held

    def _is_phrase(self, keys: list[str]) -> bool:
        """Two or more query words translated, or one word's whole gloss of two words."""
        concepts = {c for key in keys for c in self.marks.glosses[key]}
        if len(concepts) >= 2:
            return True
        joined = f" {' '.join(keys)} "
        return any(f" {p} " in joined for p in self.marks.gloss_phrases)

    def _chinese(self, folded: str, common: list[Hit]) -> list[Hit]:
        """Chinese words; side by side they are one phrase, kept whole."""
        assert self.words is not None
        groups: list[list[re.Match[str]]] = []
        for m in self.words.finditer(folded):
            if groups and groups[-1][-1].end() == m.start():
                groups[-1].append(m)
            else:
                groups.append([m])
        out = []
        for group in groups:
            hit = Hit(group[0].start(), group[-1].end(), min(self._rare(m[0]) for m in group))
            alone = len(group) == 1 and group[0].group(0) in self.frequent
            (common if alone else out).append(hit)
        return out
