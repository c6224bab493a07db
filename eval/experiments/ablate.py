"""Ranking ablations on a built index: ``python eval/experiments/ablate.py [INDEX_DIR] [--save F]``.

Every variant is ``Searcher.search`` (top 10, the dev queries) under one method and one
``RankingConfig``, exactly as ``python -m search.eval --method M --ranking KEY=VALUE ...`` runs
it, so the shipped row is what ``python -m search.eval eval/dev_queries.jsonl`` gives on the same
index. Prints each variant's R@1, R@5 and MRR@10; ``--save`` writes each variant's method,
changed settings, reference variant and per-query ranks to a results file, from which
``python -m search.eval --write-docs`` renders the ablation table of docs/RETRIEVAL.md (with
each variant's paired difference from its reference).

Under the learned fusion (the default) the weights of the keyword, translation and identifier
lists are the model's (``search/rank/learned.py``), so ``keyword_weight``, ``translated_weight``
and ``identifier_weight`` change nothing there; those variants are measured against the
fixed-weight fusion (``learned_fusion=0``), where the settings are the weights. Variants that
no setting expresses are not measured here: reciprocal rank fusion, per-language z-score
calibration of the dense scores, and removing each language's mean embedding (earlier
measurements, all below the shipped ranking, are in the history of docs/RETRIEVAL.md).
"""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import dataclass, field
from pathlib import Path

from search.config import RankingConfig
from search.errors import SearchError
from search.eval import load_queries
from search.evaluation.report import run_queries, setting, with_ranking
from search.searcher import Searcher

QUERIES = "eval/dev_queries.jsonl"
DENSE, HYBRID = "dense: 0.6 chunk + 0.4 best window (shipped)", "hybrid, learned fusion (shipped)"
FIXED = "hybrid, fixed-weight fusion (`learned_fusion=0`)"


@dataclass(frozen=True)
class Variant:
    name: str
    method: str
    reference: str | None  # the variant it is compared with (None: a reference itself)
    changes: dict[str, float] = field(default_factory=dict)

    @property
    def config(self) -> RankingConfig:
        return RankingConfig.from_dict(self.changes)


FIXED_WEIGHTS = {"learned_fusion": 0}
VARIANTS = [
    Variant("dense: chunk vector only (`dense_chunk_weight=1`)", "dense", DENSE,
            {"dense_chunk_weight": 1.0}),
    Variant("dense: best sentence window only (`dense_chunk_weight=0`)", "dense", DENSE,
            {"dense_chunk_weight": 0.0}),
    Variant(DENSE, "dense", None),
    Variant(HYBRID, "hybrid", None),
    Variant(FIXED, "hybrid", HYBRID, FIXED_WEIGHTS),
    Variant("hybrid without neighbour smoothing (`neighbour_weight=0`)", "hybrid", HYBRID,
            {"neighbour_weight": 0}),
    Variant("hybrid without the counting-question check (`count_weight=0`)", "hybrid", HYBRID,
            {"count_weight": 0}),
    Variant("hybrid, dense part chunk vector only (`dense_chunk_weight=1`)", "hybrid", HYBRID,
            {"dense_chunk_weight": 1.0}),
    Variant("hybrid, fixed weights, without dictionary translation (`translated_weight=0`; "
            "against fixed weights)", "hybrid", FIXED, {**FIXED_WEIGHTS, "translated_weight": 0}),
    Variant("hybrid, fixed weights, without identifier list (`identifier_weight=0`; against "
            "fixed weights)", "hybrid", FIXED, {**FIXED_WEIGHTS, "identifier_weight": 0}),
    Variant("hybrid, fixed weights, own-language keywords 0.2 instead of 0.05 "
            "(`keyword_weight=0.2`; against fixed weights)", "hybrid", FIXED,
            {**FIXED_WEIGHTS, "keyword_weight": 0.2}),
]  # fmt: skip


def main(index: str, save: Path | None = None) -> None:
    queries = load_queries(Path(QUERIES))
    base = Searcher.open(index)
    out = []
    print("| variant | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
    for v in VARIANTS:
        report, _ = run_queries(with_ranking(base, v.config), queries, v.method)
        print(f"| {v.name} | {report.recall(1):.2f} | {report.recall(5):.2f} | {report.mrr:.3f} |")
        out.append({"name": v.name, "reference": v.reference, **setting(v.method, v.config)})
        out[-1]["ranks"] = report.ranks
    if save:
        command = " ".join(["python eval/experiments/ablate.py", *sys.argv[1:]])
        data = {"command": command, "queries": QUERIES, "variants": out}
        save.write_text(json.dumps(data, ensure_ascii=False, indent=1) + "\n", "utf-8")


if __name__ == "__main__":
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("index", nargs="?", default="index")
    p.add_argument("--save", type=Path, help="write the per-query ranks here")
    args = p.parse_args()
    try:
        main(args.index, args.save)
    except SearchError as exc:
        sys.exit(f"error: {exc}")
