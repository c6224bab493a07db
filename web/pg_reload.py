"""Serving a PostgreSQL index (``python -m web --index postgresql://...``): the searcher holder
of :mod:`web.reload`, with the generation named by ``public.search_current`` in the database
instead of a folder's ``current`` link. A build switches that row; at most once per interval a
worker reads it and, when it changed, opens the new generation and swaps it in (requests
already running finish on the old one, which the build keeps as the previous generation)."""

from __future__ import annotations

import logging
import time
from pathlib import Path

from search.config import DEFAULT_RANKING, RankingConfig
from search.errors import SearchError
from search.searcher import Searcher
from search.store.postgres import PostgresStore, current_generation
from web.reload import SearcherHolder

log = logging.getLogger(__name__)


class PgSearcherHolder(SearcherHolder):
    """A :class:`SearcherHolder` whose index is a PostgreSQL database."""

    def __init__(self, searcher: Searcher, location: str, interval: float = 1.0) -> None:
        self.location = location
        super().__init__(searcher, self.generation_of(searcher), interval)

    @staticmethod
    def generation_of(searcher: Searcher) -> Path:
        """The generation's schema name (only ``.name`` is compared and shown)."""
        return Path(searcher.store.generation)

    @classmethod
    def open(  # type: ignore[override]
        cls, root: str, interval: float = 1.0, config: RankingConfig = DEFAULT_RANKING
    ) -> PgSearcherHolder:
        return cls(Searcher.open(root, config=config, warm=True), root, interval)

    def before_fork(self) -> None:
        self._searcher.store.close()  # connections are never shared across a fork

    def after_fork(self) -> None:
        self._checked = time.monotonic() - self.interval

    def _maybe_swap(self) -> None:
        try:
            name = current_generation(self.location)
        except SearchError as exc:
            log.warning("index check failed, still serving %s: %s", self.generation.name, exc)
            return
        if name is None or name == self.generation.name:
            return
        try:
            store = PostgresStore(self.location)
            old = self._searcher
            new = Searcher(store, old.embedder, old.config)
        except SearchError as exc:
            self.reason = f"still serving {self.generation.name}: {exc}"
            self.reload_failures += 1
            log.error("not serving the new generation: %s", exc)
            return
        self._swap(new, self.generation_of(new))
