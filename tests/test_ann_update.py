"""Incremental builds update the vector indexes in place (search/store/ann_update.py): the
answers equal those of an index built from scratch; a dropped passage is never found."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from search.build import build
from search.embed.hashing import HashingEncoder
from search.store import Store, ann, ann_update, resolve
from search.store.verify import problems

DOCS = {
    "a.md": "# Alpha\n\nThe alpha standard covers circular economy design.\n\n"
    "Recycled materials are counted by weight.\n",
    "b.md": "# Beta\n\n碳捕集、利用和封存标准由新的技术委员会制定。\n\n委员会共有四十名委员。\n",
    "c.md": "# Gamma\n\nGB 18613-2020 sets minimum energy efficiency for motors.\n",
    "e.md": "# Epsilon\n\nWater efficiency labels cover taps and showers.\n",
}
ADDED = {"d.md": "# Delta\n\nISO/TC 207 writes environmental management standards.\n"}
QUERIES = ["circular economy", "碳捕集 标准", "GB 18613-2020", "environmental management"]


def corpus(folder: Path, docs: dict[str, str]) -> Path:
    folder.mkdir(exist_ok=True)
    for old in folder.iterdir():
        old.unlink()
    for name, text in docs.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def answers(index: Path) -> list:
    store = Store.open(index)
    enc = HashingEncoder(64)
    try:
        out = []
        for q in QUERIES:
            v = enc.encode_query([q])
            hits = store.search_chunks(v, 50)
            texts = store.chunks([r for r, _ in hits])
            out.append([(texts[r].chunk_id, round(s, 6)) for r, s in hits])
            wins = store.search_windows(v, 50)
            out.append([(texts.get(o) or store.chunks([o])[o]).chunk_id for o, _, _ in wins])
        return out
    finally:
        store.close()


@pytest.mark.parametrize("flat_max", [ann.FLAT_MAX, 3], ids=["flat", "hnsw"])
def test_add_and_remove_update_in_place(tmp_path: Path, monkeypatch, flat_max: int) -> None:
    monkeypatch.setattr(ann, "FLAT_MAX", flat_max)
    monkeypatch.setattr(ann_update, "MAX_DEAD_SHARE", 0.5)  # a tiny corpus: one passage is 10 %
    src, out, fresh = tmp_path / "src", tmp_path / "index", tmp_path / "fresh"
    build([corpus(src, DOCS)], out, HashingEncoder(64))
    kind = "flat" if flat_max > 3 else "hnsw"
    assert Store.open(out).manifest["vector_index"]["chunks"]["type"] == kind
    changed = {k: v for k, v in {**DOCS, **ADDED}.items() if k != "c.md"}
    build([corpus(src, changed)], out, HashingEncoder(64), prune=True)
    manifest = Store.open(out).manifest
    assert manifest["vector_index"]["chunks"].get("updated") is True
    assert manifest["vector_index"]["windows"].get("updated") is True
    if kind == "hnsw":
        assert manifest["vector_index"]["chunks"]["dead"] > 0  # c.md's passages stay, dead
    assert problems(resolve(out)) == []
    build([corpus(src, changed)], fresh, HashingEncoder(64))
    assert not Store.open(fresh).manifest["vector_index"]["chunks"].get("updated")
    assert answers(out) == answers(fresh)  # tiny: HNSW finds every vector, as exact search


def test_too_many_dead_entries_build_again(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(ann, "FLAT_MAX", 3)
    monkeypatch.setattr(ann_update, "MAX_DEAD_SHARE", 0.0)
    src, out = tmp_path / "src", tmp_path / "index"
    build([corpus(src, DOCS)], out, HashingEncoder(64))
    build(
        [corpus(src, {k: v for k, v in DOCS.items() if k != "a.md"})],
        out,
        HashingEncoder(64),
        prune=True,
    )
    kinds = Store.open(out).manifest["vector_index"]
    assert not kinds["chunks"].get("updated") and not kinds["chunks"].get("dead")
    assert problems(resolve(out)) == []


def test_update_renumbers_and_adds(tmp_path: Path) -> None:
    import faiss

    rng = np.random.default_rng(0)
    x = rng.standard_normal((40, 16)).astype(np.float32)
    params = {"type": "flat"}
    faiss.write_index(ann.build_index(x[:30], params), str(tmp_path / "v.faiss"))
    # the new order: old rows 0-9, 10 new rows, old rows 20-29; old rows 10-19 dropped
    old_ids = np.array(list(range(10)) + [-1] * 10 + list(range(20, 30)), dtype=np.int64)
    new = np.concatenate([x[:10], x[30:40], x[20:30]])
    index, got = ann_update.update(tmp_path / "v.faiss", params, params, new, old_ids)
    assert got["updated"] and index.ntotal == 30
    np.testing.assert_array_equal(index.reconstruct_batch(np.arange(30)), new)
    assert ann_update.update(tmp_path / "none.faiss", params, params, new, old_ids) is None
    assert ann_update.update(tmp_path / "v.faiss", {"type": "hnsw"}, params, new, old_ids) is None
