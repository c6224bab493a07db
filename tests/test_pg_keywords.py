"""The PostgreSQL backend's keyword statistics reproduce SQLite FTS5's bm25() exactly.

No PostgreSQL here: the FTS5 formula is applied in Python to the postings the PostgreSQL
backend stores (the same float operations its SQL runs), and compared with FTS5 itself on
random documents in both languages' term shapes."""

from __future__ import annotations

import random
import sqlite3

import pytest

from search.store import pg_keywords as K
from search.store.local import fts_search as bm25_search
from search.text.terms import WEIGHTS, keyword_columns

WORDS = [
    "standard",
    "2.5",
    "china's",
    "标准",
    "委员会",
    "gbt314152019",
    "3",
    "5",
    "iso",
    "s",
    "café",
]


def fts5(rows: list[tuple[str, str, str]]) -> sqlite3.Connection:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE keywords USING fts5 (body, heading, ids, "
        "tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO keywords (rowid, body, heading, ids) VALUES (?,?,?,?)",
                   [(i, *r) for i, r in enumerate(rows)])  # fmt: skip
    return db


def reference(rows, words, ids_only=False) -> list[tuple[int, float]]:
    """FTS5's bm25 from the postings the PostgreSQL backend writes, summed in query order."""
    posted = [K.postings(r) for r in rows]
    n = len(rows)
    avgdl = sum(t for _, t in posted) / n
    df: dict[str, int] = {}
    for found, _ in posted:
        for key, (_, tf_ids) in found.items():
            if not ids_only or tf_ids:
                df[key] = df.get(key, 0) + 1
    params = K.bm25_params(K.query_phrases(words), {k: (v, v) for k, v in df.items()}, n, avgdl,
                           n, ids_only)  # fmt: skip
    if params is None:
        return []
    weight = dict(zip(params["keys"], params["weights"], strict=True))
    out = []
    for rid, (found, tokens) in enumerate(posted):
        score, hit = 0.0, False
        for key in params["keys"]:
            if key not in found or (ids_only and not found[key][1]):
                continue
            f = float(found[key][1] * 2) if ids_only else found[key][0]
            k1, b = params["k1"], params["b"]
            score += weight[key] * (
                (f * params["k1p1"]) / (f + k1 * (params["omb"] + b * tokens / avgdl))
            )
            hit = True
        if hit:
            out.append((rid, score))
    return sorted(out, key=lambda h: (-h[1], h[0]))


def random_rows(seed: int, n: int = 40) -> list[tuple[str, str, str]]:
    rng = random.Random(seed)
    return [
        (
            " ".join(rng.choices(WORDS, k=rng.randint(1, 30))),
            " ".join(rng.choices(WORDS, k=rng.randint(0, 4))),
            " ".join(rng.choices(["gbt314152019", "gbt31415", "iso9001"], k=rng.randint(0, 2))),
        )
        for _ in range(n)
    ]


@pytest.mark.parametrize("seed", range(8))
def test_bm25_equals_fts5_on_random_rows(seed: int) -> None:
    rows = random_rows(seed)
    db = fts5(rows)
    rng = random.Random(seed + 100)
    for _ in range(10):
        words = rng.sample(WORDS, rng.randint(1, 4))
        assert reference(rows, words) == bm25_search(db, words, len(rows))


@pytest.mark.parametrize("seed", range(4))
def test_identifier_column_bm25_equals_fts5(seed: int) -> None:
    rows = random_rows(seed)
    db = fts5(rows)
    for word in ("gbt314152019", "gbt31415", "iso9001"):
        assert reference(rows, [word], ids_only=True) == bm25_search(db, [word], 40, "ids")


def test_real_passage_terms_in_both_languages() -> None:
    rows = [
        keyword_columns("GB/T 31415-2019 规定了家用电动机的能效要求。", "电动机标准"),
        keyword_columns("The IEEE 802.3 amendment adds rates from 2.5 to 50 Gb/s.", "Ethernet"),
        keyword_columns("China's standards body said 2.5 million; version 1.1.2 of ISO 9001.", ""),
        keyword_columns("Standards: 2, 5 and 25 — China’s plan.", "China"),
    ]
    db = fts5(rows)
    for words in (["2.5"], ["china's"], ["电动机", "标准"], ["1.1.2", "iso"], ["standard"]):
        assert reference(rows, words) == bm25_search(db, words, 10), words


@pytest.mark.parametrize(
    ("tokens", "expected"),
    [
        (["2", "5"], ["2 5"]),
        (["1", "1", "2"], ["1 1", "1 1 2", "1 2"]),
        (["china", "s"], ["china s"]),
        (["china", "standard"], []),
        (["标准", "s"], ["标准 s"]),
    ],
)
def test_phrase_keys(tokens: list[str], expected: list[str]) -> None:
    assert K.phrases(tokens) == expected


def test_query_phrases_keep_order_and_count_duplicates() -> None:
    assert K.query_phrases(["2.5", "iso", "2 5", "", "iso"]) == [("2 5", 2), ("iso", 1)]


def test_weights_match_the_embedded_store() -> None:
    assert K.WEIGHTS == WEIGHTS
