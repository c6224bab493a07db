"""Queries and answers: the limits on what users send and their messages (one place for the
CLI, the API and the Python API), and the result records returned."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, fields
from typing import Any

from search.errors import QueryError

MAX_QUERY_CHARS = 6000  # a pasted paragraph or two
MAX_K = 50
DEFAULT_K = 10
LANGS = ("zh", "en")
METHODS = ("dense", "keyword", "hybrid")


@dataclass
class Result:
    rank: int
    score: float
    text: str
    lang: str
    doc_id: str
    chunk_id: str
    citation: dict[str, Any]
    heading: str = ""
    snippet: str = ""  # the best one or two sentences of text
    snippet_span: list[int] = field(default_factory=list)  # [start, end] of snippet in text
    highlights: list[list[int]] = field(default_factory=list)  # [start, end] spans in text
    duplicates: list[str] = field(default_factory=list)  # chunk ids of collapsed near-copies
    match: str = "good"  # "good" or "weak": above or below the relevance threshold


@dataclass
class Response:
    query: str
    query_lang: str
    took_ms: float
    results: list[Result]
    lang: str = "any"
    counts: dict[str, int] = field(default_factory=dict)
    total: int = 0  # matching passages (an estimate when total_is_estimate)
    total_is_estimate: bool = False
    good: int = 0  # results above the relevance threshold
    offset: int = 0
    facets: dict[str, dict[str, int]] = field(default_factory=dict)
    other_language: list[Result] = field(default_factory=list)  # best of the other language

    def to_dict(self) -> dict[str, Any]:
        """The response as JSON-ready values, equal to ``dataclasses.asdict`` (whose generic
        deep copy cost a server about a millisecond per answer)."""
        out = {name: _plain(getattr(self, name)) for name in _RESPONSE_FIELDS}
        for key in ("results", "other_language"):  # in place among the fields: key order kept
            out[key] = [
                {name: _plain(getattr(r, name)) for name in _RESULT_FIELDS}
                for r in getattr(self, key)
            ]
        return out


def _plain(value: Any) -> Any:
    """``value`` with its dicts, lists and tuples copied (their contents are plain values)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_plain(v) for v in value)
    return value


_RESULT_FIELDS = tuple(f.name for f in fields(Result))
_RESPONSE_FIELDS = tuple(f.name for f in fields(Response))


def check_query(q: str, max_chars: int = MAX_QUERY_CHARS) -> str:
    """Validate a query: non-empty after trimming, at most ``max_chars`` characters."""
    q = check_text((q or "").strip() if isinstance(q, str) else "", "the query")
    if not q:
        raise QueryError("the query is empty: type some words to search for")
    if len(q) > max_chars:
        raise QueryError(f"the query has {len(q)} characters; the limit is {max_chars}")
    return q


def check_k(k: int, max_k: int = MAX_K) -> int:
    """``k`` as given to the Python API: a whole number from 1 to ``max_k``. A larger ``k`` is
    an error everywhere (API, CLI, Python), never silently clamped."""
    if not isinstance(k, int) or isinstance(k, bool) or not 1 <= k <= max_k:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {_shown(k)})")
    return k


def parse_k(raw: str | int | None, max_k: int = MAX_K) -> int:
    """``k`` as sent (CLI flag, URL parameter, JSON body): absent means ``DEFAULT_K``; text
    must be ASCII digits (not empty, not ``٣`` or ``５``); then :func:`check_k`."""
    if raw is None:
        return min(DEFAULT_K, max_k)
    number = _whole(raw)
    if number is None:
        raise QueryError(f"k must be a whole number from 1 to {max_k} (got {_shown(raw)})")
    return check_k(number, max_k)


MAX_DIGITS = 9  # longer digit strings are out of every range here; never given to int()


def _whole(raw: object) -> int | None:
    """A JSON whole number, or text of at most ``MAX_DIGITS`` ASCII digits (spaces around
    allowed), as an int; None for anything else (Python refuses to convert digit strings
    beyond 4 300 characters, and nothing here needs more than a few)."""
    if isinstance(raw, int) and not isinstance(raw, bool):
        return raw
    text = raw.strip() if isinstance(raw, str) else ""
    if text.isascii() and text.isdigit() and len(text.lstrip("0")) <= MAX_DIGITS:
        return int(text)
    return None


