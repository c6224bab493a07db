"""The keyword index in PostgreSQL, scored exactly as the embedded store's SQLite FTS5 ``bm25()``.

The embedded store writes each chunk's terms (:func:`search.text.terms.keyword_columns`) into an
FTS5 table (columns body, heading, ids; ``unicode61`` tokenizer) and ranks with
``bm25(keywords, 1.0, 0.3, 2.0)``. PostgreSQL's ``ts_rank_cd`` has no IDF, so here the same
statistics are kept in term tables and FTS5's formula is applied in SQL on each shard:

* ``postings(term, id, freq, tf_ids, n_tokens)``: ``freq`` is FTS5's weighted term frequency,
  accumulated in FTS5's order (body hits x 1.0, then + 0.3 per heading hit, then + 2.0 per
  identifier hit), ``tf_ids`` the identifier-column hits, ``n_tokens`` the row's token count;
* ``vocab(term, df, df_ids)``: document frequencies over the whole index (every shard), so the
  IDF is global as in one FTS5 table.

score = sum over the query's phrases, in query order, of
``idf * (freq * (k1 + 1)) / (freq + k1 * (1 - b + b * n_tokens / avgdl))`` with
``idf = log((N - df + 0.5) / (df + 0.5))`` (1e-6 when not positive), k1 = 1.2, b = 0.75.

FTS5 quotes each query word as a phrase; a word the tokenizer splits is a phrase of adjacent
tokens. The query terms split in two ways only (:data:`search.text.terms._WORD`): decimal
numbers and versions (``2.5``, ``1.1.2``: all-digit tokens) and words with an apostrophe
(``China's``, ``don't``). So every run of 2-6 adjacent all-digit tokens, and every word
followed by a token of one or two letters, is indexed as its own posting key (the tokens
joined by a space), wherever the adjacency comes from, as FTS5 would find it. A longer
apostrophe suffix (``o'clock``) is not indexed as a phrase and matches nothing.
"""

from __future__ import annotations

import math
import re
import unicodedata
from collections import Counter
from collections.abc import Iterable

K1 = 1.2
B = 0.75
WEIGHTS = (1.0, 0.3, 2.0)  # body, heading, ids: as search.text.terms.WEIGHTS
_TOKEN = re.compile(r"[^\W_]+")


def tokens(text: str) -> list[str]:
    """FTS5 ``unicode61 remove_diacritics 2`` tokens of an (already term-normalised) string:
    runs of letters and digits, lower-cased, accents of Latin letters dropped."""
    text = text.lower()
    if not text.isascii():
        text = "".join(
            c for c in unicodedata.normalize("NFD", text) if unicodedata.category(c) != "Mn"
        )
    return _TOKEN.findall(text)


def phrase_key(word: str) -> str:
    """The posting key of a query word: its tokens joined by one space ('' when none)."""
    return " ".join(tokens(word))


def postings(columns: tuple[str, str, str]) -> tuple[dict[str, tuple[float, int]], int]:
    """One chunk's keyword columns -> ({key: (freq, identifier hits)}, token count)."""
    counts: list[Counter] = []
    n_tokens = 0
    for col in columns:
        toks = tokens(col)
        found = Counter(toks)
        found.update(phrases(toks))
        n_tokens += len(toks)
        counts.append(found)
    out: dict[str, tuple[float, int]] = {}
    for key in set().union(*counts):
        freq = 0.0
        for weight, found in zip(WEIGHTS, counts, strict=True):
            for _ in range(found.get(key, 0)):
                freq += weight  # FTS5 adds one weight per hit, in column order
        out[key] = (freq, counts[2].get(key, 0))
    return out, n_tokens


MAX_NUMBER_RUN = 6
_SUFFIX = re.compile(r"[a-z]{1,2}")


def phrases(toks: list[str]) -> list[str]:
    """The multi-token posting keys of one column's tokens (see the module notes)."""
    out = []
    for i, tok in enumerate(toks):
        if tok.isdigit():
            j = i + 1
            while j < len(toks) and j - i < MAX_NUMBER_RUN and toks[j].isdigit():
                j += 1
                out.append(" ".join(toks[i:j]))
        elif i + 1 < len(toks) and tok[0].isalpha() and _SUFFIX.fullmatch(toks[i + 1]):
            out.append(f"{tok} {toks[i + 1]}")
    return out


def idf(rows: int, hits: int) -> float:
    """FTS5's IDF for a phrase found in ``hits`` of ``rows`` rows."""
    value = math.log((rows - hits + 0.5) / (hits + 0.5))
    return value if value > 0.0 else 1e-6


def query_phrases(words: Iterable[str]) -> list[tuple[str, int]]:
    """The distinct posting keys of the query words in query order, with how many of the
    (distinct) words map to each key."""
    keys = Counter()
    order: list[str] = []
    for word in dict.fromkeys(words):
        key = phrase_key(word) if word else ""
        if not key:
            continue
        if key not in keys:
            order.append(key)
        keys[key] += 1
    return [(k, keys[k]) for k in order]


def bm25_sql(parts: list[str], ids_only: bool) -> str:
    """A fan-out query: per partition, the top ``%(n)s`` rows by BM25 (the caller merges).

    Parameters: keys (text[]), weights (float8[], idf x multiplicity), k1p1, k1, omb, b,
    avgdl, n. Each partition's subquery is pushed whole to its shard by postgres_fdw."""
    freq = "(tf_ids * 2)::float8" if ids_only else "freq"
    where = "term = ANY(%(keys)s)" + (" AND tf_ids > 0" if ids_only else "")
    term = (
        "(%(weights)s::float8[])[array_position(%(keys)s::text[], term)] * "
        f"(({freq} * %(k1p1)s::float8) / ({freq} + %(k1)s::float8 * "
        "(%(omb)s::float8 + %(b)s::float8 * n_tokens::float8 / %(avgdl)s::float8)))"
    )
    one = (
        f"(SELECT id, sum({term} ORDER BY array_position(%(keys)s::text[], term)) AS score "
        f"FROM {{part}} WHERE {where} GROUP BY id ORDER BY score DESC, id LIMIT %(n)s)"
    )
    # no ORDER BY over the union: a plain Append runs the shards' subqueries concurrently
    # (async), where a merge of their sorted outputs would run them one after the other
    return " UNION ALL ".join(one.format(part=p) for p in parts)


def bm25_params(
    phrases: list[tuple[str, int]],
    stats: dict[str, tuple[int, int]],
    rows: int,
    avgdl: float,
    n: int,
    ids_only: bool,
) -> dict | None:
    """Query parameters for :func:`bm25_sql`, or None when no phrase is in the index."""
    keys, weights = [], []
    for key, times in phrases:
        hits = stats.get(key, (0, 0))[1 if ids_only else 0]
        if hits == 0:
            continue
        w = idf(rows, hits)
        keys.append(key)
        weights.append(w * times)
    if not keys:
        return None
    return {
        "keys": keys,
        "weights": weights,
        "k1p1": K1 + 1.0,
        "k1": K1,
        "omb": 1 - B,
        "b": B,
        "avgdl": avgdl,
        "n": n,
    }
