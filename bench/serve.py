"""HTTP: requests/s and latency at 1, 8 and 32 clients against ``python -m web``; start-up and
server memory.

The server runs as a subprocess on 127.0.0.1 (2 gunicorn workers, rate limit off) over the
benchmark's seed index, on the port the kernel picks (``--port 0``, read back from its log). The
load generator is ``wrk`` (Debian package), a separate C process: each connection stays alive and
sends ``GET /api/search?q=...&k=10`` for the next query of the mix for a fixed time. It shares the
machine's cores with the server, so its CPU share is reported beside the figures.
"""

from __future__ import annotations

import http.client
import os
import re
import shutil
import subprocess
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

from bench.common import ROOT, listening_port, tree_pss, tree_rss

LEVELS = (1, 8, 32)
START_SECONDS = 90.0
WORKERS = 2


class Server:
    """``python -m web`` in a subprocess; a context manager that waits for /healthz."""

    def __init__(self, index: Path, log: Path, env: dict[str, str] | None = None) -> None:
        self.index, self.log, self.env = index, log, env or {}
        self.port = 0  # known once the server logs it
        self.proc: subprocess.Popen[bytes] | None = None
        self.ready_to_answer = float("nan")  # seconds from "Listening at" to the first 200

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
        ready_at = None
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"python -m web exited ({self.proc.returncode}):\n{tail}")
            self.port = self.port or listening_port(self.log, offset) or 0
            if ready_at is None and self.port:
                ready_at = time.monotonic()  # gunicorn printed "Listening at"
            if ready_at is not None and self.answers():
                self.ready_to_answer = time.monotonic() - ready_at
                return self
            time.sleep(0.02)
        self.__exit__()
        raise RuntimeError(f"python -m web did not answer /healthz in {START_SECONDS:.0f}s")

    def answers(self) -> bool:
        """Whether a search gets its 200 (a refused or failed connection is not an answer)."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request("GET", "/api/search?q=standards&k=1")
            return conn.getresponse().status == 200
        except OSError:
            return False
        finally:
            conn.close()

    def rss(self) -> int:
        return tree_rss(self.proc.pid) if self.proc else 0

    def pss(self) -> int:
        return tree_pss(self.proc.pid) if self.proc else 0

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()  # gunicorn master: graceful stop of its workers
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


WRK_SCRIPT = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def load(port: int, queries: list[str], clients: int, seconds: float, work: Path) -> dict[str, Any]:
    """``wrk`` (a separate C load generator) for ``seconds`` with ``clients`` keep-alive
    connections cycling through the query mix; its CPU share of the machine is reported, since
    it competes with the server for the same cores."""
    wrk = shutil.which("wrk")
    if wrk is None:
        raise RuntimeError("the HTTP benchmark needs wrk: apt-get install wrk")
    paths = [f"/api/search?{urllib.parse.urlencode({'q': q, 'k': 10})}" for q in queries]
    script = work / "mix.lua"
    script.write_text(WRK_SCRIPT % ", ".join(_lua_string(x) for x in paths))
    threads = min(clients, os.cpu_count() or 1)
    cmd = [wrk, f"-t{threads}", f"-c{clients}", f"-d{seconds:g}s", "--timeout", "10s"]
    cmd += ["--latency", "-s", str(script), f"http://127.0.0.1:{port}"]
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True)
    out = proc.stdout.read() if proc.stdout else ""
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - started
    if status != 0:
        raise RuntimeError(f"wrk failed ({status}):\n{out}")
    result = parse_wrk(out)
    cpu = (usage.ru_utime + usage.ru_stime) / (wall * (os.cpu_count() or 1))
    return {"clients": clients, "seconds": seconds, "client_cpu_share": cpu, **result}


def _lua_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60_000.0}


def _ms(text: str) -> float:
    m = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if not m:
        raise ValueError(f"unexpected wrk latency {text!r}")
    return float(m.group(1)) * _UNITS[m.group(2)]


def parse_wrk(out: str) -> dict[str, Any]:
    """Requests/s, latency percentiles and failures from ``wrk --latency`` output."""
    rate = re.search(r"Requests/sec:\s*([\d.]+)", out)
    total = re.search(r"(\d+) requests in", out)
    if not rate or not total:
        raise ValueError(f"cannot read wrk output:\n{out}")
    pct = {int(p): _ms(v) for p, v in re.findall(r"^\s+(50|75|90|99)%\s+(\S+)$", out, re.M)}
    non2xx = re.search(r"Non-2xx or 3xx responses:\s*(\d+)", out)
    sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    errors = int(non2xx.group(1)) if non2xx else 0
    errors += sum(int(x) for x in sock.groups()) if sock else 0
    return {
        "requests": int(total.group(1)),
        "rps": float(rate.group(1)),
        "errors": errors,
        "p50": pct.get(50, float("nan")),
        "p90": pct.get(90, float("nan")),
        "p99": pct.get(99, float("nan")),
    }


def run(
    index: Path, queries: list[str], seconds: float, log: Path, env: dict[str, str] | None = None
) -> dict[str, Any]:
    """One server: time from its ready line to the first answer, memory after start (RSS and
    PSS: shared pages counted once), then each load level (memory sampled while it runs)."""
    with Server(index, log, env) as server:
        work = log.parent
        load(server.port, queries, 1, min(2.0, seconds), work)  # warm every worker
        started = {"rss": server.rss(), "pss": server.pss()}
        peak = {"rss": 0, "pss": 0}
        stop = threading.Event()

        def sample() -> None:
            while not stop.wait(0.5):
                peak["rss"] = max(peak["rss"], server.rss())
                peak["pss"] = max(peak["pss"], server.pss())

        sampler = threading.Thread(target=sample)
        sampler.start()
        try:
            levels = [load(server.port, queries, c, seconds, work) for c in LEVELS]
        finally:
            stop.set()
            sampler.join()
    return {
        "levels": levels,
        "ready_to_answer_s": server.ready_to_answer,
        "rss_start": started["rss"],
        "pss_start": started["pss"],
        "rss_load": peak["rss"],
        "pss_load": peak["pss"],
        "workers": WORKERS,
    }
