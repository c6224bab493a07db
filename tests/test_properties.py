"""Property tests (Hypothesis) for the invariants the engine relies on.

- citation offsets: for any text a cleaner accepts, every passage's visible characters occur,
  in order, inside ``source[char_start:char_end]`` (cleaners + chunker + aligner);
- spans: merged highlight spans never overlap and never leave the text; the marked HTML shows
  exactly the window's text;
- ranking: ``balance`` and fusion are deterministic and keep every candidate exactly once;
- FTS quoting: any string, quoted, is a valid SQLite FTS5 MATCH expression;
- normalisation is idempotent.

The profile (``HYPOTHESIS_PROFILE``: ``quick`` by default, ``ci`` in ``.ci/run``) sets how many
examples each property tries.
"""

from __future__ import annotations

import html
import re
import sqlite3

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

# The functions under test (one import block, so a move of the ranking code is one edit here).
from search.embed import normalize
from search.eval import normal
from search.ingest.align import Aligner
from search.ingest.chunk import ChunkSizes, chunk_document, sentence_spans
from search.ingest.cleaners import CLEANERS
from search.ingest.cleaners.magazine_parts import TABLE_SEPARATOR
from search.ingest.cleaners.plain import clean_plain
from search.rank.emphasis import Highlighter
from search.rank.fusion import balance, combine, dense_scores, fuse
from search.rank.marks import marks
from search.rank.snippet import merge_spans
from search.store.write import SCHEMA
from search.text.terms import chinese_phrases, quote
from web.highlight import clean_spans, marked, window

# --- text strategies -------------------------------------------------------------------------

CJK = "标准化委员会国际组织碳达峰中和发布实施技术规范管理办法年月日的了在是"
LATIN_WORDS = ["ISO", "standard", "GB/T", "1.1-2020", "CEN/TC", "474", "the", "of", "e.g.", "U.S."]
PUNCT = list("。，；！？：、“”（）《》.,;:!?()[]\"'-–/") + ["..."]
SPACE = [" ", " ", "\n", "\n\n", "\t", "\u3000", "\xa0"]
LINE_STARTS = ["# ", "## ", "- ", "1. ", "（一）", "第一章 ", "图1 ", "表 2 ", "* "]

token = st.one_of(
    st.text(alphabet=CJK, min_size=1, max_size=12),
    st.sampled_from(LATIN_WORDS),
    st.sampled_from(PUNCT),
    st.sampled_from(SPACE),
    st.sampled_from(LINE_STARTS).map(lambda s: "\n" + s),
    st.text(min_size=1, max_size=3),  # anything at all, now and then
)
documents = st.lists(token, max_size=120).map("".join)
texts = st.text(max_size=300)
FEW = settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)


def in_order(needle: str, haystack: str) -> bool:
    """Whether the non-space characters of ``needle`` occur, in order, in ``haystack``."""
    it = iter(haystack)
    return all(ch in it for ch in needle if not ch.isspace())


# --- citation offsets ------------------------------------------------------------------------

CLEANER_NAMES = ["plain", *sorted(CLEANERS)]


def clean_with(name: str, source: str):
    return clean_plain(source, "Title") if name == "plain" else CLEANERS[name](source)


def visible(text: str) -> str:
    """``text`` less what a cleaner may insert: the ``|`` of the magazine cleaner's table-cell
    separator (a tab in the source; documented in ``cleaners/magazine.py``)."""
    return text.replace(TABLE_SEPARATOR, " ")


@pytest.mark.parametrize("cleaner", CLEANER_NAMES)
@FEW
@given(source=documents)
def test_paragraph_offsets_resolve_to_their_text(cleaner: str, source: str) -> None:
    for para in clean_with(cleaner, source).paragraphs:
        assert 0 <= para.start <= para.end <= len(source)
        assert in_order(visible(para.text), source[para.start : para.end]), para


@pytest.mark.parametrize("cleaner", CLEANER_NAMES)
@FEW
@given(source=documents, max_units=st.integers(4, 60))
def test_passage_offsets_resolve_to_their_text(cleaner: str, source: str, max_units: int) -> None:
    sizes = ChunkSizes(max_units=max_units, min_units=max_units // 4)
    chunks = chunk_document("doc", source, clean_with(cleaner, source), sizes)
    for chunk in chunks:
        assert 0 <= chunk.char_start <= chunk.char_end <= len(source)
        assert in_order(visible(chunk.text), source[chunk.char_start : chunk.char_end]), chunk
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))


