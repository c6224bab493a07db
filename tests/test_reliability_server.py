"""A real server (gunicorn, two workers) against slow clients and malformed requests (issue
findings 3 and 9): 200 slow-header connections do not slow /healthz or searches beyond 1 s,
and what gunicorn refuses on /api/* is refused in JSON."""

from __future__ import annotations

import json
import re
import signal
import socket
import time
from pathlib import Path

import pytest

from tests.live_server import LiveServer, drip, slow_clients

pytest_plugins = ("tests.web_conftest",)
pytestmark = pytest.mark.server
TIGHT, FREE = "tight-key", "free-key"


@pytest.fixture(scope="module")
def server(web_index: Path, tmp_path_factory: pytest.TempPathFactory):
    live = LiveServer(
        web_index,
        tmp_path_factory.mktemp("server") / "server.log",
        SEARCH_API_KEYS=f"tight:{TIGHT}:6,free:{FREE}:0",
        SEARCH_RATE_BURST="5",
    )
    yield live
    live.stop()


def test_200_slow_header_clients_do_not_starve_the_server(server: LiveServer) -> None:
    socks = slow_clients(server.port, 200)
    try:
        took = []
        for round_ in range(4):
            drip(socks)
            for path in ("/healthz", "/api/search?q=standards", "/?q=%E6%A0%87%E5%87%86"):
                started = time.monotonic()
                status, _, _ = server.get(path, timeout=5, headers={"X-API-Key": FREE})
                took.append((path, status, time.monotonic() - started))
            time.sleep(0.5 if round_ < 3 else 0)
        slow = [t for t in took if t[1] != 200 or t[2] >= 1.0]
        assert not slow, slow  # gthread alone: 4 of 4 /healthz timed out at 10 s
    finally:
        for sock in socks:
            sock.close()


def test_slow_bodies_do_not_starve_the_server(server: LiveServer) -> None:
    socks = []
    for _ in range(100):
        sock = socket.create_connection(("127.0.0.1", server.port), timeout=5)
        sock.sendall(b"POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Length: 4000\r\n\r\nq=")
        socks.append(sock)
    try:
        for _ in range(3):
            for sock in socks:
                sock.sendall(b"aa")
            for path in ("/healthz", "/api/search?q=standards"):
                started = time.monotonic()
                status = server.get(path, timeout=5, headers={"X-API-Key": FREE})[0]
                assert (status, time.monotonic() - started < 1.0) == (200, True), path
            time.sleep(0.5)
    finally:
        for sock in socks:
            sock.close()


REFUSED = {
    "414 long request line": (b"GET /api/search?q=" + b"a" * 9000 + b" HTTP/1.1\r\n\r\n", 414),
    "431 one header over 8190 bytes": (
        b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 9000 + b"\r\n\r\n",
        431,
    ),
    "400 raw bytes in the path": (b"GET /api/search?q=\xff\x00 HTTP/1.1\r\nHost: x\r\n\r\n", 400),
}


@pytest.mark.parametrize("case", REFUSED)
def test_errors_outside_the_app_are_json_on_the_api(server: LiveServer, case: str) -> None:
    request, status = REFUSED[case]
    answer = server.raw(request)
    head, _, body = answer.partition(b"\r\n\r\n")
    assert head.startswith(f"HTTP/1.1 {status} ".encode()), head
    assert b"application/json" in head
    assert json.loads(body)["error"]["message"]


def test_longest_query_reaches_the_app(server: LiveServer) -> None:
    q = "%E6%A0%87" * 512  # 512 Chinese characters, URL-encoded: 4.6 kB
    assert server.get(f"/api/search?q={q}", headers={"X-API-Key": FREE})[0] == 200


def test_longest_pasted_text_reaches_the_app_by_post(server: LiveServer) -> None:
    body = json.dumps({"q": "标准化管理" * 800}, ensure_ascii=False).encode()  # 4 000 characters
    head = (
        "POST /api/search HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        f"X-API-Key: {FREE}\r\nContent-Length: {len(body)}\r\nConnection: close\r\n\r\n"
    )
    answer = server.raw(head.encode() + body)
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:300]


def test_rate_limit_holds_for_the_server_not_per_worker(server: LiveServer) -> None:
    codes = [server.get("/api/documents", headers={"X-API-Key": TIGHT})[0] for _ in range(10)]
    assert codes == [200] * 5 + [429] * 5  # burst 5, shared by both workers


def test_metrics_add_up_every_worker(server: LiveServer) -> None:
    def count() -> int:
        text = server.get("/metrics")[2].decode()
        found = re.search(r'route="/api/chunks/<chunk_id>",method="GET",status="404"\} (\d+)', text)
        return int(found.group(1)) if found else 0

    before = count()
    for i in range(20):
        server.get(f"/api/chunks/nothing-{i}", headers={"X-API-Key": FREE})
    assert count() == before + 20
    assert len({server.get("/healthz")[1]["X-Index-Generation"] for _ in range(4)}) == 1


def test_sigterm_lets_a_request_in_flight_finish(server: LiveServer) -> None:
    """Last in this module: it stops the server."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=10) as sock:
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: x\r\n")  # half a request ...
        time.sleep(0.3)
        server.proc.send_signal(signal.SIGTERM)
        time.sleep(1.0)
        sock.sendall(b"Connection: close\r\n\r\n")  # ... finished after SIGTERM
        answer = b""
        while chunk := sock.recv(65536):
            answer += chunk
    assert answer.startswith(b"HTTP/1.1 200 "), answer[:200]
    assert server.proc.wait(timeout=30) == 0
