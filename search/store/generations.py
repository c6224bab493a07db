"""Index generations on disk: which one serves (``current``), the build lock, and the atomic
swap a build ends with. See :mod:`search.store.local` for what a generation holds.

A generation cannot vanish under a reader: every process that opens one holds a shared
``flock`` on its ``reader.lock`` until it closes it, and pruning deletes a generation only
after taking that lock exclusively (without waiting: one still in use is left for a later
build). Leftovers of a build that died (``.tmp-gen-*``) are removed when the next build takes
the build lock: only a live build holds it, so any half-written folder found then is dead."""

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
READER_LOCK = "reader.lock"
TMP_PREFIX = ".tmp-gen-"


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
        remove_leftovers(root)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def remove_leftovers(root: Path) -> list[str]:
    """Delete what dead builds left under ``root`` (call only while holding the build lock)."""
    removed = []
    for path in list(root.glob(f"{TMP_PREFIX}*")) + list(root.glob(f".{CURRENT}-*")):
        if path.is_symlink() or path.is_file():
            path.unlink(missing_ok=True)
        else:
            shutil.rmtree(path, ignore_errors=True)
        removed.append(path.name)
    return removed


class ReaderLock:
    """A shared lock on one generation, held while a process reads it (see the module doc)."""

    def __init__(self, generation: Path) -> None:
        self.fd: int | None = None
        path = generation / READER_LOCK
        try:
            fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
        except FileNotFoundError:
            raise BadIndexError(f"generation '{generation}' was removed") from None
        except OSError:  # a read-only index folder: nothing can prune it either
            return
        try:
            fcntl.flock(fd, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            raise BadIndexError(f"generation '{generation.name}' is being removed") from None
        self.fd = fd

    def release(self) -> None:
        fd, self.fd = self.fd, None
        if fd is not None:
            os.close(fd)

    def __del__(self) -> None:
        self.release()


def new_generation(root: Path) -> Path:
    """A fresh, hidden temporary directory under ``root`` for a build to write into."""
    root.mkdir(parents=True, exist_ok=True)
    now = time.time()  # microseconds too: names sort in build order (see generations())
    stamp = time.strftime("%Y%m%dT%H%M%S", time.gmtime(now)) + f".{int(now * 1e6) % 10**6:06d}"
    path = root / f"{TMP_PREFIX}{stamp}-{uuid.uuid4().hex[:6]}"
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


def generations(root: Path) -> list[Path]:
    """The generation folders under ``root``, oldest first."""
    return sorted(p for p in root.glob("gen-*") if p.is_dir() and not p.is_symlink())


def _prune(root: Path, keep: str) -> list[str]:
    """Delete generations beyond the newest ``KEEP_GENERATIONS`` that no process reads."""
    gens = generations(root)
    old = [p for p in gens if p.name != keep][: max(0, len(gens) - KEEP_GENERATIONS)]
    return [path.name for path in old if remove_unread(path)]


def remove_unread(generation: Path) -> bool:
    """Delete ``generation`` if no process holds its reader lock; False if one does."""
    try:
        fd = os.open(generation / READER_LOCK, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o644)
    except OSError:
        return False
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return False
    try:  # readers that come now fail to take the shared lock or to find the folder
        doomed = generation.with_name(f"{TMP_PREFIX}removed-{generation.name}")
        os.replace(generation, doomed)
    except OSError:
        return False
    else:
        shutil.rmtree(doomed, ignore_errors=True)  # what stays is removed by the next build
    finally:
        os.close(fd)
    return True
