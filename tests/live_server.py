"""A real ``python -m web`` for the reliability tests: port 0 (read back from the log), helpers
for plain and raw requests, slow-header clients, and worker/file-descriptor inspection."""

from __future__ import annotations

import contextlib
import json
import os
import re
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).absolute().parents[1]
LISTENING = re.compile(r"Listening at: http://127\.0\.0\.1:(\d+)")


class LiveServer:
    def __init__(self, index: Path, log: Path, workers: int = 2, threads: int = 4, **env: str):
        self.log = log
        args = ["--index", str(index), "--port", "0", "--workers", str(workers)]
        args += ["--threads", str(threads)]
        environ = {**os.environ, "SEARCH_RATE_LIMIT": "0", "SEARCH_RELOAD_INTERVAL": "0.2", **env}
        with log.open("w") as out:
            self.proc = subprocess.Popen(
                [sys.executable, "-m", "web", *args],
                cwd=ROOT,
                stdout=out,
                stderr=subprocess.STDOUT,
                env=environ,
            )
        self.port = self._port(timeout=120)
        self.base = f"http://127.0.0.1:{self.port}"
        self.wait_healthy(timeout=120)

    def _port(self, timeout: float) -> int:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            found = LISTENING.search(self.log.read_text(errors="replace"))
            if found:
                return int(found.group(1))
            if self.proc.poll() is not None:
                raise RuntimeError(f"server exited: {self.log.read_text()[-2000:]}")
            time.sleep(0.1)
        raise RuntimeError(f"server did not start: {self.log.read_text()[-2000:]}")

    def wait_healthy(self, timeout: float) -> None:
        """Wait until every worker answers (a few /healthz in a row succeed)."""
        deadline, good = time.monotonic() + timeout, 0
        while time.monotonic() < deadline and good < 6:
            try:
                good = good + 1 if self.get("/healthz", timeout=2)[0] == 200 else 0
            except OSError:
                good = 0
                time.sleep(0.3)
        if good < 6:
            raise RuntimeError(f"server not healthy: {self.log.read_text()[-2000:]}")

    def get(self, path: str, timeout: float = 10, headers: dict | None = None):
        req = urllib.request.Request(self.base + path, headers=headers or {})
        try:
            with urllib.request.urlopen(req, timeout=timeout) as resp:
                return resp.status, dict(resp.headers), resp.read()
        except urllib.error.HTTPError as exc:
            return exc.code, dict(exc.headers), exc.read()

    def json(self, path: str) -> dict:
        return json.loads(self.get(path)[2])

    def raw(self, request: bytes, timeout: float = 10) -> bytes:
        with socket.create_connection(("127.0.0.1", self.port), timeout=timeout) as sock:
            sock.sendall(request)
            data = b""
            while chunk := sock.recv(65536):
                data += chunk
            return data

    def workers(self) -> list[int]:
        children = Path(f"/proc/{self.proc.pid}/task/{self.proc.pid}/children")
        return [int(p) for p in children.read_text().split()] if children.exists() else []

    def stop(self) -> int:
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=5)
        return self.proc.returncode


def slow_clients(port: int, n: int) -> list[socket.socket]:
    """``n`` connections that have sent half a request head (the rest never comes)."""
    socks = []
    for _ in range(n):
        sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")
        socks.append(sock)
    return socks


def drip(socks: list[socket.socket]) -> None:
    """One more header line on each slow connection (closed ones are skipped)."""
    for sock in socks:
        with contextlib.suppress(OSError):
            sock.sendall(b"X-Slow: 1\r\n")


def deleted_files_open(pids: list[int], under: Path) -> list[str]:
    """Deleted files under ``under`` that the processes ``pids`` still hold open or mapped."""
    out = []
    for pid in pids:
        try:
            maps = Path(f"/proc/{pid}/maps").read_text()
        except OSError:
            maps = ""
        for line in maps.splitlines():
            if line.endswith(" (deleted)") and str(under) in line:
                out.append(f"{pid} mapped: {line.split(maxsplit=5)[-1]}")
        try:
            fds = os.listdir(f"/proc/{pid}/fd")
        except OSError:
            continue
        for fd in fds:
            try:
                target = os.readlink(f"/proc/{pid}/fd/{fd}")
            except OSError:
                continue
            if target.endswith(" (deleted)") and target.startswith(str(under)):
                out.append(f"{pid}: {target}")
    return out
