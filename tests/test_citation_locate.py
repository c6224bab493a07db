"""The locators (pure): reader-text spans -> places in the original file."""

from __future__ import annotations

import pytest

from search.ingest.formats.html_map import html_char_map, visible_chars
from search.ingest.locate import Block, Location, block_locator, newline_map, page_locator


@pytest.mark.parametrize(
    ("raw", "word"),
    [
        ("line one\r\nline two\r\n\r\nthird", "third"),
        ("old mac\rline two\r\rthird", "third"),
        ("no carriage returns\n\nthird", "third"),
    ],
)
def test_newline_map_points_into_the_raw_text(raw: str, word: str) -> None:
    text, char_map = newline_map(raw)
    assert "\r" not in text
    start = text.index(word)
    if char_map is None:
        assert text == raw
        return
    loc = char_map(start, start + len(word))
    assert raw[loc.char_start : loc.char_end] == word
    loc = char_map(0, text.index("two") + 3)
    assert raw[loc.char_start : loc.char_end] == raw[: raw.index("two") + 3]


def test_page_locator_gives_pages_and_offsets_in_each_page() -> None:
    pages = ["first page text\n", "second page\nwith more\n", "third\n"]
    text = "\f".join(pages)
    locate = page_locator(text)
    start = text.index("page text")
    assert locate(start, start + 9) == Location(6, 15, 1, 1)
    start, end = text.index("text"), text.index("more") + 4
    loc = locate(start, end)
    assert (loc.page, loc.page_end) == (1, 2)
    assert pages[0][loc.char_start :] == "text\n" and pages[1][: loc.char_end].endswith("more")
    assert locate(text.index("third"), len(text)) == Location(0, 5, 3, 3)


def test_block_locator_counts_body_blocks_and_leading_space() -> None:
    text = "# Title\n\nAlpha beta.\n\nGamma."
    blocks = [Block(0, 7, 1), Block(9, 20, 3, lead=2), Block(22, 28, 4)]
    locate = block_locator(text, blocks)
    loc = locate(text.index("beta"), len(text))
    assert (loc.block, loc.block_end, loc.char_start, loc.char_end) == (3, 4, 8, 6)


def test_visible_chars_skip_markup_and_decode_entities() -> None:
    raw = '<p class="x">A&amp;B</p><script>var x = "<p>no</p>";</script><!-- c --><b>&#x4e2d;</b>'
    chars, starts, ends = visible_chars(raw)
    assert chars == "A&B中"
    assert raw[starts[1] : ends[1]] == "&amp;" and raw[starts[3] : ends[3]] == "&#x4e2d;"


def test_html_map_finds_lines_out_of_order_and_skips_markdown_markers() -> None:
    raw = "<nav>Menu</nav><main><p>Body text here.</p><h2>Late heading</h2></main>"
    text = "## Late heading\nBody text here."
    char_map = html_char_map(text, raw)
    loc = char_map(text.index("Body"), len(text))
    assert raw[loc.char_start : loc.char_end] == "Body text here."
    loc = char_map(0, text.index("\n"))
    assert raw[loc.char_start : loc.char_end] == "Late heading"
    assert char_map.raw_start[0] == -1  # the '#' marker is not in the page
