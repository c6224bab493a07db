"""Language tagging for Chinese / English text: deterministic, a CJK-ratio fast path first."""

from __future__ import annotations

import re

from search.text.script import IDEOGRAPH as _CJK
from search.text.script import LATIN_WORD as _LATIN_WORD


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among letters (a CJK char ~ one word, a Latin word ~ one unit)."""
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    total = cjk + latin
    return cjk / total if total else 0.0


def detect_lang(text: str, default: str = "en") -> str:
    """Return ``zh`` or ``en`` for ``text``; mixed text gets its dominant language.

    A Chinese word averages ~1.7 characters, so 1.7 CJK characters weigh as one English word:
    a Chinese sentence that quotes ``IEEE 802.3cz-2023`` stays Chinese and an English one that
    quotes 标准 stays English. Text with neither script (digits, punctuation) falls back to
    langdetect with a fixed seed and then to ``default``.
    """
    cjk = len(_CJK.findall(text))
    latin = len(_LATIN_WORD.findall(text))
    if cjk or latin:
        return "zh" if cjk >= 1.7 * latin else "en"
    return _langdetect(text, default)


def _langdetect(text: str, default: str) -> str:
    if not text.strip():
        return default
    try:
        from langdetect import DetectorFactory, detect
        from langdetect.lang_detect_exception import LangDetectException
    except ImportError:  # pragma: no cover - langdetect is a declared dependency
        return default
    DetectorFactory.seed = 0
    try:
        code = detect(text)
    except LangDetectException:
        return default
    return "zh" if code.startswith("zh") or code in {"ja", "ko"} else default


# A passage's language from its body: bracketed asides do not count. A Chinese bulletin item
# such as （2）《IEEE 802.3cy-2023 IEEE 以太网标准修订 …》（IEEE 802.3cy-2023 IEEE Standard …）。 is
# mostly an English translation in brackets; the passage itself is Chinese.

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
