"""``python -m bench [--size tiny|full] [--runs N] [--out FILE] [--json FILE] [--skip NAME ...]``.

Builds the seed index in a temporary folder, then runs each benchmark (build, query, http, mcp,
scale)
and prints Markdown; ``--out`` writes it into a file between ``<!-- bench:start -->`` and
``<!-- bench:end -->`` (the rest of the file is kept). ``--size tiny`` cuts the seeds and the
synthetic corpus down so the whole suite runs in seconds (for tests). ``--render A.json
[B.json ...]`` renders saved results (several files: each section from the first that has it,
each file's command named), e.g. the committed ``bench/results/*.json`` into
``docs/PERFORMANCE.md``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from bench import backends, build, query, report, scale, serve, start
from bench.common import corpus, machine, median_of, query_mix

NAMES = ("build", "query", "http", "mcp", "scale")
HTTP_SECONDS = {"tiny": 2.0, "full": 15.0}  # per load level
QUERY_PASSES = {"tiny": 1, "full": 2}
MCP_PASSES = {"tiny": 2, "full": 3}  # sequential requests of each kind: passes x the mix


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    p = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    p.add_argument("--size", choices=("tiny", "full"), default="full")
    p.add_argument("--runs", type=int, help="repeats of build/query/http (default 3, tiny 1)")
    p.add_argument("--out", type=Path, help="Markdown file to write the results into")
    p.add_argument("--json", type=Path, help="also write the raw results here")
    p.add_argument("--skip", nargs="*", default=[], choices=NAMES, help="benchmarks to leave out")
    p.add_argument("--profile", action="store_true", help="add cProfile summaries (build, query)")
    p.add_argument(
        "--render",
        type=Path,
        nargs="+",
        metavar="JSON",
        help="only re-render saved results (from --json); several files: each section from "
        "the first that has it",
    )
    p.add_argument(
        "--store",
        metavar="URL",
        nargs="?",
        const="",
        help="benchmark the stores instead (bench/store.py): the PostgreSQL layouts on this "
        "coordinator and/or the folder store (no URL needed for --shards folder)",
    )
    p.add_argument(
        "--cluster",
        metavar="URL",
        help="also copy each run's index into this PostgreSQL database and time both backends "
        "on the query mix (bench/backends.py)",
    )
    p.add_argument(
        "--ann-update",
        type=int,
        metavar="N",
        help="only time updating an index of N synthetic vectors by 1 %% against building it "
        "(bench/ann_update.py)",
    )
    p.add_argument("--passages", type=int, default=20_000, help="with --store: corpus size")
    p.add_argument(
        "--shards",
        default="0,1,2",
        help="with --store: layouts, 0 = one node, folder = the folder store (default 0,1,2)",
    )
    p.add_argument(
        "--work",
        type=Path,
        metavar="DIR",
        help="with --store: keep the data and the finished steps here; a rerun resumes",
    )
    p.add_argument(
        "--keep", action="store_true", help="with --store: keep the databases and folder index"
    )
    return p.parse_args(argv)


def log(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


def one_run(args: argparse.Namespace, work: Path, i: int, profile: bool) -> dict[str, Any]:
    """Build, query and HTTP once; returns their results and the index they used."""
    out: dict[str, Any] = {}
    sources = corpus(args.size, work)
    b = build.run(sources, work / f"index-{i}", profile=profile)
    log(f"run {i}: build {b['build_s']:.1f}s, bare encode {b['encode_s']:.1f}s")
    if "build" not in args.skip:
        out["build"] = b
    index = Path(b["index"])
    mix = query_mix(args.size)
    if "query" not in args.skip:
        out["start"] = start.run(index)
        st = out["start"]
        log(f"run {i}: open {st['open_s']:.2f}s, one-shot CLI {st['cli_en_s']:.2f}s")
        out["query"] = query.run(index, mix, QUERY_PASSES[args.size], profile=profile)
        log(f"run {i}: query p50 {out['query']['shipped']['total']['p50']:.1f} ms (shipped)")
    if args.cluster:
        out["backends"] = backends.run(index, args.cluster, mix, QUERY_PASSES[args.size])
        log(f"run {i}: cluster / folder p50 {out['backends']['ratio_p50']:.2f}")
    if "http" not in args.skip:
        server_log = work / "server.log"
        out["http"] = {"as shipped": serve.run(index, mix, HTTP_SECONDS[args.size], server_log)}
        log(f"run {i}: http done")
    if "mcp" not in args.skip:
        from bench import mcp  # needs the mcp extra

        out["mcp"] = mcp.run(index, mix, MCP_PASSES[args.size], work / "server.log")
        m = out["mcp"]
        log(f"run {i}: mcp p50 {m['mcp']['p50']:.1f} ms, /api/search {m['api']['p50']:.1f} ms")
    out["index"] = str(index)
    return out


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    if args.store is not None:  # the stores at scale: bench/store.py
        from bench import store

        names = store.layouts(args.shards)
        return store.main(args.store or None, args.passages, names, args.json, args.work, args.keep)
    if args.ann_update:
        from bench import ann_update

        measured = ann_update.run(args.ann_update)
        measured["command"] = "python -m bench " + " ".join(argv or sys.argv[1:])
        print("\n".join(ann_update.render(measured)))
        if args.json:
            args.json.write_text(json.dumps(measured, indent=1), "utf-8")
        return 0
    if args.render:
        result = report.combine([(str(p), json.loads(p.read_text("utf-8"))) for p in args.render])
        if "scale" in result:  # the chosen index follows search.store.ann as it is now
            scale.mark_chosen(result["scale"]["rows"])
        return write(args, result)
    runs = args.runs or (1 if args.size == "tiny" else 3)
    command = "python -m bench " + " ".join(argv if argv is not None else sys.argv[1:])
    result: dict[str, Any] = {"size": args.size, "runs": runs, "command": command.strip()}
    result["machine"] = machine()
    result["machine"]["load average at start"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    with tempfile.TemporaryDirectory(prefix="bench-") as tmp:
        work = Path(tmp)
        done = [one_run(args, work, i, args.profile and i == runs - 1) for i in range(runs)]
        for name in ("build", "start", "query", "backends", "http", "mcp"):
            if name in done[0]:
                result[name] = median_of([d[name] for d in done])
                for key in ("profile", "files", "index"):
                    if key in done[-1][name]:
                        result[name][key] = done[-1][name][key]
        if "mcp" in result:  # its own count, should it be rendered beside other files' runs
            result["mcp"]["runs"] = runs
        if args.json:  # keep what is done should the long scale run fail
            args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
        if "scale" not in args.skip:
            result["scale"] = scale.run(args.size, Path(done[-1]["index"]), log=log)
    result["machine"]["load average at end"] = " ".join(f"{x:.2f}" for x in os.getloadavg())
    return write(args, result)


def write(args: argparse.Namespace, result: dict[str, Any]) -> int:
    if args.json and not args.render:
        args.json.write_text(json.dumps(result, ensure_ascii=False, indent=1))
        result = report.combine([(str(args.json), result)])  # the block names its results file
    text = report.render(result)
    if args.out:
        old = args.out.read_text("utf-8") if args.out.exists() else ""
        args.out.write_text(report.merge(old, text), "utf-8")
    else:
        print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
