"""Incremental updates: only new/changed documents are embedded; deletes reach every table."""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from search.__main__ import main as search_main
from search.build import build
from search.embed.hashing import HashingEncoder
from search.searcher import Searcher
from search.store import Store, resolve

ROOT = Path(__file__).resolve().parents[1]

DOCS = {
    "a.md": "# Alpha\n\nThe alpha standard covers circular economy design.\n",
    "b.md": "# Beta\n\n碳捕集、利用和封存标准由新的技术委员会制定。\n",
    "c.md": "# Gamma\n\nGB 18613-2020 sets minimum energy efficiency for motors.\n",
}


@pytest.fixture()
def corpus(tmp_path: Path) -> Path:
    src = tmp_path / "src"
    src.mkdir()
    for name, text in DOCS.items():
        (src / name).write_text(text, encoding="utf-8")
    return src


def consistent(index: Path) -> Store:
    """Every vector points at a chunk and every chunk has its vector and keyword row."""
    store = Store.open(index)
    rows = [r[0] for r in store.db.execute("SELECT id FROM chunks ORDER BY id")]
    kw = [r[0] for r in store.db.execute("SELECT rowid FROM keywords ORDER BY rowid")]
    ids = sorted(int(store.vectors.id_map.at(i)) for i in range(store.vectors.ntotal))
    assert rows == kw == ids == list(range(len(rows)))
    assert set(np.unique(store.window_owners).tolist()) == set(rows)
    docs = {d["doc_id"]: d["n_chunks"] for d in store.documents()}
    per_doc = dict(store.db.execute("SELECT doc_id, count(*) FROM chunks GROUP BY doc_id"))
    assert docs == per_doc
    return store


def test_unchanged_corpus_embeds_nothing(corpus: Path, tmp_path: Path) -> None:
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    first = build([corpus], out, enc)
    assert len(first.embedded) == 3 and enc.texts > 0
    enc.texts = 0
    again = build([corpus], out, enc)
    assert enc.texts == 0
    assert again.embedded == [] and len(again.unchanged) == 3
    consistent(out)


def test_changed_file_is_the_only_one_re_embedded(corpus: Path, tmp_path: Path) -> None:
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    build([corpus], out, enc)
    before = {c.chunk_id: c.text for c in Store.open(out).document_chunks(_id(out, "b.md"))}
    (corpus / "a.md").write_text("# Alpha\n\nThe alpha standard now covers ESG reporting.\n")
    enc.texts = 0
    summary = build([corpus], out, enc)
    assert summary.embedded == [_id(out, "a.md")]
    assert enc.texts == 2  # one chunk + its one sentence window
    assert "(1 embedded, 2 unchanged)" in "\n".join(summary.lines())
    store = consistent(out)
    after = {c.chunk_id: c.text for c in store.document_chunks(_id(out, "b.md"))}
    assert before == after
    top = Searcher.open(out, enc).search("ESG reporting", k=1, method="keyword").results[0]
    assert "ESG reporting" in top.text


def test_deleted_file_is_pruned_from_vectors_and_keywords(corpus: Path, tmp_path: Path) -> None:
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    build([corpus], out, enc)
    gone = _id(out, "c.md")
    (corpus / "c.md").unlink()
    kept = build([corpus], out, enc)  # without --prune the document stays
    assert gone in kept.unchanged
    summary = build([corpus], out, enc, prune=True)
    assert summary.removed == [gone]
    store = consistent(out)
    assert gone not in {d["doc_id"] for d in store.documents()}
    hits = store.db.execute("SELECT count(*) FROM keywords WHERE keywords MATCH 'gb18613'")
    assert hits.fetchone()[0] == 0
    assert not Searcher.open(out, enc).search("GB 18613", method="keyword").results


def test_new_folder_is_added_beside_the_existing_documents(corpus: Path, tmp_path: Path) -> None:
    enc = HashingEncoder(64)
    out = tmp_path / "index"
    build([corpus], out, enc)
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "d.md").write_text("# Delta\n\nISO 37108:2022 guides business districts.\n")
    enc.texts = 0
    summary = build([extra], out, enc)
    assert len(summary.embedded) == 1 and len(summary.unchanged) == 3
    consistent(out)


def test_another_encoder_re_embeds_everything(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    build([corpus], out, HashingEncoder(64))
    enc = HashingEncoder(32)
    summary = build([corpus], out, enc)
    assert len(summary.embedded) == 3
    assert Store.open(out).manifest["encoder"] == "hashing:32"


def test_docs_cli_list_add_remove(corpus: Path, tmp_path: Path, capsys) -> None:
    out = tmp_path / "index"
    build([corpus], out, "hashing:64")

    def docs(*args: str) -> subprocess.CompletedProcess:
        """``python -m search docs ...``, in-process (its ``main``, as the command runs it)."""
        capsys.readouterr()
        code = search_main(["docs", "--index", str(out), *args])
        captured = capsys.readouterr()
        return subprocess.CompletedProcess(args, code, captured.out, captured.err)

    listed = docs("list")
    assert listed.returncode == 0 and len(listed.stdout.splitlines()) == 3
    doc_id = _id(out, "a.md")
    removed = docs("remove", doc_id)
    assert removed.returncode == 0, removed.stderr
    assert "1 removed" in removed.stdout
    assert doc_id not in docs("list").stdout
    bad = docs("remove", "no-such-doc")
    assert bad.returncode == 2 and "no such document: no-such-doc" in bad.stderr
    (tmp_path / "new.md").write_text("# New\n\nA new policy note on data spaces.\n")
    added = docs("add", str(tmp_path / "new.md"), "--quiet")
    assert added.returncode == 0, added.stderr
    assert "(1 embedded, 2 unchanged)" in added.stdout
    assert len(docs("list").stdout.splitlines()) == 3
    consistent(out)


def test_two_concurrent_builds_do_not_corrupt_the_index(corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    cmd = [sys.executable, "build_index.py", "--source", str(corpus), "--out", str(out),
           "--encoder", "hashing:64", "--quiet", "--rebuild"]  # fmt: skip
    procs = [subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                              text=True) for _ in range(2)]  # fmt: skip
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], outs
    consistent(out)
    assert resolve(out).name.startswith("gen-")


def _id(index: Path, name: str) -> str:
    store = Store.open(index)
    return next(d["doc_id"] for d in store.documents() if d["path"].endswith(name))


def test_title_falls_back_to_the_first_heading(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "note-17.md").write_text("# Data spaces policy\n\nRules for sharing data.\n")
    (src / "plain.txt").write_text("No heading in this one.\n")
    build([src], tmp_path / "index", HashingEncoder(64))
    titles = {Path(d["path"]).name: d["title"] for d in Store.open(tmp_path / "index").documents()}
    assert titles == {"note-17.md": "Data spaces policy", "plain.txt": "No heading in this one."}
