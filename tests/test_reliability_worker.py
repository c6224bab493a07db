"""The worker's pure parts: when a buffered request is complete, and which answers are JSON."""

from __future__ import annotations

import json

import pytest

from web.worker import HEAD_LIMIT, json_error, request_complete, wants_json

GET = b"GET /api/search?q=a HTTP/1.1\r\nHost: x\r\n"


@pytest.mark.parametrize(
    ("buf", "complete"),
    [
        (b"", False),
        (b"GET / HTTP/1.1\r\n", False),
        (GET, False),
        (GET + b"\r\n", True),
        (b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nab", False),
        (b"POST /x HTTP/1.1\r\nContent-Length: 5\r\n\r\nabcde", True),
        (b"POST /x HTTP/1.1\r\ncontent-length:5\r\n\r\nabcde", True),
        (b"POST /x HTTP/1.1\r\nContent-Length: 999999999\r\n\r\n", True),  # the app says 413
        (b"GET /" + b"a" * (HEAD_LIMIT + 1), True),  # the parser says 414
        (GET + b"X-Content-Length: 9\r\n\r\n", True),  # not the header it looks like
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nab", False),
        (b"POST /x HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n", True),
    ],
)
def test_request_complete(buf: bytes, complete: bool) -> None:
    assert request_complete(buf) is complete


@pytest.mark.parametrize(
    ("head", "json_wanted"),
    [
        (GET, True),
        (b"GET /healthz HTTP/1.1\r\n", True),
        (b"GET /?q=a HTTP/1.1\r\n", False),
        (b"GET /doc/x HTTP/1.1\r\n", False),
        (b"GARBAGE", False),
        (b"", False),
        (b"GET /api/search?q=\xff HTTP/1.1\r\n", True),
    ],
)
def test_wants_json(head: bytes, json_wanted: bool) -> None:
    assert wants_json(head) is json_wanted


def test_json_error_is_a_whole_http_answer() -> None:
    raw = json_error(431, "Request Header Fields Too Large")
    head, _, body = raw.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 431 Request Header Fields Too Large\r\n")
    assert f"Content-Length: {len(body)}".encode() in head
    assert json.loads(body)["error"]["code"] == "headers_too_large"
