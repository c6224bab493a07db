"""Snippets, highlights and near-duplicate detection for results (pure functions)."""

from __future__ import annotations

import re
from itertools import islice
from typing import TYPE_CHECKING

from search.text.normalize import fold, fold_aligned
from search.text.sentences import sentence_spans
from search.text.terms import STOP_EN, stem

if TYPE_CHECKING:
    from search.rank.analysis import Marks

LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z0-9'’-]*|\d+(?:\.\d+)?")
_SPACE = re.compile(r"\s+")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")

Span = tuple[int, int]


def merge_spans(spans: list[Span]) -> list[Span]:
    """Sort and merge overlapping or touching spans."""
    out: list[Span] = []
    for a, b in sorted(s for s in spans if s[1] > s[0]):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def _identifier_pattern(ident: str) -> re.Pattern[str]:
    """A pattern matching an identifier however it is spaced or hyphenated."""
    chars = [re.escape(c) for c in re.sub(r"[\s\-/:.]", "", ident)]
    return re.compile(r"\s?[\-/:.]?\s?".join(chars), re.IGNORECASE)


class Highlighter:
    """Finds the spans of a text that match one query's :class:`Marks`: identifiers (however
    spaced), English words by stem, Chinese words (and dictionary translations) literally, all
    in the text's matching form (full-width, case and traditional characters folded) at the
    offsets of the text as shown. Built once per query; :meth:`spans` runs once per result."""

    def __init__(self, marks: Marks) -> None:
        self.identifiers = [_identifier_pattern(i) for i in marks.identifiers]
        self.stems = marks.stems
        self.words = re.compile("|".join(map(re.escape, marks.words))) if marks.words else None

    def spans(self, text: str) -> list[Span]:
        text = fold_aligned(text)  # same offsets as the shown text, matched in folded form
        found: list[Span] = []
        for pattern in self.identifiers:
            found += [m.span() for m in pattern.finditer(text)]
        if self.stems:
            for m in LATIN_WORD.finditer(text):
                word = m.group(0)
                if word.lower() not in STOP_EN and stem(word) in self.stems:
                    found.append(m.span())
        if self.words is not None:
            found += [m.span() for m in self.words.finditer(text)]
        return merge_spans(found)


def best_sentences(text: str, spans: list[Span], max_sentences: int = 2) -> Span:
    """The one or two consecutive sentences covering the most highlighted characters."""
    sents = sentence_spans(text)
    if not sents:
        return (0, len(text))
    best, best_score = (sents[0][0], sents[min(max_sentences, len(sents)) - 1][1]), -1
    for i in range(len(sents)):
        a, b = sents[i][0], sents[min(i + max_sentences, len(sents)) - 1][1]
        covered = sum(max(0, min(b, e) - max(a, s)) for s, e in spans)
        if covered > best_score:
            best, best_score = (a, b), covered
    return best


class Shingles(frozenset[str]):
    """A fingerprint: the shingle set, with a fixed part of it (``sample``) that lets
    ``near_duplicate`` turn most pairs down after looking at that part alone."""

    sample: frozenset[str]


SAMPLE_SHARE = 3  # one shingle in three


def fingerprint(text: str) -> Shingles:
    """Near-duplicate fingerprint of a text: character 4-gram shingles of its matching form,
    padded at both ends so that every character (the first and last too) sits in four
    shingles, plus its numbers (as ``#257``), which two copies of one passage share."""
    t = _SPACE.sub("", fold(text))
    padded = f"\x02\x02\x02{t}\x03\x03\x03"
    shingles = {padded[i : i + 4] for i in range(len(padded) - 3)}
    out = Shingles(shingles | {"#" + n for n in _NUMBER.findall(t)})
    out.sample = frozenset(islice(out, len(out) // SAMPLE_SHARE))
    return out


def near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.8) -> bool:
    """True when one passage is (almost) contained in the other and states no number the
    other does not: 旅客们在排队上车 / 乘客们在排队上车 differ in a quarter of their shingles
    and stay apart; a paragraph quoted with 2022 and again with 2023 is two passages."""
    if not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    # shingles of the sample missing from ``large`` are missing from the intersection too:
    # when that many are, the whole need not be looked at
    sample = getattr(small, "sample", None)
    if sample is not None and (len(small) - len(sample - large)) / len(small) < threshold:
        return False
    if len(a & b) / len(small) < threshold:
        return False
    return all(s in large for s in small if s[0] == "#")
