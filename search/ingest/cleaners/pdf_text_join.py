"""Character classes and hard-wrap joining rules for text extracted from PDFs (pure helpers)."""

from __future__ import annotations

import re
import unicodedata

_URL_TAIL = re.compile(r"(?:https?://|www\.)\S*$")
_URL_PUNCT = re.compile(r"[/._\-=?&%#~:+]")
_URL_CHAR = re.compile(r"[A-Za-z0-9/._\-=?&%#~:+@!$'*,;()\[\]]")
_SPACES = re.compile(r"\s+")

SENTENCE_FINAL = "。！？；.!?"
CLOSERS = "）)》〉」』】〕]”’\"'"


def is_han(ch: str) -> bool:
    """True for CJK ideographs (and kana/hangul), the characters written without spaces."""
    o = ord(ch)
    return (
        0x3400 <= o <= 0x9FFF
        or 0xF900 <= o <= 0xFAFF
        or 0x3040 <= o <= 0x30FF
        or 0xAC00 <= o <= 0xD7AF
        or 0x20000 <= o <= 0x2FFFF
    )


def is_cjk_like(ch: str) -> bool:
    """True for CJK ideographs and CJK/full-width punctuation (no space is needed next to them)."""
    o = ord(ch)
    return (
        is_han(ch)
        or 0x3000 <= o <= 0x303F
        or 0xFF00 <= o <= 0xFFEF
        or ch in "“”‘’…—·"
        or unicodedata.east_asian_width(ch) in "WF"
    )


def is_ascii_alnum(ch: str) -> bool:
    """True for ASCII letters and digits."""
    return ch.isascii() and ch.isalnum()


def display_width(text: str) -> int:
    """Width in half-width cells: 2 for wide (CJK) characters, 1 otherwise."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def collapse_spaces(text: str) -> str:
    """Collapse every whitespace run to one space and trim the ends."""
    return _SPACES.sub(" ", text).strip()


def ends_sentence(text: str) -> bool:
    """True when ``text`` ends in sentence-final punctuation, possibly followed by closers."""
    stripped = text.rstrip().rstrip(CLOSERS)
    return bool(stripped) and stripped[-1] in SENTENCE_FINAL


def url_tail(text: str) -> str | None:
    """The URL that ``text`` ends with, if any."""
    m = _URL_TAIL.search(text)
    return m.group(0) if m else None


def _looks_like_url_rest(right: str, char_wrap: bool) -> bool:
    """Does ``right`` (the next line) continue a URL broken at the end of the previous line?"""
    token = right.split(" ", 1)[0]
    if not token or not _URL_CHAR.match(token[0]) or any(is_cjk_like(c) for c in token):
        return False
    if char_wrap or _URL_PUNCT.search(token):
        return True
    # A lone short fragment such as "tml" or "s" on a line of its own.
    return token == right and len(token) <= 12 and token.isascii() and token.islower()


def join_wrapped(left: str, right: str, trailing_space: bool, char_wrap: bool) -> str:
    """Join ``right`` (next line, stripped) to ``left`` (text so far) across a hard wrap.

    ``trailing_space`` says the previous line ended in whitespace in the source; when
    ``char_wrap`` is set (the document keeps the space at word-boundary wraps, see
    ``pdf_text_lines.uses_trailing_space``), a Latin wrap *without* that space is a break
    inside a word or token (``Adapt`` / ``ation``, ``[EB/O`` / ``L]``) and is joined tight.
    Rules: URLs continue with no space; ``stan-`` / ``dard`` loses the hyphen only with a
    lowercase letter on both sides (other line-end hyphens stay, joined tight:
    ``2023-`` / ``2025``); no space next to CJK characters or CJK punctuation, except one
    space between an ideograph and an ASCII letter/digit; otherwise one space.
    """
    if not left:
        return right
    if not right:
        return left
    a, b = left[-1], right[0]
    tight_wrap = char_wrap and not trailing_space
    url = url_tail(left)
    if url and not (char_wrap and trailing_space) and _looks_like_url_rest(right, tight_wrap):
        return left + right
    if a == "-" and not trailing_space:
        if not url and len(left) >= 2 and left[-2].islower() and b.islower():
            return left[:-1] + right
        return left + right
    if is_cjk_like(a) or is_cjk_like(b):
        if (is_han(a) and is_ascii_alnum(b)) or (is_ascii_alnum(a) and is_han(b)):
            return left + " " + right
        return left + right
    if tight_wrap and a not in ".,;:!?":
        return left + right
    return left + " " + right
