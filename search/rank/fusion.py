"""Stage 2, fusion and re-ranking, as pure functions over ``[(row id, score)]`` lists: the
candidate lists combined into one ranking, neighbour smoothing, boosts, language balance."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from search.config import DEFAULT_RANKING, RankingConfig
from search.rank import learned

Ranked = list[tuple[int, float]]  # (row id, score), best first


def best_first(ids: np.ndarray, scores: np.ndarray) -> Ranked:
    """``(row id, score)`` pairs, best score first, ties broken by the row id (as sorting
    by ``(-score, id)`` would)."""
    order = np.lexsort((ids, -scores))
    return list(zip(ids[order].tolist(), scores[order].tolist(), strict=True))


def dense_scores(
    chunk_cos: dict[int, float], windows: list[tuple[int, float]], chunk_weight: float
) -> Ranked:
    """Score each chunk by ``chunk_weight`` x its own cosine + the rest x its best window's.

    ``windows`` are (chunk id, cosine) hits of sentence windows; a chunk none of whose windows
    was retrieved gets the lowest retrieved window score.
    """
    best: dict[int, float] = {}
    for owner, score in windows:
        if score > best.get(owner, -2.0):
            best[owner] = score
    floor = min(best.values()) if best else 0.0
    scored = {
        cid: chunk_weight * cos + (1 - chunk_weight) * best.get(cid, floor)
        for cid, cos in chunk_cos.items()
    }
    return sorted(scored.items(), key=lambda kv: (-kv[1], kv[0]))


def combine(
    dense: dict[int, float], lexical: Sequence[tuple[Ranked, float, np.ndarray | None]]
) -> Ranked:
    """Add weighted, max-normalized keyword scores to the dense scores.

    Each lexical entry is (ranked list, weight, mask over chunk ids or None); a hit whose mask
    entry is False adds nothing. Ties break on the chunk id.
    """
    scores = dict(dense)
    for ranked, weight, mask in lexical:
        if not ranked:
            continue
        top = max(s for _, s in ranked) or 1.0
        for rid, s in ranked:
            if mask is not None and not mask[rid]:
                continue
            scores[rid] = scores.get(rid, 0.0) + weight * s / top
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def balance(
    ranked: Ranked,
    langs: np.ndarray,
    k: int,
    minimum: int = 2,
    eligible: np.ndarray | None = None,
) -> Ranked:
    """Make sure each language with candidates holds at least ``minimum`` of the top ``k``.

    The best passages of an under-represented language replace the lowest of the top ``k``
    (the rest keep their order), so a reader always sees what the other language has.
    Only ``eligible`` passages (default: all) are moved up.
    """
    top, rest = list(ranked[:k]), list(ranked[k:])
    ids = [rid for rid, _ in ranked]
    lang = dict(zip(ids, langs[ids].tolist(), strict=True)) if ids else {}
    for code in np.unique(langs).tolist():
        have = sum(1 for rid, _ in top if lang[rid] == code)
        extra = [x for x in rest if lang[x[0]] == code and (eligible is None or eligible[x[0]])][
            : max(0, minimum - have)
        ]
        for item in extra:
            # drop the lowest-ranked passage of a language that has more than its minimum
            for i in range(len(top) - 1, -1, -1):
                lang_i = lang[top[i][0]]
                if lang_i != code and sum(1 for r, _ in top if lang[r] == lang_i) > minimum:
                    rest.insert(0, top.pop(i))
                    top.append(item)
                    rest.remove(item)
                    break
    return top + sorted(rest, key=lambda kv: (-kv[1], kv[0]))


def surface(ranked: Ranked, langs: np.ndarray, at: int, eligible: np.ndarray) -> Ranked:
    """Each language with an ``eligible`` passage has one in the top ``at``: the best eligible
    passage of a language missing there is moved up to rank ``at`` (the rest keep their order).
    An English question then shows its best Chinese match beside the best English one."""
    if at <= 0 or len(ranked) <= at:
        return ranked
    out = list(ranked)
    for code in np.unique(langs).tolist():
        if any(langs[rid] == code for rid, _ in out[:at]):
            continue
        best = next(
            (i for i, (rid, _) in enumerate(out) if langs[rid] == code and eligible[rid]), None
        )
        if best is not None:
            out.insert(at - 1, out.pop(best))
    return out


def fuse(
    lists: dict[str, Ranked],
    langs: np.ndarray,
    query_lang: str,
    front: np.ndarray | None = None,
    config: RankingConfig = DEFAULT_RANKING,
) -> Ranked:
    """Combine the candidate lists of one query into one ranking.

    Each keyword list's max-normalized BM25 is added, weighted, to the dense score; it may
    lift only some passages: the query's own words those in the query's language,
    dictionary translations those in the other language, identifiers any. Front matter
    (cover, contents, masthead, adverts) is pushed below real articles.
    """
    ranked = _fuse(lists, langs, query_lang, config)
    if front is None or not front.any():
        return ranked
    if not ranked:
        return ranked
    ids = np.fromiter((rid for rid, _ in ranked), dtype=np.int64, count=len(ranked))
    scores = np.fromiter((s for _, s in ranked), dtype=np.float64, count=len(ranked))
    scores[front[ids]] -= config.front_penalty
    return best_first(ids, scores)


def _fuse(
    lists: dict[str, Ranked], langs: np.ndarray, query_lang: str, config: RankingConfig
) -> Ranked:
    if "dense" in lists and "keyword" in lists and config.learned_fusion:  # hybrid
        return learned.load().rank(lists, langs, query_lang)
    if "dense" not in lists:  # keyword only: identifiers, then word coverage in any language
        weights = {"identifier": 1.0, "coverage": 1.0, "keyword": 0.05, "translated": 0.05}
        return combine({}, [(lists[n], w, None) for n, w in weights.items() if n in lists])
    lexical = []
    scopes = {
        "keyword": (config.keyword_weight, "same"),
        "translated": (config.translated_weight, "other"),
        "identifier": (config.identifier_weight, "all"),
        "coverage": (config.coverage_weight, "all"),
    }
    for name, (weight, scope) in scopes.items():
        if name not in lists:
            continue
        if scope == "same":
            allow = langs == query_lang
        elif scope == "other":
            allow = langs != query_lang
        else:
            allow = None
        lexical.append((lists[name], weight, allow))
    return combine(dict(lists["dense"]), lexical)


def boost(ranked: Ranked, lifted: set[int], weight: float) -> Ranked:
    """Add ``weight`` to the ``lifted`` passages and re-sort (ties break on the row id)."""
    if not lifted or not weight:
        return ranked
    out = [(rid, s + weight if rid in lifted else s) for rid, s in ranked]
    return sorted(out, key=lambda kv: (-kv[1], kv[0]))


def smooth(ranked: Ranked, neighbours: np.ndarray, weight: float) -> Ranked:
    """Add ``weight`` x the better score of each passage's two neighbours in its article.

    ``neighbours[rid]`` holds the row ids of the passages just before and after ``rid`` in the
    same article (-1 where there is none). A passage that continues an answer (one that
    refers back with "it" or "the committee") gains from the neighbour that names the
    subject. A neighbour outside ``ranked``, or a missing one, counts as the lowest score in
    ``ranked``.
    """
    if not ranked or not weight:
        return ranked
    ids = np.fromiter((rid for rid, _ in ranked), dtype=np.int64, count=len(ranked))
    scores = np.fromiter((sc for _, sc in ranked), dtype=np.float64, count=len(ranked))
    order = np.argsort(ids)
    sorted_ids, sorted_scores = ids[order], scores[order]
    near = neighbours[ids]  # (m, 2) row ids, -1 for none
    pos = np.clip(np.searchsorted(sorted_ids, near), 0, len(ids) - 1)
    found = (sorted_ids[pos] == near) & (near >= 0)
    floor = scores.min()
    best = np.where(found, sorted_scores[pos], floor).max(axis=1)
    return best_first(ids, scores + weight * best)


def coverage(
    groups: Sequence[frozenset[str]],
    passages: dict[int, frozenset[str]],
    df: dict[str, int],
    total: int,
) -> Ranked:
    """Language-fair keyword score: the idf-weighted share of the query's words (each a group
    of the word and its translations) that a passage holds, in whichever language.

    A group weighs the idf of its rarest term; a passage scores the same whether it holds the
    query's own word or its translation, so the query's language is not preferred.
    """
    if not groups or not passages:
        return []
    weights = []
    for g in groups:
        rarest = min((df.get(t, 0) for t in g if df.get(t, 0)), default=total)
        weights.append(float(np.log((total + 1) / (rarest + 0.5))))
    norm = sum(weights) or 1.0
    pairs = list(zip(groups, weights, strict=True))
    scores = [
        (rid, sum(w for g, w in pairs if not g.isdisjoint(terms)) / norm)
        for rid, terms in passages.items()
    ]
    return sorted(((r, s) for r, s in scores if s > 0), key=lambda kv: (-kv[1], kv[0]))
