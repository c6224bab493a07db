"""The one form of a query that every matcher and the encoder see (pure).

``query_form`` = ``fold`` (NFKC, ASCII hyphens, case folded, simplified Chinese), identifiers
spelled one way (``GB／T 12350—2022`` and ``gb / t 12350 - 2022`` -> ``gb/t 12350-2022``), and
sentence punctuation (a mark not between two Latin letters or digits: ? ， 。 “ ” ...) dropped. So
a query typed full-width, in capitals or lower case, with or without its question mark,
ranks exactly as its plain form.
"""

from __future__ import annotations

import re
import unicodedata

from search.text.identifiers import canonical_text
from search.text.normalize import fold

_SPACES = re.compile(r"\s+")


def _is_mark(ch: str) -> bool:
    return unicodedata.category(ch)[0] in "PS"


def _joins(ch: str) -> bool:
    return ch.isascii() and ch.isalnum()


def strip_marks(text: str) -> str:
    """``text`` without punctuation and symbols, except those joining two letters or digits
    (``gb/t``, ``12350-2022``, ``802.3``, ``o'clock`` keep theirs)."""
    out = []
    for i, ch in enumerate(text):
        if _is_mark(ch):
            left = text[i - 1] if i else ""
            right = text[i + 1] if i + 1 < len(text) else ""
            if not (_joins(left) and _joins(right)):
                out.append(" ")
                continue
        out.append(ch)
    return _SPACES.sub(" ", "".join(out)).strip()


def query_form(query: str) -> str:
    """The matching form of a query (see module docstring); never empty for a query with
    letters or digits."""
    return strip_marks(canonical_text(fold(query))) or fold(query).strip()
