"""A long document is read a part at a time: parts of whole articles, the part holding a cited
passage opened, the contents linking across parts, bad part numbers refused in one line."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest
from flask.testing import FlaskClient

from search.searcher import Searcher
from search.types import Chunk
from tests.web_conftest import build_index, write_corpus
from web.reading import PART_PASSAGES, chosen_part, contents, part_of, parts

pytest_plugins = ("tests.web_conftest",)

BASE = Chunk("x", "doc", 0, "Text.", "en", "", "", 1, 1, 0, 5)


def chunks_of(runs: list[tuple[str, int]]) -> list[Chunk]:
    """Passages of articles ``(heading, count)``; heading ``front`` is front matter."""
    out = []
    for heading, count in runs:
        kind = "front" if heading == "front" else "body"
        for _ in range(count):
            n = len(out)
            out.append(replace(BASE, chunk_id=f"c{n}", ordinal=n, heading=heading, kind=kind))
    return out


@pytest.mark.parametrize(
    ("runs", "sizes"),
    [
        ([("front", 3), ("A", 30), ("B", 20), ("C", 90), ("D", 5)], [33, 20, 40, 40, 10, 5]),
        ([("A", 10), ("B", 10), ("C", 10)], [30]),
        ([("A", 40), ("B", 1)], [40, 1]),
        ([], [0]),
    ],
)
def test_parts_hold_whole_articles(runs, sizes) -> None:
    split = parts(chunks_of(runs), size=40)
    assert [len(p) for p in split] == sizes
    for previous, part in zip(split, split[1:], strict=False):
        # a part starts where an article starts, unless it goes on with a long article
        assert previous[-1].heading != part[0].heading or len(previous) == 40


def test_part_lookup_and_choice() -> None:
    split = parts(chunks_of([("A", 30), ("B", 30), ("C", 30)]), size=40)
    assert part_of(split, "c45") == 2 and part_of(split, "nope") is None
    assert chosen_part(split, "c75", "1") == 3  # the cited passage wins
    assert chosen_part(split, "", None) == 1 and chosen_part(split, "", "2") == 2
    for bad in ("0", "4", "x", "-1", "1.5"):
        with pytest.raises(Exception, match=r"part must be a whole number from 1 to 3"):
            chosen_part(split, "", bad)
    assert [(h, n) for h, _, n in contents(split)] == [("A", 1), ("B", 2), ("C", 3)]


def long_magazine(articles: int, paragraphs: int) -> str:
    out = ["# A long magazine issue\n"]
    for a in range(articles):
        out.append(f"## Article {a}: standards news {a}\n")
        for p in range(paragraphs):
            words = " ".join(f"word{a}x{p}x{w}" for w in range(60))
            out.append(f"Paragraph {p} of article {a} reports on committee work. {words}.\n")
    return "\n".join(out)


@pytest.fixture(scope="module")
def magazine(tmp_path_factory: pytest.TempPathFactory) -> Searcher:
    base = tmp_path_factory.mktemp("magazine")
    corpus = write_corpus(base / "corpus", {"magazine.en.md": long_magazine(8, 15)})
    return Searcher.open(build_index(corpus, base / "index"))


def passage_ids(page: str) -> list[str]:
    return re.findall(r'<section class="passage[^"]*" id="([^"]+)"', page)


def test_document_opens_at_the_part_of_the_cited_passage(make_app, magazine: Searcher) -> None:
    client: FlaskClient = make_app(searcher=magazine).test_client()
    doc = magazine.store.documents()[0]
    every = magazine.store.document_chunks(doc["doc_id"])
    split = parts(every)
    assert len(every) > 2 * PART_PASSAGES and len(split) >= 3
    first = client.get(f"/doc/{doc['doc_id']}").get_data(as_text=True)
    assert passage_ids(first) == [c.chunk_id for c in split[0]]  # not the whole document
    assert f"Part 1 of {len(split)}" in first and f"{len(every)} passages" in first
    later = split[2][3].chunk_id
    cited = client.get(f"/doc/{doc['doc_id']}?at={later}&q=committee")
    page = cited.get_data(as_text=True)
    assert cited.status_code == 200 and later in passage_ids(page)
    assert f'<section class="passage cited" id="{later}"' in page
    assert f"Part 3 of {len(split)}" in page
    # the contents link every article, across parts; next and previous parts are linked
    heading, cid, number = contents(split)[-1]
    assert f'href="/doc/{doc["doc_id"]}?part={number}#{cid}"' in first
    assert 'rel="next"' in first and 'rel="prev"' not in first
    second = client.get(f"/doc/{doc['doc_id']}?part=2&back=/?q%3Dx").get_data(as_text=True)
    assert passage_ids(second) == [c.chunk_id for c in split[1]]
    assert f'href="/doc/{doc["doc_id"]}?part=3&amp;back=/?q%3Dx"' in second  # back is kept


@pytest.mark.parametrize("part", ["0", "99", "two", "-1"])
def test_a_bad_part_is_a_one_line_400(make_app, magazine: Searcher, part: str) -> None:
    client = make_app(searcher=magazine).test_client()
    doc_id = magazine.store.documents()[0]["doc_id"]
    resp = client.get(f"/doc/{doc_id}?part={part}")
    assert resp.status_code == 400
    assert "part must be a whole number from 1 to" in resp.get_data(as_text=True)


def test_a_short_document_is_one_part_without_part_links(web_client: FlaskClient, doc_ids) -> None:
    page = web_client.get(f"/doc/{doc_ids['esg.en']}").get_data(as_text=True)
    assert "Part 1 of" not in page and 'rel="next"' not in page


def test_permalink_script_opens_the_part_holding_the_passage() -> None:
    script = (Path(__file__).resolve().parents[1] / "web/static/app.js").read_text("utf-8")
    assert "openPartOfTarget" in script and '"?at="' in script
