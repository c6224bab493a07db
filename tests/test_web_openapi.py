"""The OpenAPI description is true to the server: schemathesis generates requests from
``/api/openapi.json`` (valid ones and ones that break it) and sends them to a real
``python -m web``, with every check: no 500s, documented status codes and content types,
responses matching their schemas, valid input accepted and invalid input refused.

Two rules cannot be written in OpenAPI, so the cases are made to follow them (the description
says both): ``date_from`` is not after ``date_to``, and ``doc`` names documents of the index
(an unknown id is a 400). A bounded run: a fixed seed and ``EXAMPLES`` cases per operation."""

from __future__ import annotations

import json
import re
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from search.query import MAX_DOCS
from tests.web_conftest import start_web, stop
from web.openapi_parts import DATE_PATTERN

schemathesis = pytest.importorskip(
    "schemathesis", reason="schemathesis is not installed (pip install -e '.[dev]')"
)

pytest_plugins = ("tests.web_conftest",)
pytestmark = pytest.mark.server

REFUSALS = ["400", "401", "404", "405", "413", "414", "415", "422", "429"]
EXAMPLES = 15  # per operation and generation mode: the module stays under ~30 s


@pytest.fixture(scope="module")
def described_server(web_index: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    procs: list = []
    log = tmp_path_factory.mktemp("openapi") / "server.log"
    yield start_web(procs, web_index, log, "--workers", "1", env={"SEARCH_RATE_LIMIT": "0"})
    for proc in procs:
        stop(proc)


@pytest.fixture(scope="module")
def api_schema(described_server: str) -> Any:
    config = schemathesis.Config.from_dict(
        {
            "seed": 20261207,
            # a request line over 8 190 bytes is refused before the app sees it: 414
            "checks": {"negative_data_rejection": {"expected-statuses": REFUSALS}},
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES,
                "deterministic": True,
            },
        }
    )
    return schemathesis.openapi.from_url(described_server + "/api/openapi.json", config=config)


@pytest.fixture(scope="module")
def known_docs(described_server: str) -> list[str]:
    with urllib.request.urlopen(described_server + "/api/documents", timeout=10) as resp:
        return [d["doc_id"] for d in json.load(resp)["documents"]]


def ok_id(doc: object) -> bool:
    return isinstance(doc, str) and len(doc) <= 200


def follow_unwritten_rules(case: Any, docs: list[str]) -> None:
    """Dates in order and document ids of the index, in the query or the body; values that
    break the description are left alone (they must be refused)."""
    for params in (case.query, case.body):
        if not isinstance(params, dict):
            continue
        start, end = params.get("date_from"), params.get("date_to")
        dated = all(isinstance(d, str) and re.fullmatch(DATE_PATTERN, d) for d in (start, end))
        if dated and start and end and start[: len(end)] > end:
            params["date_from"], params["date_to"] = end, start
        doc = params.get("doc")
        if isinstance(doc, str) and doc.strip() and len(doc) <= 200:
            params["doc"] = docs[len(doc) % len(docs)]
        elif isinstance(doc, list) and len(doc) <= MAX_DOCS and all(ok_id(d) for d in doc):
            params["doc"] = [docs[len(d) % len(docs)] if d.strip() else d for d in doc]


schema = schemathesis.pytest.from_fixture("api_schema")


@schema.parametrize()
def test_server_answers_as_its_openapi_says(case: Any, known_docs: list[str]) -> None:
    follow_unwritten_rules(case, known_docs)
    case.call_and_validate()
