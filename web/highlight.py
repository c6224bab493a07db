"""Snippets with ``<mark>``ed spans, built from escaped text pieces (document text is never
trusted as HTML)."""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WINDOW = 320  # characters of passage shown in a result


def clean_spans(spans: Sequence[Sequence[int]], length: int) -> list[tuple[int, int]]:
    """Valid, sorted, non-overlapping ``(start, end)`` spans inside ``[0, length]``."""
    out: list[tuple[int, int]] = []
    for span in sorted((int(s[0]), int(s[1])) for s in spans if len(s) == 2):
        start, end = max(0, span[0]), min(length, span[1])
        if start >= end:
            continue
        if out and start <= out[-1][1]:
            out[-1] = (out[-1][0], max(end, out[-1][1]))
        else:
            out.append((start, end))
    return out


SNAP = 20  # at most this many characters dropped to start or end a window on a word boundary


def _inside_word(text: str, i: int) -> bool:
    """Whether position ``i`` falls between two letters/digits of one Latin word."""
    return 0 < i < len(text) and (text[i - 1] + text[i]).isascii() and text[i - 1 : i + 1].isalnum()


def window(
    text: str, spans: list[tuple[int, int]], width: int = WINDOW, focus: int | None = None
) -> tuple[int, int]:
    """The part of ``text`` to show: ``width`` characters from ``focus`` (the start of the
    result's snippet) or else around the first span, its edges moved (a little) so they do
    not cut a word in two."""
    if len(text) <= width:
        return 0, len(text)
    if focus is not None and 0 <= focus < len(text):
        anchor, start = focus, focus
    elif spans:
        anchor, start = spans[0][0], max(0, spans[0][0] - width // 4)
    else:
        anchor, start = len(text), 0
    start = min(start, len(text) - width)
    end = start + width
    limit = min(anchor, start + SNAP)
    while start < limit and (_inside_word(text, start) or text[start].isspace()):
        start += 1
    floor = max(end - SNAP, start + 1)
    while end > floor and (_inside_word(text, end) or text[end - 1].isspace()):
        end -= 1
    return start, end


def marked(
    text: str, spans: Sequence[Sequence[int]] = (), width: int = WINDOW, focus: int | None = None
) -> Markup:
    """``text`` (or a window of it, see ``window``) as HTML with each span in ``<mark>``."""
    good = clean_spans(spans, len(text))
    lo, hi = window(text, good, width, focus)
    pieces = [Markup("…")] if lo > 0 else []
    at = lo
    for start, end in good:
        start, end = max(start, lo), min(end, hi)
        if start >= end:
            continue
        pieces += [escape(text[at:start]), Markup("<mark>%s</mark>") % text[start:end]]
        at = end
    pieces.append(escape(text[at:hi]))
    if hi < len(text):
        pieces.append(Markup("…"))
    return Markup("").join(pieces)


def result_snippet(result: dict) -> Markup:
    """A search result's snippet: its highlighted text, else its snippet, else its text."""
    if result.get("highlights"):
        span = result.get("snippet_span") or [None]
        focus = span[0] if isinstance(span[0], int) else None
        return marked(result["text"], result["highlights"], focus=focus)
    return marked(result.get("snippet") or result.get("text") or "")


def parse_span(raw: str | None) -> tuple[int, int] | None:
    """``"a-b"`` (from a link) as ``(a, b)``, or None when absent or malformed."""
    try:
        a, b = (int(x) for x in (raw or "").split("-"))
    except ValueError:
        return None
    return (a, b) if 0 <= a < b else None


def marked_passage(
    text: str, spans: Sequence[Sequence[int]], sentence: tuple[int, int] | None
) -> list[Markup]:
    """``text`` as one HTML line per paragraph, query words in ``<mark>`` and the snippet
    sentence in ``<span class="snip">`` (all text escaped)."""
    good = clean_spans(spans, len(text))
    cuts = {0, len(text)} | {x for s in good for x in s}
    if sentence:
        cuts |= {max(0, min(len(text), x)) for x in sentence}
    cuts |= {i for i, c in enumerate(text) if c == "\n"} | {
        i + 1 for i, c in enumerate(text) if c == "\n"
    }
    edges = sorted(cuts)
    lines: list[list[Markup]] = [[]]
    for a, b in zip(edges, edges[1:], strict=False):
        piece = text[a:b]
        if piece == "\n":
            lines.append([])
            continue
        html = escape(piece)
        if any(s <= a and b <= e for s, e in good):
            html = Markup("<mark>%s</mark>") % html
        if sentence and sentence[0] <= a and b <= sentence[1]:
            html = Markup('<span class="snip">%s</span>') % html
        lines[-1].append(html)
    return [Markup("").join(line) for line in lines if "".join(map(str, line)).strip()]
