"""The evaluation suite: every corpus of ``corpora.py`` side by side, each list (hybrid, dense,
keyword, bare cosine of the encoder) on each query set, and a candidate ranking against the
shipped one with a paired interval per query set and over their macro-average.

The rule for choosing (``eval/README.md``): a ranking change ships when the macro-average of
MRR@10 over the query sets improves and no query set gets significantly worse (its 95 %
interval wholly below zero).
"""

from __future__ import annotations

import functools
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from search.config import DEFAULT_RANKING, RankingConfig
from search.evaluation.corpora import Corpus, build, corpora
from search.evaluation.relevance import TOP, first_hit, is_relevant
from search.evaluation.stats import SEED, Difference, paired, per_query
from search.rank import calibrate
from search.searcher import Searcher

Ranks = dict[str, int | None]


class CachedEncoder:
    """An encoder whose query vectors are kept: a suite searches the same queries with many
    settings, and the encoder is the same each time."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.name, self.dim = inner.name, inner.dim
        self._encode = functools.lru_cache(maxsize=20_000)(self._one)

    def _one(self, text: str) -> np.ndarray:
        return self.inner.encode_query([text])[0]

    def encode_query(self, texts: Sequence[str]) -> np.ndarray:
        return np.stack([self._encode(t) for t in texts])

    def encode_documents(self, texts: Sequence[str]) -> np.ndarray:
        return self.inner.encode_documents(texts)


@dataclass
class Setting:
    """One ranking to evaluate: a method and its settings."""

    label: str
    method: str = "hybrid"
    config: RankingConfig = RankingConfig()


_CUTS: dict[tuple[int, RankingConfig], dict] = {}


def configure(searcher: Searcher, config: RankingConfig) -> None:
    """Rank with ``config``, and label with the cut measured on this index under it (the
    index's stored cut was measured under the default settings)."""
    searcher.config = config
    key = (id(searcher.store), config)
    if key not in _CUTS:
        _CUTS[key] = calibrate.thresholds({"relevance": calibrate.measure(searcher)})
    searcher.thresholds = dict(_CUTS[key])


@dataclass
class Labels:
    """How the good/weak labels fared: relevant results shown and those labelled weak."""

    shown: int = 0
    weak: int = 0


def ranks(
    searcher: Searcher, queries: list[dict], setting: Setting, labels: Labels | None = None
) -> Ranks:
    """The rank of each query's first relevant passage; ``labels`` counts the relevant
    results and those labelled weak."""
    configure(searcher, setting.config)
    out: Ranks = {}
    for item in queries:
        res = searcher.search(item["q"], k=TOP, method=setting.method).results
        out[item["id"]] = first_hit([r.text for r in res], item["gold"])
        if labels is not None:
            hits = [r for r in res if is_relevant(r.text, item["gold"])]
            labels.shown += len(hits)
            labels.weak += sum(1 for r in hits if r.match != "good")
    return out


def unanswered(searcher: Searcher, questions: list[dict], setting: Setting) -> int:
    """How many of ``questions`` get no good answer."""
    configure(searcher, setting.config)
    return sum(
        1 for q in questions if not searcher.search(q["q"], k=TOP, method=setting.method).good
    )


def bare_cosine(searcher: Searcher, queries: list[dict]) -> Ranks:
    """Ranks by the plain cosine of the encoder's query vector and the passages' vectors."""
    size = len(searcher.table)
    vectors = searcher.store.chunk_vectors(list(range(size)))
    texts = {rid: c.text for rid, c in searcher.chunks(list(range(size))).items()}
    out: Ranks = {}
    for item in queries:
        qv = searcher.embedder.encode_query([item["q"]])[0]
        order = np.argsort(-(vectors @ qv), kind="stable")[:TOP]
        out[item["id"]] = first_hit([texts[int(i)] for i in order], item["gold"])
    return out


def open_corpus(corpus: Corpus, work: Path, encoder) -> Searcher:
    return Searcher.open(build(corpus, work), encoder=encoder)


def mrr(r: Ranks) -> float:
    return float(np.mean([per_query(x, "MRR@10") for x in r.values()])) if r else 0.0


def difference(a: Ranks, b: Ranks) -> Difference:
    ids = list(a)
    va = np.array([per_query(a[q], "MRR@10") for q in ids])
    vb = np.array([per_query(b[q], "MRR@10") for q in ids])
    return paired(va, vb, "MRR@10")


def macro(a: dict[str, Ranks], b: dict[str, Ranks], rounds: int = 4000) -> Difference:
    """B - A in the mean over query sets of MRR@10, with a 95 % interval from resampling each
    set's queries separately (each set weighs the same, whatever its size)."""
    rng = np.random.default_rng(SEED)
    deltas, means = [], np.zeros(rounds)
    for name in a:
        ids = list(a[name])
        d = np.array(
            [per_query(b[name][q], "MRR@10") - per_query(a[name][q], "MRR@10") for q in ids]
        )
        deltas.append(d.mean())
        means += d[rng.integers(0, len(d), size=(rounds, len(d)))].mean(axis=1)
    means /= len(a)
    low, high = np.percentile(means, [2.5, 97.5])
    base = float(np.mean([mrr(r) for r in a.values()]))
    delta = float(np.mean(deltas))
    p = float(min(1.0, 2 * min((means <= 0).mean(), (means >= 0).mean())))
    return Difference("macro MRR@10", base, base + delta, delta, float(low), float(high), p)


def verdict(per_set: dict[str, Difference], overall: Difference) -> tuple[bool, str]:
    """The shipping rule: the macro-average improves and no set is significantly worse."""
    worse = [name for name, d in per_set.items() if d.high < 0]
    if worse:
        return False, f"significantly worse on {', '.join(worse)}"
    if overall.delta <= 0:
        return False, f"macro-average does not improve ({overall.delta:+.3f})"
    return True, f"macro-average {overall.delta:+.3f}, no set significantly worse"


LISTS = ("hybrid", "dense", "keyword", "cosine")


def run(
    work: Path,
    candidate: RankingConfig | None = None,
    only: Sequence[str] = (),
    encoder: str = "use-m3",
    base: RankingConfig = DEFAULT_RANKING,
) -> dict[str, Any]:
    """Every query set of every corpus (or those named in ``only``): the rank lists of each
    list under ``base`` settings, the labels, and with ``candidate`` the hybrid ranking under
    that setting."""
    from search.embed import get_embedder

    cached = CachedEncoder(get_embedder(encoder))
    out: dict[str, Any] = {"sets": {}, "labels": {}}
    shipped = Setting("hybrid", "hybrid", base)
    other = None if candidate is None else Setting("candidate", "hybrid", candidate)
    if other is not None:
        out["candidate_labels"] = {}
    for name, corpus in corpora().items():
        if only and name not in only:
            continue
        searcher = open_corpus(corpus, work, cached)
        labels, their_labels = Labels(), Labels()
        for qset, queries in corpus.queries().items():
            counted = not qset.endswith("-cross")  # the same answers as its own set
            row = {m: ranks(searcher, queries, Setting(m, m, base)) for m in LISTS[1:3]}
            row["hybrid"] = ranks(searcher, queries, shipped, labels if counted else None)
            row["cosine"] = bare_cosine(searcher, queries)
            if other is not None:
                row["candidate"] = ranks(
                    searcher, queries, other, their_labels if counted else None
                )
            out["sets"][qset] = {"corpus": name, "ranks": row}
        questions = corpus.unanswerable()
        out["labels"][name] = label_counts(labels, questions, searcher, shipped)
        if other is not None:
            out["candidate_labels"][name] = label_counts(their_labels, questions, searcher, other)
        searcher.store.close()
    return out


def label_counts(
    labels: Labels, questions: list[dict], searcher: Searcher, setting: Setting
) -> dict[str, int]:
    return {
        "relevant_shown": labels.shown,
        "relevant_weak": labels.weak,
        "unanswerable": len(questions),
        "no_good_answer": unanswered(searcher, questions, setting),
    }


def label_rows(labels: dict[str, dict[str, int]]) -> list[str]:
    lines = [
        "| corpus | unanswerable questions with no good answer | relevant results labelled weak |",
        "|---|---|---|",
    ]
    for corpus, lab in labels.items():
        refused = lab["no_good_answer"] / max(lab["unanswerable"], 1)
        weak = lab["relevant_weak"] / max(lab["relevant_shown"], 1)
        lines.append(
            f"| {corpus} | {lab['no_good_answer']} / {lab['unanswerable']} ({refused:.0%}) | "
            f"{lab['relevant_weak']} / {lab['relevant_shown']} ({weak:.1%}) |"
        )
    return lines


def report(results: dict[str, Any]) -> list[str]:
    """The tables of a suite run, as Markdown lines."""
    head = "| query set | queries | hybrid | dense | keyword | bare cosine |"
    lines = [head + " hybrid - better list [95 %] |"]
    lines.append("|---|---|---|---|---|---|---|")
    for qset, entry in results["sets"].items():
        r = entry["ranks"]
        best = max(("dense", "keyword"), key=lambda m: mrr(r[m]))
        d = difference(r[best], r["hybrid"])
        cells = [f"{mrr(r[m]):.3f}" for m in LISTS]
        lines.append(
            f"| {qset} | {len(r['hybrid'])} | {' | '.join(cells)} | "
            f"{d.delta:+.3f} [{d.low:+.3f}, {d.high:+.3f}] vs {best} |"
        )
    lines += ["", *label_rows(results["labels"])]
    if all("candidate" in e["ranks"] for e in results["sets"].values()):
        lines += ["", *versus(results)]
    return lines


def versus(results: dict[str, Any]) -> list[str]:
    """The candidate against the shipped hybrid: per set, the macro-average, the verdict."""
    shipped = {q: e["ranks"]["hybrid"] for q, e in results["sets"].items()}
    other = {q: e["ranks"]["candidate"] for q, e in results["sets"].items()}
    per_set = {q: difference(shipped[q], other[q]) for q in shipped}
    overall = macro(shipped, other)
    lines = ["| query set | base | candidate | difference [95 %] | p |", "|---|---|---|---|---|"]
    for q, d in [*per_set.items(), ("macro-average", overall)]:
        p = "< 0.01" if d.p < 0.01 else f"{d.p:.2f}"
        lines.append(
            f"| {q} | {d.a:.3f} | {d.b:.3f} | {d.delta:+.3f} [{d.low:+.3f}, {d.high:+.3f}] | {p} |"
        )
    ships, why = verdict(per_set, overall)
    if all(d.low == d.high == 0 for d in per_set.values()):  # a labels-only setting
        lines += ["", "verdict: the same ranking on every set; the labels below decide"]
    else:
        lines += ["", f"verdict: {'ships' if ships else 'does not ship'} ({why})"]
    if "candidate_labels" in results:
        lines += ["", "The candidate's labels:", "", *label_rows(results["candidate_labels"])]
    return lines
