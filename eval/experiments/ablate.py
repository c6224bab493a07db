"""Ranking ablations on a built index: ``python eval/experiments/ablate.py [INDEX_DIR] [--save F]``.

Prints each variant's R@1, R@5 and MRR@10 on the dev queries (top 10); ``--save`` writes the
per-query ranks to a results file, from which ``python -m search.eval --write-docs`` renders the
ablation table of docs/RETRIEVAL.md (with each variant's paired difference from the shipped
ranking). Dense variants score every chunk exactly; keyword lists come from the Searcher as in
production.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from search.config import RankingConfig
from search.eval import first_hit, load_queries
from search.rank.answer import lift_counts
from search.rank.candidates import gather
from search.rank.fusion import Ranked, fuse, smooth
from search.searcher import Searcher

LANGS = ("zh", "en")


def rrf(lists: Sequence[tuple[Ranked, float]], k: int = 60) -> Ranked:
    """Weighted reciprocal rank fusion of ``(ranked list, weight)`` pairs.

    Ties are broken by row id so a ranking never changes between runs.
    """
    scores: dict[int, float] = {}
    for ranked, weight in lists:
        for rank, (rid, _) in enumerate(ranked, start=1):
            scores[rid] = scores.get(rid, 0.0) + weight / (k + rank)
    return sorted(scores.items(), key=lambda kv: (-kv[1], kv[0]))


def main(index: str, save: Path | None = None) -> None:
    qs = load_queries(Path("eval/dev_queries.jsonl"))
    s = Searcher.open(index)
    n = len(s.table)
    chunks = s.store.chunks(list(range(n)))
    texts = [chunks[i].text for i in range(n)]
    langs, front, neighbours = s.table.lang, s.table.front, s.table.neighbours
    c = s.store.chunk_vectors(list(range(n)))
    w = s.store.windows.reconstruct_n(0, s.store.windows.ntotal)  # the embedded store only
    owners = s.store.window_owners
    q = s.embedder.encode_query([x["q"] for x in qs])
    analysed = [s.analyse(x["q"], 10, None, "hybrid") for x in qs]
    config = RankingConfig(pool=n)
    lex = [gather(s.store, s.table, a, None, n, config, s.doc_freq).lists for a in analysed]
    qls = [a.lang for a in analysed]

    variants: list[dict] = []

    def report(name: str, scorer: Callable[[int], list[int]]) -> None:
        ranks = [first_hit([texts[i] for i in scorer(i)[:10]], x["gold"]) for i, x in enumerate(qs)]
        r1 = sum(r == 1 for r in ranks if r) / len(qs)
        r5 = sum(r <= 5 for r in ranks if r) / len(qs)
        mrr = sum(1 / r for r in ranks if r) / len(qs)
        print(f"| {name} | {r1:.2f} | {r5:.2f} | {mrr:.3f} |", flush=True)
        variants.append(
            {"name": name, "ranks": {x["id"]: r for x, r in zip(qs, ranks, strict=True)}}
        )

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
            fused = smooth(
                fuse(lists, langs, qls[qi], front, cfg), neighbours, cfg.neighbour_weight
            )
            targets = analysed[qi].counted
            if targets is not None and cfg.count_weight:
                top = s.chunks([r for r, _ in fused[: cfg.count_depth]])
                texts_ = {r: (ch.text, ch.lang) for r, ch in top.items()}
                fused = lift_counts(fused, texts_, targets, cfg.count_weight)
            return [r for r, _ in fused]

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
    report(
        "hybrid, own-language keywords weighted 0.2 instead of 0.05",
        hybrid(RankingConfig(keyword_weight=0.2)),
    )
    report("hybrid with per-language z-score calibration", hybrid(base, cal=True))
    report("hybrid, reciprocal rank fusion (k=60; weights 1/1/0.5/2)", rrf_hybrid(True))
    report("hybrid, RRF without own-language keywords", rrf_hybrid(False))
    if save:
        args = " ".join(sys.argv[1:])
        command = f"python eval/experiments/ablate.py {args}".strip()
        out = {"command": command, "queries": "eval/dev_queries.jsonl", "variants": variants}
        save.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("index", nargs="?", default="index")
    p.add_argument("--save", type=Path, help="write the per-query ranks here")
    args = p.parse_args()
    main(args.index, args.save)
