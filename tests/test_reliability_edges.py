"""Correct edges (issue finding 9): strict k, catalog ids that make working links, and an
OpenAPI description that is true for pages."""

from __future__ import annotations

from pathlib import Path

import pytest

from search.catalog import load_catalog
from search.errors import ConfigError
from web.openapi import openapi_spec
from web.settings import load

pytest_plugins = ("tests.web_conftest",)


@pytest.mark.parametrize("k", ["", "٣", "５", "1e1", "+3", "0x5", "9" * 40])
@pytest.mark.parametrize("path", ["/api/search", "/", "/embed"])
def test_k_is_ascii_digits_only(web_client, path: str, k: str) -> None:
    resp = web_client.get(path, query_string={"q": "standards", "k": k})
    assert resp.status_code == 400
    if path.startswith("/api/"):
        assert "k must be a whole number" in resp.get_json()["error"]["message"]


def test_plain_k_still_works(web_client) -> None:
    assert web_client.get("/api/search?q=standards&k=3").status_code == 200
    assert web_client.get("/api/search?q=standards").status_code == 200


CATALOG = """[[document]]
id = "{id}"
file = "a.md"
title = "A"
lang = "en"
kind = "text"
"""


@pytest.mark.parametrize("bad", ["a/b", "../x", "a b", "-lead", "x" * 201, "a?b", "a#b", "%2F"])
def test_catalog_id_that_breaks_links_is_refused(tmp_path: Path, bad: str) -> None:
    (tmp_path / "catalog.toml").write_text(CATALOG.format(id=bad), encoding="utf-8")
    with pytest.raises(ConfigError, match="becomes part of a URL"):
        load_catalog(tmp_path)


@pytest.mark.parametrize("good", ["cas-bulletin-2023-12", "标准化-2024.04", "A_1"])
def test_catalog_ids_that_work_are_kept(tmp_path: Path, good: str) -> None:
    (tmp_path / "catalog.toml").write_text(CATALOG.format(id=good), encoding="utf-8")
    assert load_catalog(tmp_path)["a.md"].doc_id == good


def test_openapi_pages_answer_html_errors() -> None:
    spec = openapi_spec(load({}, environ={}))
    for path, item in spec["paths"].items():
        for status, answer in item["get"]["responses"].items():
            kinds = set(answer.get("content", {}))
            if item["get"]["tags"] == ["pages"] and status != "200":
                assert kinds == {"text/html"}, (path, status)
            if path.startswith("/api/"):
                assert kinds == {"application/json"}, (path, status)
    original = spec["paths"]["/doc/{doc_id}/original"]["get"]["responses"]["200"]["content"]
    assert "application/pdf" in original and "text/html" not in original
