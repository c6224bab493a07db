"""Retrieval evaluation: ``python -m search.eval [FILE] [--index DIR] [--method M]
[--ranking KEY=VALUE ...] [--ranking-file F.toml] [--versus KEY=VALUE ...] [--shared-with FILE]
[--run F] [--qrels F] [--save F.json]``; ``--compare A B``; ``--write-docs`` / ``--check-docs``.

FILE holds one JSON object per line: ``{"id", "q", "gold": [...]}``. A passage is relevant when,
after NFKC normalization, case folding and removing all whitespace from both, a gold string is a
substring of its text (``eval/README.md``). Reports R@1, R@5 and MRR@10 over the top 10, the
missed ids and the settings used; given a second setting (``--versus``, ``--versus-file``,
``--versus-method``) or two saved runs (``--compare``), the paired difference of each metric
with a 95 % bootstrap interval and a randomisation-test p-value (``search/evaluation/stats.py``).
"""

from __future__ import annotations

import argparse
import json
import shlex
import sys
from pathlib import Path
from typing import Any

from search.cli import INDEX_HELP, Parser
from search.errors import SearchError
from search.evaluation import docs, settings
from search.evaluation.corpora import corpora
from search.evaluation.relevance import (
    TOP,
    first_hit,
    is_relevant,
    judgements,
    load_queries,
    normal,
    shared_answers,
)
from search.evaluation.report import (
    Report,
    describe,
    differences,
    evaluate,
    results,
    run_queries,
    setting,
    with_ranking,
)
from search.evaluation.runs import read_qrels, read_run, write_qrels, write_run
from search.evaluation.stats import Difference, compare, summary
from search.searcher import METHODS, Searcher

__all__ = ["TOP", "Report", "evaluate", "first_hit", "is_relevant", "load_queries", "normal"]


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = Parser(prog="python -m search.eval", description=__doc__.split("\n\n")[1])
    p.add_argument("file", type=Path, nargs="?", default=Path("eval/dev_queries.jsonl"))
    p.add_argument("--index", default="index", help=INDEX_HELP)
    p.add_argument("--method", default="hybrid", choices=METHODS)
    many = {"action": "append", "default": []}
    p.add_argument("--ranking", **many, metavar="KEY=VALUE", help="a ranking setting; repeatable")
    p.add_argument("--ranking-file", **many, type=Path, metavar="F.toml", help="settings file")
    p.add_argument("--versus", **many, metavar="KEY=VALUE", help="the setting to compare with")
    p.add_argument("--versus-file", **many, type=Path, metavar="F.toml", help="its settings file")
    p.add_argument("--versus-method", choices=METHODS, help="the second setting's method")
    p.add_argument("--shared-with", type=Path, metavar="FILE", help="also report the queries "
                   "sharing no relevant passage with FILE's")  # fmt: skip
    p.add_argument("--run", type=Path, help="write the run (TREC format) here")
    p.add_argument("--versus-run", type=Path, help="write the second setting's run here")
    p.add_argument("--qrels", type=Path, help="write (or, with --compare, read) TREC qrels")
    p.add_argument("--save", type=Path, metavar="F.json", help="write the results file here")
    p.add_argument("--compare", nargs=2, type=Path, metavar=("A", "B"), help="compare two "
                   "saved runs (.json results, or TREC runs with --qrels)")  # fmt: skip
    p.add_argument("--reproduce", action="store_true", help="re-run the command of each "
                   "results file (search/evaluation/docs.py), then --write-docs")  # fmt: skip
    p.add_argument("--write-docs", action="store_true", help="regenerate the figures in docs")
    p.add_argument("--check-docs", action="store_true", help="exit 1 if the docs are stale")
    p.add_argument("--verbose", action="store_true", help="print each query's rank")
    p.add_argument("--suite", action="store_true", help="every corpus of the suite side "
                   "by side (search/evaluation/suite.py); --versus: a candidate")  # fmt: skip
    p.add_argument("--work", type=Path, default=Path("eval/work"), help="where the suite's "
                   "corpora are built (once; default eval/work)")  # fmt: skip
    p.add_argument("--corpus", action="append", default=[], help="only this suite corpus "
                   "(seed, xquad-r, hsk-zh, hsk-en, hsk-mixed); repeatable")  # fmt: skip
    p.add_argument(
        "--variants",
        action="store_true",
        help="also run each query full-width, traditional, lower-case ... (search/variants.py)",
    )
    return p.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    args = parse_args(argv)
    try:
        if args.reproduce:
            for name, command in docs.RESULTS.items():
                extra = [] if args.index == "index" else ["--index", args.index]
                print(f"\n== {docs.command(name)}")
                save = str(docs.RESULTS_DIR / name)  # the commands run from the repository root
                if main([*command, *extra, "--save", save]) != 0:
                    return 2
            args.write_docs = True
        if args.write_docs or args.check_docs:
            stale = docs.update(write=args.write_docs)
            for path in stale:
                print(f"{'rewrote' if args.write_docs else 'stale'}: {path}")
            return 1 if stale and args.check_docs else 0
        if args.compare:
            print_differences(*compared(args.compare, args.qrels))
            return 0
        out = run_suite(args) if args.suite else run(args)
    except SearchError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    if args.save:
        out["command"] = "python -m search.eval " + " ".join(map(shlex.quote, argv))
        args.save.parent.mkdir(parents=True, exist_ok=True)
        args.save.write_text(json.dumps(out, ensure_ascii=False, indent=1) + "\n", "utf-8")
    return 0


