"""Train the fusion model (``search/rank/learned.py``) on the suite's corpora, with
leave-one-corpus-out cross-validation.

``python -m search.evaluation.learn [--work DIR] [--write]``

For every query of the suite's training sets, the candidate lists are gathered exactly as a
search gathers them; each candidate gets its features and a label (the relevance rule of
``eval/README.md``). A linear pairwise model (each relevant candidate against each other
candidate of its query; logistic loss, L2, Newton's method, numpy only) weighs each query set
the same, whatever its size, and each query the same within its set; its scores are then
scaled to probabilities (Platt scaling). The report gives, for each corpus left out in turn,
the MRR@10 of the fused lists ranked by a model trained on the other corpora against the
fixed-weight fusion; then the model trained on all of them, which ``--write`` saves to
``search/rank/fusion_model.json``.
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from search.config import RankingConfig
from search.errors import SearchError
from search.evaluation.corpora import corpora
from search.evaluation.relevance import TOP, is_relevant
from search.evaluation.suite import CachedEncoder, open_corpus
from search.rank import learned
from search.rank.candidates import gather
from search.rank.fusion import fuse
from search.searcher import Searcher

TRAINING_SETS = (
    "seed-dev",
    "seed-check",
    "xquad-r",
    "xquad-r-cross",
    "hsk-zh",
    "hsk-en",
    "hsk-mixed",
)
L2 = 1e-5


@dataclass
class Sample:
    """One query's candidates: features, labels, and the fixed-weight fusion's ranking."""

    corpus: str
    qset: str
    ids: np.ndarray
    x: np.ndarray
    y: np.ndarray
    baseline: list[int]


def samples(searcher: Searcher, corpus: str, qset: str, queries: list[dict]) -> list[Sample]:
    config = replace(RankingConfig(), learned_fusion=0.0, coverage_weight=1e-9)
    searcher.config = config
    out = []
    for item in queries:
        query = searcher.analyse(item["q"], TOP, None, "hybrid")
        qvec = searcher.vector(query)
        found = gather(searcher.store, searcher.table, query, qvec, config.pool, config,
                       searcher.doc_freq)  # fmt: skip
        ids, x = learned.features(found.lists, searcher.table.lang, query.lang)
        texts = {rid: c.text for rid, c in searcher.chunks(ids.tolist()).items()}
        y = np.array([is_relevant(texts[int(r)], item["gold"]) for r in ids], dtype=float)
        legacy = fuse(found.lists, searcher.table.lang, query.lang, None, config)
        out.append(Sample(corpus, qset, ids, x, y, [rid for rid, _ in legacy]))
    return out


def newton(x: np.ndarray, y: np.ndarray, w: np.ndarray, l2: float, rounds: int = 50) -> np.ndarray:
    """Weighted L2-penalised logistic regression by Newton's method (the last column of ``x``,
    if it is the bias, is penalised too, lightly)."""
    beta = np.zeros(x.shape[1])
    for _ in range(rounds):
        p = 1.0 / (1.0 + np.exp(-(x @ beta)))
        grad = x.T @ (w * (p - y)) + l2 * beta
        hess = (x * (w * p * (1 - p))[:, None]).T @ x + l2 * np.eye(x.shape[1])
        step = np.linalg.solve(hess, grad)
        beta -= step
        if np.abs(step).max() < 1e-9:
            break
    return beta


def fit(data: list[Sample], l2: float = L2) -> learned.Model:
    """A pairwise model (every relevant passage of a query against every other candidate of
    it: a linear RankNet), then its scale and offset fitted so the score is a probability.

    Each query set weighs the same, whatever its size, and each query the same within it."""
    usable = [s for s in data if s.y.any() and not s.y.all()]
    queries = {q: sum(1 for s in usable if s.qset == q) for q in {s.qset for s in usable}}
    diffs, dw = [], []
    for s in usable:
        pos, neg = s.x[s.y > 0], s.x[s.y == 0]
        d = (pos[:, None, :] - neg[None, :, :]).reshape(-1, s.x.shape[1])
        diffs.append(d)
        dw.append(np.full(len(d), 1.0 / len(d) / queries[s.qset]))
    d = np.vstack(diffs)
    weights = newton(d, np.ones(len(d)), np.concatenate(dw), l2)
    # Platt scaling: probability = sigmoid(a * score + b), pointwise, same weighting
    xs, ys, ws = [], [], []
    for s in usable:
        xs.append(s.x @ weights)
        ys.append(s.y)
        w = np.where(s.y > 0, 0.5 / s.y.sum(), 0.5 / (len(s.y) - s.y.sum()))
        ws.append(w / queries[s.qset])
    z = np.concatenate(xs)
    a, b = newton(
        np.stack([z, np.ones(len(z))], axis=1), np.concatenate(ys), np.concatenate(ws), 0.0
    )
    return learned.Model(tuple(float(a * w) for w in weights), float(b))


def mrr(order: list[int], ids: np.ndarray, y: np.ndarray) -> float:
    relevant = {int(r) for r, lab in zip(ids, y, strict=True) if lab}
    for rank, rid in enumerate(order[:TOP], start=1):
        if rid in relevant:
            return 1.0 / rank
    return 0.0


def cross_validate(data: list[Sample]) -> list[tuple[str, str, float, float]]:
    """For each corpus left out: (corpus, query set, MRR@10 fixed weights, MRR@10 learned)."""
    rows = []
    for held in sorted({s.corpus.split("-")[0] for s in data}):
        model = fit([s for s in data if not s.corpus.startswith(held)])
        for qset in sorted({s.qset for s in data if s.corpus.startswith(held)}):
            test = [s for s in data if s.qset == qset]
            base = np.mean([mrr(s.baseline, s.ids, s.y) for s in test])
            ours = np.mean([mrr(order(model, s), s.ids, s.y) for s in test])
            rows.append((held, qset, float(base), float(ours)))
    return rows


def order(model: learned.Model, s: Sample) -> list[int]:
    p = model.score(s.x)
    return [int(s.ids[i]) for i in np.lexsort((s.ids, -p))]


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="python -m search.evaluation.learn", description=__doc__)
    p.add_argument("--work", type=Path, default=Path("eval/work"), help="where corpora build")
    p.add_argument("--write", action="store_true", help="save the model trained on all")
    args = p.parse_args(argv)
    try:
        from search.embed import get_embedder

        encoder = CachedEncoder(get_embedder("use-m3"))
        data: list[Sample] = []
        for name, corpus in corpora().items():
            searcher = open_corpus(corpus, args.work, encoder)
            for qset, queries in corpus.queries().items():
                if qset in TRAINING_SETS:
                    data += samples(searcher, name, qset, queries)
            searcher.store.close()
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    print("| corpus left out | query set | fixed weights | learned (trained on the others) |")
    print("|---|---|---|---|")
    for held, qset, base, ours in cross_validate(data):
        print(f"| {held} | {qset} | {base:.3f} | {ours:.3f} |")
    model = fit(data)
    print("\nmodel trained on every corpus:", json.dumps(model.to_dict()))
    if args.write:
        body = {
            "_about": "python -m search.evaluation.learn --write (search/rank/learned.py)",
            "training_sets": list(TRAINING_SETS),
            "weights": {k: round(v, 6) for k, v in model.to_dict().items()},
        }
        learned.MODEL_FILE.write_text(json.dumps(body, indent=1) + "\n", encoding="utf-8")
        print(f"wrote {learned.MODEL_FILE}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
