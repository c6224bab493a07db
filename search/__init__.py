"""Bilingual (Chinese + English) semantic search with citations.

Build with ``search.build.build(...)`` (or ``python build_index.py``); query with
``Searcher.open("index").search(q, k=10, lang=None)``.
"""

from search.errors import SearchError
from search.searcher import Response, Result, Searcher

__all__ = ["Response", "Result", "SearchError", "Searcher"]
