"""Map positions in cleaned text back to character offsets in the source text (pure)."""

from __future__ import annotations


class Aligner:
    """Greedy in-order match of a cleaned text's non-space characters inside ``source[start:end]``.

    Cleaning only deletes characters (line breaks, markers, notes) and inserts whitespace or
    separators, so the cleaned text's visible characters occur in order in the source span.
    Characters that cannot be found (inserted separators) are skipped.
    """

    def __init__(self, source: str, start: int, end: int) -> None:
        self.source = source
        self.start = start
        self.end = end

    def offsets(self, text: str) -> list[int]:
        """Source offset for every character of ``text`` (whitespace gets its neighbour's)."""
        out: list[int] = []
        pos = self.start
        for ch in text:
            if ch.isspace():
                out.append(pos)
                continue
            found = self.source.find(ch, pos, self.end)
            if found < 0:
                out.append(pos)
                continue
            out.append(found)
            pos = found + 1
        return out

    def span(self, text: str, i: int, j: int) -> tuple[int, int]:
        """Source span ``(start, end)`` covering ``text[i:j]``."""
        j = min(j, len(text))
        offs = self.offsets(text[:j])
        if not offs or i >= len(offs):
            return self.start, self.start
        return offs[i], offs[j - 1] + 1
