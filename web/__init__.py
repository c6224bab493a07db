"""The web layer: ``create_app()`` builds the Flask application around one opened index."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from flask import Flask

from search.searcher import Searcher
from web import access, api, errors, filters, i18n, metrics, reload, views
from web.proxy import ProxyHeaders
from web.reload import SearcherHolder, open_holder
from web.settings import load


def create_app(config: Mapping[str, Any] | None = None, searcher: Searcher | None = None) -> Flask:
    """The application. ``config`` holds settings (see ``web.settings``; unknown names fail)
    plus any upper-case Flask keys; ``searcher`` is an already opened index (tests hand one in),
    else the ``index`` setting is opened once for this process."""
    config = dict(config or {})
    flask_config = {k: config.pop(k) for k in list(config) if k.isupper()}
    explicit_root = config.get("index")
    settings = load(config)
    app = Flask(__name__)
    app.config.update(SEARCH=settings, MAX_CONTENT_LENGTH=settings["max_body_bytes"])
    app.config.update(flask_config)
    app.json.ensure_ascii = False  # type: ignore[attr-defined]
    app.json.sort_keys = False  # type: ignore[attr-defined]
    interval = settings["reload_interval"]
    if searcher is None:  # a folder, or PostgreSQL (web/pg_reload.py)
        holder = open_holder(settings["index"], interval, settings["ranking"])
    else:
        root = Path(explicit_root) if explicit_root else None
        holder = SearcherHolder(searcher, root, interval)
    app.extensions["searcher"] = holder
    if settings["trusted_proxies"]:  # the client address they forward; the Host stays ours
        app.wsgi_app = ProxyHeaders(app.wsgi_app, settings["trusted_proxies"])  # type: ignore
    filters.register(app)
    metrics.register(app)  # first: its clock starts before other hooks
    i18n.register(app)
    access.register(app)
    reload.register(app)
    errors.register(app)
    app.register_blueprint(api.bp)
    app.register_blueprint(views.bp)
    return app


__all__ = ["create_app"]
