"""Query variants: the same question typed the ways people type it (pure derivations).

``python -m search.eval FILE --variants`` runs every query of a set in each form it has and
reports each form's R@5 / MRR@10 beside the original's on the same queries:

- ``full-width``: ASCII letters, digits, punctuation and spaces in their full-width forms
  (ＧＢ／Ｔ　１２３５０, ＥＳＧ);
- ``traditional``: a Chinese query in traditional characters (OpenCC ``s2t``);
- ``lower-nopunct``: lower case, sentence punctuation dropped (marks joining two Latin
  letters or digits, as in ``gb/t`` or ``12350-2022``, stay);
- ``id-punct``: a query with an identifier, its slashes and hyphens typed as Chinese
  punctuation with spaces (``GB ／ T 12350 — 2022``);
- ``keywords``: the content words only, no question words or punctuation.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from functools import lru_cache

from search.text.identifiers import find as find_identifiers
from search.text.normalize import fold
from search.text.script import IDEOGRAPH, IDEOGRAPH_RUN

NAMES = ("full-width", "traditional", "lower-nopunct", "id-punct", "keywords")
_LATIN_TOKEN = re.compile(r"[A-Za-z0-9][A-Za-z0-9/.\-]*[A-Za-z0-9]|[A-Za-z0-9]")


def full_width(q: str) -> str:
    """ASCII printable characters as their full-width forms, spaces as ideographic spaces."""
    return "".join(
        "\u3000" if c == " " else chr(ord(c) + 0xFEE0) if "!" <= c <= "~" else c for c in q
    )


@lru_cache(maxsize=1)
def _to_traditional():
    import opencc

    return opencc.OpenCC("s2t")


def traditional(q: str) -> str | None:
    """A Chinese query in traditional characters (None for a query without Chinese)."""
    return _to_traditional().convert(q) if IDEOGRAPH.search(q) else None


def lower_nopunct(q: str) -> str:
    """Lower case without sentence punctuation (joining marks inside tokens stay)."""
    from search.text.query_form import strip_marks

    return strip_marks(q.lower())


def id_punct(q: str) -> str | None:
    """Identifiers typed with Chinese punctuation and spaces (None without an identifier)."""
    if not find_identifiers(fold(q)):
        return None
    out = re.sub(r"(?<=[A-Za-z0-9])/(?=[A-Za-z0-9])", " ／ ", q)
    return re.sub(r"(?<=\d)-(?=\d)", " — ", out)


def keywords(q: str) -> str:
    """The content words of ``q``: Chinese words (jieba) and Latin tokens, stop words
    and question words dropped."""
    from search.text.terms import STOP_EN, STOP_ZH, chinese_phrases

    words: list[tuple[int, str]] = []
    for m in _LATIN_TOKEN.finditer(q):
        if m.group(0).lower() not in STOP_EN:
            words.append((m.start(), m.group(0)))
    for m in IDEOGRAPH_RUN.finditer(q):
        words += [(m.start(), w) for w in chinese_phrases(m.group(0)) if w not in STOP_ZH]
    return " ".join(w for _, w in sorted(words, key=lambda x: x[0]))


def derive(q: str) -> dict[str, str]:
    """Every variant of ``q`` that exists and differs from it, by name."""
    forms: dict[str, str | None] = {
        "full-width": full_width(q),
        "traditional": traditional(q),
        "lower-nopunct": lower_nopunct(q),
        "id-punct": id_punct(q),
        "keywords": keywords(q),
    }
    return {name: v for name, v in forms.items() if v and v.strip() and v != q}


def variant_sets(queries: Iterable[dict]) -> dict[str, list[dict]]:
    """For each variant name, the queries (same id and gold) rewritten in that form."""
    out: dict[str, list[dict]] = {name: [] for name in NAMES}
    for item in queries:
        for name, text in derive(item["q"]).items():
            out[name].append({**item, "q": text})
    return {name: items for name, items in out.items() if items}


def compare(
    ranks: dict[str, int | None],
    queries: list[dict],
    evaluate: Callable[[list[dict]], dict[str, int | None]],
) -> list[str]:
    """Report lines: each variant's R@5 / MRR@10 beside the original's on the same queries,
    and how many queries changed rank. ``ranks`` are the originals' first relevant ranks;
    ``evaluate`` returns the same for a list of queries."""

    def r5(rs: list[int | None]) -> float:
        return sum(1 for r in rs if r is not None and r <= 5) / len(rs)

    def mrr(rs: list[int | None]) -> float:
        return sum(1 / r if r else 0.0 for r in rs) / len(rs)

    lines = [
        "| variant | queries | R@5 original | R@5 variant | MRR@10 original | MRR@10 variant "
        "| rank changed |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, items in variant_sets(queries).items():
        got = evaluate(items)
        ids = [i["id"] for i in items]
        base = [ranks[i] for i in ids]
        var = [got[i] for i in ids]
        changed = sum(1 for a, b in zip(base, var, strict=True) if a != b)
        lines.append(
            f"| {name} | {len(ids)} | {r5(base):.3f} | {r5(var):.3f} | {mrr(base):.3f} "
            f"| {mrr(var):.3f} | {changed} |"
        )
    return lines
