"""The index on disk: atomic rebuilds, the build lock, and refusing incompatible indexes."""

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from search.build import build
from search.errors import BadIndexError, SearchError
from search.searcher import Searcher
from search.store import Store, build_lock, resolve

ROOT = Path(__file__).resolve().parents[1]


def _copy_corpus(src: Path, dst: Path) -> Path:
    dst.mkdir()
    for f in src.iterdir():
        (dst / f.name).write_bytes(f.read_bytes())
    return dst


def test_index_round_trip(tiny_index: Path) -> None:
    store = Store.open(tiny_index)
    assert store.manifest["encoder"] == "hashing:64"
    assert store.manifest["chunks"] == store.vectors.ntotal > 0
    assert set(store.manifest["chunks_by_lang"]) == {"zh", "en"}
    rows = store.db.execute("SELECT count(*) FROM chunks").fetchone()[0]
    kw = store.db.execute("SELECT count(*) FROM keywords").fetchone()[0]
    assert rows == kw == store.vectors.ntotal
    ids = [int(store.vectors.id_map.at(i)) for i in range(store.vectors.ntotal)]
    assert sorted(ids) == list(range(rows))  # every vector has its chunk and vice versa


def test_failed_build_leaves_previous_index_serving(
    tiny_corpus: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "index"
    build([tiny_corpus], out, encoder="hashing:64")
    before = resolve(out)

    def boom(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr("search.build.write_generation", boom)
    with pytest.raises(RuntimeError):
        build([tiny_corpus], out, encoder="hashing:64")
    assert resolve(out) == before
    assert not list(out.glob(".tmp-gen-*"))  # the half-written generation was removed
    assert Searcher.open(out).search("circular economy").results


def test_killed_build_leaves_previous_index_serving(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    build([tiny_corpus], out, encoder="hashing:64")
    before = resolve(out)
    script = (
        "import time, sys\n"
        "import search.store as st\n"
        "from search.build import build\n"
        "real = st.write_generation\n"
        "def slow(path, *a, **k):\n"
        "    real(path, *a, **k)\n"
        "    print('written', flush=True)\n"
        "    time.sleep(60)\n"
        "import search.build as b\n"
        "b.write_generation = slow\n"
        f"build([__import__('pathlib').Path({str(tiny_corpus)!r})], "
        f"__import__('pathlib').Path({str(out)!r}), encoder='hashing:64')\n"
    )
    proc = subprocess.Popen(
        [sys.executable, "-c", script], cwd=ROOT, stdout=subprocess.PIPE, text=True
    )
    try:
        assert proc.stdout.readline().strip() == "written"  # new generation fully on disk ...
        os.kill(proc.pid, signal.SIGKILL)  # ... but killed before the swap
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
    assert resolve(out) == before
    assert Searcher.open(out).search("circular economy").results


def test_second_build_waits_for_or_refuses_the_lock(tmp_path: Path) -> None:
    out = tmp_path / "index"
    busy = pytest.raises(BadIndexError, match="another build is writing")
    with build_lock(out), busy, build_lock(out, wait=False):
        pass
    with build_lock(out, wait=False):  # free again
        pass


def test_rebuild_swaps_generation_and_keeps_few(tiny_corpus: Path, tmp_path: Path) -> None:
    out = tmp_path / "index"
    gens = []
    for _ in range(4):
        build([tiny_corpus], out, encoder="hashing:64")
        gens.append(resolve(out))
    assert len(set(gens)) == 4
    assert sorted(out.glob("gen-*")) == gens[-2:]  # the newest two, though built within a second


def test_index_built_by_another_encoder_is_refused(tiny_index: Path) -> None:
    with pytest.raises(BadIndexError, match="built with encoder 'hashing:64'"):
        Searcher.open(tiny_index, encoder="hashing:32")


def _index_of_format(corpus: Path, out: Path, version: int) -> Path:
    """A tiny index whose manifest claims ``version``."""
    build([corpus], out, encoder="hashing:64")
    manifest = resolve(out) / "manifest.json"
    data = json.loads(manifest.read_text())
    data["format_version"] = version
    manifest.write_text(json.dumps(data))
    return out


def test_index_of_another_format_version_is_refused(tiny_corpus: Path, tmp_path: Path) -> None:
    out = _index_of_format(tiny_corpus, tmp_path / "index", 999)
    with pytest.raises(BadIndexError, match="format version 999"):
        Searcher.open(out)


def test_index_of_an_older_format_is_rebuilt_by_the_next_build(
    tiny_corpus: Path, tmp_path: Path
) -> None:
    out = _index_of_format(tiny_corpus, tmp_path / "index", 1)
    summary = build([tiny_corpus], out, encoder="hashing:64")
    assert summary.unchanged == []  # nothing reused from the old format
    assert Searcher.open(out).search("packaging").results


def test_build_into_an_index_copied_with_links_followed_is_refused(
    tiny_index: Path, tmp_path: Path
) -> None:
    copy = tmp_path / "copy"
    subprocess.run(["cp", "-rL", str(tiny_index), str(copy)], check=True)
    assert (copy / "current").is_dir() and not (copy / "current").is_symlink()
    before = sorted(p.name for p in copy.iterdir())
    with pytest.raises(BadIndexError, match="is a folder, not a link"):
        build([ROOT / "seeds"], copy, encoder="hashing:64")
    assert sorted(p.name for p in copy.iterdir()) == before
    assert Searcher.open(copy).search("packaging").results  # the copy still serves


def test_missing_index_says_how_to_build(tmp_path: Path) -> None:
    with pytest.raises(BadIndexError, match="build one with"):
        Searcher.open(tmp_path / "nothing")


def test_corpus_with_only_bad_files_is_an_error(tmp_path: Path) -> None:
    src = tmp_path / "src"
    src.mkdir()
    (src / "empty.txt").write_bytes(b"")
    with pytest.raises(SearchError, match="nothing to index"):
        build([src], tmp_path / "index", encoder="hashing:64")
