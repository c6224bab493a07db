"""Text helpers for the magazine cleaner: inline markup stripping, line joining, line shapes.

Everything here is a pure function of its arguments; the module holds only compiled
regular expressions and constant word lists.
"""

from __future__ import annotations

import re

from search.text.script import IDEOGRAPH as _IDEOGRAPH_RE
from search.text.script import LATIN_OR_DIGIT as _LATIN_OR_DIGIT_RE
from search.text.script import is_cjk

_REF_MARK_RE = re.compile(r"\^\[\s*\d+(?:\s*[-–—,，~]\s*\d+)*\s*\]")
_END_SIGN_RE = re.compile(r"\s*\[[A-Z]{1,4}\]\(#\)\s*$")
_LINK_RE = re.compile(r"\[([^\[\]]*)\]\(([^()\s]*)\)")
_AUTOLINK_RE = re.compile(r"<((?:https?|ftp)://[^<>\s]+|www\.[^<>\s]+)>")
_BOLD_RE = re.compile(r"\*\*(?=\S)(.+?)(?<=\S)\*\*", re.S)
_EM_RE = re.compile(r"(?<![\w*\\])\*(?=[^\s*])(.+?)(?<=[^\s*])\*(?![\w*])", re.S)
_ESCAPE_RE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!$|<>~])")
_SPACES_RE = re.compile(r"[ \t\u00a0\u3000]+")

_TERMINAL_RE = re.compile(r"[.!?。！？…][\"”’')\]）】]*$")
_ABBREV_END_RE = re.compile(
    r"\b(?:Ltd|Co|Inc|Corp|No|Nos|St|Dr|Mr|Mrs|Ms|Prof|etc|Jr|Sr|vs|Dept)\.$", re.I
)
_URL_RE = re.compile(r"https?://[^\s<>()\[\]]+|www\.[^\s<>()\[\]]+")

_BANNER_STRIP = "■□●◆◇▲△►▶▌▍|#*>» \t"
KNOWN_BANNERS = frozenset(
    {
        "HEADLINE",
        "HEADLINES",
        "HIGHLIGHTS",
        "SPOTLIGHT",
        "SPECIAL REPORT",
        "CHINA SCENE",
        "EXCHANGE & COOPERATION",
        "GLOBAL VISION",
        "RESEARCH & EXPLORATION",
        "SUPPLEMENT",
        "EXCLUSIVE INTERVIEW",
        "INTERVIEW",
        "COVER STORY",
        "FEATURE",
        "FEATURES",
        "NEWS",
        "NEWS BRIEFS",
        "OPINION",
        "FOCUS",
        "EVENTS",
        "CASE STUDY",
    }
)

_BYLINE_RE = re.compile(
    r"^(?:By\s+[A-Z\u4e00-\u9fff]"
    r"|(?:文|编译|编辑|撰文|作者|翻译|整理|供稿|记者|图)\s*[/／:：]"
    r"|\((?:Edited|Translated|Compiled|Written|Reported|Text)\b[^)]*\)$"
    r"|\(Source\s*[:：][^)]*\)$)"
)
_CREDIT_RE = re.compile(
    r"^(?:(?:编译|翻译|整理|供稿)\s*[/／]"
    r"|\((?:Edited|Translated|Compiled)\b"
    r"|\(Source\s*[:：])"
)
_CAPTION_RE = re.compile(
    r"^(?:(?:Figure|Fig\.?|Table|Chart|Photo|Image|图|表)\s*\d+(?:[.\-]\d+)*[a-z]?"
    r"(?:\s*[:：.．]|\s|$)|(?:Source|Sources|来源|资料来源)\s*[:：])",
    re.I,
)
_REF_HEAD_RE = re.compile(r"^(?:References?|Bibliography|Notes|参考文献|注释)\s*[:：]?$", re.I)
_REF_ITEM_RE = re.compile(r"^(?:[-*•]\s*)?\[(\d+)\]\s*(.*)$")
_CONTENTS_RE = re.compile(r"^(?:(?:table of )?contents|目录|目次|本期目录)$", re.I)
_MASTHEAD_RE = re.compile(
    r"\b(?:tel|fax|e-?mail|address|editors?|editorial|editor-in-chief|price|distribut\w*"
    r"|subscription|publish\w*|printing|copyright|all rights reserved|website|postal"
    r"|serial number|adviser|advertis\w*|hosted by|administrated by|sponsored by"
    r"|consultants?)\b|©|主办|主编|编辑部|定价|邮发|版权",
    re.I,
)
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?"
    r"|Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_DATE_LINE_RE = re.compile(rf"^{_MONTH}\.?\s+\d{{1,2}}(?:\s*[-–]\s*\d{{1,2}})?\b")
_SUBTITLE_RE = re.compile(
    r"^(?:[—–-]|(?:an?\s+)?interview\s+with\b|dialogue\s+with\b|q\s*&\s*a\b)", re.I
)


def cjk_ratio(text: str) -> float:
    """Share of CJK ideographs among ideographs, Latin letters and digits (0 if none)."""
    han = len(_IDEOGRAPH_RE.findall(text))
    other = len(_LATIN_OR_DIGIT_RE.findall(text))
    return han / (han + other) if han + other else 0.0


def join_lines(lines: list[str] | tuple[str, ...]) -> str:
    """Join hard-wrapped lines: one space, but none between two CJK characters.

    Markdown emphasis stars at the joint are ignored when looking at the joint characters.
    """
    out = ""
    for line in lines:
        line = line.strip()
        if not line:
            continue
        if not out:
            out = line
            continue
        left, right = out.rstrip("*_"), line.lstrip("*_")
        glue = "" if left and right and is_cjk(left[-1]) and is_cjk(right[0]) else " "
        out = out + glue + line
    return out


