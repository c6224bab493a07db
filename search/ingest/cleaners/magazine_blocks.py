"""Blank-line blocks of magazine text with offsets, and a shape label for each block."""

from __future__ import annotations

from dataclasses import dataclass

from search.ingest.cleaners.magazine_text import (
    banner_line,
    cjk_ratio,
    clean_inline,
    ends_sentence,
    has_url,
    is_byline_line,
    is_caption_text,
    is_prose,
    is_ref_heading,
    join_lines,
    ref_item,
)

_LINE_BREAKS = "\r\n\x0b\x0c\x1c\x1d\x1e\x85\u2028\u2029"


@dataclass(frozen=True)
class Line:
    """One non-blank source line: ``raw`` (tabs kept), ``text`` stripped, offsets of ``text``."""

    raw: str
    text: str
    start: int
    end: int


@dataclass(frozen=True)
class Block:
    """A run of non-blank lines (a paragraph as laid out in the source)."""

    index: int
    lines: tuple[Line, ...]

    @property
    def start(self) -> int:
        return self.lines[0].start

    @property
    def end(self) -> int:
        return self.lines[-1].end

    @property
    def texts(self) -> tuple[str, ...]:
        return tuple(line.text for line in self.lines)

    @property
    def text(self) -> str:
        """Lines joined (CJK-aware) with inline markup stripped."""
        return clean_inline(join_lines(self.texts))


def _line(raw: str, pos: int) -> Line:
    """A :class:`Line` for ``raw`` starting at offset ``pos``."""
    left = len(raw) - len(raw.lstrip())
    text = raw.strip()
    return Line(raw=raw, text=text, start=pos + left, end=pos + left + len(text))


def split_blocks(source: str) -> list[Block]:
    """Split ``source`` at blank (whitespace-only) lines, keeping character offsets."""
    blocks: list[Block] = []
    current: list[Line] = []
    pos = 0
    for piece in source.splitlines(keepends=True):
        raw = piece.rstrip(_LINE_BREAKS)
        if raw.strip():
            current.append(_line(raw, pos))
        elif current:
            blocks.append(Block(len(blocks), tuple(current)))
            current = []
        pos += len(piece)
    if current:
        blocks.append(Block(len(blocks), tuple(current)))
    return blocks


def is_table(block: Block) -> bool:
    """Tab-separated rows: two or more lines with a tab, or one line with two tabs."""
    tabbed = [line for line in block.lines if "\t" in line.raw.strip(" ")]
    return len(tabbed) >= 2 or any(line.raw.count("\t") >= 2 for line in tabbed)


def cjk_split(texts: tuple[str, ...]) -> int | None:
    """Index where English lines give way to Chinese lines (0 if all Chinese), else None."""
    ratios = [cjk_ratio(text) for text in texts]
    cut = 0
    while cut < len(texts) and ratios[cut] < 0.3:
        cut += 1
    if cut == len(texts) or any(ratio < 0.5 for ratio in ratios[cut:]):
        return None
    return cut


def is_cjk_title(texts: tuple[str, ...]) -> bool:
    """Short Chinese lines that can be the Chinese half of a title pair."""
    return (
        0 < len(texts) <= 4
        and all(len(text) <= 80 for text in texts)
        and not texts[-1].rstrip("*").endswith("。")
    )


def is_heading_like(texts: tuple[str, ...]) -> bool:
    """Short English lines that do not end a sentence: a title, subhead or name line."""
    if not texts or len(texts) > 4 or any(len(text) > 200 for text in texts):
        return False
    if any(cjk_ratio(text) >= 0.5 for text in texts):
        return False
    text = clean_inline(join_lines(texts))
    if not text or len(text) > 300 or has_url(text) or is_prose(text):
        return False
    return not (ends_sentence(text) or text[-1] in ",，;；:：")


def _is_line_list(texts: tuple[str, ...], text: str) -> bool:
    """Several short lines that do not end a sentence: a layout list, not running text."""
    return len(texts) >= 3 and max(len(t) for t in texts) < 60 and not ends_sentence(text)


def classify(block: Block) -> str:
    """Shape label: table, banner, refhead, refs, byline, caption, cjk, mixed, prose,
    heading or other."""
    texts = block.texts
    text = block.text
    split = cjk_split(texts)
    if is_table(block):
        kind = "table"
    elif banner_line(texts[0]) and (len(texts) == 1 or ("|" in texts[0] and len(texts) <= 4)):
        kind = "banner"
    elif len(texts) == 1 and is_ref_heading(texts[0]):
        kind = "refhead"
    elif ref_item(texts[0]) is not None:
        kind = "refs"
    elif is_byline_line(texts[0]) and len(texts[0]) <= 150 and not is_prose(text):
        kind = "byline"
    elif is_caption_text(text) and len(text) <= 300:
        kind = "caption"
    elif split == 0 and is_cjk_title(texts):
        kind = "cjk"
    elif split and is_cjk_title(texts[split:]) and is_heading_like(texts[:split]):
        kind = "mixed"
    elif is_prose(text) and not _is_line_list(texts, text):
        kind = "prose"
    elif is_heading_like(texts):
        kind = "heading"
    else:
        kind = "other"
    return kind