def run(args: argparse.Namespace) -> dict[str, Any]:
    """Evaluate one setting (and the ``--versus`` one); print; return the results file."""
    queries = load_queries(args.file)
    config = settings.ranking(args.ranking, args.ranking_file)  # bad settings fail before loading
    other = None
    if args.versus or args.versus_file or args.versus_method:
        other = settings.ranking(args.ranking + args.versus, args.ranking_file + args.versus_file)
    base = Searcher.open(args.index)
    a = setting(args.method, config)
    report, run_a = run_queries(with_ranking(base, config), queries, args.method, "a")
    texts = None
    if args.qrels or args.shared_with:
        rows = base.store.chunks(list(range(len(base.table))))
        texts = {c.chunk_id: c.text for c in rows.values()}
    shared = None
    if args.shared_with:
        shared = shared_answers(queries, load_queries(args.shared_with), texts or {})
    out: dict[str, Any] = {
        "queries": str(args.file),
        "index": {"encoder": base.store.manifest["encoder"], "passages": len(base.table)},
        **results(report, a, shared),
    }
    if shared is not None:
        out["shared_with"] = {"file": str(args.shared_with), "queries": shared}
    print_report(report, a, shared, args.verbose, queries)
    if args.variants:
        from search.variants import compare

        searcher = with_ranking(base, config)
        print(f"\nvariants ({describe(a)}):")
        print(
            "\n".join(
                compare(report.ranks, queries, lambda qs: evaluate(searcher, qs, args.method).ranks)
            )
        )
    if args.run:
        write_run(run_a, args.run)
    if args.qrels and texts is not None:
        write_qrels(judgements(texts, queries), args.qrels)
    if other is not None:
        method = args.versus_method or args.method
        b = setting(method, other)
        report_b, run_b = run_queries(with_ranking(base, other), queries, method, "b")
        out["versus"] = results(report_b, b, shared)
        print(f"\nversus: {describe(b)}")
        print("\n".join(report_b.lines()))
        ids = list(report.ranks)
        out["differences"] = differences(out, out["versus"], ids)
        print_differences(report.ranks, report_b.ranks, ids, "every query")
        if shared:
            independent = [q for q in ids if q not in shared]
            out["independent_differences"] = differences(out, out["versus"], independent)
            print_differences(report.ranks, report_b.ranks, independent, "independent queries")
        if args.versus_run:
            write_run(run_b, args.versus_run)
    return out


def run_suite(args: argparse.Namespace) -> dict[str, Any]:
    """The suite (``--suite``): every corpus, each list, the labels; ``--versus`` a candidate."""
    from search.evaluation import suite

    unknown = set(args.corpus) - set(corpora())
    if unknown:
        raise SearchError(f"unknown corpus {sorted(unknown)}; known: {sorted(corpora())}")
    base = settings.ranking(args.ranking, args.ranking_file)
    candidate = None
    if args.versus or args.versus_file:
        candidate = settings.ranking(
            args.ranking + args.versus, args.ranking_file + args.versus_file
        )
    out = suite.run(args.work, candidate, args.corpus, base=base)
    out["method"], out["ranking"] = "hybrid", base.changed()
    if candidate is not None:
        out["candidate"] = {k: v for k, v in candidate.changed().items()}
    print("\n".join(suite.report(out)))
    return out


def print_report(
    report: Report,
    s: dict[str, Any],
    shared: dict[str, list[str]] | None,
    verbose: bool,
    queries: list[dict],
) -> None:
    if verbose:
        for q in queries:
            print(f"{q['id']}\t{report.ranks[q['id']]}\t{q['q']}")
    print(f"method: {s['method']}")
    print(f"settings: {describe(s)} (search/config.py defaults otherwise)")
    print("\n".join(report.lines()))
    if shared is not None:
        independent = [q for q in report.ranks if q not in shared]
        m = summary(report.ranks, independent)
        print(f"sharing a relevant passage with the other set: {len(shared)}")
        print(f"  {' '.join(sorted(shared)) or '-'}")
        figures = " ".join(f"{k} {v:.3f}" for k, v in m.items())
        print(f"independent queries ({len(independent)}): {figures}")


def compared(paths: list[Path], qrels_path: Path | None) -> tuple[dict, dict, list[str], str]:
    """The per-query ranks of two saved runs (results files or TREC runs with qrels)."""
    ranks = []
    qrels = read_qrels(qrels_path) if qrels_path else None
    for path in paths:
        if path.suffix == ".json":
            try:
                ranks.append(json.loads(path.read_text("utf-8"))["ranks"])
            except (OSError, ValueError, KeyError) as exc:
                raise SearchError(f"'{path}' is not a results file of --save: {exc}") from exc
        elif qrels is None:
            raise SearchError("comparing TREC runs needs --qrels FILE (written by --qrels)")
        else:
            ranks.append(read_run(path).ranks(qrels))
    ids = [q for q in ranks[0] if q in ranks[1]]
    if not ids:
        raise SearchError("the two runs have no query in common")
    return ranks[0], ranks[1], ids, "the queries of both runs"


def print_differences(a: dict, b: dict, ids: list[str], label: str) -> None:
    try:
        rows: list[Difference] = compare(a, b, ids)
    except ValueError as exc:
        raise SearchError(str(exc)) from exc
    print(f"\nB - A over {label} ({len(ids)}; 95% paired bootstrap interval, randomisation p):")
    head = ["metric", "A", "B", "B - A", "95% interval", "p"]
    widths = [8, 6, 6, 7, 18, 5]
    for row in [head, *(d.row() for d in rows)]:
        print("  ".join(cell.ljust(w) for cell, w in zip(row, widths, strict=True)).rstrip())
    moved = [f"{q} {a[q] or '-'}→{b[q] or '-'}" for q in ids if a[q] != b[q]]
    print(f"ranks changed: {' '.join(moved) or 'none'}")


if __name__ == "__main__":
    sys.exit(main())
