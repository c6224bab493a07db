"""The MCP server as assistants meet it: a real ``python -m search.mcp`` process, driven by the
SDK's own client session over stdio and over Streamable HTTP (``--http 127.0.0.1:0``, the
port read back from its log). On the seed index: every tool listed and called, a Chinese
question answered by English passages with citations, bad arguments; over HTTP the web
service's API keys and rate limit; on a tiny index rebuilt during an open session, the new
generation answering without a restart."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("mcp", reason="the mcp extra: pip install -e '.[mcp]'")
import anyio  # noqa: E402
import httpx2  # noqa: E402
from mcp import ClientSession, StdioServerParameters, stdio_client  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402

from tests.web_conftest import healthy  # noqa: E402

pytest_plugins = ("tests.web_conftest",)
pytestmark = pytest.mark.server  # each test starts a real server process

ROOT = Path(__file__).absolute().parents[1]
PUBLIC = "https://search.example/"
LISTENING = re.compile(r"Listening at: (http://127\.0\.0\.1:\d+)/mcp")
CROSS = "第二届中国标准化大会上致辞的衢州市长是谁"  # answered by the English edition's article
NO_KEY = "a valid API key is needed in the X-API-Key header"
INITIALIZE = {  # the first request of a session, posted raw
    "jsonrpc": "2.0",
    "id": 1,
    "method": "initialize",
    "params": {
        "protocolVersion": "2025-06-18",
        "capabilities": {},
        "clientInfo": {"name": "test", "version": "1"},
    },
}
ACCEPT = {"accept": "application/json, text/event-stream"}


def start_mcp(procs: list[subprocess.Popen], index: Path, log: Path, **env: str) -> str:
    """``python -m search.mcp --http 127.0.0.1:0`` on ``index``; its base URL once /healthz
    answers."""
    cmd = [sys.executable, "-m", "search.mcp", "--index", str(index), "--http", "127.0.0.1:0"]
    with log.open("w") as out:
        proc = subprocess.Popen(
            [*cmd, "--public-url", PUBLIC],
            cwd=ROOT,
            env={**os.environ, **env},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    procs.append(proc)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"mcp server exited with {proc.returncode}: {log.read_text()[-2000:]}")
        found = LISTENING.search(log.read_text(errors="replace"))
        if found and healthy(found.group(1)):
            return found.group(1)
        time.sleep(0.1)
    pytest.fail(f"mcp server did not answer: {log.read_text()[-2000:]}")


@asynccontextmanager
async def over_http(base: str, key: str | None = None) -> AsyncIterator[ClientSession]:
    headers = {"X-API-Key": key} if key else None
    async with (
        httpx2.AsyncClient(headers=headers, timeout=60) as http,
        streamable_http_client(base + "/mcp", http_client=http) as (read, write, *_),
        ClientSession(read, write) as session,
    ):
        await session.initialize()
        yield session


@asynccontextmanager
async def over_stdio(index: Path, **env: str) -> AsyncIterator[ClientSession]:
    command = [sys.executable, "-m", "search.mcp", "--index", str(index), "--public-url", PUBLIC]
    params = StdioServerParameters(
        command=command[0], args=command[1:], env={**os.environ, **env}, cwd=str(ROOT)
    )
    async with stdio_client(params) as (read, write), ClientSession(read, write) as session:
        await session.initialize()
        yield session


def messages(exc: BaseException) -> list[str]:
    """The messages of ``exc`` and of every exception grouped in it."""
    inner = getattr(exc, "exceptions", ())
    return [str(exc), *(m for e in inner for m in messages(e))]


async def every_tool(session: ClientSession) -> dict[str, Any]:
    """List the tools, call each one as an assistant would, and check the answers."""
    tools = {t.name: t for t in (await session.list_tools()).tools}
    assert set(tools) == {"search", "fetch", "search_passages", "list_documents"}
    assert all(t.title and t.description and t.output_schema for t in tools.values())

    found = (await session.call_tool("search", {"query": CROSS})).structured_content
    top = found["results"][0]
    assert top["url"].startswith(f"{PUBLIC}doc/") and top["url"].endswith(f"#{top['id']}")
    assert "Second China Standardization Conference" in top["title"]

    fetched = (await session.call_tool("fetch", {"id": top["id"]})).structured_content
    assert "Quzhou" in fetched["text"] and fetched["metadata"]["lang"] == "en"
    assert top["url"] in fetched["metadata"]["gbt7714"]

    result = await session.call_tool("search_passages", {"query": CROSS, "k": 5})
    answer = result.structured_content
    assert answer["query_lang"] == "zh" and answer["good"] >= 1
    best = answer["results"][0]
    assert best["lang"] == "en" and best["match"] == "good" and "Xu Zhangyan" in best["text"]
    assert best["citation"]["permalink"] == top["url"]
    assert best["citation"]["formats"]["chicago"].startswith("China Standardization Press")
    assert best["citation"]["text"] in result.content[0].text
    assert set(answer["facets"]) == {"doc", "lang"} and answer["total"] >= 5

    bad = await session.call_tool("search_passages", {"query": CROSS, "k": 0})
    assert bad.is_error and bad.content[0].text == "k must be a whole number from 1 to 50 (got 0)"
    bad = await session.call_tool("search_passages", {"query": " ", "lang": "fr"})
    assert bad.is_error and bad.content[0].text.startswith("the query is empty")

    docs = (await session.call_tool("list_documents", {})).structured_content
    assert docs["count"] == len(docs["documents"]) >= 2
    assert {d["lang"] for d in docs["documents"]} == {"zh", "en"}
    return docs


def test_stdio_lists_and_calls_every_tool(seed_index: Path) -> None:
    async def go() -> dict[str, Any]:
        async with over_stdio(seed_index) as session:
            return await every_tool(session)

    docs = anyio.run(go)
    assert all(Path(d["path"]).is_absolute() for d in docs["documents"])  # the local user's


def test_http_with_a_key_lists_and_calls_every_tool_and_refuses_a_wrong_key(
    seed_index: Path, server_process, tmp_path
) -> None:
    base = start_mcp(server_process, seed_index, tmp_path / "mcp.log", SEARCH_API_KEYS="a:k-1")

    async def go() -> dict[str, Any]:
        async with over_http(base, key="k-1") as session:
            return await every_tool(session)

    docs = anyio.run(go)
    assert all("path" not in d for d in docs["documents"])  # server paths stay private
    for key in ("wrong", None):

        async def refused(key: str | None = key) -> None:
            async with over_http(base, key=key) as session:
                await session.list_tools()

        with pytest.raises(BaseException) as caught:
            anyio.run(refused)
        assert NO_KEY in messages(caught.value)
    raw = httpx2.post(base + "/mcp", json={"jsonrpc": "2.0", "id": 1, "method": "tools/list"})
    assert raw.status_code == 401
    assert raw.json()["error"]["message"] == NO_KEY
    assert httpx2.get(base + "/healthz").status_code == 200  # open, as the web service's


def test_http_rate_limit_is_the_web_services_per_client(
    web_index: Path, server_process, tmp_path
) -> None:
    env = {"SEARCH_API_KEYS": "fast:k-fast,slow:k-slow:1", "SEARCH_RATE_BURST": "3"}
    base = start_mcp(server_process, web_index, tmp_path / "mcp.log", **env)
    hello, accept = INITIALIZE, ACCEPT

    def post(key: str) -> httpx2.Response:
        return httpx2.post(base + "/mcp", json=hello, headers={**accept, "X-API-Key": key})

    assert [post("k-slow").status_code for _ in range(3)] == [200, 200, 200]  # the burst
    refused = post("k-slow")
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) >= 1
    assert refused.json()["error"]["message"] == "too many requests: wait a moment and try again"
    assert post("k-fast").status_code == 200  # another client: its own bucket


def test_http_checks_the_host_and_stops_cleanly_on_sigterm(
    web_index: Path, server_process, tmp_path
) -> None:
    log = tmp_path / "mcp.log"
    base = start_mcp(server_process, web_index, log)
    body = {"jsonrpc": "2.0", "id": 1, "method": "tools/list"}
    statuses = {
        host: httpx2.post(base + "/mcp", json=body, headers={"Host": host}).status_code
        for host in ("search.example", "evil.example")
    }
    assert statuses["evil.example"] == 421  # DNS rebinding: only loopback and the public host
    assert statuses["search.example"] != 421
    proc = server_process[-1]
    proc.terminate()
    assert proc.wait(timeout=20) == 0
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("transport", ["stdio", "http"])
def test_a_rebuilt_index_answers_in_the_same_session(
    rebuildable_index, second_corpus, server_process, tmp_path, transport
) -> None:
    env = {"SEARCH_RELOAD_INTERVAL": "0.2"}
    if transport == "http":
        base = start_mcp(server_process, rebuildable_index.root, tmp_path / "mcp.log", **env)

    async def served(session: ClientSession) -> set[str]:
        docs = (await session.call_tool("list_documents", {})).structured_content
        return {d["doc_id"].rsplit("-", 1)[0] for d in docs["documents"]}

    async def go() -> None:
        opened = (
            over_http(base) if transport == "http" else over_stdio(rebuildable_index.root, **env)
        )
        async with opened as session:
            assert await served(session) == {"carbon-zh", "esg-en"}
            old = await session.call_tool("search", {"query": "ESG disclosure"})
            old_id = old.structured_content["results"][0]["id"]
            await anyio.to_thread.run_sync(rebuildable_index.build, second_corpus)
            with anyio.fail_after(30):
                while await served(session) != {"quantum-en"}:
                    await anyio.sleep(0.2)
            args = {"query": "quantum metrology kilogram", "k": 3}
            answer = (await session.call_tool("search_passages", args)).structured_content
            assert answer["results"][0]["doc_id"].startswith("quantum-en")
            gone = await session.call_tool("fetch", {"id": old_id})
            assert gone.is_error and gone.content[0].text == f"no passage with id {old_id!r}"

    anyio.run(go)


@pytest.mark.parametrize("proxy, named_user_admitted", [("127.0.0.1", True), ("10.9.8.7", False)])
def test_http_believes_a_named_user_only_from_a_trusted_proxy(
    web_index: Path, server_process, tmp_path, proxy: str, named_user_admitted: bool
) -> None:
    """``user_header`` names the caller only when the request comes from a ``trusted_proxies``
    address (here the test itself, on 127.0.0.1); from anywhere else it counts for nothing and
    a key is needed, as on the web service. A named user has their own rate limit."""
    env = {
        "SEARCH_API_KEYS": "k-1",
        "SEARCH_USER_HEADER": "X-Remote-User",
        "SEARCH_TRUSTED_PROXIES": proxy,
        "SEARCH_RATE_BURST": "2",
    }
    base = start_mcp(server_process, web_index, tmp_path / "mcp.log", **env)
    body, accept = INITIALIZE, ACCEPT

    def post(user: str) -> httpx2.Response:
        return httpx2.post(base + "/mcp", json=body, headers={**accept, "X-Remote-User": user})

    if named_user_admitted:
        assert [post("alice").status_code for _ in range(2)] == [200, 200]
        assert post("alice").status_code == 429  # alice's own bucket is empty
        assert post("bob").status_code == 200  # bob has his
    else:
        refused = post("alice")
        assert refused.status_code == 401
        assert refused.json()["error"]["message"] == NO_KEY
