"""Unicode classes of the two scripts, defined once: CJK ideographs, CJK punctuation and
full-width forms, Latin words. Every module that asks "is this Chinese?" imports them here.
"""

from __future__ import annotations

import re

# CJK ideographs: Extension A, the unified block, compatibility ideographs, Extensions B-F.
IDEOGRAPH_RANGES = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f"
IDEOGRAPH = re.compile(f"[{IDEOGRAPH_RANGES}]")
IDEOGRAPH_RUN = re.compile(f"[{IDEOGRAPH_RANGES}]+")
# Ideographs plus CJK symbols/punctuation (U+3000-303F) and full-width forms (U+FF00-FFEF).
CJK_WIDE_RANGES = "\u3000-\u303f" + IDEOGRAPH_RANGES + "\uff00-\uffef"
CJK_WIDE = re.compile(f"[{CJK_WIDE_RANGES}]")
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_OR_DIGIT = re.compile(r"[A-Za-z0-9]")


def is_ideograph(ch: str) -> bool:
    """True for a CJK ideograph."""
    return bool(IDEOGRAPH.match(ch))


def is_cjk(ch: str) -> bool:
    """True for CJK ideographs and CJK / full-width punctuation and forms."""
    return bool(CJK_WIDE.match(ch))


def ideographs(text: str) -> int:
    """How many CJK ideographs ``text`` holds."""
    return len(IDEOGRAPH.findall(text))
