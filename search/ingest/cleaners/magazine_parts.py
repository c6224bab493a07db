"""Magazine cleaning, the parts a parser asks about blocks: article titles (English and Chinese
pairs, headlines), table rows, reference lists. :mod:`search.ingest.cleaners.magazine` builds
the articles."""

from __future__ import annotations

from dataclasses import dataclass

from search.ingest.cleaners.magazine_blocks import Block, cjk_split
from search.ingest.cleaners.magazine_text import (
    clean_inline,
    first_url,
    is_subtitle,
    join_lines,
    ref_item,
)
from search.types import Footnote

TABLE_SEPARATOR = " | "
TABLE_PARAGRAPH_CHARS = 600
_MAX_TITLE_BLOCKS = 4
_MAX_HEADLINE_BLOCKS = 3


@dataclass(frozen=True)
class _Start:
    """Where an article begins: heading, section and the first block after its title."""

    heading: str
    section: str
    next: int
    column: bool = False
    has_date: bool = False


def _block_heading(block: Block, upto: int | None = None) -> str:
    """Heading text from (the first ``upto``) lines of a block."""
    return clean_inline(join_lines(block.texts[:upto]))


def _title_en_blocks(blocks: list[Block], kinds: list[str], j: int) -> tuple[int, list[str]]:
    """English title parts ending at Chinese title block ``j``: (first block, parts)."""
    split = cjk_split(blocks[j].texts) or 0
    parts = [_block_heading(blocks[j], split)] if split else []
    k = j - 1
    if not parts:
        if k < 0 or kinds[k] != "heading":
            return j, []
        parts, k = [blocks[k].text], k - 1
    while k >= 0 and kinds[k] == "heading" and len(parts) < _MAX_TITLE_BLOCKS:
        earlier = blocks[k].text
        standalone = (
            not any(ch in earlier for ch in ",:;")
            and not earlier.lower().startswith("about ")
            and len(earlier) <= 150
            and (k == 0 or kinds[k - 1] != "heading")
        )
        if not (is_subtitle(parts[0]) or parts[0][:1].islower() or standalone):
            break
        parts.insert(0, earlier)
        k -= 1
    return k + 1, parts


def _find_titles(blocks: list[Block], kinds: list[str]) -> dict[int, _Start]:
    """English/Chinese title pairs followed (after bylines) by running text, by first block."""
    titles: dict[int, _Start] = {}
    for j, kind in enumerate(kinds):
        if kind not in ("cjk", "mixed"):
            continue
        first, parts = _title_en_blocks(blocks, kinds, j)
        if not parts:
            continue
        k = j + 1
        while k < len(kinds) and kinds[k] == "byline":
            k += 1
        if k >= len(kinds) or kinds[k] != "prose":
            continue
        split = cjk_split(blocks[j].texts) or 0
        chinese = clean_inline(join_lines(blocks[j].texts[split:]))
        heading = f"{' — '.join(parts)} / {chinese}"
        titles[first] = _Start(heading=heading, section="", next=j + 1)
    return titles


def _table_rows(block: Block) -> list[tuple[str, int, int]]:
    """Rows of a tab-separated block as (cells joined by the separator, start, end)."""
    rows = []
    for line in block.lines:
        cells = [clean_inline(cell) for cell in line.raw.split("\t")]
        while cells and not cells[-1]:
            cells.pop()
        if cells:
            rows.append((TABLE_SEPARATOR.join(cells), line.start, line.end))
    return rows


def _group_rows(rows: list[tuple[str, int, int]]) -> list[tuple[str, int, int]]:
    """Group table rows into paragraphs of at most about 600 characters (no repetition)."""
    groups: list[tuple[str, int, int]] = []
    for text, start, end in rows:
        if groups and len(groups[-1][0]) + 1 + len(text) <= TABLE_PARAGRAPH_CHARS:
            prev_text, prev_start, _ = groups[-1]
            groups[-1] = (prev_text + "\n" + text, prev_start, end)
        else:
            groups.append((text, start, end))
    return groups


def _footnotes(block: Block) -> list[Footnote]:
    """``[n] ...`` items of a reference block (unmarked lines continue the previous item)."""
    items: list[tuple[int, list[str]]] = []
    for text in block.texts:
        item = ref_item(text)
        if item is not None:
            items.append((item[0], [item[1]]))
        elif items:
            items[-1][1].append(text)
    notes = []
    for number, lines in items:
        text = clean_inline(join_lines(lines))
        notes.append(Footnote(number=number, text=text, url=first_url(text)))
    return notes
