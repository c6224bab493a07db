"""The matching form of text (search/text/normalize.py, query_form.py, script.py)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from search.text.normalize import fold, fold_aligned, simplified
from search.text.query_form import encoder_text, query_form, strip_marks
from search.text.script import is_cjk, is_ideograph
from search.text.terms import terms


@pytest.mark.parametrize(
    ("text", "folded"),
    [
        ("ＧＢ／Ｔ　３１４１５－２０１９", "gb/t 31415-2019"),  # full-width forms
        ("GB／T 31415—2019", "gb/t 31415-2019"),  # Chinese slash and em dash
        ("IEC\u2011TC\u2010117", "iec-tc-117"),  # non-breaking and plain hyphens
        ("ＥＳＧ", "esg"),
        ("華光集團參與起草了多少項行業標準", "华光集团参与起草了多少项行业标准"),
        ("這條路的長度是三公里", "这条路的长度是三公里"),
        ("已经是简体", "已经是简体"),
        ("ﬁnance ①", "finance 1"),  # compatibility ligature and circled digit
    ],
)
def test_fold(text: str, folded: str) -> None:
    assert fold(text) == folded


@given(st.text(max_size=40))
def test_fold_aligned_keeps_length_and_is_idempotent(text: str) -> None:
    aligned = fold_aligned(text)
    assert len(aligned) == len(text)
    assert fold_aligned(aligned) == aligned


@given(st.text(max_size=40))
def test_fold_is_idempotent(text: str) -> None:
    assert fold(fold(text)) == fold(text)


def test_simplified_leaves_latin_alone() -> None:
    assert simplified("Standards 2023") == "Standards 2023"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (
            "Where is the secretariat of ISO/TC 307 located?",
            "where is the secretariat of iso/tc 307 located",
        ),
        ("ＧＢ／Ｔ　３１４１５－２０１９", "GB/T 31415-2019"),
        ("GB／T 31415—2019", "gb / t 31415 - 2019"),
        ("華光集團參與起草了多少項行業標準？", "华光集团参与起草了多少项行业标准"),
        ("“ESG” 标准！", "esg 标准"),
    ],
)
def test_query_form_is_one_for_every_typing(a: str, b: str) -> None:
    assert query_form(a) == query_form(b)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("gb/t 31415-2019?", "gb/t 31415-2019"),
        ("what is it? 802.3cz", "what is it 802.3cz"),
        ("标准，规范。", "标准 规范"),
        ("o'clock", "o'clock"),
    ],
)
def test_strip_marks_keeps_joining_marks(text: str, expected: str) -> None:
    assert strip_marks(text) == expected


@pytest.mark.parametrize(
    ("typed", "encoded", "matched"),
    [
        (
            "PUE targets of cloud centres",
            "PUE targets of cloud centres",
            "pue targets of cloud centres",
        ),
        (
            "ＰＵＥ  targets\tof  cloud centres ",
            "PUE targets of cloud centres",
            "pue targets of cloud centres",
        ),
        ("數據中心 PUE 指標？", "数据中心 PUE 指标", "数据中心 pue 指标"),
        ("Who chairs TC 99?", "Who chairs TC 99", "who chairs tc 99"),
        ("ＧＢ／Ｔ　３１４１５－２０１９ scope", "GB/T 31415-2019 scope", "gb/t 31415-2019 scope"),
        ("Ｔ/ＣＡＳ 5  and t/cas 5", "T/CAS 5 and T/CAS 5", "t/cas 5 and t/cas 5"),
    ],
)
def test_encoder_text_keeps_case_matching_form_folds_it(typed, encoded, matched) -> None:
    """The encoder reads acronyms in capitals as typed; matching stays case-insensitive."""
    assert encoder_text(typed) == encoded
    assert query_form(typed) == matched


def test_query_form_of_only_marks_is_not_empty() -> None:
    assert query_form("???") == "???"


@pytest.mark.parametrize(
    ("a", "b"),
    [
        ("華光集團參與起草標準", "华光集团参与起草标准"),
        ("ＥＳＧ Ｄｉｓｃｌｏｓｕｒｅ", "esg disclosure"),
        ("Standards ISO", "standards iso"),
    ],
)
def test_terms_are_the_same_for_documents_and_queries_however_written(a: str, b: str) -> None:
    assert terms(a, drop_stop=False) == terms(b, drop_stop=False)


@pytest.mark.parametrize(
    ("ch", "ideograph", "cjk"),
    [
        ("中", True, True),
        ("。", False, True),
        ("Ａ", False, True),
        ("A", False, False),
        ("𠀀", True, True),
    ],
)
def test_script_classes(ch: str, ideograph: bool, cjk: bool) -> None:
    assert is_ideograph(ch) is ideograph
    assert is_cjk(ch) is cjk


def test_an_index_from_before_the_matching_form_is_refused(tiny_corpus, tmp_path) -> None:
    import json

    from search.build import build
    from search.errors import BadIndexError
    from search.searcher import Searcher
    from search.store.generations import resolve

    out = tmp_path / "index"
    build([tiny_corpus], out, encoder="hashing:64")
    manifest = resolve(out) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 3  # keyword terms of format 3 were not in the matching form
    manifest.write_text(json.dumps(data))
    with pytest.raises(BadIndexError, match="rebuild it with 'python build_index.py'"):
        Searcher.open(out)
