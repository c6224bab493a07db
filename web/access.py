"""Who may ask what: request size limits, the rate limit, API keys, CORS and security headers."""

from __future__ import annotations

import hmac

from flask import Flask, Response, abort, current_app, request
from werkzeug.exceptions import RequestHeaderFieldsTooLarge, TooManyRequests

from web.ratelimit import RateLimiter, retry_after

UNLIMITED = ("/static/", "/healthz")
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


def check_rate() -> None:
    if request.path.startswith(UNLIMITED):
        return
    limiter: RateLimiter = current_app.extensions["rate_limiter"]
    wait = limiter.take(request.remote_addr or "unknown")
    if wait:
        raise TooManyRequests(retry_after=retry_after(wait))


def check_key() -> None:
    keys = current_app.config["SEARCH"]["api_keys"]
    if not keys or not is_api() or request.method == "OPTIONS":
        return
    given = request.headers.get("X-API-Key", "").encode()
    if not any(hmac.compare_digest(given, key.encode()) for key in keys):
        abort(401)


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
    app.extensions["rate_limiter"] = RateLimiter(settings["rate_limit"], settings["rate_burst"])
    for hook in (check_size, check_rate, check_key):
        app.before_request(hook)
    app.after_request(add_cors)
    app.after_request(add_security_headers)
