"""Backups: copy the served generation to a folder and bring such a copy back.

``snapshot(root, dest)`` holds the generation's reader lock (so no build prunes it meanwhile),
verifies it, copies ``meta.sqlite`` with SQLite's online backup API and the vector files as
they are, and leaves ``dest`` an index folder of its own (``dest/current -> gen-...``) that
``python -m web --index DEST`` could serve. ``restore(src, root)`` verifies the copy and
publishes it under ``root`` as a new generation, under the build lock, like a build would.
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
from pathlib import Path

from search.errors import BadIndexError, SearchError
from search.store.generations import (
    CURRENT,
    ReaderLock,
    build_lock,
    new_generation,
    publish,
    resolve,
)
from search.store.verify import data_files, file_checksums, problems


def verified(generation: Path) -> Path:
    found = problems(generation)
    if found:
        raise BadIndexError(f"{generation.name}: {found[0]}")
    return generation


def snapshot(root: Path, dest: Path) -> Path:
    """Copy the generation ``root`` serves into ``dest`` (a new or empty folder)."""
    if dest.exists() and (not dest.is_dir() or any(dest.iterdir())):
        raise SearchError(f"'{dest}' already exists and is not an empty folder")
    generation = resolve(root)
    lock = ReaderLock(generation)
    try:
        verified(generation)
        dest.mkdir(parents=True, exist_ok=True)
        target = dest / generation.name
        target.mkdir()
        backup_sqlite(generation / "meta.sqlite", target / "meta.sqlite")
        for name in data_files(generation):
            if name != "meta.sqlite":
                shutil.copy2(generation / name, target / name)
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        manifest["files"] = file_checksums(target)  # the backup's own pages, checked below
        (target / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2))
        os.symlink(target.name, dest / CURRENT)
        verified(target)
    finally:
        lock.release()
    return target


def backup_sqlite(src: Path, dst: Path) -> None:
    source = sqlite3.connect(f"file:{src}?mode=ro", uri=True)
    try:
        copy = sqlite3.connect(dst)
        try:
            source.backup(copy)
        finally:
            copy.close()
    finally:
        source.close()


def restore(src: Path, root: Path) -> Path:
    """Publish the snapshot (or generation folder) ``src`` as the generation ``root`` serves."""
    generation = verified(resolve(src))
    with build_lock(root):
        tmp = new_generation(root)
        try:
            for name in (*data_files(generation), "manifest.json"):
                shutil.copy2(generation / name, tmp / name)
            verified(tmp)
            return publish(root, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
