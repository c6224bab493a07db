"""The searcher holder: one opened index per process, swapped when a rebuild repoints it."""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path

from search.config import DEFAULT_RANKING, RankingConfig
from search.errors import SearchError
from search.searcher import Searcher
from search.store import CURRENT, Store, resolve

log = logging.getLogger(__name__)


def index_root(generation: Path) -> Path:
    """The folder whose ``current`` link names ``generation`` (or ``generation`` itself)."""
    link = generation.parent / CURRENT
    if link.exists() and link.resolve() == generation.resolve():
        return generation.parent
    return generation


class SearcherHolder:
    """Hands out the current searcher; at most once per ``interval`` seconds it checks whether
    the index root now points at another generation and, if so, opens it and swaps it in.

    A failed check or open is logged and the old searcher keeps serving: a request never fails
    because of a rebuild.
    """

    def __init__(self, searcher: Searcher, root: Path | None = None, interval: float = 1.0):
        self._searcher = searcher
        self.generation = searcher.store.path.resolve()
        self.root = root if root is not None else index_root(searcher.store.path)
        self.interval = interval
        self._checked = time.monotonic()
        self._lock = threading.Lock()

    @classmethod
    def open(
        cls, root: str | Path, interval: float = 1.0, config: RankingConfig = DEFAULT_RANKING
    ) -> SearcherHolder:
        return cls(Searcher.open(root, config=config), Path(root), interval)

    @property
    def searcher(self) -> Searcher:
        """The searcher to use for this request (after a reload check if one is due)."""
        if time.monotonic() - self._checked >= self.interval and self._lock.acquire(blocking=False):
            try:
                self._checked = time.monotonic()
                self._maybe_swap()
            finally:
                self._lock.release()
        return self._searcher

    def _maybe_swap(self) -> None:
        try:
            target = resolve(self.root).resolve()
        except (OSError, SearchError) as exc:
            log.warning("index check failed, still serving %s: %s", self.generation.name, exc)
            return
        if target == self.generation:
            return
        old = self._searcher
        try:
            store = Store(target)
            embedder = old.embedder
            if (store.manifest.get("encoder"), store.manifest.get("dim")) == (
                embedder.name,
                embedder.dim,
            ):
                new = Searcher(store, embedder, old.config)
            else:
                new = Searcher.open(target, config=old.config)  # rebuilt with another encoder
        except (OSError, SearchError, RuntimeError) as exc:
            log.warning("cannot open %s, still serving %s: %s", target, self.generation.name, exc)
            return
        self._searcher, self.generation = new, target
        log.info("now serving index generation %s", target.name)
        # Requests already running keep their reference to ``old``; its other threads' SQLite
        # connections close when it is garbage collected.
        old.store.close()