@FEW
@given(source=documents, data=st.data())
def test_aligner_maps_a_cleaned_slice_inside_the_paragraph(source: str, data) -> None:
    paragraphs = clean_plain(source).paragraphs
    assume(paragraphs)
    para = data.draw(st.sampled_from(paragraphs))
    i = data.draw(st.integers(0, len(para.text)))
    j = data.draw(st.integers(i, len(para.text)))
    start, end = Aligner(source, para.start, para.end).span(para.text, i, j)
    assert para.start <= start <= end <= para.end
    assert in_order(para.text[i:j], source[start:end])


@given(text=texts)
def test_sentence_spans_are_ordered_trimmed_and_inside(text: str) -> None:
    spans = sentence_spans(text)
    for a, b in spans:
        assert 0 <= a < b <= len(text)
        assert not text[a].isspace() and not text[b - 1].isspace()
    assert all(b <= c for (_, b), (c, _) in zip(spans, spans[1:], strict=False))
    outside = "".join(ch for i, ch in enumerate(text) if not any(a <= i < b for a, b in spans))
    assert not outside.strip(), "only white space is left out of the sentences"


# --- spans and highlighting ------------------------------------------------------------------

spans_in = st.lists(st.tuples(st.integers(-20, 320), st.integers(-20, 320)), max_size=12)


def assert_clean(spans: list[tuple[int, int]], length: int) -> None:
    assert all(0 <= a < b <= length for a, b in spans)
    assert all(b < c for (_, b), (c, _) in zip(spans, spans[1:], strict=False)), "apart"


@given(spans=spans_in)
def test_merge_spans_keeps_covered_positions_and_never_overlaps(spans) -> None:
    merged = merge_spans(spans)
    assert all(a < b for a, b in merged)
    assert all(b < c for (_, b), (c, _) in zip(merged, merged[1:], strict=False))
    covered = {i for a, b in spans for i in range(a, b)}
    assert covered == {i for a, b in merged for i in range(a, b)}
    assert merge_spans(merged) == merged


@given(spans=spans_in, length=st.integers(0, 300))
def test_clean_spans_stay_inside_and_apart(spans, length: int) -> None:
    good = clean_spans(spans, length)
    assert_clean(good, length)
    wanted = {i for a, b in spans for i in range(max(0, a), min(length, b))}
    assert wanted == {i for a, b in good for i in range(a, b)}


@FEW
@given(query=documents, text=documents)
def test_highlighter_spans_are_inside_and_apart(query: str, text: str) -> None:
    spans = Highlighter(marks(query, chinese_phrases(query), [])).spans(text)
    assert_clean(spans, len(text))


MARK = re.compile(r"</?mark>")


@FEW
@given(
    text=texts, spans=spans_in, width=st.integers(1, 400), focus=st.none() | st.integers(-5, 400)
)
def test_marked_html_shows_the_window_text_once(text, spans, width, focus) -> None:
    good = clean_spans(spans, len(text))
    lo, hi = window(text, good, width, focus)
    assert 0 <= lo <= hi <= len(text)
    out = str(marked(text, spans, width, focus))
    assert out.count("<mark>") == out.count("</mark>")
    assert "<mark><mark>" not in out and "</mark></mark>" not in out
    plain = html.unescape(MARK.sub("", out))
    assert plain == ("…" if lo > 0 else "") + text[lo:hi] + ("…" if hi < len(text) else "")


# --- ranking: determinism, every candidate once ----------------------------------------------

N_ROWS = 40
ranked_lists = st.lists(
    st.tuples(st.integers(0, N_ROWS - 1), st.floats(-1, 1, allow_nan=False)),
    max_size=N_ROWS,
    unique_by=lambda x: x[0],
).map(lambda xs: sorted(xs, key=lambda kv: (-kv[1], kv[0])))
langs_of = st.lists(st.sampled_from(["zh", "en"]), min_size=N_ROWS, max_size=N_ROWS).map(np.array)


def ids(ranked) -> list[int]:
    return [rid for rid, _ in ranked]


@given(ranked=ranked_lists, langs=langs_of, k=st.integers(1, 15), minimum=st.integers(0, 4))
def test_balance_is_deterministic_and_keeps_every_candidate_once(ranked, langs, k, minimum):
    out = balance(ranked, langs, k, minimum)
    assert out == balance(list(ranked), langs.copy(), k, minimum)
    assert sorted(out) == sorted(ranked)  # same (id, score) pairs, each once
    top = out[:k]
    for code in ("zh", "en"):
        available = sum(1 for rid, _ in ranked if langs[rid] == code)
        have = sum(1 for rid, _ in top if langs[rid] == code)
        others_spare = len(top) - have > minimum  # room to swap one in
        assert have >= min(minimum, available) or not others_spare


