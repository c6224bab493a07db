"""The forms of a query: the one every matcher sees, and the one the encoder reads (pure).

``query_form`` = ``fold`` (NFKC, ASCII hyphens, case folded, simplified Chinese), identifiers
spelled one way (``GB／T 12350—2022`` and ``gb / t 12350 - 2022`` -> ``gb/t 12350-2022``), and
sentence punctuation (a mark not between two Latin letters or digits: ? ， 。 “ ” ...) dropped. So
a query typed full-width, in traditional characters, with or without its question mark, ranks
exactly as its plain form; in capitals or lower case it matches the same words.

``encoder_text`` is what the encoder reads: the same form with the case of each Latin letter
run restored as typed (``ESG standards``, not ``esg standards``), since the encoder read the
passages as written and an acronym in capitals means something to it. So the full-width,
traditional and differently punctuated forms of a query still reach it as one text.
"""

from __future__ import annotations

import re
import unicodedata

from search.text.identifiers import canonical_text
from search.text.normalize import fold

_SPACES = re.compile(r"\s+")
_LETTERS = re.compile(r"[A-Za-z]+")


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


def encoder_text(query: str, form: str | None = None) -> str:
    """The text the encoder reads for ``query`` (see module docstring): its matching form
    (``form``, when already made) with each Latin letter run in the case it was typed."""
    typed: dict[str, str] = {}
    for run in _LETTERS.findall(unicodedata.normalize("NFKC", query)):
        typed.setdefault(run.lower(), run)
    form = query_form(query) if form is None else form
    return _LETTERS.sub(lambda m: typed.get(m.group(0), m.group(0)), form)
