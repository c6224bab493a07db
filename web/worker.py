"""The gunicorn worker class: gthread, except that a request reaches a thread only once it has
fully arrived, and errors gunicorn answers itself are JSON on ``/api/*`` and ``/healthz``.

Plain gthread hands a connection to a thread at its first byte; a client that then sends one
header line every few seconds holds that thread, and a few dozen such clients stall a server
(measured: 16 of them made ``/healthz`` time out). Here the event loop reads each request
head (and a body up to 64 KiB) without blocking, for at most ``HEAD_TIMEOUT`` seconds, so slow
clients cost a socket each, never a thread. Built on gunicorn's ``ThreadWorker`` (its ``accept``,
``on_client_socket_readable``, ``murder_pending`` and ``handle_error`` hooks).
"""

from __future__ import annotations

import contextlib
import json
import re
import selectors
import threading
import time
from functools import partial
from typing import Any

from gunicorn.workers.gthread import TConn, ThreadWorker

HEAD_TIMEOUT = 10.0  # seconds a client may take to send a whole request head (and small body)
HEAD_LIMIT = 64 * 1024  # beyond this gunicorn's parser answers (414 / 431)
BODY_LIMIT = 64 * 1024  # larger bodies are not waited for: the app refuses them (413)
CONTENT_LENGTH = re.compile(rb"\r\ncontent-length:[ \t]*(\d+)", re.IGNORECASE)
CHUNKED = re.compile(rb"\r\ntransfer-encoding:[^\r\n]*chunked", re.IGNORECASE)
JSON_PATHS = (b"/api/", b"/healthz")


def request_complete(buf: bytes | bytearray) -> bool:
    """Whether ``buf`` holds a whole request head plus its (small) body, or is so large that
    the parser should answer it now."""
    end = buf.find(b"\r\n\r\n")
    if end < 0:
        return len(buf) > HEAD_LIMIT
    if CHUNKED.search(buf, 0, end + 2):  # a chunked body: wait for its last chunk
        return buf.endswith(b"0\r\n\r\n") or len(buf) > end + 4 + BODY_LIMIT
    match = CONTENT_LENGTH.search(buf, 0, end + 2)
    if match is None:
        return True
    length = int(match.group(1))
    return length > BODY_LIMIT or len(buf) >= end + 4 + length


def wants_json(head: bytes) -> bool:
    """Whether the request whose first bytes are ``head`` is an API call."""
    parts = head.split(b"\r\n", 1)[0].split(b" ")
    return len(parts) > 1 and parts[1].startswith(JSON_PATHS)


def json_error(status: int, reason: str) -> bytes:
    from web.errors import CODES, MESSAGES

    body = json.dumps(
        {
            "error": {
                "code": CODES.get(status, "bad_request"),
                "message": MESSAGES.get(status, reason),
            }
        }
    ).encode()
    head = (
        f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
        f"Content-Type: application/json\r\nContent-Length: {len(body)}\r\n\r\n"
    )
    return head.encode("latin-1") + body


class _Capture:
    """A socket stand-in that keeps what gunicorn's error writer sends."""

    def __init__(self) -> None:
        self.data = b""

    def gettimeout(self) -> float:
        return 0.0

    def setblocking(self, flag: bool) -> None:
        pass

    def send(self, data: bytes) -> int:
        self.data += data
        return len(data)

    def sendall(self, data: bytes) -> None:
        self.data += data


class BufferingWorker(ThreadWorker):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._heads: dict[TConn, float] = {}  # connections still sending -> deadline
        self._local = threading.local()

    def accept(self, listener: Any) -> None:
        try:
            sock, addr = listener.accept()
        except BlockingIOError:
            return
        except OSError:  # ECONNABORTED and the like: the client is gone
            return
        self.nr_conns += 1
        conn = TConn(self.cfg, sock, addr, listener.getsockname())  # non-blocking
        self._read_head(conn)

    def on_client_socket_readable(self, conn: TConn, client: Any) -> None:
        """A kept-alive connection sends its next request: buffer it like a new one."""
        self.poller.unregister(client)
        self.keepalived_conns.remove(conn)
        self._read_head(conn)

    def _read_head(self, conn: TConn) -> None:
        conn.sock.setblocking(False)
        conn.head = bytearray()
        self._heads[conn] = time.monotonic() + HEAD_TIMEOUT
        self.poller.register(conn.sock, selectors.EVENT_READ, partial(self._on_data, conn))

    def _on_data(self, conn: TConn, sock: Any) -> None:
        try:
            data = sock.recv(65536)
        except (BlockingIOError, InterruptedError):
            return
        except OSError:
            data = b""
        if not data:
            self._drop(conn)
            return
        conn.head += data
        if request_complete(conn.head):
            self.poller.unregister(sock)
            self._heads.pop(conn, None)
            conn.prefetched, conn.data_ready = bytes(conn.head), True
            self.enqueue_req(conn)

    def _drop(self, conn: TConn) -> None:
        self._heads.pop(conn, None)
        with contextlib.suppress(KeyError, ValueError, OSError):
            self.poller.unregister(conn.sock)
        self.nr_conns -= 1
        conn.close()

    def murder_pending(self) -> None:
        super().murder_pending()
        now = time.monotonic()
        for conn, deadline in list(self._heads.items()):
            if deadline <= now or (not self.alive and not conn.head):
                self._drop(conn)

    def handle(self, conn: TConn) -> Any:
        head = getattr(conn, "prefetched", None)
        self._local.head = head or b""
        if head is not None:
            conn.prefetched = None
            conn.sock.setblocking(True)
            conn.init()
            conn.parser.unreader.unread(head)
        return super().handle(conn)

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        head = getattr(self._local, "head", b"")
        if not wants_json(head):
            super().handle_error(req, client, addr, exc)
            return
        capture = _Capture()
        super().handle_error(req, capture, addr, exc)  # logs, picks the status
        status_line = capture.data.split(b"\r\n", 1)[0].decode("latin-1").split(" ", 2)
        status = int(status_line[1]) if len(status_line) > 1 and status_line[1].isdigit() else 400
        reason = status_line[2] if len(status_line) > 2 else "Bad Request"
        with contextlib.suppress(OSError):
            client.sendall(json_error(status, reason))
