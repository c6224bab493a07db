"""Figures in README.md and docs/RETRIEVAL.md, generated from the results files in
``eval/results/`` (written by ``python -m search.eval ... --save``).

Each generated block sits between ``<!-- eval:NAME:start -->`` and ``<!-- eval:NAME:end -->``
and names the commands that produced its figures. ``python -m search.eval --reproduce``
re-runs every command of ``RESULTS`` against ``index/`` and rewrites the blocks (the ablation
and chunk-size results come from ``eval/experiments/ablate.py`` and ``chunk_grid.py``, whose
commands their tables name);
``--write-docs`` only rewrites the blocks from the committed results files, ``--check-docs``
says whether they are current (the test suite runs it).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import asdict
from pathlib import Path
from typing import Any

from search.errors import SearchError
from search.evaluation.relevance import load_queries
from search.evaluation.stats import METRICS, compare, summary
from search.text.identifiers import find as find_identifiers
from search.text.normalize import fold

ROOT = Path(__file__).resolve().parents[2]
RESULTS_DIR = Path("eval/results")
DEV, CHECK = "eval/dev_queries.jsonl", "eval/check_queries.jsonl"

# results file -> the arguments of ``python -m search.eval`` that write it
RESULTS: dict[str, list[str]] = {
    "dev-dense.json": [DEV, "--method", "dense"],
    "dev-keyword.json": [DEV, "--method", "keyword"],
    "dev-hybrid.json": [DEV, "--shared-with", CHECK],
    "check-hybrid.json": [CHECK, "--shared-with", DEV],
    "dev-no-neighbours.json": [DEV, "--versus", "neighbour_weight=0"],
    "check-no-neighbours.json": [CHECK, "--shared-with", DEV, "--versus", "neighbour_weight=0"],
    "dev-no-count.json": [DEV, "--versus", "count_weight=0"],
    "check-no-count.json": [CHECK, "--shared-with", DEV, "--versus", "count_weight=0"],
    # the evaluation suite (search/evaluation/suite.py): its corpora build under eval/work
    "suite.json": ["--suite"],
    "suite-learned.json": [
        "--suite",
        "--ranking",
        "learned_fusion=0",
        "--versus",
        "learned_fusion=1",
    ],
    "suite-kind.json": ["--suite", "--versus", "kind_weight=0.05"],
    "suite-no-count.json": ["--suite", "--versus", "count_weight=0"],
    "suite-no-neighbours.json": ["--suite", "--versus", "neighbour_weight=0"],
    "suite-other-at.json": ["--suite", "--versus", "other_at=2"],
    "suite-front.json": ["--suite", "--versus", "front_penalty=0.1"],
    "suite-coverage.json": ["--suite", "--versus", "good_coverage=0.5"],
    "suite-quantile.json": ["--suite", "--versus", "good_quantile=0.8"],
}


# results files written by the experiments (eval/experiments/) -> the command that writes them
EXPERIMENTS: dict[str, str] = {
    "ablations.json": "python eval/experiments/ablate.py index --save eval/results/ablations.json",
    "chunk-grid.json": "python eval/experiments/chunk_grid.py /tmp/chunk-grid "
    "--save eval/results/chunk-grid.json",
}


def command(name: str) -> str:
    return " ".join(["python -m search.eval", *RESULTS[name], "--save", f"{RESULTS_DIR}/{name}"])


def load(name: str, root: Path = ROOT) -> dict[str, Any]:
    return json.loads((root / RESULTS_DIR / name).read_text("utf-8"))


def _figures(metrics: dict[str, float]) -> list[str]:
    return [f"{metrics['R@1']:.2f}", f"{metrics['R@5']:.2f}", f"{metrics['MRR@10']:.3f}"]


def _table(head: list[str], rows: list[list[str]]) -> list[str]:
    out = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    return out + ["| " + " | ".join(row) + " |" for row in rows]


def _commands(names: list[str]) -> list[str]:
    return ["", "Produced by (on the index `python build_index.py` writes to `index/`):", ""] + [
        f"    {command(n)}" for n in names
    ]


def eval_table(root: Path) -> list[str]:
    """README: each method on the development set, the shipped ranking on the check set."""
    labels = {
        "dev-dense.json": "dense (sentence-window + chunk vectors)",
        "dev-keyword.json": "keyword (FTS5 BM25 + dictionary translation + identifiers)",
        "dev-hybrid.json": "**hybrid** (default)",
    }
    rows = []
    for name, label in labels.items():
        r = load(name, root)
        rows.append([label, f"dev ({len(r['ranks'])})", *_figures(summary(r["ranks"]))])
    check = load("check-hybrid.json", root)
    ranks, shared = check["ranks"], check["shared_with"]["queries"]
    independent = [q for q in ranks if q not in shared]
    rows.append(["hybrid", f"check ({len(ranks)})", *_figures(summary(ranks))])
    part = f"check, independent part ({len(independent)})"
    rows.append(["hybrid", part, *_figures(summary(ranks, independent))])
    head = ["method", "queries", "R@1", "R@5", "MRR@10"]
    return _table(head, rows) + _commands([*labels, "check-hybrid.json"])


def bare_identifier_queries(path: Path) -> list[str]:
    """Ids of the queries that are nothing but identifiers (``GB/T 12350-2022``)."""
    out = []
    for item in load_queries(path):
        folded = fold(item["q"])
        found = find_identifiers(folded)
        rest = "".join(
            ch for i, ch in enumerate(folded) if not any(f.start <= i < f.end for f in found)
        )
        if found and not any(ch.isalnum() for ch in rest):
            out.append(item["id"])
    return out


def identifiers(root: Path) -> list[str]:
    """Where the bare identifier queries of each set rank."""
    parts = []
    for name, label, queries in (
        ("dev-hybrid.json", "development", DEV),
        ("check-hybrid.json", "check", CHECK),
    ):
        ranks = load(name, root)["ranks"]
        ids = bare_identifier_queries(root / queries)
        first = [q for q in ids if ranks[q] == 1]
        shown = ", ".join(f"{q} {ranks[q] or '-'}" for q in ids)
        parts.append(f"{label} set {len(first)} of {len(ids)} ({shown})")
    return [
        "Bare identifier queries (such as `GB/T 12350-2022`) at rank 1, hybrid: "
        + "; ".join(parts)
        + ".",
        *_commands(["dev-hybrid.json", "check-hybrid.json"]),
    ]


def overlap(root: Path) -> list[str]:
    """The check queries that share a relevant passage with a development query."""
    check = load("check-hybrid.json", root)
    shared = check["shared_with"]["queries"]
    pairs = ", ".join(f"{q} ({'/'.join(others)})" for q, others in sorted(shared.items()))
    n = len(check["ranks"])
    return [
        f"{len(shared)} of the {n} check queries share a relevant passage (under the relevance "
        f"rule) with a development query, so they are not independent of it: {pairs}. The "
        f"other {n - len(shared)} are the independent part; figures are given for both.",
        *_commands(["check-hybrid.json"]),
    ]


ABLATIONS = {
    "no-neighbours": "without neighbour smoothing (`neighbour_weight=0`)",
    "no-count": "without the counting-question check (`count_weight=0`)",
}


def differences(root: Path) -> list[str]:
    """What each ranking step is worth, with its uncertainty, on both query sets."""
    rows = []
    names = []
    for key, label in ABLATIONS.items():
        for prefix, part in (("dev", "dev"), ("check", "check"), ("check", "check, independent")):
            name = f"{prefix}-{key}.json"
            r = load(name, root)
            ids = list(r["ranks"])
            if "independent" in part:
                ids = [q for q in ids if q not in r["shared_with"]["queries"]]
            moved = compare(r["ranks"], r["versus"]["ranks"], ids)
            cells = [_difference(asdict(d)) for d in moved]
            rows.append([label, f"{part} ({len(ids)})", *cells])
            if name not in names:
                names.append(name)
    head = ["change from the shipped ranking", "queries", *METRICS]
    note = [
        "",
        "Each cell: the mean per-query difference (change minus shipped), its 95 % paired "
        "bootstrap interval and the two-sided randomisation-test p-value "
        "(`search/evaluation/stats.py`, 10 000 resamples, fixed seed). A change that moves one "
        "or two queries cannot be told from chance by either test, whatever its direction.",
    ]
    return _table(head, rows) + note + _commands(names)


def ablations(root: Path) -> list[str]:
    """The ablation table: each variant's figures and its MRR@10 difference from its reference
    variant (the shipped dense or hybrid ranking, or the fixed-weight fusion)."""
    r = load("ablations.json", root)
    by_name = {v["name"]: v for v in r["variants"]}
    rows = []
    for v in r["variants"]:
        figures = _figures(summary(v["ranks"]))
        if v["reference"] is None:
            rows.append([v["name"], *figures, "(reference)"])
            continue
        ref = by_name[v["reference"]]
        ids = list(ref["ranks"])
        mrr = next(d for d in compare(ref["ranks"], v["ranks"], ids) if d.metric == "MRR@10")
        rows.append([v["name"], *figures, _difference(asdict(mrr))])
    head = ["variant", "R@1", "R@5", "MRR@10", "MRR@10 minus reference [95 % interval] p"]
    return _table(head, rows) + ["", "Produced by:", "", f"    {r['command']}"]


def chunk_grid(root: Path) -> list[str]:
    """The chunk-size table: one full rebuild of the seed index per setting."""
    r = json.loads((root / RESULTS_DIR / "chunk-grid.json").read_text("utf-8"))
    rows = []
    for row in r["rows"]:
        dense, hybrid = summary(row["dense"]), summary(row["hybrid"])
        rows.append(
            [
                str(row["max_units"]),
                str(row["min_units"]),
                "yes" if row["heading"] else "no",
                str(row["passages"]),
                f"{dense['R@5']:.2f}",
                f"{dense['MRR@10']:.3f}",
                *_figures(hybrid),
            ]
        )
    head = ["max units", "min units", "heading in chunk vector", "passages", "dense R@5"]
    head += ["dense MRR@10", "hybrid R@1", "hybrid R@5", "hybrid MRR@10"]
    return _table(head, rows) + ["", "Produced by:", "", f"    {r['command']}"]


def _difference(d: dict[str, float]) -> str:
    p = "p < 0.01" if d["p"] < 0.01 else f"p {d['p']:.2f}"
    return f"{d['delta']:+.3f} [{d['low']:+.3f}, {d['high']:+.3f}] {p}"


SUITE = "suite.json"
# results files of the suite with a candidate ranking (--versus), and what each candidate was
SUITE_DECISIONS: dict[str, str] = {
    "suite-learned.json": "the learned fusion against the fixed weights it replaced",
    "suite-kind.json": "with the answer-kind lift (`kind_weight=0.05`, the former default)",
    "suite-no-count.json": "without the counting-question lift (`count_weight=0`)",
    "suite-no-neighbours.json": "without neighbour smoothing (`neighbour_weight=0`)",
    "suite-other-at.json": "the best good passage of a missing language moved to rank 2 "
    "(`other_at=2`)",
    "suite-front.json": "front matter pushed down by 0.1, the former penalty (`front_penalty=0.1`)",
    "suite-coverage.json": "a good match needing half the query's terms known, not a quarter "
    "(`good_coverage=0.5`)",
    "suite-quantile.json": "the cut at the 80th percentile of off-topic scores, not the 90th "
    "(`good_quantile=0.8`)",
}


def suite_table(root: Path) -> list[str]:
    """Every corpus of the evaluation suite: each list's MRR@10 and the labels."""
    from search.evaluation.suite import report

    r = json.loads((root / RESULTS_DIR / SUITE).read_text("utf-8"))
    return [*report({**r, "sets": r["sets"]}), "", "Produced by:", "", f"    {r['command']}"]


