"""Checking a generation before anything serves it: the SQLite file is sound, the tables are
there, the vector counts equal the rows, the dimension matches the manifest, and every file
still has the checksum recorded when it was built.

``problems(generation)`` lists what is wrong, one line each (an empty list means sound); the
reloader runs it before swapping a worker onto a new generation, the server before starting and
``python -m search check`` on demand.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from pathlib import Path
from typing import Any

import faiss
import numpy as np

from search.errors import SearchError
from search.store.generations import generations, resolve

REQUIRED_FILES = ("meta.sqlite", "vectors.faiss", "windows.faiss", "window_owners.npy")
NOT_CHECKED = ("manifest.json", "reader.lock")  # the manifest holds the checksums
TABLES = ("documents", "chunks", "keywords")
BLOCK = 1 << 20


def sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(BLOCK):
            digest.update(block)
    return digest.hexdigest()


def data_files(generation: Path) -> list[str]:
    """The names of a generation's data files (everything but the manifest and the lock)."""
    return sorted(p.name for p in generation.iterdir() if p.is_file() and p.name not in NOT_CHECKED)


def file_checksums(generation: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of each data file, recorded in the manifest at build time."""
    return {
        name: {"bytes": (generation / name).stat().st_size, "sha256": sha256(generation / name)}
        for name in data_files(generation)
    }


def newest_good(root: Path) -> tuple[Path | None, list[str]]:
    """The generation ``root`` serves if it passes, else the newest other one that does (None
    when none does), and what is wrong with the served one (empty when nothing)."""
    try:
        current = resolve(root).resolve()
    except SearchError as exc:
        return None, [str(exc)]
    wrong = problems(current)
    if not wrong:
        return current, []
    for generation in reversed(generations(root)):
        if generation.resolve() != current and not problems(generation):
            return generation, wrong
    return None, wrong


def problems(generation: Path) -> list[str]:
    """Everything wrong with the generation folder ``generation``, one line each."""
    try:
        manifest = json.loads((generation / "manifest.json").read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not a JSON object")
    except (OSError, ValueError) as exc:
        return [f"manifest.json is not readable: {one_line(exc)}"]
    found = checksum_problems(generation, manifest.get("files"))
    if found:  # the files are not the ones built: counting them would only repeat it
        return found
    found += database_problems(generation / "meta.sqlite", manifest)
    found += vector_problems(generation, manifest)
    return found


def checksum_problems(generation: Path, recorded: Any) -> list[str]:
    if recorded is None:  # built before checksums were recorded: nothing to compare
        return []
    if not isinstance(recorded, dict):
        return ["manifest.json: 'files' is not a table of checksums"]
    out = []
    for name in sorted(set(REQUIRED_FILES) | set(recorded)):
        path, want = generation / name, recorded.get(name)
        if not isinstance(want, dict):
            out.append(f"{name}: no checksum recorded in manifest.json")
        elif not path.is_file():
            out.append(f"{name}: missing")
        elif path.stat().st_size != want.get("bytes"):
            out.append(f"{name}: {path.stat().st_size} bytes, {want.get('bytes')} when built")
        elif sha256(path) != want.get("sha256"):
            out.append(f"{name}: checksum differs from the one recorded when it was built")
    return out


def database_problems(path: Path, manifest: dict[str, Any]) -> list[str]:
    if not path.is_file():
        return ["meta.sqlite: missing"]
    try:
        db = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    except sqlite3.Error as exc:
        return [f"meta.sqlite: cannot be opened ({one_line(exc)})"]
    try:
        result = [r[0] for r in db.execute("PRAGMA quick_check").fetchall()]
        if result != ["ok"]:
            return [f"meta.sqlite: quick_check failed: {one_line('; '.join(result[:3]))}"]
        names = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
        missing = [t for t in TABLES if t not in names]
        if missing:
            return [f"meta.sqlite: table(s) missing: {', '.join(missing)}"]
        rows = db.execute("SELECT count(*) FROM chunks").fetchone()[0]
        if rows != manifest.get("chunks"):
            return [f"meta.sqlite: {rows} passages, manifest.json says {manifest.get('chunks')}"]
    except sqlite3.Error as exc:
        return [f"meta.sqlite: {one_line(exc)}"]
    finally:
        db.close()
    return []


def vector_problems(generation: Path, manifest: dict[str, Any]) -> list[str]:
    out = []
    dim, chunks, windows = manifest.get("dim"), manifest.get("chunks"), manifest.get("windows")
    kinds = manifest.get("vector_index")
    dead = {k: int(v.get("dead", 0)) for k, v in kinds.items()} if isinstance(kinds, dict) else {}
    files = (("vectors.faiss", "chunks", chunks), ("windows.faiss", "windows", windows))
    for name, part, want in files:
        try:
            index = faiss.read_index(str(generation / name))
        except (RuntimeError, OSError) as exc:
            out.append(f"{name}: cannot be read ({one_line(exc)})")
            continue
        if index.d != dim:
            out.append(f"{name}: {index.d}-dim vectors, manifest.json says {dim}")
        if want is not None and index.ntotal != want + dead.get(part, 0):
            out.append(f"{name}: {index.ntotal} vectors, manifest.json says {want}")
    try:
        owners = np.load(generation / "window_owners.npy")
        if windows is not None and len(owners) != windows:
            out.append(f"window_owners.npy: {len(owners)} entries, manifest.json says {windows}")
    except (OSError, ValueError) as exc:
        out.append(f"window_owners.npy: cannot be read ({one_line(exc)})")
    return out


def one_line(exc: BaseException | str) -> str:
    text = " ".join(str(exc).split())
    return text[:200] if text else type(exc).__name__
