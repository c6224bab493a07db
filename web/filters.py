"""Template filters: highlighted snippets, safe links and paragraph labels."""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask

from search.citation import paragraph_label
from web.highlight import result_snippet
from web.i18n import friendly
from web.page import passage_link

SAFE_SCHEMES = ("http", "https")


def safe_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) link (never ``javascript:`` and friends), else None."""
    if not url or not isinstance(url, str):
        return None
    try:
        parts = urlsplit(url.strip())
    except ValueError:
        return None
    return url.strip() if parts.scheme.lower() in SAFE_SCHEMES and parts.netloc else None


def register(app: Flask) -> None:
    app.add_template_filter(result_snippet, "snippet")
    app.add_template_filter(safe_url, "safe_url")
    app.add_template_filter(paragraph_label, "paragraph")
    app.add_template_global(passage_link, "passage_link")
    app.add_template_global(friendly, "friendly")