def suite_decisions(root: Path) -> list[str]:
    """Each candidate ranking measured with the suite, and what the rule said."""
    from search.evaluation.suite import versus

    out: list[str] = []
    for name, label in SUITE_DECISIONS.items():
        r = json.loads((root / RESULTS_DIR / name).read_text("utf-8"))
        out += [f"**{label}** (`{r['command']}`):", "", *versus(r), ""]
    return out[:-1]


Block = Callable[[Path], list[str]]
BLOCKS: dict[str, dict[str, Block]] = {
    "README.md": {"table": eval_table, "identifiers": identifiers, "suite": suite_table},
    "eval/README.md": {"overlap": overlap},
    "docs/RETRIEVAL.md": {
        "ablations": ablations,
        "chunk_grid": chunk_grid,
        "overlap": overlap,
        "differences": differences,
        "identifiers": identifiers,
        "suite": suite_table,
        "decisions": suite_decisions,
    },
}


def replace_block(document: str, name: str, body: str) -> str:
    start, end = f"<!-- eval:{name}:start -->", f"<!-- eval:{name}:end -->"
    if start not in document or end not in document:
        raise SearchError(f"no {start} ... {end} block")
    head, rest = document.split(start, 1)
    return f"{head}{start}\n{body}\n{end}{rest.split(end, 1)[1]}"


def render(path: str, root: Path = ROOT) -> str:
    """The document at ``path`` with each of its blocks generated afresh."""
    text = (root / path).read_text("utf-8")
    for name, block in BLOCKS[path].items():
        text = replace_block(text, name, "\n".join(block(root)))
    return text


def update(write: bool, root: Path = ROOT) -> list[str]:
    """The documents whose generated blocks differ from the results files (rewritten if
    ``write``)."""
    stale = []
    for path in BLOCKS:
        new = render(path, root)
        if new != (root / path).read_text("utf-8"):
            stale.append(path)
            if write:
                (root / path).write_text(new, "utf-8")
    return stale
