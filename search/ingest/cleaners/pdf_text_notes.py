"""Footnote entries, footnote markers and bylines in PDF-extracted text (pure helpers)."""

from __future__ import annotations

import re
from dataclasses import dataclass

from search.ingest.cleaners.pdf_text_join import ends_sentence, is_han

_NOTE_START = re.compile(r"(\d{1,3})\s+(\S.*)")
_CITATION_CUE = re.compile(r"\[(?:EB/OL|[JRMCDSNPAZ])\]|https?://|www\.|retrieved|accessed", re.I)
_URL = re.compile(r"(?:https?://|www\.)\S+")
_MARKER = re.compile(r"(?<=[^\s\d])(\d{1,3})(?=[\s。，；：、！？.,;:!?）)\]”’]|$)")
_BYLINE = re.compile(
    r"[（(]\s*([\u3400-\u9fff·•]{1,4}(?:\s+[\u3400-\u9fff·•]{1,4}){0,5})\s*[）)]\s*$"
)
_MARKER_AFTER = "）》”」』】)\"'"


@dataclass(frozen=True)
class NoteStart:
    """A line that opens footnote ``number`` with the first part of its ``text``."""

    number: int
    text: str


def note_start(
    text: str, last_number: int, in_block: bool, following: str = ""
) -> NoteStart | None:
    """Parse a footnote's first line (``12 CEN-CENELEC. … [EB/OL]. …``).

    Numbers must run in sequence (the next number, or a small jump below a separator rule;
    any number for the first footnote there, as an excerpt may start mid-document);
    outside a separated block the line must also be the next number and it (or the
    ``following`` text, the next lines) must look like a citation.
    """
    m = _NOTE_START.fullmatch(text)
    if not m:
        return None
    number = int(m.group(1))
    if in_block:
        ok = number == last_number + 1 or (
            last_number < number <= last_number + 3 if last_number else number > 0
        )
    else:
        cue = _CITATION_CUE.search(text) or _CITATION_CUE.search(following)
        ok = number == last_number + 1 and bool(cue)
    return NoteStart(number, m.group(2)) if ok else None


def note_url(text: str) -> str | None:
    """The (re-joined) URL in a footnote's text, without trailing punctuation."""
    m = _URL.search(text)
    return m.group(0).rstrip(".,;:，。；") if m else None


def split_byline(text: str) -> tuple[str, str]:
    """Split a trailing byline ``（孙玉琦 周 洪）`` off ``text``: ``(rest, names)``.

    Only parentheses holding 1-6 space-separated runs of 1-4 ideographs qualify, and only
    at the very end of a paragraph whose text before them ends a sentence (or is empty).
    Names keep their spacing, collapsed to single spaces.
    """
    m = _BYLINE.search(text)
    if not m:
        return text, ""
    rest = text[: m.start()].rstrip()
    if rest and not ends_sentence(rest):
        return text, ""
    return rest, " ".join(m.group(1).split())


def _marker_score(text: str, pos: int) -> int:
    """How marker-like the digits at ``pos`` are: 2 after an ideograph/closer, 1 after a letter."""
    before = text[pos - 1]
    if is_han(before) or before in _MARKER_AFTER:
        return 2
    if before in ".,;:" and pos >= 2 and text[pos - 2].isalpha():
        return 2
    if before.isascii() and before.isalpha():
        return 1
    return 0


def find_marker(text: str, number: int, lo: int, hi: int) -> tuple[int, int] | None:
    """``(score, offset)`` of footnote marker ``number`` in ``text[lo:hi]`` (best, first), or None.

    A marker is a bare number glued to the preceding word and followed by punctuation,
    space or the end: ``规定2。``, ``（CWAs）12，``. Data such as ``257 GB``, ``802.3cz``,
    ``CEN/TC 474`` or ``2023 年`` never qualifies (space or digit/dot before it).
    """
    best: tuple[int, int] | None = None
    for m in _MARKER.finditer(text, lo, hi):
        if int(m.group(1)) != number or m.start() == 0:
            continue
        score = _marker_score(text, m.start())
        if score and (best is None or score > best[0]):
            best = (score, m.start())
    return best


def strip_positions(text: str, cuts: list[tuple[int, int]]) -> str:
    """Remove the ``(start, end)`` spans from ``text``."""
    for start, end in sorted(cuts, reverse=True):
        text = text[:start] + text[end:]
    return text
