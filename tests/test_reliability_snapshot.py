"""Backups: ``snapshot`` while builds run gives a sound copy; ``restore`` serves it again."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from search.errors import SearchError
from search.ops_cli import main
from search.searcher import Searcher
from search.snapshot import restore, snapshot
from search.store import resolve
from search.store.verify import problems

pytest_plugins = ("tests.web_conftest",)

NEW_DOCS = {"quantum.en.md": "# Quantum\n\nA new corpus about quantum metrology standards.\n"}


def doc_names(root: Path) -> set[str]:
    return {d["doc_id"].rsplit("-", 1)[0] for d in Searcher.open(root).store.documents()}


def test_snapshot_during_builds_then_restore(rebuildable_index, tmp_path: Path) -> None:
    root = rebuildable_index.root
    before = doc_names(root)
    builds = threading.Thread(target=lambda: [rebuildable_index.build(NEW_DOCS) for _ in range(3)])
    builds.start()
    copies = [snapshot(root, tmp_path / f"snap{i}") for i in range(3)]
    builds.join()
    for copy in copies:
        assert problems(copy) == []
    assert doc_names(root) == {"quantum-en"}
    first = tmp_path / "snap0"
    assert doc_names(first) <= before | {"quantum-en"}
    served = restore(first, root)
    assert resolve(root) == served and problems(served) == []
    assert doc_names(root) == doc_names(first)


def test_snapshot_refuses_a_non_empty_destination(rebuildable_index, tmp_path: Path) -> None:
    (tmp_path / "busy").mkdir()
    (tmp_path / "busy" / "x").write_text("mine")
    with pytest.raises(SearchError, match="not an empty folder"):
        snapshot(rebuildable_index.root, tmp_path / "busy")


def test_restore_refuses_a_damaged_snapshot(rebuildable_index, tmp_path: Path, capsys) -> None:
    copy = snapshot(rebuildable_index.root, tmp_path / "snap")
    (copy / "meta.sqlite").write_bytes(b"")
    serving = resolve(rebuildable_index.root)
    code = main(["restore", str(tmp_path / "snap"), "--index", str(rebuildable_index.root)])
    assert code == 2
    assert capsys.readouterr().err.startswith("error: ")
    assert resolve(rebuildable_index.root) == serving
