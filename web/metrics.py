"""What the server did: ``/metrics`` in Prometheus text format and one JSON log line per request.

Each worker counts its requests (by route and status), a latency histogram, rate-limit refusals
and reload failures, and writes them after each request to ``<metrics_dir>/<pid>-<id>.json``;
``/metrics`` adds up every worker's file (a worker that died keeps its counts), so a scrape
answered by any worker sees the whole server. Without ``metrics_dir`` it shows this process.

Every request gets an id (a well-formed ``X-Request-Id`` it came with, else a new one), sent
back in ``X-Request-Id`` and written in its log line, logger ``web.requests``.
"""

from __future__ import annotations

import calendar
import json
import logging
import os
import re
import sys
import threading
import time
import uuid
from collections import Counter
from pathlib import Path
from typing import Any

from flask import Flask, Response, current_app, g, request

BUILT_AT = "%Y-%m-%dT%H:%M:%SZ"
BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{1,64}")
log = logging.getLogger("web.requests")


class Metrics:
    """This process's counters, flushed to ``directory`` for the other workers to read."""

    def __init__(self, app: Flask, directory: str = "") -> None:
        self.app = app
        self.directory = Path(directory) if directory else None
        self.requests: Counter[str] = Counter()  # "route|method|status" -> n
        self.buckets: Counter[str] = Counter()  # "route|le" -> n
        self.sums: Counter[str] = Counter()  # route -> seconds
        self.counts: Counter[str] = Counter()  # route -> n
        self._lock = threading.Lock()
        self._flushed = 0.0

    @property
    def file_name(self) -> str:  # one per worker process (and per app, for tests)
        return f"{os.getpid()}-{id(self):x}.json"

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.requests[f"{route}|{method}|{status}"] += 1
            self.sums[route] += seconds
            self.counts[route] += 1
            for le in BUCKETS:
                if seconds <= le:
                    self.buckets[f"{route}|{le}"] += 1
        if self.directory is not None:  # a small file on tmpfs: every request, so sums are exact
            self.flush()

    def state(self, extra: dict[str, float]) -> dict[str, Any]:
        with self._lock:
            return {
                "requests": dict(self.requests),
                "buckets": dict(self.buckets),
                "sums": dict(self.sums),
                "counts": dict(self.counts),
                "extra": extra,
            }

    def flush(self, extra: dict[str, float] | None = None) -> None:
        self._flushed = time.monotonic()
        if self.directory is None:
            return
        extra = extra if extra is not None else counters_of(self.app)
        path = self.directory / self.file_name
        tmp = path.with_suffix(".tmp")
        try:
            tmp.write_text(json.dumps(self.state(extra)))
            os.replace(tmp, path)
        except OSError:
            pass  # metrics never fail a request

    def totals(self, extra: dict[str, float]) -> dict[str, Counter]:
        """Every worker's counts added up (this one's live, the others' last flush)."""
        states = [self.state(extra)]
        if self.directory is not None:
            own = self.file_name
            for path in self.directory.glob("*.json"):
                if path.name != own:
                    try:
                        states.append(json.loads(path.read_text()))
                    except (OSError, ValueError):
                        continue
        out: dict[str, Counter] = {k: Counter() for k in states[0]}
        for state in states:
            for kind, values in state.items():
                out[kind].update(values)
        return out


def counters_of(app: Flask) -> dict[str, float]:
    holder = app.extensions["searcher"]
    return {
        "rate_limit_refusals": app.extensions["refusals"].value,
        "rate_limit_store_errors": getattr(app.extensions["rate_limiter"], "unavailable", 0),
        "reload_failures": holder.reload_failures,
    }


