"""Choosing a query word's translations with the other query words as context (pure).

A dictionary gives a word several senses (长度: length; 路: road, path, route, way ...). The
senses worth searching for are those the index uses *together with* the translations of the
query's other words: a sense is scored by how many passages hold it and some sense of each
other word (summed over the other words, log-damped), and each word keeps its ``keep`` best
senses; with no evidence at all the dictionary's own order stands.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence

Senses = Sequence[Sequence[frozenset[str]]]  # per query word, its senses (sets of terms)


def rows_of(sense: frozenset[str], postings: Mapping[str, frozenset[int]]) -> frozenset[int]:
    """The passages holding any term of ``sense``."""
    out: frozenset[int] = frozenset()
    for term in sense:
        out |= postings.get(term, frozenset())
    return out


def choose(
    senses: Senses, postings: Mapping[str, frozenset[int]], keep: int
) -> list[list[frozenset[str]]]:
    """For each word, its ``keep`` senses best supported by the other words (ties and the
    no-evidence case keep the dictionary order)."""
    rows = [[rows_of(s, postings) for s in word] for word in senses]
    out: list[list[frozenset[str]]] = []
    for i, word in enumerate(senses):
        if len(word) <= keep:
            out.append(list(word))
            continue
        scores = []
        for k in range(len(word)):
            support = 0.0
            for j, other in enumerate(rows):
                if j != i and other:
                    support += math.log1p(max(len(rows[i][k] & o) for o in other))
            scores.append(support)
        order = sorted(range(len(word)), key=lambda k: (-scores[k], k))
        out.append([word[k] for k in order[:keep]])
    return out
