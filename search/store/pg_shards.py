"""Which shards of a PostgreSQL index answer. A search fans out to every shard, so an answer
either comes from all of them or not at all: a response reports ``shards: {"total": N,
"failed": 0}``, and when a shard is down the search fails with ``UnavailableError`` (a 503 in
the web API, whose body counts the shards that did not answer). Never fewer results without
saying so."""

from __future__ import annotations

import threading
import time
from typing import Any

PROBE_TIMEOUT = 1  # seconds to wait for a shard's connection
PROBE_CACHE = 2.0  # seconds a probe's answer is reused (a burst of 503s probes once)


class ShardStatus:
    """The shard servers of an index (``pg_layout.shards``: name, conninfo) and a cached probe
    of which of them accept a connection."""

    def __init__(self, servers: list[tuple[str, str]], total: int) -> None:
        self.total = max(total, 1)
        self.servers = servers if total > 1 else []  # one partition: no shards in use
        self._lock = threading.Lock()
        self._probed: tuple[float, list[str]] = (float("-inf"), [])

    def answered(self) -> dict[str, int]:
        """What a successful search reports: every shard answered."""
        return {"total": self.total, "failed": 0}

    def probe(self) -> dict[str, Any]:
        """``{"total", "failed", "down": [names]}`` now (cached for ``PROBE_CACHE`` s)."""
        with self._lock:
            when, down = self._probed
            if time.monotonic() - when > PROBE_CACHE:
                down = [name for name, info in self.servers if not _reachable(info)]
                self._probed = (time.monotonic(), down)
        return {"total": self.total, "failed": len(down), "down": down}


def _reachable(conninfo: str) -> bool:
    import psycopg

    try:
        psycopg.connect(f"{conninfo} connect_timeout={PROBE_TIMEOUT}").close()
    except psycopg.Error:
        return False
    return True
