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
The passage is folded and its words stemmed once per call.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import NamedTuple, Protocol

from search.rank.marks import LATIN_WORD, Marks
from search.rank.snippet import merge_spans
from search.text.normalize import fold_aligned
from search.text.terms import STOP_EN, stem

FREQUENT = 0.2  # share of passages a word may occur in and still be worth marking on its own
RARE = 0  # the frequency given to an identifier: rarer than any word
UNSEEN = 1 << 30  # the frequency of a term the index does not count

Span = tuple[int, int]
Token = tuple[int, int, str | None]  # start, end, stem (None: a stop word)


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


def _joined(folded: str, left: Token, right: Token) -> bool:
    """Whether two words stand side by side (spaces between them, no line break or mark)."""
    gap = folded[left[1] : right[0]]
    return bool(gap) and gap.strip(" \t") == ""


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
        tokens: list[Token] = []
        for m in LATIN_WORD.finditer(folded):
            a, b = m.span()
            if not any(s <= a < e for s, e in taken):
                word = m.group(0)
                tokens.append((a, b, None if word in STOP_EN else stem(word)))
        out, in_phrase = self._phrases(text, folded, tokens)
        marks = self.marks
        for i, (a, b, key) in enumerate(tokens):
            if key is None or i in in_phrase or key not in marks.stems:
                continue
            if folded[a:b] not in marks.pieces:
                (common if key in self.frequent else out).append(Hit(a, b, self._rare(key)))
        return out

    def _phrases(self, text: str, folded: str, tokens: list[Token]) -> tuple[list[Hit], set[int]]:
        """Translated phrases among ``tokens``, and the tokens they hold."""
        glosses = self.marks.glosses
        if not glosses:
            return [], set()
        out: list[Hit] = []
        held: set[int] = set()
        i, n = 0, len(tokens)
        while i < n:
            if tokens[i][2] not in glosses:
                i += 1
                continue
            last = k = i
            while k + 1 < n and _joined(folded, tokens[k], tokens[k + 1]):
                k += 1
                if tokens[k][2] in glosses:
                    last = k
                elif tokens[k][2] is not None:
                    break  # a stop word may stand inside a phrase, another word may not
            run = [t for t in tokens[i : last + 1] if t[2] in glosses]
            if self._is_phrase([t[2] for t in run if t[2]]):
                first, end = self._name(text, folded, tokens, i, last)
                out.append(
                    Hit(tokens[first][0], tokens[end][1], min(self._rare(t[2] or "") for t in run))
                )
                held.update(range(first, end + 1))
            i = last + 1
        return out, held

    def _is_phrase(self, keys: list[str]) -> bool:
        """Two or more query words translated, or one word's whole gloss of two words."""
        concepts = {c for key in keys for c in self.marks.glosses[key]}
        if len(concepts) >= 2:
            return True
        joined = f" {' '.join(keys)} "
        return any(f" {p} " in joined for p in self.marks.gloss_phrases)

    @staticmethod
    def _name(text: str, folded: str, tokens: list[Token], i: int, last: int) -> Span:
        """Token numbers of the phrase ``i`` .. ``last``, widened over the capitalised words
        of the name it is part of when its own words are capitalised."""
        inside = [t for t in tokens[i : last + 1] if t[2] is not None]
        if not all(text[a].isupper() for a, _, _ in inside):
            return i, last

        def name_word(t: Token) -> bool:
            return t[2] is not None and text[t[0]].isupper()

        while last + 1 < len(tokens) and _joined(folded, tokens[last], tokens[last + 1]):
            if not name_word(tokens[last + 1]):
                break
            last += 1
        while i > 0 and _joined(folded, tokens[i - 1], tokens[i]) and name_word(tokens[i - 1]):
            i -= 1
        return i, last

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
