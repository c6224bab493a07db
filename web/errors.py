"""Error answers: JSON ``{"error": {"code", "message"}}`` for the API, a small page otherwise."""

from __future__ import annotations

from flask import Flask, Response, current_app, jsonify, render_template, request
from flask.typing import ResponseReturnValue
from werkzeug.exceptions import HTTPException

from search.errors import QueryError, SearchError, UnavailableError

MESSAGES = {
    400: "the request is not valid",
    401: "a valid API key is needed in the X-API-Key header",
    404: "there is nothing at this address",
    405: "this address does not accept that method",
    413: "the request body is too large",
    414: "the address is too long (at most 8190 bytes): send long text with POST /api/search",
    429: "too many requests: wait a moment and try again",
    431: "the request headers are too large",
    500: "something went wrong on the server; the error was logged",
    503: "the index cannot be reached right now: try again shortly",
}
CODES = {
    400: "bad_request",
    401: "unauthorized",
    404: "not_found",
    405: "method_not_allowed",
    413: "payload_too_large",
    414: "uri_too_long",
    429: "too_many_requests",
    431: "headers_too_large",
    500: "internal_error",
    503: "unavailable",
}
RETRY_SECONDS = 5  # Retry-After of a 503


def wants_json() -> bool:
    return request.path.startswith("/api/") or request.path == "/healthz"


def error_response(status: int, message: str | None = None) -> tuple[Response | str, int]:
    """The error answer for the current request, JSON or HTML depending on the address."""
    code = CODES.get(status, "error")
    message = message or MESSAGES.get(status, "the request failed")
    if wants_json():
        return jsonify(error={"code": code, "message": message}), status
    return render_template("error.html", status=status, message=message), status


def _http(exc: HTTPException) -> ResponseReturnValue:
    status = exc.code or 500
    custom = exc.description if exc.description != type(exc).description else None
    body, status = error_response(status, custom)
    keep = {k: v for k, v in exc.get_headers() if k in ("Allow", "Retry-After")}
    return body, status, keep


def _query(exc: QueryError) -> ResponseReturnValue:
    return error_response(400, str(exc))


def _unavailable(exc: UnavailableError) -> ResponseReturnValue:
    """Part of the index is down: a 503 saying so (with the shards that did not answer, on
    the cluster backend), never a 500 and never fewer results without a word."""
    current_app.logger.warning("index unavailable on %s %s: %s", request.method, request.path, exc)
    shards = None
    try:
        status = getattr(current_app.extensions["searcher"].searcher.store, "shards", None)
        shards = status.probe() if status is not None else None
    except SearchError:  # the coordinator itself is gone: nothing to count with
        pass
    message = str(exc)
    if shards and shards["failed"]:
        down = ", ".join(shards.pop("down"))
        message = (
            f"{shards['failed']} of {shards['total']} index shards cannot be reached ({down}); "
            "no results are given rather than some of them: try again shortly"
        )
    elif shards:
        shards.pop("down")
    body, status_code = error_response(503, message)
    if shards and wants_json():
        body = jsonify(error=body.get_json()["error"], shards=shards)  # type: ignore[union-attr]
    return body, status_code, {"Retry-After": str(RETRY_SECONDS)}


def _unexpected(exc: Exception) -> ResponseReturnValue:
    current_app.logger.exception("unhandled error on %s %s", request.method, request.path)
    return error_response(500)


def register(app: Flask) -> None:
    app.register_error_handler(HTTPException, _http)
    app.register_error_handler(QueryError, _query)
    app.register_error_handler(UnavailableError, _unavailable)
    app.register_error_handler(Exception, _unexpected)
