"""External benchmark from public Chinese-English sentence pairs nobody on this project wrote.

Data: the HSK 3.0 graded sentences of the PyPI package ``hsk-sentences-audio`` (CC BY-SA 4.0;
a Chinese sentence, its traditional form and an English translation per record; install
with ``pip install -e '.[eval]'``). Each sentence becomes one ``.txt`` file, built into an
index with ``build_index.py --source`` exactly as a user would, in three layouts:

- ``zh-passages``: Chinese sentences are the passages, their English translations the queries;
- ``en-passages``: the reverse;
- ``mixed``: half the pairs give a Chinese passage and an English query, the other half an
  English passage and a Chinese query, so every query's answer is in the other language.

For each layout: R@1, R@5, MRR@10 (relevance rule of ``eval/README.md``) for the hybrid,
dense and keyword methods and for bare cosine of the same encoder over the bare sentences,
and the paired difference hybrid - bare cosine in MRR@10 with a 95 % bootstrap interval.

    python eval/external/parallel.py --work /tmp/external [--pairs 300] [--encoder use-m3]
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from search.config import RankingConfig  # noqa: E402
from search.embed import get_embedder  # noqa: E402
from search.eval import TOP, first_hit  # noqa: E402
from search.searcher import Searcher  # noqa: E402
from search.store import Store  # noqa: E402

LAYOUTS = ("zh-passages", "en-passages", "mixed")


def load_pairs(n: int, seed: int = 13) -> list[tuple[str, str, str]]:
    """``n`` (id, Chinese, English) pairs, sampled reproducibly; very short sentences and
    repeated texts are left out so each gold text names one passage."""
    from hsk_sentences_audio import load_sentences

    seen: set[str] = set()
    pairs = []
    for rec in load_sentences():
        zh, en = rec["chinese"].strip(), rec.get("translation", {}).get("en", "").strip()
        if len(zh) < 8 or len(en.split()) < 5 or zh in seen or en in seen:
            continue
        seen |= {zh, en}
        pairs.append((rec["id"], zh, en))
    random.Random(seed).shuffle(pairs)
    return sorted(pairs[:n])


def layout(name: str, pairs: list[tuple[str, str, str]]) -> tuple[dict[str, str], list[dict]]:
    """(passages by file name, queries) of one layout."""
    passages: dict[str, str] = {}
    queries = []
    for i, (pid, zh, en) in enumerate(pairs):
        to_zh = name == "zh-passages" or (name == "mixed" and i % 2 == 0)
        passage, query = (zh, en) if to_zh else (en, zh)
        passages[f"{pid}.txt"] = passage
        queries.append({"id": pid, "q": query, "gold": [passage]})
    return passages, queries


def build(folder: Path, index: Path, passages: dict[str, str], encoder: str) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in passages.items():
        (folder / name).write_text(text + "\n", encoding="utf-8")
    cmd = [sys.executable, str(ROOT / "build_index.py"), "--source", str(folder)]
    cmd += ["--out", str(index), "--encoder", encoder, "--quiet", "--rebuild"]
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL)


def ranks_of(searcher: Searcher, queries: list[dict], method: str) -> list[int | None]:
    out = []
    for q in queries:
        results = searcher.search(q["q"], k=TOP, method=method).results
        out.append(first_hit([r.text for r in results], q["gold"]))
    return out


def bare_cosine(embedder, passages: list[str], queries: list[dict]) -> list[int | None]:
    """Ranks by the cosine of the encoder's vectors of the bare sentences and queries."""
    docs = embedder.encode_documents(passages)
    qv = embedder.encode_query([q["q"] for q in queries])
    out = []
    for row, q in zip(qv @ docs.T, queries, strict=True):
        order = np.argsort(-row, kind="stable")[:TOP]
        out.append(first_hit([passages[i] for i in order], q["gold"]))
    return out


def metrics(ranks: list[int | None]) -> tuple[float, float, float]:
    rr = [1 / r if r else 0.0 for r in ranks]
    r1 = sum(1 for r in ranks if r == 1) / len(ranks)
    r5 = sum(1 for r in ranks if r and r <= 5) / len(ranks)
    return r1, r5, sum(rr) / len(rr)


def paired_bootstrap(a: list[int | None], b: list[int | None], rounds: int = 2000) -> tuple:
    """Mean MRR@10 difference a - b and its 95 % bootstrap interval (queries resampled)."""
    da = np.array([1 / r if r else 0.0 for r in a]) - np.array([1 / r if r else 0.0 for r in b])
    rng = np.random.default_rng(7)
    means = [da[rng.integers(0, len(da), len(da))].mean() for _ in range(rounds)]
    return float(da.mean()), float(np.percentile(means, 2.5)), float(np.percentile(means, 97.5))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--work", type=Path, default=Path("/tmp/external"))
    p.add_argument("--pairs", type=int, default=300)
    p.add_argument("--encoder", default="use-m3")
    p.add_argument("--layouts", nargs="*", default=list(LAYOUTS), choices=LAYOUTS)
    p.add_argument("--reuse", action="store_true", help="use indexes already built under --work")
    p.add_argument("--methods", nargs="*", default=["hybrid", "dense", "keyword"])
    p.add_argument("--ranking", type=json.loads, default={}, help='settings, e.g. {"pool": 50}')
    args = p.parse_args(argv)
    pairs = load_pairs(args.pairs)
    embedder = get_embedder(args.encoder)
    for name in args.layouts:
        passages, queries = layout(name, pairs)
        index = args.work / name / "index"
        if not (args.reuse and index.exists()):
            build(args.work / name / "source", index, passages, args.encoder)
        (args.work / name / "queries.jsonl").write_text(
            "\n".join(json.dumps(q, ensure_ascii=False) for q in queries), encoding="utf-8"
        )
        searcher = Searcher(Store.open(index), embedder, RankingConfig.from_dict(args.ranking))
        runs = {m: ranks_of(searcher, queries, m) for m in args.methods}
        runs["bare cosine"] = bare_cosine(embedder, list(passages.values()), queries)
        print(f"\n{name}: {len(passages)} passages, {len(queries)} queries")
        print("| method | R@1 | R@5 | MRR@10 |\n|---|---|---|---|")
        for method, ranks in runs.items():
            r1, r5, mrr = metrics(ranks)
            print(f"| {method} | {r1:.3f} | {r5:.3f} | {mrr:.3f} |")
        if "hybrid" in runs:
            mean, lo, hi = paired_bootstrap(runs["hybrid"], runs["bare cosine"])
            print(
                f"hybrid - bare cosine, MRR@10: {mean:+.3f} (95% interval {lo:+.3f} .. {hi:+.3f})"
            )
        searcher.store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
