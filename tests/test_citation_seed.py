"""The reported seed cases: pages of a passage that runs onto the next page, passage language."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.build import build
from search.citation import citation_for
from search.store import Store

SEEDS = Path(__file__).resolve().parents[1] / "seeds"
BULLETIN = "cas-bulletin-2023-12"


@pytest.fixture(scope="module")
def seed_store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    out = tmp_path_factory.mktemp("seed-hashing") / "index"
    build([SEEDS], out, "hashing:64")
    return Store.open(out)


def test_passage_running_onto_the_next_page_is_cited_with_both(seed_store: Store) -> None:
    chunks = seed_store.document_chunks(BULLETIN)
    mou = next(c for c in chunks if "签署了 3 份谅解备忘录" in c.text)
    cite = citation_for(mou, seed_store.document(BULLETIN))
    assert (cite["page"], cite["page_end"]) == (5, 6)
    assert "pp. 5–6" in cite["text"]
    assert cite["quote"].startswith("（1）机构合作方面")


def test_bulletin_items_with_english_titles_are_chinese(seed_store: Store) -> None:
    chunks = seed_store.document_chunks(BULLETIN)
    items = [c for c in chunks if "IEEE 802.3cy-2023" in c.text or "全文请见" in c.text]
    assert items and all(c.lang == "zh" for c in items)
    assert all(c.lang == "zh" for c in chunks)


def test_seed_citations_resolve_to_the_file(seed_store: Store) -> None:
    for doc in seed_store.documents():
        raw = Path(doc["path"]).read_text(encoding="utf-8")
        for c in seed_store.document_chunks(doc["doc_id"]):
            span = iter("".join(raw[c.char_start : c.char_end].split()))
            visible = "".join(c.text.replace(" | ", " ").split())
            assert all(ch in span for ch in visible), (doc["doc_id"], c.ordinal)
