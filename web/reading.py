"""A long document read a part at a time: its passages cut into parts of whole articles (a
360-passage magazine is not one page 60 000 px tall). ``/doc/<id>?part=N``; a cited passage
(``?at=<chunk>``) opens the part that holds it."""

from __future__ import annotations

from collections.abc import Sequence

from search.errors import QueryError
from search.types import Chunk

PART_PASSAGES = 40  # passages per part; an article longer than this is cut into parts


def articles(chunks: Sequence[Chunk]) -> list[list[Chunk]]:
    """Runs of consecutive passages of one article (one heading; a run of front matter is
    one run too), in reading order."""
    runs: list[list[Chunk]] = []
    for chunk in chunks:
        if runs and run_key(runs[-1][0]) == run_key(chunk):
            runs[-1].append(chunk)
        else:
            runs.append([chunk])
    return runs


def run_key(chunk: Chunk) -> tuple[str, str]:
    return ("front", "") if chunk.kind == "front" else ("text", chunk.heading)


def parts(chunks: Sequence[Chunk], size: int = PART_PASSAGES) -> list[list[Chunk]]:
    """The passages cut into parts of whole articles, each at most ``size`` passages; an
    article longer than ``size`` fills parts of its own. Never empty: one part at least."""
    out: list[list[Chunk]] = []
    current: list[Chunk] = []
    for run in articles(chunks):
        if len(run) > size:
            if current:
                out.append(current)
                current = []
            out += [run[i : i + size] for i in range(0, len(run), size)]
        elif len(current) + len(run) > size:
            out.append(current)
            current = list(run)
        else:
            current += run
    if current or not out:
        out.append(current)
    return out


def part_of(split: Sequence[Sequence[Chunk]], chunk_id: str) -> int | None:
    """The 1-based number of the part holding ``chunk_id`` (None: no such passage)."""
    for number, part in enumerate(split, 1):
        if any(c.chunk_id == chunk_id for c in part):
            return number
    return None


def chosen_part(split: Sequence[Sequence[Chunk]], at: str, asked: str | None) -> int:
    """The part to show: the one holding the cited passage ``at``, else ``?part=`` (a bad
    number is a QueryError: one line, 400), else the first."""
    if at and (found := part_of(split, at)) is not None:
        return found
    if asked is None or asked == "":
        return 1
    if not asked.isdigit() or not 1 <= int(asked) <= len(split):
        raise QueryError(f"part must be a whole number from 1 to {len(split)} (got {asked[:20]!r})")
    return int(asked)


def contents(split: Sequence[Sequence[Chunk]]) -> list[tuple[str, str, int]]:
    """(heading, first passage id, part number) of each article of the whole document, front
    matter left out, each heading once."""
    toc: list[tuple[str, str, int]] = []
    seen: set[str] = set()
    for number, part in enumerate(split, 1):
        for chunk in part:
            if chunk.kind != "front" and chunk.heading and chunk.heading not in seen:
                seen.add(chunk.heading)
                toc.append((chunk.heading, chunk.chunk_id, number))
    return toc
