"""The relevance rule of ``eval/README.md`` and the query files it applies to (pure).

A passage is relevant to a query when, after NFKC normalisation, case folding and removing all
white space from both, one of the query's ``gold`` strings is a substring of the passage text.
"""

from __future__ import annotations

import json
import re
import unicodedata
from pathlib import Path

from search.errors import SearchError

TOP = 10  # results read per query


def normal(text: str) -> str:
    """NFKC, case folded, without white space; idempotent (removing a space can bring a
    combining mark next to its letter, so the result is normalised once more)."""
    folded = unicodedata.normalize("NFKC", unicodedata.normalize("NFKC", text).casefold())
    return unicodedata.normalize("NFKC", re.sub(r"\s+", "", folded))


def is_relevant(text: str, gold: list[str]) -> bool:
    t = normal(text)
    return any(normal(g) in t for g in gold)


def first_hit(texts: list[str], gold: list[str]) -> int | None:
    """1-based rank of the first relevant text, or None."""
    return next((i for i, t in enumerate(texts, start=1) if is_relevant(t, gold)), None)


def load_queries(path: Path) -> list[dict]:
    """``{"id", "q", "gold"}`` per line of a JSON-lines file (``id`` defaults to the line)."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except (OSError, UnicodeDecodeError) as exc:
        raise SearchError(f"cannot read query file '{path}': {exc}") from exc
    out = []
    for no, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            out.append({"id": str(item.get("id", no)), "q": item["q"], "gold": list(item["gold"])})
        except (ValueError, KeyError, TypeError, AttributeError):
            raise SearchError(f"{path}:{no}: expected a JSON object with 'q' and 'gold'") from None
    return out


def judgements(texts: dict[str, str], queries: list[dict]) -> dict[str, set[str]]:
    """For each query id, every passage (by id, from ``texts``) the rule calls relevant."""
    normals = {pid: normal(t) for pid, t in texts.items()}
    out: dict[str, set[str]] = {}
    for item in queries:
        golds = [normal(g) for g in item["gold"]]
        out[item["id"]] = {pid for pid, t in normals.items() if any(g in t for g in golds)}
    return out


def shared_answers(
    queries: list[dict], others: list[dict], texts: dict[str, str]
) -> dict[str, list[str]]:
    """Queries of ``queries`` that have a relevant passage in common with a query of
    ``others`` (same passage under the relevance rule), each with those other query ids."""
    mine, theirs = judgements(texts, queries), judgements(texts, others)
    out = {}
    for qid, passages in mine.items():
        common = sorted(oid for oid, other in theirs.items() if passages & other)
        if common:
            out[qid] = common
    return out
