"""The Streamable HTTP transport (``--http HOST:PORT``, path ``/mcp``) under uvicorn, behind
the web service's access settings: its API keys (``X-API-Key``, the same ``api_keys`` format
and per-client rates), a user named by a trusted proxy, and its rate limit (the same buckets
when ``rate_limit_store`` names the web server's file). A refused request gets the web
service's status and message, as a JSON-RPC error the MCP client shows."""

from __future__ import annotations

import signal
import socket
import sys
from collections.abc import Mapping
from typing import Any
from urllib.parse import urlsplit

import uvicorn
from mcp.server.transport_security import TransportSecuritySettings
from starlette.datastructures import Headers
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.types import ASGIApp, Receive, Scope, Send

from search.mcp.server import Library, SearchServer
from web.access import UNLIMITED, Client, client_for, parse_clients
from web.errors import CODES, MESSAGES
from web.proxy import forwarded_client, is_trusted, networks, parse_proxies
from web.ratelimit import RateLimiter, SharedRateLimiter, retry_after

PATH = "/mcp"
LOOPBACK = ("127.0.0.1", "localhost", "::1")
ERROR_CODES = {401: -32001, 429: -32002}  # JSON-RPC "server error" range


class Access:
    """ASGI middleware: who is asking (``web.access.client_for``), their rate limit, then
    whether a key is needed (always, when ``api_keys`` or ``user_header`` is set)."""

    def __init__(self, app: ASGIApp, settings: Mapping[str, Any]) -> None:
        self.app, self.settings = app, settings
        self.clients: list[Client] = parse_clients(settings["api_keys"])
        rate, burst = settings["rate_limit"], settings["rate_burst"]
        store = settings["rate_limit_store"]
        self.limiter = SharedRateLimiter(store, rate, burst) if store else RateLimiter(rate, burst)
        self.needs_key = bool(settings["api_keys"] or settings["user_header"])
        self.proxies = networks(parse_proxies(settings["trusted_proxies"]))

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["path"].startswith(UNLIMITED):
            await self.app(scope, receive, send)
            return
        address = (scope.get("client") or ("unknown",))[0]
        headers = Headers(scope=scope)
        from_proxy = is_trusted(address, self.proxies)  # only a proxy may name the user
        if from_proxy:  # the client the proxy forwards for (its own address if none)
            address = forwarded_client(headers.get("x-forwarded-for", ""), self.proxies) or address
        client = client_for(headers, self.settings, self.clients, from_proxy)
        key = f"client:{client.name}" if client else f"ip:{address}"
        wait = self.limiter.take(key, client.rate if client else None)
        if wait:
            await refuse(429, {"Retry-After": str(retry_after(wait))})(scope, receive, send)
        elif client is None and self.needs_key and scope["method"] != "OPTIONS":
            await refuse(401)(scope, receive, send)
        else:
            await self.app(scope, receive, send)


def refuse(status: int, headers: dict[str, str] | None = None) -> Response:
    """The web service's refusal (status, code, message) as a JSON-RPC error body."""
    error = {
        "code": ERROR_CODES[status],
        "message": MESSAGES[status],
        "data": {"status": status, "code": CODES[status]},
    }
    body = {"jsonrpc": "2.0", "id": None, "error": error}
    return JSONResponse(body, status_code=status, headers=headers)


def security(host: str, root: str) -> TransportSecuritySettings | None:
    """DNS-rebinding protection for a loopback address (the SDK's default), also admitting the
    host of the public address, which a reverse proxy in front passes on."""
    if host not in LOOPBACK:
        return None
    hosts = ["127.0.0.1:*", "localhost:*", "[::1]:*"]
    origins = ["http://127.0.0.1:*", "http://localhost:*", "http://[::1]:*"]
    public = urlsplit(root)
    if public.hostname:
        hosts += [public.netloc, f"{public.hostname}:*"]
        origins.append(f"{public.scheme}://{public.netloc}")
    return TransportSecuritySettings(allowed_hosts=hosts, allowed_origins=origins)


def app(server: SearchServer, library: Library, host: str) -> ASGIApp:
    """``/mcp`` (JSON answers, sessions kept in this process) and ``/healthz``, behind
    :class:`Access`."""

    @server.custom_route("/healthz", methods=["GET"])
    async def health(request: Request) -> Response:
        library.holder.searcher  # noqa: B018 - a due reload check, as the web's /healthz
        return JSONResponse(library.holder.health())

    inner = server.streamable_http_app(
        streamable_http_path=PATH,
        json_response=True,
        max_request_body_size=library.settings["max_body_bytes"],
        transport_security=security(host, library.root),
        host=host,
    )
    return Access(inner, library.settings)


def serve(server: SearchServer, library: Library, host: str, port: int) -> None:
    """Listen on ``host:port`` (0: a free port), say where in one line, serve until stopped
    (SIGTERM or Ctrl-C: requests under way finish first)."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    # IPPROTO_TCP named: asyncio turns Nagle off only on sockets that say they are TCP (without
    # it each keep-alive answer waits ~40 ms for a delayed ACK)
    sock = socket.socket(family, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as exc:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {exc.strerror}") from None
    sock.listen(2048)
    shown = f"[{host}]" if family == socket.AF_INET6 else host
    config = uvicorn.Config(
        app(server, library, host),
        log_level="warning",
        proxy_headers=False,  # the middleware reads them, from trusted_proxies peers only
        timeout_graceful_shutdown=10,
    )
    address = f"http://{shown}:{sock.getsockname()[1]}{PATH}"
    generation = library.holder.generation.name
    print(f"Listening at: {address} (index generation {generation})", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, stopped)  # what uvicorn raises again once it has shut down
    uvicorn.Server(config).run(sockets=[sock])


def stopped(signum: int, frame: object) -> None:
    """SIGTERM: exit 0, as the web server does (uvicorn lets requests under way finish first)."""
    raise SystemExit(0)
