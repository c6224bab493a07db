"""The searcher holder: one opened index per process, swapped when a rebuild repoints it.

Each request checks a searcher out and back in (``register`` adds the hooks), so a request
uses one generation from start to end, and a replaced generation is closed - its SQLite
connections and its reader lock, see ``search.store.generations`` - when its last request ends.
A new generation is verified (``search.store.verify``) before any request sees it; one that
fails keeps the old generation serving and shows in ``/healthz`` as degraded, with the reason.
"""

from __future__ import annotations

import logging
import threading
import time
from pathlib import Path
from typing import Any

from flask import Flask, Response, g, has_request_context

from search.config import DEFAULT_RANKING, RankingConfig
from search.errors import BadIndexError, SearchError
from search.searcher import Searcher
from search.store import CURRENT, Store, resolve
from search.store.base import is_database_url
from search.store.generations import generations
from search.store.verify import problems

log = logging.getLogger(__name__)


def index_root(generation: Path) -> Path:
    """The folder whose ``current`` link names ``generation`` (or ``generation`` itself)."""
    link = generation.parent / CURRENT
    if link.exists() and link.resolve() == generation.resolve():
        return generation.parent
    return generation


def open_verified(
    target: Path, like: Searcher | None = None, config: RankingConfig = DEFAULT_RANKING
) -> Searcher:
    """A searcher on ``target`` once it passes verification (``BadIndexError`` otherwise)."""
    found = problems(target)
    if found:
        raise BadIndexError(f"{target.name}: {found[0]}")
    try:
        if like is None:
            return Searcher.open(target, config=config, warm=True)
        store = Store(target)
        embedder = like.embedder
        if (store.manifest.get("encoder"), store.manifest.get("dim")) != (
            embedder.name,
            embedder.dim,
        ):
            store.close()
            return Searcher.open(target, config=like.config, warm=True)  # another encoder
        return Searcher(store, embedder, like.config)
    except (OSError, RuntimeError, ValueError) as exc:  # what SQLite and FAISS raise
        raise BadIndexError(f"{target.name}: cannot be opened ({exc})") from exc


def open_newest_good(
    root: Path, config: RankingConfig = DEFAULT_RANKING, like: Searcher | None = None
) -> tuple[Searcher, str]:
    """The generation ``current`` names, or if it fails verification the newest one that
    passes (a worker restarted after a bad build keeps serving); the second value is the
    reason the current one is not served, empty when it is."""
    current = resolve(root).resolve()
    try:
        return open_verified(current, like, config), ""
    except SearchError as exc:
        reason = str(exc)
        if current == root.resolve():  # a bare generation folder: nothing to fall back to
            raise
    older = [p for p in reversed(generations(root)) if p != current]
    for gen in older:
        try:
            return open_verified(gen, like, config), reason
        except SearchError:
            continue
    raise BadIndexError(reason)


