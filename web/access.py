"""Who may ask what: request size limits, the rate limit, API keys, CORS and security headers."""

from __future__ import annotations

import hmac
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from flask import Flask, Response, abort, current_app, g, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, TooManyRequests

from search.errors import ConfigError
from web.proxy import FROM_PROXY
from web.query import search_cost
from web.ratelimit import RateLimiter, SharedRateLimiter, retry_after

UNLIMITED = ("/static/", "/healthz", "/metrics")
SEARCHES = ("/api/search", "/", "/embed")
OPEN_PAGES = ("/static/", "/healthz", "/metrics")  # never behind a key (no documents there)


@dataclass(frozen=True)
class Client:
    """A caller with an API key (``name:key`` or ``name:key:rate`` in ``api_keys``)."""

    name: str
    rate: float | None  # requests per minute; None = the server's rate_limit
    key: str = ""


class Tally:
    """A thread-safe count."""

    def __init__(self) -> None:
        self.value = 0
        self._lock = threading.Lock()

    def add(self) -> None:
        with self._lock:
            self.value += 1


def parse_clients(entries: tuple[str, ...]) -> list[Client]:
    """``api_keys`` entries: ``KEY``, ``NAME:KEY`` or ``NAME:KEY:RATE`` (per minute)."""
    clients = []
    for n, entry in enumerate(entries, 1):
        parts = entry.split(":")
        if len(parts) > 3 or not all(parts):
            raise ConfigError(f"api_keys entry {n}: expected KEY, NAME:KEY or NAME:KEY:RATE")
        if len(parts) == 1:
            name, key, rate = f"key{n}", parts[0], None
        else:
            name, key = parts[0], parts[1]
            rate = None
            if len(parts) == 3:
                try:
                    rate = float(parts[2])
                except ValueError:
                    rate = -1.0
                if not rate >= 0:
                    raise ConfigError(f"api_keys entry {n} ({name}): rate must be a number >= 0")
        clients.append(Client(name, rate, key))
    names = [c.name for c in clients]
    if len(set(names)) != len(names):
        raise ConfigError("api_keys: two entries have the same client name")
    return clients


PAGE_CSP = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {ancestors}"
)


def is_api() -> bool:
    return request.path.startswith("/api/")


def check_size() -> None:
    settings = current_app.config["SEARCH"]
    if request.content_length and request.content_length > settings["max_body_bytes"]:
        abort(413)
    size = sum(len(k) + len(v) + 4 for k, v in request.headers.items())
    if size > settings["max_header_bytes"]:
        raise RequestHeaderFieldsTooLarge()


def check_client() -> None:
    """Who is asking (an API key's client, a user named by a trusted proxy, else the address),
    their rate limit, then whether this address needs a key (``/api/*``, and pages too when
    ``protect_pages`` is on)."""
    settings = current_app.config["SEARCH"]
    client = identify(settings)
    g.client = client.name if client else None
    if not request.path.startswith(UNLIMITED):
        limiter = current_app.extensions["rate_limiter"]
        key = f"client:{client.name}" if client else f"ip:{request.remote_addr or 'unknown'}"
        wait = limiter.take(key, client.rate if client else None, request_cost())
        if wait:
            current_app.extensions["refusals"].add()
            raise TooManyRequests(retry_after=retry_after(wait))
    if client is None and request.method != "OPTIONS" and needs_key(settings):
        abort(401)


def request_cost() -> float:
    """Rate-limit tokens for this request: a search is priced by how deep a page it asks
    for (``web.query.search_cost``), anything else costs 1."""
    if request.path not in SEARCHES:
        return 1.0
    if request.method in ("GET", "HEAD"):
        return search_cost(request.args)
    if request.path != "/api/search":
        return search_cost(request.form)
    try:
        body = request.get_json(silent=True)
    except RecursionError:  # refused by the search itself
        body = None
    return search_cost(body if isinstance(body, dict) else {})


def identify(settings: dict[str, Any]) -> Client | None:
    clients = current_app.extensions["api_clients"]
    return client_for(request.headers, settings, clients, bool(request.environ.get(FROM_PROXY)))


def client_for(
    headers: Mapping[str, str],
    settings: Mapping[str, Any],
    clients: list[Client],
    from_proxy: bool = False,
) -> Client | None:
    """The caller named by request ``headers``: a user named in ``user_header`` by a trusted
    proxy (``from_proxy``: the request came from one of the ``trusted_proxies`` addresses;
    anyone can send the header), else the client whose key the ``X-API-Key`` header holds,
    else None (also the MCP server's HTTP transport, :mod:`search.mcp.http`)."""
    header = settings["user_header"]
    if header and from_proxy:
        user = headers.get(header, "").strip()
        if user:
            return Client(f"user:{user[:100]}", None)
    given = headers.get("X-API-Key", "")
    if not given:
        return None
    for client in clients:
        if hmac.compare_digest(given.encode(), client.key.encode()):
            return client
    return None


def needs_key(settings: dict[str, Any]) -> bool:
    if not settings["api_keys"] and not settings["user_header"]:
        return False
    if is_api():
        return True
    return settings["protect_pages"] and not request.path.startswith(OPEN_PAGES)


def add_cors(response: Response) -> Response:
    if not is_api():
        return response
    response.vary.add("Origin")
    origin = request.headers.get("Origin")
    allowed = current_app.config["SEARCH"]["cors_origins"]
    if origin and (origin in allowed or "*" in allowed):
        response.headers["Access-Control-Allow-Origin"] = "*" if "*" in allowed else origin
        response.headers["Access-Control-Expose-Headers"] = "Retry-After"
        if request.method == "OPTIONS":
            response.headers["Access-Control-Allow-Methods"] = "GET, OPTIONS"
            response.headers["Access-Control-Allow-Headers"] = "X-API-Key"
            response.headers["Access-Control-Max-Age"] = "600"
    return response


def add_security_headers(response: Response) -> Response:
    response.headers.setdefault("X-Content-Type-Options", "nosniff")
    response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
    if response.mimetype == "text/html":
        framable = request.path == "/embed"
        ancestors = "*" if framable else "'self'"
        response.headers["Content-Security-Policy"] = PAGE_CSP.format(ancestors=ancestors)
        if not framable:
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def register(app: Flask) -> None:
    settings = app.config["SEARCH"]
    app.extensions["api_clients"] = parse_clients(settings["api_keys"])
    if settings["protect_pages"] and not (settings["api_keys"] or settings["user_header"]):
        raise ConfigError("protect_pages needs api_keys or user_header to say who may read")
    if settings["user_header"] and not settings["trusted_proxies"]:
        raise ConfigError("user_header is only believed behind a proxy: set trusted_proxies")
    rate, burst = settings["rate_limit"], settings["rate_burst"]
    store = settings["rate_limit_store"]
    limiter = SharedRateLimiter(store, rate, burst) if store else RateLimiter(rate, burst)
    app.extensions["rate_limiter"] = limiter
    app.extensions["refusals"] = Tally()  # 429s, for /metrics
    for hook in (check_size, check_client):
        app.before_request(hook)
    app.after_request(add_cors)
    app.after_request(add_security_headers)
