"""Bilingual (Chinese + English) semantic search with citations."""

from search.build import BuildSummary, build
from search.errors import SearchError
from search.searcher import Response, Result, Searcher

__all__ = ["BuildSummary", "Response", "Result", "SearchError", "Searcher", "build"]
