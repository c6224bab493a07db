"""A per-client token bucket: in process memory (``RateLimiter``), or in a SQLite file that
every worker of a server shares (``SharedRateLimiter``), so the limit holds for the server as a
whole and not once per worker."""

from __future__ import annotations

import contextlib
import math
import random
import sqlite3
import threading
import time
from collections.abc import Callable

MAX_CLIENTS = 10_000  # beyond this, clients whose bucket has refilled are forgotten


class RateLimiter:
    """``rate`` requests per minute per key, with bursts of up to ``burst`` requests."""

    def __init__(
        self, rate: float, burst: int, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.per_second = rate / 60.0
        self.burst = float(burst)
        self.clock = clock
        self._buckets: dict[str, tuple[float, float]] = {}  # key -> (tokens, last time)
        self._lock = threading.Lock()

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def take(self, key: str, rate: float | None = None, cost: float = 1.0) -> float:
        """Spend ``cost`` tokens (one request; a deep page costs more) for ``key``: 0.0 if
        allowed, else the seconds to wait for them. ``rate`` (per minute) overrides the
        default for this client (0 = unlimited)."""
        per_second = self.per_second if rate is None else rate / 60.0
        if per_second <= 0:
            return 0.0
        now = self.clock()
        with self._lock:
            tokens, last = self._buckets.get(key, (self.burst, now))
            tokens, wait = spend(tokens, now - last, per_second, self.burst, cost)
            self._buckets[key] = (tokens, now)
            if len(self._buckets) > MAX_CLIENTS:
                self._forget_idle(now)
        return wait

    def _forget_idle(self, now: float) -> None:
        full = [
            k
            for k, (tokens, last) in self._buckets.items()
            if tokens + (now - last) * self.per_second >= self.burst
        ]
        for k in full:
            del self._buckets[k]
        if len(self._buckets) > MAX_CLIENTS:  # still too many: forget the least recent half
            by_age = sorted(self._buckets, key=lambda k: self._buckets[k][1])
            for k in by_age[: len(by_age) // 2]:
                del self._buckets[k]


def spend(
    tokens: float, elapsed: float, per_second: float, burst: float, cost: float = 1.0
) -> tuple[float, float]:
    """The bucket after one request costing ``cost`` tokens: (tokens left, seconds to wait;
    0.0 when allowed). A request dearer than the whole burst is let through on a full bucket
    and leaves it in debt, so the client then waits for the rest."""
    tokens = min(burst, tokens + max(0.0, elapsed) * per_second)
    need = min(max(cost, 1.0), burst)
    if tokens >= need:
        return tokens - max(cost, 1.0), 0.0
    return tokens, (need - tokens) / per_second


class SharedRateLimiter:
    """The same buckets in a SQLite file all workers open (one short write per request). If
    the file is busy for more than a second the request is let through and counted."""

    def __init__(self, path: str, rate: float, burst: int) -> None:
        self.path, self.per_second, self.burst = path, rate / 60.0, float(burst)
        self.unavailable = 0
        self._local = threading.local()
        for attempt in range(20):  # workers starting together may find the file busy
            try:
                with contextlib.closing(self._connect()) as db:
                    db.execute(
                        "CREATE TABLE IF NOT EXISTS buckets "
                        "(key TEXT PRIMARY KEY, tokens REAL, last REAL)"
                    )
                return
            except sqlite3.OperationalError:
                if attempt == 19:
                    raise
                time.sleep(0.1)

    @property
    def enabled(self) -> bool:
        return self.per_second > 0

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=1.0, isolation_level=None)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=OFF")  # counters, not records: speed over durability
        return db

    def take(self, key: str, rate: float | None = None, cost: float = 1.0) -> float:
        per_second = self.per_second if rate is None else rate / 60.0
        if per_second <= 0:
            return 0.0
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._local.db = self._connect()
        now = time.time()
        try:
            db.execute("BEGIN IMMEDIATE")
            try:
                query = "SELECT tokens, last FROM buckets WHERE key = ?"
                row = db.execute(query, (key,)).fetchone()
                tokens, last = row if row else (self.burst, now)
                tokens, wait = spend(tokens, now - last, per_second, self.burst, cost)
                db.execute("INSERT OR REPLACE INTO buckets VALUES (?, ?, ?)", (key, tokens, now))
                if row is None and random.random() < 0.01:  # now and then, forget idle clients
                    db.execute("DELETE FROM buckets WHERE last < ?", (now - 3600,))
            finally:
                db.execute("COMMIT")
        except sqlite3.Error:
            self.unavailable += 1
            return 0.0
        return wait


def retry_after(wait: float) -> int:
    """A ``Retry-After`` header value: whole seconds, at least 1."""
    return max(1, math.ceil(wait))
