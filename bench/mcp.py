"""MCP: the round trip of ``search_passages`` over Streamable HTTP beside ``GET /api/search``,
on the same index, one request at a time.

Two servers run as subprocesses on 127.0.0.1 over the benchmark's seed index (rate limit off):
``python -m web`` (as shipped) and ``python -m search.mcp --http 127.0.0.1:0``. For each query
of the mix in turn the client sends, back to back: ``GET /api/search?q=...&k=10`` (JSON parsed),
the MCP ``tools/call`` of ``search_passages`` with ``k=10`` through the SDK's own client session
(which also checks the answer against the tool's output schema), and the same call as a bare
JSON-RPC POST on the session (no client-side checks), so the table separates the server's share
from the client's. The count is bounded: ``passes`` times the mix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import anyio
import httpx2

from bench.common import ROOT, listening_port, percentiles
from bench.serve import Server

START_SECONDS = 90.0
WARM = 5  # requests of each kind before timing
PROTOCOL = "2025-06-18"


class McpServer:
    """``python -m search.mcp --http 127.0.0.1:0`` in a subprocess, ready once /healthz is ok."""

    def __init__(self, index: Path, log: Path) -> None:
        self.index, self.log = index, log
        self.port = 0
        self.proc: subprocess.Popen[bytes] | None = None

    def __enter__(self) -> McpServer:
        env = {**os.environ, "SEARCH_RATE_LIMIT": "0"}
        cmd = [sys.executable, "-m", "search.mcp", "--index", str(self.index)]
        cmd += ["--http", "127.0.0.1:0"]
        offset = self.log.stat().st_size if self.log.exists() else 0
        with open(self.log, "ab") as log:
            self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=log)
        deadline = time.monotonic() + START_SECONDS
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:]
                raise RuntimeError(f"python -m search.mcp exited ({self.proc.returncode}):\n{tail}")
            self.port = self.port or listening_port(self.log, offset) or 0
            if self.port and _healthy(self.port):
                return self
            time.sleep(0.05)
        self.__exit__()
        raise RuntimeError(f"python -m search.mcp did not answer in {START_SECONDS:.0f}s")

    def __exit__(self, *exc: object) -> None:
        if self.proc is None or self.proc.poll() is not None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait(timeout=10)


def _healthy(port: int) -> bool:
    try:
        return httpx2.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
    except httpx2.HTTPError:
        return False


async def _measure(api: int, mcp: int, queries: list[str], passes: int) -> dict[str, list[float]]:
    from mcp import ClientSession
    from mcp.client.streamable_http import streamable_http_client

    times: dict[str, list[float]] = {"api": [], "mcp": [], "mcp_bare": []}
    url = f"http://127.0.0.1:{mcp}/mcp"
    async with (
        httpx2.AsyncClient(timeout=60) as http,
        streamable_http_client(url, http_client=http) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        headers = {
            "accept": "application/json, text/event-stream",
            "mcp-session-id": await _bare_session(http, url),
            "mcp-protocol-version": PROTOCOL,
        }
        plan = queries * passes
        for n, q in enumerate(plan[:WARM] + plan):
            args = {"query": q, "k": 10}
            began = time.perf_counter()
            resp = await http.get(f"http://127.0.0.1:{api}/api/search", params={"q": q, "k": 10})
            resp.raise_for_status()
            resp.json()
            took_api = time.perf_counter() - began
            began = time.perf_counter()
            result = await session.call_tool("search_passages", args)
            took_mcp = time.perf_counter() - began
            if result.is_error:
                raise RuntimeError(f"search_passages failed for {q!r}: {result.content}")
            body = {"jsonrpc": "2.0", "id": n, "method": "tools/call"}
            body["params"] = {"name": "search_passages", "arguments": args}
            began = time.perf_counter()
            bare = await http.post(url, json=body, headers=headers)
            bare.raise_for_status()
            bare.json()
            took_bare = time.perf_counter() - began
            if n >= WARM:
                times["api"].append(took_api * 1000)
                times["mcp"].append(took_mcp * 1000)
                times["mcp_bare"].append(took_bare * 1000)
    return times


async def _bare_session(http: httpx2.AsyncClient, url: str) -> str:
    """A second MCP session, opened by hand, for the bare JSON-RPC posts."""
    hello = {"protocolVersion": PROTOCOL, "capabilities": {}}
    hello["clientInfo"] = {"name": "bench", "version": "1"}
    headers = {"accept": "application/json, text/event-stream"}
    body = {"jsonrpc": "2.0", "id": 0, "method": "initialize", "params": hello}
    resp = await http.post(url, json=body, headers=headers)
    resp.raise_for_status()
    session = resp.headers["mcp-session-id"]
    headers = {**headers, "mcp-session-id": session, "mcp-protocol-version": PROTOCOL}
    note = {"jsonrpc": "2.0", "method": "notifications/initialized"}
    (await http.post(url, json=note, headers=headers)).raise_for_status()
    return session


def run(index: Path, queries: list[str], passes: int, log: Path) -> dict[str, Any]:
    """Both servers on ``index``; ``passes`` x the mix of each kind of request, sequentially."""
    with Server(index, log) as web, McpServer(index, log.with_name("mcp-server.log")) as mcp:
        times = anyio.run(_measure, web.port, mcp.port, queries, passes)
    stats = {name: percentiles(ms) for name, ms in times.items()}
    return {
        "requests": len(times["api"]),
        **stats,
        "ratio_p50": stats["mcp"]["p50"] / stats["api"]["p50"],
        "bare_ratio_p50": stats["mcp_bare"]["p50"] / stats["api"]["p50"],
    }
