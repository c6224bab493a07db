"""Snippets and near-duplicate detection for results (pure functions)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from search.text.normalize import fold
from search.text.sentences import sentence_spans

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


REACH = 280  # characters from a snippet's start that a short display is sure to show


def snippet_window(
    text: str,
    hits: Sequence[tuple[int, int, int]],
    window: Span | None = None,
    must: Span | None = None,
) -> Span:
    """The snippet of ``text``: one or two consecutive sentences that hold ``must`` (a stated
    answer), else the rarest of the marked ``hits`` (start, end, document frequency), within
    ``REACH`` of their start when they can; then the ones overlapping ``window`` (the sentence
    window the encoder matched best) the most; then holding the most marked words, weighed by
    rarity; then two sentences rather than one; then the one starting nearest before what it
    holds (else the earliest)."""
    sents = sentence_spans(text)
    if not sents:
        return (0, len(text))
    anchor = must
    if anchor is None and hits:
        rarest = min(hits, key=lambda h: (h[2], h[0]))
        anchor = (rarest[0], rarest[1])

    def score(span: tuple[int, int, int]) -> tuple[bool, bool, int, float, bool, int]:
        a, b, n = span
        holds = anchor is not None and a <= anchor[0] and anchor[1] <= b
        near = holds and anchor is not None and anchor[1] - a <= REACH
        overlap = max(0, min(b, window[1]) - max(a, window[0])) if window else 0
        weight = sum(1 / (1 + h[2]) for h in hits if a <= h[0] and h[1] <= b)
        lead = anchor[0] - a if holds and anchor is not None else a  # from its start
        return holds, near, overlap, weight, n == 2, -lead

    last = len(sents) - 1
    spans = [(sents[i][0], sents[min(i + n - 1, last)][1], n) for i in range(last + 1)
             for n in (1, 2) if n == 1 or i < last]  # fmt: skip
    a, b, _ = max(spans, key=score)
    return a, b


class Shingles(frozenset[str]):
    """A fingerprint: the shingle set, with a bit mask of its shingles' hashes (``bits``) that
    lets ``near_duplicate`` turn most pairs down without intersecting the sets."""

    bits: int


MASK_BITS = 4096  # bits of the mask; a few hundred shingles leave most of them clear


def fingerprint(text: str) -> Shingles:
    """Near-duplicate fingerprint of a text: character 4-gram shingles of its matching form,
    padded at both ends so that every character (the first and last too) sits in four
    shingles, plus its numbers (as ``#257``), which two copies of one passage share."""
    t = _SPACE.sub("", fold(text))
    padded = f"\x02\x02\x02{t}\x03\x03\x03"
    shingles = {padded[i : i + 4] for i in range(len(padded) - 3)}
    out = Shingles(shingles | {"#" + n for n in _NUMBER.findall(t)})
    mask = bytearray(MASK_BITS // 8)
    for s in out:
        h = hash(s) % MASK_BITS
        mask[h >> 3] |= 1 << (h & 7)
    out.bits = int.from_bytes(mask, "little")
    return out


def near_duplicate(a: frozenset[str], b: frozenset[str], threshold: float = 0.8) -> bool:
    """True when one passage is (almost) contained in the other and states no number the
    other does not: 旅客们在排队上车 / 乘客们在排队上车 differ in a quarter of their shingles
    and stay apart; a paragraph quoted with 2022 and again with 2023 is two passages."""
    if not a or not b:
        return False
    small, large = (a, b) if len(a) <= len(b) else (b, a)
    # each bit set in ``small``'s mask and clear in ``large``'s stands for at least one
    # shingle missing from the intersection: when that many are, the sets need no looking at
    mine, theirs = getattr(small, "bits", None), getattr(large, "bits", None)
    if mine is not None and theirs is not None:
        missing = (mine & ~theirs).bit_count()
        if (len(small) - missing) / len(small) < threshold:
            return False
    if len(a & b) / len(small) < threshold:
        return False
    return all(s in large for s in small if s[0] == "#")