def check_text(text: str, name: str = "the text") -> str:
    """``text`` if it can be written as UTF-8; lone surrogates (``\\ud800`` in JSON, or bytes
    that are not UTF-8 in a command line) are refused with the position of the first one."""
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as exc:
        bad = f"U+{ord(text[exc.start]):04X}"
        raise QueryError(
            f"{name} contains a character that is not valid text ({bad} at position "
            f"{exc.start + 1}): send UTF-8 text"
        ) from None
    return text


def check_lang(lang: str | None) -> str | None:
    """``zh``, ``en``, or None for any language (``any``, empty and None mean any)."""
    if lang in (None, "", "any"):
        return None
    if lang not in LANGS:
        raise QueryError(f"lang must be one of zh, en, any (got {_shown(lang)})")
    return lang


def check_method(method: str) -> str:
    if method not in METHODS:
        raise QueryError(f"method must be one of {', '.join(METHODS)} (got {_shown(method)})")
    return method


def _shown(value: object) -> str:
    """A bad value as quoted in a message: repr, cut to 20 characters (a huge whole number,
    which Python will not turn into text, by its size)."""
    if isinstance(value, int) and abs(value).bit_length() > 64:
        return f"a number of about {int(abs(value).bit_length() * 0.30103)} digits"
    text = repr(value)
    return text if len(text) <= 22 else text[:20] + "…"


# --- filters and paging: offset, doc, date_from, date_to ---
MAX_OFFSET = 500
MAX_DOCS = 50
_ISO_DATE = re.compile(r"\d{4}(-\d{2}(-\d{2})?)?", re.ASCII)


def check_offset(offset: int) -> int:
    if not isinstance(offset, int) or isinstance(offset, bool) or not 0 <= offset <= MAX_OFFSET:
        raise QueryError(
            f"offset must be a whole number from 0 to {MAX_OFFSET} (got {_shown(offset)})"
        )
    return offset


def parse_offset(raw: str | int | None) -> int:
    """``offset`` as sent: absent means 0; otherwise as :func:`parse_k`, from 0."""
    if raw is None:
        return 0
    number = _whole(raw)
    if number is None:
        got = _shown(raw)
        raise QueryError(f"offset must be a whole number from 0 to {MAX_OFFSET} (got {got})")
    return check_offset(number)


def check_docs(docs: str | list[str] | tuple[str, ...] | None) -> tuple[str, ...]:
    """Document ids to search in (none = all); a single id may be given as text."""
    if docs is None or docs == "":
        return ()
    items = [docs] if isinstance(docs, str) else docs
    if not isinstance(items, list | tuple) or not all(isinstance(d, str) for d in items):
        raise QueryError("doc must be a document id or a list of document ids")
    out = tuple(dict.fromkeys(check_text(d.strip(), "doc") for d in items if d.strip()))
    if len(out) > MAX_DOCS or any(len(d) > 200 for d in out):
        raise QueryError(f"doc accepts at most {MAX_DOCS} document ids of up to 200 characters")
    return out


def check_date(value: str | None, name: str = "date") -> str | None:
    """An ISO date (YYYY, YYYY-MM or YYYY-MM-DD) that exists, or None for none."""
    if value is None or value == "":
        return None
    text = value.strip() if isinstance(value, str) else ""
    ok = bool(_ISO_DATE.fullmatch(text))
    if ok:
        parts = [int(p) for p in text.split("-")]
        try:
            datetime.date(
                parts[0], parts[1] if len(parts) > 1 else 1, parts[2] if len(parts) > 2 else 1
            )
        except ValueError:
            ok = False
    if not ok:
        raise QueryError(
            f"{name} must be a date like 2024-07-31, 2024-07 or 2024 (got {str(value)[:20]!r})"
        )
    return text


def check_date_range(date_from: str | None, date_to: str | None) -> tuple[str | None, str | None]:
    date_from, date_to = check_date(date_from, "date_from"), check_date(date_to, "date_to")
    if date_from and date_to and date_from[: len(date_to)] > date_to:
        raise QueryError(f"date_from ({date_from}) is after date_to ({date_to})")
    return date_from, date_to


def shortened(q: str, width: int = 80) -> str:
    """``q`` on one line, cut to ``width`` characters with "…" (at a space when one is near, so
    an English word is not cut; Chinese has none and is cut anywhere)."""
    flat = " ".join(q.split())
    if len(flat) <= width:
        return flat
    cut = flat[: width - 1]
    space = cut.rfind(" ")
    if space >= width - 20:
        cut = cut[:space]
    return cut.rstrip() + "…"
