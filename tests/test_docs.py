"""The docs quote the code: limits named in README.md are the constants' values."""

from pathlib import Path

from search.query import MAX_QUERY_CHARS
from search.searcher import MAX_K
from web.settings import BY_NAME

README = (Path(__file__).resolve().parents[1] / "README.md").read_text("utf-8")


def test_readme_quotes_the_query_limits() -> None:
    assert f"`search.query.MAX_QUERY_CHARS` ({MAX_QUERY_CHARS} characters" in README
    assert f"`max_query_chars`, default {BY_NAME['max_query_chars'].default})" in README
    assert f"`MAX_K` ({MAX_K})" in README
