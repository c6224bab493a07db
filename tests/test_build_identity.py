"""Documents keep their identity and the index remembers what was done to it.

Regression tests for: ids from the path relative to the source folder (a moved corpus re-embeds
nothing), catalog ids winning, ``docs remove`` by id/path/name that is remembered, an index
that may become empty, ``docs list --json``, the same flags on every sub-command, paths that do
not depend on the working directory, links out of the source folder, ``--rebuild --source X``
keeping the other documents, and a missing original answering 404.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from search.build import build
from search.catalog import OUTSIDE
from search.embed.hashing import HashingEncoder
from search.errors import BadIndexError
from search.searcher import Searcher
from search.store import Store
from web import create_app

ROOT = Path(__file__).resolve().parents[1]
DOCS = {
    "a.md": "# Alpha\n\nThe alpha standard covers circular economy design.\n",
    "sub/b.md": "# Beta\n\n碳捕集、利用和封存标准由新的技术委员会制定。\n",
    "c.txt": "Gamma motors\n\nGB 18613-2020 sets minimum energy efficiency for motors.\n",
}


def write(folder: Path, docs: dict[str, str] = DOCS) -> Path:
    for name, text in docs.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text, encoding="utf-8")
    return folder


def ids(index: Path) -> dict[str, str]:
    """file name -> doc_id."""
    return {Path(d["path"]).name: d["doc_id"] for d in Store.open(index).documents()}


def docs_cli(index: Path, *args: str, cwd: Path = ROOT) -> subprocess.CompletedProcess:
    cmd = [sys.executable, "-m", "search", "docs", *args, "--index", str(index)]
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=120, env=env)


def test_moved_corpus_keeps_ids_and_re_embeds_nothing(tmp_path: Path) -> None:
    first = write(tmp_path / "here")
    out = tmp_path / "index"
    build([first], out, HashingEncoder(64))
    before = ids(out)
    moved = tmp_path / "elsewhere" / "corpus"
    shutil.copytree(first, moved)
    shutil.rmtree(first)
    enc = HashingEncoder(64)
    summary = build([moved], out, enc, prune=True)
    assert enc.texts == 0 and summary.embedded == [] and summary.removed == []
    assert ids(out) == before
    paths = {d["path"] for d in Store.open(out).documents()}
    assert all(p.startswith(str(moved)) for p in paths)


def test_same_corpus_in_two_places_gets_the_same_ids(tmp_path: Path) -> None:
    build([write(tmp_path / "x")], tmp_path / "i1", "hashing:64")
    build([write(tmp_path / "y" / "z")], tmp_path / "i2", "hashing:64")
    assert ids(tmp_path / "i1") == ids(tmp_path / "i2")


def test_catalog_id_wins(tmp_path: Path) -> None:
    src = write(tmp_path / "src")
    (src / "catalog.toml").write_text(
        '[[document]]\nid = "alpha-std"\nfile = "a.md"\ntitle = "Alpha standard"\n'
        'lang = "en"\nkind = "text"\n',
        encoding="utf-8",
    )
    build([src], tmp_path / "index", "hashing:64")
    assert ids(tmp_path / "index")["a.md"] == "alpha-std"


def test_a_single_file_inside_a_known_source_keeps_its_id(tmp_path: Path) -> None:
    src = write(tmp_path / "src")
    out = tmp_path / "index"
    build([src], out, "hashing:64")
    before = ids(out)["b.md"]
    (src / "sub" / "b.md").write_text("# Beta\n\n新的文本。\n", encoding="utf-8")
    summary = build([src / "sub" / "b.md"], out, "hashing:64")
    assert summary.embedded == [before]
    assert ids(out)["b.md"] == before


def test_a_subfolder_or_parent_folder_built_later_keeps_the_ids(tmp_path: Path) -> None:
    src = write(tmp_path / "src")
    out = tmp_path / "index"
    build([src / "sub"], out, "hashing:64")
    first = ids(out)
    summary = build([src], out, "hashing:64")  # the parent folder, holding sub/ as before
    assert ids(out)["b.md"] == first["b.md"] and summary.unchanged == [first["b.md"]]
    enc = HashingEncoder(64)
    build([src / "sub"], out, enc)
    assert enc.texts == 0 and len(ids(out)) == 3


def test_docs_remove_by_id_path_and_name_is_remembered(tmp_path: Path) -> None:
    src = write(tmp_path / "src")
    out = tmp_path / "index"
    build([src], out, "hashing:64")
    known = ids(out)
    by_name = docs_cli(out, "remove", "a.md", "--quiet")
    assert by_name.returncode == 0, by_name.stderr
    by_path = docs_cli(out, "remove", str(src / "sub" / "b.md"))
    assert by_path.returncode == 0, by_path.stderr
    assert set(ids(out)) == {"c.txt"}
    again = build([src], out, "hashing:64")  # a --source build does not bring them back
    assert set(ids(out)) == {"c.txt"}
    assert again.held_back == sorted([known["a.md"], known["b.md"]])
    assert "not re-added: 2 documents removed earlier" in "\n".join(again.lines())
    added = docs_cli(out, "add", str(src / "a.md"), "--quiet")
    assert added.returncode == 0, added.stderr
    assert set(ids(out)) == {"a.md", "c.txt"} and ids(out)["a.md"] == known["a.md"]
    by_id = docs_cli(out, "--quiet", "remove", known["c.txt"])
    assert by_id.returncode == 0, by_id.stderr
    assert set(ids(out)) == {"a.md"}


def test_removing_the_last_document_leaves_an_empty_index(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"only.md": "# Only\n\nThe one document.\n"})
    out = tmp_path / "index"
    build([src], out, "hashing:64")
    proc = docs_cli(out, "remove", "only.md")
    assert proc.returncode == 0, proc.stderr
    assert "documents: 0" in proc.stdout
    listed = docs_cli(out, "list", "--json")
    assert json.loads(listed.stdout) == []
    assert Searcher.open(out, HashingEncoder(64)).search("document", k=3).results == []


def test_ambiguous_or_unknown_names_are_one_line_errors(tmp_path: Path) -> None:
    src = write(tmp_path / "src", {"x/n.md": "# One\n\nFirst.\n", "y/n.md": "# Two\n\nSecond.\n"})
    out = tmp_path / "index"
    build([src], out, "hashing:64")
    proc = docs_cli(out, "remove", "n.md")
    assert proc.returncode == 2 and "names 2 documents" in proc.stderr
    proc = docs_cli(out, "remove", "nope.md")
    assert proc.returncode == 2 and "no such document: nope.md" in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1


def test_docs_list_json_and_the_same_flags_everywhere(tmp_path: Path) -> None:
    out = tmp_path / "index"
    build([write(tmp_path / "src")], out, "hashing:64")
    proc = docs_cli(out, "list", "--json", "--quiet", "--verbose")
    assert proc.returncode == 0, proc.stderr
    listed = json.loads(proc.stdout)
    assert {"doc_id", "title", "path", "lang", "chunks"} <= set(listed[0])
    assert {d["title"] for d in listed} == {"Alpha", "Beta", "Gamma motors"}
    for action in ("list", "add", "remove"):
        helptext = docs_cli(out, action, "--help").stdout
        for flag in ("--index", "--quiet", "--verbose", "--json", "--report"):
            assert flag in helptext, (action, flag)


def test_paths_do_not_depend_on_the_working_directory(tmp_path: Path) -> None:
    write(tmp_path / "src")
    out = tmp_path / "index"
    cmd = [sys.executable, str(ROOT / "build_index.py"), "--source", "src", "--out", "index"]
    cmd += ["--encoder", "hashing:64", "--quiet"]
    proc = subprocess.run(cmd, cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert all(Path(d["path"]).is_absolute() for d in Store.open(out).documents())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    cmd = [sys.executable, str(ROOT / "build_index.py"), "--source", str(tmp_path / "src")]
    cmd += ["--out", str(out), "--encoder", "hashing:64", "--quiet", "--prune"]
    proc = subprocess.run(cmd, cwd=elsewhere, capture_output=True, text=True, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "3 unchanged" in proc.stdout and "removed" not in proc.stdout


def test_links_out_of_the_source_folder_are_skipped_unless_allowed(tmp_path: Path) -> None:
    secret = tmp_path / "outside" / "passwd.txt"
    secret.parent.mkdir()
    secret.write_text("root:x:0:0:root:/root:/bin/bash\n")
    src = write(tmp_path / "src")
    os.symlink(secret, src / "passwd-link.txt")
    out = tmp_path / "index"
    summary = build([src], out, "hashing:64")
    assert summary.skipped == [("passwd-link.txt", OUTSIDE)]
    assert "passwd-link.txt" not in ids(out)
    summary = build([src], out, "hashing:64", outside_links=True)
    assert "passwd-link.txt" in ids(out)


def test_rebuild_with_one_source_re_embeds_and_keeps_the_others(tmp_path: Path) -> None:
    src = write(tmp_path / "src")
    other = write(tmp_path / "other", {"d.md": "# Delta\n\nISO 37108 guides districts.\n"})
    out = tmp_path / "index"
    (src / "catalog.toml").write_text(
        '[[document]]\nid = "alpha-std"\nfile = "a.md"\ntitle = "Alpha standard"\n'
        'lang = "en"\nkind = "text"\n',
        encoding="utf-8",
    )
    build([src], out, "hashing:64")
    build([other], out, "hashing:64")
    before = {d["doc_id"]: d["title"] for d in Store.open(out).documents()}
    chunks_before = {
        c.chunk_id: c.heading for d in before for c in Store.open(out).document_chunks(d)
    }
    enc = HashingEncoder(64)
    summary = build([other], out, enc, incremental=False)
    assert set(ids(out)) == {"a.md", "b.md", "c.txt", "d.md"}
    assert len(summary.embedded) == 4 and summary.unchanged == []
    store = Store.open(out)
    assert {d["doc_id"]: d["title"] for d in store.documents()} == before
    assert before["alpha-std"] == "Alpha standard" and before[ids(out)["c.txt"]] == "Gamma motors"
    assert {
        c.chunk_id: c.heading for d in before for c in store.document_chunks(d)
    } == chunks_before


def test_old_index_format_is_refused_with_the_rebuild_message(tmp_path: Path) -> None:
    out = tmp_path / "index"
    build([write(tmp_path / "src")], out, "hashing:64")
    manifest = Store.open(out).path / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = 2
    manifest.write_text(json.dumps(data))
    with pytest.raises(BadIndexError, match="rebuild it with 'python build_index.py'"):
        Store.open(out)


def test_missing_original_answers_404(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    page = src / "page.html"
    page.write_text("<html><body><article><p>Hydrogen pipeline rules.</p></article></body></html>")
    out = tmp_path / "index"
    build([src], out, "hashing:64")
    app = create_app({"rate_limit": 0, "TESTING": True}, searcher=Searcher.open(out))
    client = app.test_client()
    doc_id = ids(out)["page.html"]
    assert client.get(f"/doc/{doc_id}/original").status_code == 200
    page.unlink()
    resp = client.get(f"/doc/{doc_id}/original")
    assert resp.status_code == 404
    assert b"not available" in resp.data