class SearcherHolder:
    """Hands out the current searcher; at most once per ``interval`` seconds it checks whether
    the index root now points at another generation and, if so, verifies and opens it."""

    def __init__(
        self,
        searcher: Searcher,
        root: Path | None = None,
        interval: float = 1.0,
        reason: str = "",
    ) -> None:
        self._searcher = searcher
        self.generation = self.generation_of(searcher)
        self.root = root if root is not None else index_root(self.generation)
        self.interval = interval
        self.reason = reason  # why the newest generation is not served ("" when it is)
        self.reload_failures = 1 if reason else 0
        self._rejected: set[Path] = set()
        self._checked = time.monotonic()
        self._lock = threading.Lock()
        self._uses: dict[int, int] = {}  # id(searcher) -> requests using it
        self._retired: dict[int, Searcher] = {}
        self._uses_lock = threading.Lock()

    @staticmethod
    def generation_of(searcher: Searcher) -> Path:
        """The generation folder ``searcher`` serves, as ``current`` resolves to it."""
        return Path(searcher.store.location).resolve()

    @classmethod
    def open(
        cls, root: str | Path, interval: float = 1.0, config: RankingConfig = DEFAULT_RANKING
    ) -> SearcherHolder:
        searcher, reason = open_newest_good(Path(root), config)
        holder = cls(searcher, Path(root), interval, reason)
        if reason:
            log.error("not serving the current generation: %s", reason)
            holder._rejected.add(resolve(Path(root)).resolve())
        return holder

    @property
    def searcher(self) -> Searcher:
        """The searcher of this request (checked out by ``register``'s hook), else the current
        one after a reload check if one is due."""
        if has_request_context() and "searcher" in g:
            return g.searcher
        self._maybe_reload()
        return self._searcher

    def health(self) -> dict[str, Any]:
        out: dict[str, Any] = {"status": "degraded" if self.reason else "ok"}
        if self.reason:
            out["reason"] = self.reason
        out["generation"] = self.generation.name
        return out

    def before_fork(self) -> None:
        """In the parent that opened the index before forking workers: let go of its SQLite
        connections (never share them across a fork) and of its reader lock, which would
        otherwise keep this generation from being pruned for the server's lifetime."""
        self._searcher.store.close()

    def after_fork(self) -> None:
        """In a worker forked from a process that opened the index (gunicorn ``preload_app``):
        hold the generation with this worker's own lock; if it is not the current one (the
        master opened it long ago: a worker restarted after a crash), open the newest good
        generation before the first request."""
        try:
            self._searcher.store.relock()
            held = True
        except SearchError:  # pruned since the parent opened it
            held = False
        try:
            current = resolve(self.root).resolve()
        except (OSError, SearchError):
            current = None
        if held and current == self.generation:
            return
        try:
            searcher, reason = open_newest_good(self.root, self._searcher.config, self._searcher)
        except SearchError as exc:
            log.error("no good generation to serve, still on %s: %s", self.generation.name, exc)
            return
        self._swap(searcher, self.generation_of(searcher))
        if reason and current is not None:
            self._rejected.add(current)
            self.reason = f"still serving {searcher.store.generation}: {reason}"

    def checkout(self) -> Searcher:
        self._maybe_reload()
        with self._uses_lock:
            searcher = self._searcher
            self._uses[id(searcher)] = self._uses.get(id(searcher), 0) + 1
        return searcher

    def checkin(self, searcher: Searcher) -> None:
        with self._uses_lock:
            left = self._uses.get(id(searcher), 1) - 1
            self._uses[id(searcher)] = left
            done = left <= 0 and self._retired.pop(id(searcher), None) is not None
            if left <= 0:
                self._uses.pop(id(searcher), None)
        if done:
            searcher.store.close()

    def _maybe_reload(self) -> None:
        if time.monotonic() - self._checked >= self.interval and self._lock.acquire(blocking=False):
            try:
                self._checked = time.monotonic()
                self._maybe_swap()
            finally:
                self._lock.release()

    def _maybe_swap(self) -> None:
        try:
            target = resolve(self.root).resolve()
        except (OSError, SearchError) as exc:
            log.warning("index check failed, still serving %s: %s", self.generation.name, exc)
            return
        if target == self.generation or target in self._rejected:
            return
        try:
            new = open_verified(target, like=self._searcher)
        except SearchError as exc:
            self._rejected.add(target)  # logged once; the next build gets its own check
            self.reason = f"still serving {self.generation.name}: {exc}"
            self.reload_failures += 1
            log.error("not serving the new generation: %s", exc)
            return
        self._swap(new, target)

    def _swap(self, new: Searcher, target: Path) -> None:
        with self._uses_lock:
            old = self._searcher
            self._searcher, self.generation, self.reason = new, target, ""
            idle = self._uses.get(id(old), 0) == 0
            if not idle:
                self._retired[id(old)] = old  # closed by the last request using it
        log.info("now serving index generation %s", target.name)
        if idle:
            old.store.close()


def open_holder(
    location: str, interval: float = 1.0, config: RankingConfig = DEFAULT_RANKING
) -> SearcherHolder:
    """The holder of the index at ``location``: a folder, or a PostgreSQL URL
    (:mod:`web.pg_reload`)."""
    if is_database_url(location):
        from web.pg_reload import PgSearcherHolder

        return PgSearcherHolder.open(location, interval, config)
    return SearcherHolder.open(location, interval, config)


def register(app: Flask) -> None:
    """Check a searcher out for each request and back in when it ends."""
    holder: SearcherHolder = app.extensions["searcher"]

    @app.before_request
    def checkout() -> None:
        g.searcher = holder.checkout()

    @app.after_request
    def name_generation(response: Response) -> Response:
        if "searcher" in g:  # which generation answered: one per request, never mixed
            response.headers["X-Index-Generation"] = g.searcher.store.generation
        return response

    @app.teardown_request
    def checkin(exc: BaseException | None) -> None:
        searcher = g.pop("searcher", None)
        if searcher is not None:
            holder.checkin(searcher)