def strip_end_sign(text: str) -> tuple[str, bool]:
    """Remove a trailing end-of-article sign such as ``[CS](#)``; report whether one was there."""
    stripped, count = _END_SIGN_RE.subn("", text)
    return stripped, bool(count)


def clean_inline(text: str) -> str:
    """Strip inline Markdown: ``^[n]`` markers, links, ``**bold**``, ``*emphasis*``, escapes.

    Only characters are removed (never added), so the result stays a subsequence of the
    input; runs of spaces are collapsed.
    """
    text = _REF_MARK_RE.sub("", text)
    text, _ = strip_end_sign(text)
    text = _LINK_RE.sub(r"\1", text)
    text = _AUTOLINK_RE.sub(r"\1", text)
    text = _BOLD_RE.sub(r"\1", text)
    text = _EM_RE.sub(r"\1", text)
    text = _ESCAPE_RE.sub(r"\1", text)
    return _SPACES_RE.sub(" ", text).strip()


def ends_sentence(text: str) -> bool:
    """True if ``text`` ends like a sentence (terminal punctuation, not an abbreviation)."""
    text = text.rstrip()
    return bool(_TERMINAL_RE.search(text)) and not _ABBREV_END_RE.search(text)


def is_prose(text: str) -> bool:
    """Running text: long, or a full sentence of some length."""
    if len(text) >= 200:
        return True
    words = len(text.split())
    han = len(_IDEOGRAPH_RE.findall(text))
    return ends_sentence(text) and (words >= 8 or han >= 30)


def banner_line(line: str) -> bool:
    """Column banner shapes: ``WORD |``, ``08 | SECTION 栏目``, known or ALL-CAPS short lines."""
    core = line.strip().lstrip(_BANNER_STRIP).strip().strip("*").strip()
    if not core:
        return False
    if "|" in line:
        left, _, right = line.strip().lstrip("■□●◆◇▲△►▶▌▍#*> ").partition("|")
        left, right = left.strip(), right.strip()
        if left.isdigit():
            return bool(re.match(r"[A-Z][A-Z]", right))
        return _all_caps(left) and len(left) <= 60
    if core in KNOWN_BANNERS:
        return True
    if not _all_caps(core) or len(core) > 60 or core[-1] in ".!?":
        return False
    letters = sum(ch.isalpha() for ch in core)
    if letters < 0.7 * len(core.replace(" ", "")):
        return False
    words = core.split()
    return (len(words) >= 2 and letters >= 8) or (len(words) == 1 and letters >= 6)


def _all_caps(text: str) -> bool:
    """True if ``text`` has Latin letters and none of them is lower-case."""
    latin = [ch for ch in text if ch.isascii() and ch.isalpha()]
    return bool(latin) and all(ch.isupper() for ch in latin)


def banner_text(lines: list[str] | tuple[str, ...]) -> str:
    """Section name from banner lines: decorations, page numbers and trailing bars removed."""
    text = clean_inline(join_lines(lines))
    text = text.lstrip("■□●◆◇▲△►▶▌▍#> ").strip()
    text = re.sub(r"^\d{1,3}\s*\|\s*", "", text)
    return text.strip(" |")


def is_byline_line(line: str) -> bool:
    """``By ...``, ``文/...``, ``编译/...``, ``(Edited and translated by ...)``, ``(Source: X)``."""
    return bool(_BYLINE_RE.match(line.strip()))


def is_credit_line(line: str) -> bool:
    """End-of-article credits (translation / source notes) that close an article."""
    return bool(_CREDIT_RE.match(line.strip()))


def is_caption_text(text: str) -> bool:
    """``Figure 1: ...``, ``Fig. 2``, ``Table 1: ...``, ``图1``, ``Source: ...``."""
    return bool(_CAPTION_RE.match(text.strip()))


def is_ref_heading(text: str) -> bool:
    """``References`` / ``参考文献`` heading line."""
    return bool(_REF_HEAD_RE.match(text.strip().strip("*#").strip()))


def ref_item(line: str) -> tuple[int, str] | None:
    """``- [3] Author. Title [J]. ...`` -> ``(3, "Author. Title [J]. ...")``."""
    match = _REF_ITEM_RE.match(line.strip())
    return (int(match.group(1)), match.group(2)) if match else None


def first_url(text: str) -> str | None:
    """The first http(s)/www address in ``text``, trailing punctuation removed."""
    match = _URL_RE.search(text)
    return match.group(0).rstrip(".,;:>") if match else None


def is_contents_heading(text: str) -> bool:
    """``CONTENTS`` / ``目录`` line that opens a table of contents."""
    return bool(_CONTENTS_RE.match(text.strip()))


def masthead_hit(text: str) -> bool:
    """Masthead / imprint vocabulary (editors, address, phone, price, distribution...)."""
    return bool(_MASTHEAD_RE.search(text))


def is_date_line(text: str) -> bool:
    """An event date line such as ``August 25-30, Paris, France``."""
    return len(text) <= 80 and bool(_DATE_LINE_RE.match(text.strip()))


def is_subtitle(text: str) -> bool:
    """A subtitle that hangs off a title: ``—...``, ``Interview with ...``."""
    return bool(_SUBTITLE_RE.match(text.strip().lstrip("*")))


def has_url(text: str) -> bool:
    """True if ``text`` contains a web address."""
    return bool(_URL_RE.search(text))
