"""Folder against cluster on the same index: ``python -m bench --cluster URL``.

The run's folder index is copied into the PostgreSQL database ``URL`` names
(``search.store.pg_import``: same rows, vectors and keyword columns), and both answer the query
mix through ``Searcher.search`` in the same process, the two backends taking turns query by
query (so load on the machine falls on both alike). Reported: p50/p99 per backend, their ratio,
and how many of the answers were the same passages in the same order.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from bench.common import percentiles

WARM_PASSES = 1  # first answers are not timed: segmenter, caches, connections


def run(index: Path, url: str, queries: list[str], passes: int) -> dict[str, Any]:
    from search.searcher import Searcher
    from search.store.pg_import import import_index

    generation = import_index(index, url)
    folder = Searcher.open(index)
    cluster = Searcher.open(url, encoder=folder.embedder)
    ms: dict[str, list[float]] = {"folder": [], "cluster": []}
    same = 0
    try:
        for q in queries * WARM_PASSES:
            folder.search(q)
            cluster.search(q)
        for _ in range(passes):
            for q in queries:
                answers = []
                for name, s in (("folder", folder), ("cluster", cluster)):
                    started = time.perf_counter()
                    answers.append(s.search(q, k=10).results)
                    ms[name].append((time.perf_counter() - started) * 1000)
                same += [r.chunk_id for r in answers[0]] == [r.chunk_id for r in answers[1]]
    finally:
        folder.store.close()
        cluster.store.close()
    out: dict[str, Any] = {name: percentiles(values) for name, values in ms.items()}
    out["ratio_p50"] = out["cluster"]["p50"] / out["folder"]["p50"]
    out["same"] = same
    out["searches"] = len(queries) * passes
    out["generation"] = generation
    return out


def render(r: dict[str, Any], runs: int) -> list[str]:
    from bench.report import table

    rows = [
        [name, f"{r[name]['p50']:.1f}", f"{r[name]['p99']:.1f}"] for name in ("folder", "cluster")
    ]
    return [
        f"## Folder and cluster on the same index (median of {runs} runs)",
        "",
        *table(["backend", "p50 ms", "p99 ms"], rows),
        f"Cluster p50 / folder p50: **{r['ratio_p50']:.2f}x**; the same passages in the same "
        f"order in {r['same']:.0f} of {r['searches']:.0f} searches.",
        "",
    ]


def main(argv: list[str] | None = None) -> int:
    """``python bench/backends.py INDEX URL [--passes N]``: the comparison on an index built
    already (any checkout's code: it uses only ``Searcher`` and ``pg_import``)."""
    import argparse

    from bench.common import query_mix

    p = argparse.ArgumentParser(prog="python bench/backends.py", description=main.__doc__)
    p.add_argument("index", type=Path, help="a folder index")
    p.add_argument("url", help="postgresql:// URL of the database to copy it into")
    p.add_argument("--passes", type=int, default=3, help="passes over the query mix (default 3)")
    args = p.parse_args(argv)
    print("\n".join(render(run(args.index, args.url, query_mix("full"), args.passes), 1)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
