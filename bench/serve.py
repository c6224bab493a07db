"""HTTP: requests/s and latency at 1, 8 and 32 clients against ``python -m web``; server RSS.

The server runs as a subprocess on 127.0.0.1 (2 gunicorn workers, rate limit off) over the
benchmark's seed index, on the port the kernel picks (``--port 0``, read back from its log).
The load generator is a small threaded client: each client thread keeps one ``http.client``
connection alive and sends ``GET /api/search?q=...&k=10`` for the next query of the mix until
the level's fixed request count (or its time limit) is reached. The client shares the
machine's cores with the server, so the figures are a floor.
"""

from __future__ import annotations

import http.client
import itertools
import os
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.common import ROOT, listening_port, percentiles, tree_rss

LEVELS = (1, 8, 32)
LEVEL_SECONDS = 120.0  # a level stops here even if its requests are not all sent
START_SECONDS = 90.0
WORKERS = 2


class Server:
    """``python -m web`` in a subprocess; a context manager that waits for /healthz."""

    def __init__(self, index: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.index, self.log, self.env = index, log, env or {}
        self.port = 0  # known once the server logs it
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> Server:
        env = {**os.environ, "SEARCH_RATE_LIMIT": "0", **self.env}
        cmd = [sys.executable, "-m", "web", "--index", str(self.index), "--host", "127.0.0.1"]
        cmd += ["--port", "0", "--workers", str(WORKERS)]
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(
                cmd, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
            )
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"python -m web exited ({self.proc.returncode}):\n{tail}")
            self.port = self.port or listening_port(self.log, offset) or 0
            if self.port and self.healthy():
                return self
            time.sleep(0.25)
        self.__exit__()
        raise RuntimeError(f"python -m web did not answer /healthz in {START_SECONDS:.0f}s")

    def healthy(self) -> bool:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=2)
        try:
            conn.request("GET", "/healthz")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def rss(self) -> int:
        return tree_rss(self.proc.pid) if self.proc else 0

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn master: graceful stop of its workers
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def load(port: int, queries: list[str], clients: int, requests: int) -> dict[str, Any]:
    """Send ``requests`` searches from ``clients`` keep-alive connections; latency and rate."""
    paths = [f"/api/search?{urllib.parse.urlencode({'q': q, 'k': 10})}" for q in queries]
    counter = itertools.count()
    lock = threading.Lock()
    latencies: list[float] = []
    errors: list[str] = []
    deadline = time.monotonic() + LEVEL_SECONDS

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        mine: list[float] = []
        while time.monotonic() < deadline:
            with lock:
                i = next(counter)
            if i >= requests:
                break
            started = time.perf_counter()
            try:
                conn.request("GET", paths[i % len(paths)])
                resp = conn.getresponse()
                resp.read()
                if resp.status != 200:
                    errors.append(str(resp.status))
            except (OSError, http.client.HTTPException) as exc:
                errors.append(type(exc).__name__)
                conn.close()
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        conn.close()
        with lock:
            latencies.extend(mine)

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    seconds = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies),
        "errors": len(errors),
        "seconds": seconds,
        "rps": len(latencies) / seconds,
        **percentiles(latencies),
    }


def run(
    index: Path, queries: list[str], requests: int, log: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One server: RSS after start, then each load level (RSS sampled while it runs)."""
    with Server(index, log, env) as server:
        time.sleep(1.0)
        load(server.port, queries, 1, min(len(queries), requests))  # warm every worker
        started_rss = server.rss()
        peak = [0]
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.2):
                peak[0] = max(peak[0], server.rss())

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            levels = [load(server.port, queries, c, requests) for c in LEVELS]
        finally:
            stop.set()
            sampler.join()
    return {"levels": levels, "rss_start": started_rss, "rss_load": peak[0], "workers": WORKERS}
