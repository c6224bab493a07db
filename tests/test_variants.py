"""Query variants (search/variants.py) and the --variants report on a real tiny index."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from search.eval import main as eval_main
from search.searcher import Searcher
from search.variants import derive, full_width, id_punct, keywords, lower_nopunct, traditional


@pytest.mark.parametrize(
    ("fn", "q", "expected"),
    [
        (full_width, "GB/T 31415 ESG", "ＧＢ／Ｔ\u3000３１４１５\u3000ＥＳＧ"),
        (traditional, "华光集团参与起草了多少项标准", "華光集團參與起草了多少項標準"),
        (traditional, "no Chinese here", None),
        (lower_nopunct, "Where is ISO/TC 307 located?", "where is iso/tc 307 located"),
        (id_punct, "GB/T 31415-2019", "GB ／ T 31415 — 2019"),
        (id_punct, "no identifier", None),
        (
            keywords,
            "Where is the secretariat of ISO/TC 307 located?",
            "secretariat ISO/TC 307 located",
        ),
    ],
)
def test_variant_forms(fn, q: str, expected: str | None) -> None:
    assert fn(q) == expected


def test_derive_skips_forms_equal_to_the_query() -> None:
    assert "lower-nopunct" not in derive("plain words")
    assert set(derive("碳捕集技术委员会在哪里")) >= {"traditional", "keywords"}


@pytest.mark.parametrize(
    "query", ["CEN/TC 474 委员会秘书处", "circular economy committee CEN/TC 481", "GB 23350-2021"]
)
def test_variants_rank_exactly_as_the_original(tiny_index: Path, query: str) -> None:
    searcher = Searcher.open(tiny_index, encoder="hashing:64")
    expected = [r.chunk_id for r in searcher.search(query).results]
    for name, variant in derive(query).items():
        if name == "keywords":
            continue  # drops words: may rank differently by design
        got = [r.chunk_id for r in searcher.search(variant).results]
        assert got == expected, (name, variant)


def test_eval_variants_report(tiny_index: Path, tmp_path: Path, capsys) -> None:
    queries = tmp_path / "q.jsonl"
    lines = [
        {"id": "a", "q": "CEN/TC 474 秘书处", "gold": ["德国标准化学会"]},
        {"id": "b", "q": "GB 23350-2021 packaging?", "gold": ["GB 23350-2021"]},
    ]
    queries.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines))
    assert eval_main([str(queries), "--index", str(tiny_index), "--variants"]) == 0
    out = capsys.readouterr().out
    rows = {line.split("|")[1].strip(): line for line in out.splitlines() if line.startswith("| ")}
    assert {"full-width", "traditional", "lower-nopunct", "id-punct"} <= set(rows)
    for name in ("full-width", "lower-nopunct", "id-punct"):
        assert rows[name].rstrip(" |").endswith("| 0"), rows[name]  # no rank changed


def test_documents_are_matched_in_the_same_form(tmp_path: Path) -> None:
    """A document written in traditional characters and full-width identifiers is found by
    the simplified, half-width query through the keyword index, and shown as written."""
    from search.build import build

    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "hk.zh.md").write_text(
        "# 標準\n\n華光集團參與起草了多項行業標準，包括ＧＢ／Ｔ　３１４１５－２０１９。\n\n"
        "另一段落講述電網建設。\n",
        encoding="utf-8",
    )
    (corpus / "other.en.md").write_text("# Other\n\nNothing about that here.\n", encoding="utf-8")
    build([corpus], tmp_path / "index", encoder="hashing:64")
    searcher = Searcher.open(tmp_path / "index")
    for query in ("华光集团参与起草标准", "GB/T 31415-2019", "31415-2019", "gb/t 31415"):
        top = searcher.search(query, method="keyword").results[0]
        assert "華光集團" in top.text, query  # shown exactly as written
        assert top.highlights, query  # and the match is marked in the original text
