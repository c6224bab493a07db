"""Index generations on disk: which one serves (``current``), the build lock, and the atomic
swap a build ends with. See :mod:`search.store.local` for what a generation holds."""

from __future__ import annotations

import contextlib
import fcntl
import os
import shutil
import sys
import time
import uuid
from collections.abc import Iterator
from pathlib import Path

from search.errors import BadIndexError

CURRENT = "current"
KEEP_GENERATIONS = 2


def resolve(root: Path) -> Path:
    """The generation directory an index root currently serves (or ``root`` itself if it is one)."""
    if (root / "manifest.json").exists():
        return root
    link = root / CURRENT
    if not link.exists():
        raise BadIndexError(
            f"no index at '{root}': build one with 'python build_index.py --out {root}'"
        )
    return link.resolve()


@contextlib.contextmanager
def build_lock(root: Path, wait: bool = True) -> Iterator[None]:
    """Hold an exclusive lock on ``root`` so two builds never write one index at once; a
    second build waits for the first (saying so on stderr) or, with ``wait=False``, fails."""
    root.mkdir(parents=True, exist_ok=True)
    with open(root / ".lock", "w") as fh:
        try:
            fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            if not wait:
                msg = f"another build is writing '{root}'; try again when it ends"
                raise BadIndexError(msg) from exc
            sys.stderr.write(f"waiting for another build of '{root}' to finish ...\n")
            fcntl.flock(fh, fcntl.LOCK_EX)
        current = root / CURRENT
        if current.exists() and not current.is_symlink():
            fcntl.flock(fh, fcntl.LOCK_UN)
            raise BadIndexError(
                f"'{current}' is a folder, not a link to a generation (was the index copied "
                "with links followed?); it still serves searches, but builds cannot swap it: "
                "build into a new folder, or move it away and rebuild"
            )
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def new_generation(root: Path) -> Path:
    """A fresh, hidden temporary directory under ``root`` for a build to write into."""
    root.mkdir(parents=True, exist_ok=True)
    # sortable to the microsecond, so two builds within one second still prune oldest first;
    # the random suffix keeps names unique even if two builds start in the same microsecond
    now = time.time_ns() // 1000
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now // 1_000_000)) + f"{now % 1_000_000:06d}"
    path = root / f".tmp-gen-{stamp}-{uuid.uuid4().hex[:6]}"
    path.mkdir()
    return path


def publish(root: Path, tmp: Path) -> Path:
    """Rename the finished ``tmp`` generation into place and repoint ``current`` atomically."""
    final = root / tmp.name.removeprefix(".tmp-")
    os.replace(tmp, final)
    link_tmp = root / f".{CURRENT}-{uuid.uuid4().hex[:6]}"
    os.symlink(final.name, link_tmp)
    os.replace(link_tmp, root / CURRENT)
    _prune(root, keep=final.name)
    return final


def _prune(root: Path, keep: str) -> None:
    gens = sorted(p for p in root.glob("gen-*") if p.is_dir())
    old = [p for p in gens if p.name != keep][: max(0, len(gens) - KEEP_GENERATIONS)]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
    for path in root.glob(".tmp-gen-*"):
        if time.time() - path.stat().st_mtime > 3600:  # left behind by a crashed build
            shutil.rmtree(path, ignore_errors=True)