@given(
    dense=ranked_lists,
    keyword=ranked_lists,
    translated=ranked_lists,
    identifier=ranked_lists,
    langs=langs_of,
    query_lang=st.sampled_from(["zh", "en"]),
    names=st.sets(st.sampled_from(["dense", "keyword", "translated", "identifier"])),
    front=st.none() | st.lists(st.booleans(), min_size=N_ROWS, max_size=N_ROWS).map(np.array),
)
def test_fusion_is_deterministic_and_keeps_every_candidate_once(
    dense, keyword, translated, identifier, langs, query_lang, names, front
) -> None:
    every = {"dense": dense, "keyword": keyword, "translated": translated, "identifier": identifier}
    lists = {n: every[n] for n in names}
    out = fuse(lists, langs, query_lang, front)
    assert out == fuse({n: lists[n] for n in sorted(lists, reverse=True)}, langs, query_lang, front)
    # the learned fusion (dense and keyword lists: a hybrid search) keeps every candidate;
    # with fixed weights a keyword list may lift only its scope (own words: the query's
    # language; translations: the other; identifiers: any)
    learned = "dense" in lists and "keyword" in lists
    scope = {
        "dense": lambda rid: True,
        "keyword": lambda rid: learned or "dense" not in lists or langs[rid] == query_lang,
        "translated": lambda rid: learned or "dense" not in lists or langs[rid] != query_lang,
        "identifier": lambda rid: True,
    }
    expected = {rid for n, ranked in lists.items() for rid, _ in ranked if scope[n](rid)}
    assert set(ids(out)) == expected
    assert len(ids(out)) == len(set(ids(out)))
    assert out == sorted(out, key=lambda kv: (-kv[1], kv[0]))


@given(
    chunks=st.dictionaries(st.integers(0, N_ROWS), st.floats(-1, 1), max_size=20),
    windows=st.lists(st.tuples(st.integers(0, N_ROWS), st.floats(-1, 1)), max_size=30),
    weight=st.floats(0, 1),
)
def test_dense_scores_and_combine_keep_every_candidate_once(chunks, windows, weight) -> None:
    out = dense_scores(chunks, windows, weight)
    assert sorted(ids(out)) == sorted(chunks)
    assert combine(dict(out), []) == combine(dict(out), [])
    assert sorted(ids(combine(dict(out), []))) == sorted(chunks)


# --- FTS quoting -----------------------------------------------------------------------------


TOKENIZER = re.search(r"tokenize = '([^']+)'", SCHEMA).group(1)  # the keyword index's


@pytest.fixture(scope="module")
def fts() -> sqlite3.Connection:
    """A real FTS5 table with the keyword index's tokenizer and a few rows."""
    db = sqlite3.connect(":memory:")
    db.execute(
        f"CREATE VIRTUAL TABLE keywords USING fts5 (body, heading, ids, tokenize = '{TOKENIZER}')"
    )
    rows = [("iso standard 标准", "heading", "iso tc 202"), ('quote " and * star', "", "")]
    db.executemany("INSERT INTO keywords VALUES (?, ?, ?)", rows)
    return db


@FEW
@given(words=st.lists(st.text(max_size=20), max_size=6))
def test_any_quoted_words_are_a_valid_fts5_query(fts: sqlite3.Connection, words) -> None:
    expr = quote(words)
    if not expr:
        assert not any(w.replace("\x00", "") for w in words)  # nothing left to look for
        return
    fts.execute("SELECT rowid FROM keywords WHERE keywords MATCH ?", (expr,)).fetchall()
    fts.execute("SELECT rowid FROM keywords WHERE keywords MATCH ?", (f"ids : ({expr})",))


@given(
    word=st.text(alphabet=st.characters(categories=["L", "N"]), min_size=1, max_size=10),
    before=st.sampled_from(["", "some text ", "标准 "]),
)
def test_a_quoted_word_finds_the_row_that_holds_it(word: str, before: str) -> None:
    db = sqlite3.connect(":memory:")
    db.execute(
        "CREATE VIRTUAL TABLE t USING fts5 (body, tokenize = 'unicode61 remove_diacritics 2')"
    )
    db.executemany("INSERT INTO t VALUES (?)", [("nothing here",), (before + word + " end",)])
    found = db.execute("SELECT rowid FROM t WHERE t MATCH ?", (quote([word]),)).fetchall()
    assert (2,) in found


# --- normalisation ---------------------------------------------------------------------------


@given(text=texts)
def test_relevance_normalisation_is_idempotent(text: str) -> None:
    assert normal(normal(text)) == normal(text)


@given(
    rows=st.lists(
        st.lists(st.floats(-1e3, 1e3, allow_subnormal=False), min_size=4, max_size=4),
        min_size=1,
        max_size=5,
    )
)
def test_vector_normalisation_is_idempotent(rows) -> None:
    vectors = np.array(rows, dtype=np.float32)
    once = normalize(vectors)
    assert np.allclose(normalize(once), once, atol=1e-5)
