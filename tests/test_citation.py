"""The citation object: contract field names, per-format labels, and its OpenAPI schema."""

from __future__ import annotations

import pytest

from search.citation import CITATION_SCHEMA, citation_for, location_label
from search.types import Chunk


def chunk(**fields: object) -> Chunk:
    base = dict(chunk_id="d-0000", doc_id="d", ordinal=0, text="Alpha beta gamma.", lang="en")
    base |= dict(heading="H", section="", para_start=1, para_end=2, char_start=5, char_end=22)
    return Chunk(**(base | fields))  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "label", "page", "page_end"),
    [
        ({}, "chars 5–22", None, None),
        ({"page": 3, "page_end": 3}, "p. 3", 3, 3),
        ({"page": 3, "page_end": 4}, "pp. 3–4", 3, 4),
        ({"block": 2, "block_end": 5}, "blocks 2–5", None, None),
        ({"block": 2, "block_end": 2}, "block 2", None, None),
    ],
)
def test_fields_and_label_per_format(
    fields: dict, label: str, page: int | None, page_end: int | None
) -> None:
    c = chunk(**fields)
    cite = citation_for(c, {"title": "Doc"})
    assert location_label(c) == label and label in cite["text"]
    assert (cite["page"], cite["page_end"]) == (page, page_end)
    assert (cite["char_start"], cite["char_end"]) == (5, 22)
    assert cite["quote"] == "Alpha beta gamma."


def test_schema_describes_every_field() -> None:
    cite = citation_for(chunk(), {"title": "Doc"})
    assert set(CITATION_SCHEMA["properties"]) == set(cite)
    assert {"page", "page_end", "quote", "char_start", "char_end"} <= set(cite)
