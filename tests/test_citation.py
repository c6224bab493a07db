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


BATTERY_PAGE = """<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>电动自行车用锂离子电池</title></head>
<body><nav><a href="/">首页</a> <a href="/news">新闻</a></nav>
<article>
<h1>电动自行车用锂离子电池安全技术规范</h1>
<p>标准要求电池在发生热失控后5分钟内不起火、不爆炸，为用户逃生留出时间。</p>
<p>标准还规定了过充、短路和挤压等&nbsp;14&nbsp;项安全试验。</p>
</article><footer>版权所有</footer></body></html>
"""


def test_html_citation_points_into_the_raw_html(tmp_path) -> None:  # type: ignore[no-untyped-def]
    """Issue case: chars 134–197 pointed into the extracted text, not the file."""
    import html
    import re

    from search.build import build
    from search.store import Store

    page = tmp_path / "battery.html"
    page.write_text(BATTERY_PAGE, encoding="utf-8")
    build([page], tmp_path / "index", "hashing:64")
    store = Store.open(tmp_path / "index")
    doc = store.documents()[0]
    passage = next(c for c in store.document_chunks(doc["doc_id"]) if "热失控" in c.text)
    cite = citation_for(passage, doc)
    span = BATTERY_PAGE[cite["char_start"] : cite["char_end"]]
    assert "<p>标准要求电池在发生热失控后5分钟内不起火" in span
    visible = html.unescape(re.sub(r"<[^>]+>", "", span))
    assert "".join(visible.split()) == "".join(passage.text.split())
    assert cite["page"] is None and cite["page_end"] is None and cite["block"] is None
