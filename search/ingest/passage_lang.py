"""A passage's language from its body: bracketed asides do not count (pure).

A Chinese bulletin item such as ``（2）《IEEE 802.3cy-2023 IEEE 以太网标准修订 …》（IEEE
802.3cy-2023 IEEE Standard for Ethernet …）。`` is mostly an English translation in brackets;
the passage itself is Chinese. Text inside round brackets is set aside and the dominant script
of the rest, web addresses left out too, decides (:func:`search.text.lang.detect_lang`); when
no letters are left, the whole passage decides.
"""

from __future__ import annotations

import re

from search.text.lang import detect_lang

_ASIDE = re.compile(r"（[^（）]*）|\([^()]*\)")
_URL = re.compile(r"(?:https?://|www\.)\S+|\S+@\S+\.\w+")
_LETTER = re.compile(r"[A-Za-z\u3400-\u9fff]")


def body_without_asides(text: str) -> str:
    """``text`` without its bracketed asides (nested ones too), web and mail addresses."""
    text = _URL.sub(" ", text)
    prev = None
    while prev != text:
        prev, text = text, _ASIDE.sub(" ", text)
    return text


def passage_lang(text: str) -> str:
    """``zh`` or ``en`` for a passage, by the dominant script of its body."""
    body = body_without_asides(text)
    if len(_LETTER.findall(body)) >= 2:
        return detect_lang(body)
    return detect_lang(text)
