"""Ranking ablations on a built index: ``python eval/experiments/ablate.py INDEX_DIR``.

Prints the Markdown table quoted in docs/RETRIEVAL.md (dev queries, top 10). Dense variants
score every chunk exactly; keyword lists come from the Searcher as in production.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path

import numpy as np

from search.config import RankingConfig
from search.eval import first_hit, load_queries
from search.rank.fusion import Ranked, fuse, rrf, smooth
from search.searcher import Searcher
from search.text.lang import detect_lang

LANGS = ("zh", "en")


def main(index: str) -> None:
    qs = load_queries(Path("eval/dev_queries.jsonl"))
    s = Searcher.open(index)
    n = s.store.vectors.ntotal
    chunks = s.store.chunks(list(range(n)))
    texts = [chunks[i].text for i in range(n)]
    langs = s.langs
    c = np.stack([s.store.vectors.reconstruct(i) for i in range(n)])
    w = np.stack([s.store.windows.reconstruct(i) for i in range(s.store.windows.ntotal)])
    owners = s.store.window_owners
    q = s.embedder.encode_query([x["q"] for x in qs])
    lex = [s.candidates(x["q"], n, None, "keyword") for x in qs]
    qls = [detect_lang(x["q"]) for x in qs]

    def report(name: str, scorer: Callable[[int], list[int]]) -> None:
        ranks = [first_hit([texts[i] for i in scorer(i)[:10]], x["gold"]) for i, x in enumerate(qs)]
        r1 = sum(r == 1 for r in ranks if r) / len(qs)
        r5 = sum(r <= 5 for r in ranks if r) / len(qs)
        mrr = sum(1 / r for r in ranks if r) / len(qs)
        print(f"| {name} | {r1:.2f} | {r5:.2f} | {mrr:.3f} |", flush=True)

    def dense(qi: int, a: float) -> np.ndarray:
        best = np.full(n, -1.0)
        np.maximum.at(best, owners, w @ q[qi])
        return a * (c @ q[qi]) + (1 - a) * best

    def order(sc: np.ndarray) -> list[int]:
        return [int(i) for i in np.argsort(-sc, kind="stable")]

    def ranked(sc: np.ndarray) -> Ranked:
        return [(i, float(sc[i])) for i in order(sc)]

    def zcal(sc: np.ndarray) -> np.ndarray:
        sc = sc.copy()
        for code in LANGS:
            m = langs == code
            top = np.sort(sc[m])[::-1][:50]
            sc[m] = (sc[m] - top.mean()) / (top.std() + 1e-6)
        return sc

    mu = {code: c[langs == code].mean(0) for code in LANGS}
    cc = c.copy()
    for code, mean in mu.items():
        cc[langs == code] -= mean
    cc /= np.linalg.norm(cc, axis=1, keepdims=True)

    def centered(qi: int) -> list[int]:
        v = q[qi] - mu[qls[qi]]
        return order(cc @ (v / np.linalg.norm(v)))

    def hybrid(cfg: RankingConfig, cal: bool = False) -> Callable[[int], list[int]]:
        def f(qi: int) -> list[int]:
            d = dense(qi, cfg.dense_chunk_weight)
            lists = dict(lex[qi], dense=ranked(zcal(d) if cal else d))
            s.config = cfg
            fused = smooth(
                fuse(lists, langs, qls[qi], s.front, cfg), s.neighbours, cfg.neighbour_weight
            )
            return [r for r, _ in s.answer_type(qs[qi]["q"], fused)]

        return f

    def rrf_hybrid(own_words: bool) -> Callable[[int], list[int]]:
        def f(qi: int) -> list[int]:
            lists = [(ranked(dense(qi, 0.6))[:100], 1.0)]
            lists += [(lex[qi]["translated"], 0.5), (lex[qi]["identifier"], 2.0)]
            if own_words:
                lists.append((lex[qi]["keyword"], 1.0))
            return [r for r, _ in rrf(lists)]

        return f

    base = RankingConfig()
    print("| variant | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
    report("dense: chunk vector only", lambda qi: order(c @ q[qi]))
    report("dense: best sentence window only", lambda qi: order(dense(qi, 0.0)))
    report("dense: 0.6 chunk + 0.4 best window (shipped)", lambda qi: order(dense(qi, 0.6)))
    report("dense + per-language z-score calibration", lambda qi: order(zcal(dense(qi, 0.6))))
    report("dense: each language's mean embedding removed", centered)
    report("hybrid, score fusion (shipped)", hybrid(base))
    report("hybrid without dictionary translation", hybrid(RankingConfig(translated_weight=0)))
    report("hybrid without identifier list", hybrid(RankingConfig(identifier_weight=0)))
    report("hybrid without the counting-question check", hybrid(RankingConfig(count_weight=0)))
    report("hybrid without neighbour smoothing", hybrid(RankingConfig(neighbour_weight=0)))
    report("hybrid, own-language keywords at 0.2", hybrid(RankingConfig(keyword_weight=0.2)))
    report("hybrid with per-language z-score calibration", hybrid(base, cal=True))
    report("hybrid, reciprocal rank fusion (k=60; 1/1/0.5/2)", rrf_hybrid(True))
    report("hybrid, RRF without own-language keywords", rrf_hybrid(False))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "index")
