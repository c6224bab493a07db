"""One normalisation of text for matching, applied alike to documents at build time and to
queries: what the keyword index, the identifier index, the dictionary and the counted-noun
reader compare. Shown and cited text is never normalised; only the terms taken from it are.

``fold`` does, in order:

1. Unicode NFKC: full-width Latin letters, digits and punctuation become half-width
   (ＧＢ／Ｔ　１２３５０ -> GB/T 12350), compatibility forms their plain letters (ﬁ -> fi, ① -> 1).
2. Dash variants (— – ‐ ‑ ‒ − ﹣ and the full-width －) become the ASCII hyphen, so
   ``GB/T 12350—2022`` and ``GB/T 12350-2022`` are one identifier.
3. Case folding (``ESG``, ``esg`` and ``Esg`` match alike).
4. Traditional Chinese becomes simplified (OpenCC's ``t2s`` tables, via the PyPI package
   ``opencc-python-reimplemented``), so 正泰集團 matches 正泰集团.

``fold_aligned`` gives the same form character by character, keeping every offset, for
finding spans in text that is shown as written.
"""

from __future__ import annotations

import re
import unicodedata
from functools import lru_cache
from pathlib import Path

DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DASH = re.compile(f"[{DASHES}]")


@lru_cache(maxsize=1)
def _converter():
    try:
        import opencc
    except ImportError as exc:  # a declared dependency; say what to install if it is missing
        raise ImportError(
            "traditional -> simplified Chinese needs the package opencc-python-reimplemented "
            "(pip install opencc-python-reimplemented)"
        ) from exc
    return opencc.OpenCC("t2s")


@lru_cache(maxsize=1)
def _traditional() -> frozenset[str] | None:
    """Every character the ``t2s`` tables change (alone or in a phrase), so text
    without one (most simplified text) skips the converter; None when the tables are not
    where the package keeps them (then every text is converted)."""
    import opencc

    folder = Path(opencc.__file__).parent / "dictionary"
    try:
        chars = set()
        with open(folder / "TSCharacters.txt", encoding="utf-8") as fh:
            for line in fh:
                key, _, values = line.rstrip("\n").partition("\t")
                if key and values.split() and values.split()[0] != key:
                    chars.add(key)
        with open(folder / "TSPhrases.txt", encoding="utf-8") as fh:
            for line in fh:
                key, _, values = line.rstrip("\n").partition("\t")
                value = values.split()[0] if values.split() else key
                chars.update(a for a, b in zip(key, value, strict=False) if a != b)
                if len(value) != len(key):
                    chars.update(key)
    except OSError:
        return None
    return frozenset(chars)


def simplified(text: str) -> str:
    """``text`` with traditional Chinese characters and phrases in their simplified form."""
    changed = _traditional()
    if changed is not None and changed.isdisjoint(text):
        return text
    return _converter().convert(text)


def fold(text: str) -> str:
    """The matching form of ``text``: NFKC, ASCII hyphens, case folded, simplified Chinese."""
    text = unicodedata.normalize("NFKC", text)
    text = _DASH.sub("-", text).casefold()
    return simplified(text)


@lru_cache(maxsize=4096)
def _fold_char(ch: str) -> str:
    folded = fold(ch)
    if len(folded) == 1:
        return folded
    lowered = ch.lower()
    return lowered if len(lowered) == 1 else ch


@lru_cache(maxsize=4096)  # result passages recur across queries; the conversion is pure Python
def fold_aligned(text: str) -> str:
    """``fold`` of ``text`` with the same length, character for character, so a span found
    in the result is the same span of ``text``. Characters whose folded form is longer or
    shorter (``ß``, ``①`` stays ``1``, ligatures) keep a one-character form or themselves."""
    out = text.lower() if text.isascii() else "".join(_fold_char(c) for c in text)
    whole = simplified(out)  # phrase-level conversion when it keeps the length
    return whole if len(whole) == len(out) else out