def render(totals: dict[str, Counter], app: Flask) -> str:
    holder = app.extensions["searcher"]
    lines = [
        "# HELP search_requests_total Requests answered, by route and status.",
        "# TYPE search_requests_total counter",
    ]
    for key, n in sorted(totals["requests"].items()):
        route, method, status = key.split("|")
        lines.append(
            f'search_requests_total{{route="{route}",method="{method}",status="{status}"}} {n}'
        )
    lines += [
        "# HELP search_request_seconds Time to answer a request, by route.",
        "# TYPE search_request_seconds histogram",
    ]
    for route in sorted(totals["counts"]):
        for le in BUCKETS:
            n = totals["buckets"].get(f"{route}|{le}", 0)
            lines.append(f'search_request_seconds_bucket{{route="{route}",le="{le}"}} {n}')
        count = totals["counts"][route]
        lines.append(f'search_request_seconds_bucket{{route="{route}",le="+Inf"}} {count}')
        lines.append(f'search_request_seconds_sum{{route="{route}"}} {totals["sums"][route]:.6f}')
        lines.append(f'search_request_seconds_count{{route="{route}"}} {count}')
    extra = totals["extra"]
    manifest = holder.searcher.store.manifest
    lines += [
        "# HELP search_rate_limit_refusals_total Requests refused with 429.",
        "# TYPE search_rate_limit_refusals_total counter",
        f"search_rate_limit_refusals_total {int(extra['rate_limit_refusals'])}",
        "# HELP search_rate_limit_store_errors_total Requests let through: limit file busy.",
        "# TYPE search_rate_limit_store_errors_total counter",
        f"search_rate_limit_store_errors_total {int(extra.get('rate_limit_store_errors', 0))}",
        "# HELP search_reload_failures_total New generations that failed verification or opening.",
        "# TYPE search_reload_failures_total counter",
        f"search_reload_failures_total {int(extra['reload_failures'])}",
        "# HELP search_index_info The generation this worker serves.",
        "# TYPE search_index_info gauge",
        f'search_index_info{{generation="{holder.generation.name}"}} 1',
        "# HELP search_index_age_seconds Seconds since the served generation was built.",
        "# TYPE search_index_age_seconds gauge",
        f"search_index_age_seconds {index_age(manifest.get('built_at')):.0f}",
        "# HELP search_index_degraded 1 when the newest generation failed its check.",
        "# TYPE search_index_degraded gauge",
        f"search_index_degraded {1 if holder.reason else 0}",
    ]
    return "\n".join(lines) + "\n"


def index_age(built_at: Any) -> float:
    try:
        return max(0.0, time.time() - calendar.timegm(time.strptime(built_at, BUILT_AT)))
    except (TypeError, ValueError):
        return -1.0


def start() -> None:
    g.started = time.perf_counter()
    given = request.headers.get("X-Request-Id", "")
    g.request_id = given if REQUEST_ID.fullmatch(given) else uuid.uuid4().hex[:16]


def finish(response: Response) -> Response:
    seconds = time.perf_counter() - g.get("started", time.perf_counter())
    route = request.url_rule.rule if request.url_rule is not None else "unmatched"
    current_app.extensions["metrics"].observe(route, request.method, response.status_code, seconds)
    request_id = g.get("request_id", "-")
    response.headers["X-Request-Id"] = request_id
    line = {
        "time": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "request_id": request_id,
        "method": request.method,
        "path": request.path[:300],
        "status": response.status_code,
        "ms": round(seconds * 1000, 1),
        "client": request.remote_addr,
        "key": g.get("client"),
        "generation": response.headers.get("X-Index-Generation"),
    }
    log.info(json.dumps(line, ensure_ascii=False))
    return response


def metrics_page() -> Response:
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    totals = app.extensions["metrics"].totals(counters_of(app))
    return Response(render(totals, app), mimetype="text/plain; version=0.0.4")


def register(app: Flask) -> None:
    """Register first, so the clock starts before any other hook runs."""
    app.extensions["metrics"] = Metrics(app, app.config["SEARCH"]["metrics_dir"])
    app.before_request(start)
    app.after_request(finish)
    app.add_url_rule("/metrics", "metrics", metrics_page)
    if not log.handlers:
        handler = logging.StreamHandler(sys.stderr)
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.setLevel(logging.INFO)
        log.propagate = False
