"""Bilingual (Chinese + English) semantic search with citations.

Build with ``search.build.build(...)`` (or ``python build_index.py``); query with
``Searcher.open("index").search(q, k=10, lang=None)``.
"""

from __future__ import annotations

from typing import Any

from search.errors import SearchError
from search.query import Response, Result

__all__ = ["Response", "Result", "SearchError", "Searcher"]


def __getattr__(name: str) -> Any:
    """``search.Searcher`` loads the engine on first use: ``import search`` stays light."""
    if name == "Searcher":
        from search.searcher import Searcher

        return Searcher
    raise AttributeError(f"module 'search' has no attribute '{name}'")
