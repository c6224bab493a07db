"""The stores at scale: synthetic passages written into 1-node and k-shard layouts of a running
PostgreSQL cluster and into an index folder, then vector and keyword queries timed through the
store (what the searcher calls), with recall@10 of the vector search against exact search.

    python -m bench --store postgresql://postgres@127.0.0.1:PORT/search --passages 20000 \\
        --shards 0,2,folder --work DIR

The URL names the coordinator of a cluster with shard servers attached (``python -m
search.store.pg_cluster start DIR --shards 2``); each layout gets its own database there
(``bench_1node``, ``bench_2shards`` ...); ``folder`` is the embedded store (bench/folder.py,
no URL needed: ``--store --shards folder``). Each is dropped once measured unless ``--keep``.
With ``--work DIR`` the data and the finished steps are kept there (bench/steps.py), and a
rerun resumes. Vectors are clustered unit vectors (512-dim, as the bundled encoder's),
keyword columns Zipf-distributed words.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from bench import folder
from bench.passages import (
    DIM,
    QUERIES,
    SEED,
    corpus,
    exact_top10,
    keyword_columns,
    query_vectors,
    synthetic,
)
from bench.steps import Steps
from search.store import pg_layout
from search.store.pg_connect import connect, parse_location
from search.store.pg_writer import write_generation
from search.store.postgres import PostgresStore
from search.store.rows import FORMAT_VERSION


def database(url: str, name: str, ports: list[int]) -> str:
    """A fresh database ``name`` on the coordinator of ``url`` with shards ``ports``."""
    parts = urlsplit(url)
    with connect(_url(url, "postgres"), write=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    target = _url(url, name)
    if ports:
        pg_layout.attach_shards(target, ports, parts.hostname or "127.0.0.1")
    return target


def _url(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=""))


def has_database(url: str, name: str) -> bool:
    """Whether database ``name`` exists on the coordinator and serves a generation."""
    with connect(_url(url, "postgres")) as conn:
        found = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    if not found:
        return False
    with connect(_url(url, name)) as conn:
        return bool(
            conn.execute("SELECT to_regclass('public.search_current') IS NOT NULL").fetchone()[0]
        )


def drop_database(url: str, name: str) -> None:
    """Drop database ``name`` and the tables its generations keep on the shards."""
    if not has_database(url, name):
        return
    with connect(_url(url, name), write=True) as conn:
        for (gen,) in conn.execute("SELECT name FROM public.search_generations").fetchall():
            pg_layout.drop_generation(conn, gen)
    with connect(_url(url, "postgres"), write=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50": float(np.percentile(ms, 50)), "p99": float(np.percentile(ms, 99))}


def timings(store: Any, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    """Vector and keyword searches timed one at a time through ``store`` (either backend),
    and recall@10 of the vector search against ``truth``."""
    vec_ms, kw_ms, recall = [], [], []
    rng = np.random.default_rng(SEED + 1)
    for q, best in zip(queries, truth, strict=True):
        t = time.perf_counter()
        hits = store.search_chunks(q[None, :], 10)
        vec_ms.append((time.perf_counter() - t) * 1000)
        recall.append(len({r for r, _ in hits} & set(best.tolist())) / 10)
        words = [f"w{w}" for w in rng.integers(1, 200, 3)]
        t = time.perf_counter()
        store.keyword_search(words, 10)
        kw_ms.append((time.perf_counter() - t) * 1000)
    return {
        "vector_ms": percentiles(vec_ms),
        "keyword_ms": percentiles(kw_ms),
        "recall@10": float(np.mean(recall)),
        "vector_index": store.manifest["vector_index"]["chunks"]["type"],
    }


def measure(location: str, queries: np.ndarray, truth: np.ndarray) -> dict[str, Any]:
    """``timings`` of the PostgreSQL store at ``location`` and its bytes on disk."""
    import psycopg

    store = PostgresStore(location)
    try:
        row = timings(store, queries, truth)
        size = 0
        conn = connect(parse_location(location)[0])
        servers = pg_layout.shards(conn) if store.manifest["layout"] == "fdw" else []
        tables = [p for t in ("chunks", "windows", "postings") for p in store.parts[t]]
        ann = 0
        for i, (_, info) in enumerate(servers or [("", None)]):
            c = psycopg.connect(info) if info else conn
            for table in tables if not info else [t for t in tables if t.endswith(f"_p{i}")]:
                size += c.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()[0]
            ann += c.execute(HNSW_BYTES, (store.generation,)).fetchone()[0]
            if info:
                c.close()
        conn.close()
    finally:
        store.close()
    return {**row, "bytes": size, "ann_bytes": int(ann)}


HNSW_BYTES = """SELECT coalesce(sum(pg_relation_size(c.oid)), 0) FROM pg_class c
JOIN pg_am a ON a.oid = c.relam JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE a.amname = 'hnsw' AND n.nspname = %s"""  # a generation's HNSW indexes on one server


def layouts(text: str) -> list[str]:
    """``--shards`` as layout names: ``0`` one node, ``k`` k shards, ``folder`` the folder store."""
    out = []
    for part in text.split(","):
        part = part.strip()
        if part == "folder":
            out.append("folder")
        elif part.isdigit():
            out.append("1 node" if int(part) == 0 else f"{int(part)} shards")
        else:
            raise SystemExit(
                f"--shards: '{part}' is neither a shard count nor 'folder' (e.g. 0,2,folder)"
            )
    return out


def run(
    url: str | None,
    n: int,
    names: list[str],
    work: Path,
    keep: bool = False,
    log=print,
) -> dict[str, Any]:
    """Write and measure each layout in ``names`` at ``n`` passages, skipping the steps the
    work folder ``work`` says are done; databases (and the folder index) are dropped once
    measured unless ``keep``."""
    if n < 20:
        raise SystemExit(f"--passages {n}: at least 20 are needed")
    if url is None and any(name != "folder" for name in names):
        raise SystemExit("PostgreSQL layouts need a coordinator: --store postgresql://...")
    ports: list[int] = []
    if url is not None:
        with connect(parse_location(url)[0]) as conn:
            ports = [int(info.split("port=")[1].split()[0]) for _, info in pg_layout.shards(conn)]
    steps = Steps(work, n)
    made: dict[str, Any] = {}

    def made_once(key: str, make) -> Any:
        if key not in made:
            made[key] = make()
        return made[key]

    x = steps.array("vectors", lambda: made_once("xw", lambda: synthetic(n))[0])
    words = steps.array("words", lambda: made_once("xw", lambda: synthetic(n))[1])
    queries = steps.array("queries", lambda: query_vectors(x))
    truth = steps.array("truth", lambda: exact_top10(x, queries))

    def data() -> dict[str, Any]:  # documents, chunks and keyword columns: only to write
        def make() -> dict[str, Any]:
            docs, chunks = corpus(n)
            return {"docs": docs, "chunks": chunks, "cols": keyword_columns(words)}

        return made_once("data", make)

    rows = []
    for name in names:
        k = 0 if name in ("1 node", "folder") else int(name.split()[0])
        if name != "folder" and k > len(ports):
            log(f"skipping {name}: the cluster has {len(ports)} shards")
            continue
        db = "bench_1node" if name == "1 node" else f"bench_{k}shards"
        there = work / "folder" if name == "folder" else None
        row = steps.done(name, "measured")
        if row is None:
            exists = there.exists() if there else has_database(url, db)
            written = steps.done(name, "written") if exists else None
            if written is None:
                steps.forget(name)
                d = data()
                manifest = {"format_version": FORMAT_VERSION, "encoder": "synthetic", "dim": DIM}
                manifest["chunks"] = n
                if there:
                    shutil.rmtree(there, ignore_errors=True)  # what a stopped write left
                    written = folder.write(there, d["docs"], d["chunks"], x, d["cols"], manifest)
                else:
                    written = write_pg(url, db, ports[:k], d, x, manifest)
                steps.finish(name, "written", written)
                log(f"{name}: {n} passages written in {written['write_s']:.0f} s")
            if there:
                with folder.opened(there) as store:
                    measured = {**timings(store, queries, truth), **folder.size(there)}
            else:
                measured = measure(_url(url, db), queries, truth)
            row = {"layout": name, **written, **measured}
            row["bytes_per_passage"] = measured["bytes"] / n
            steps.finish(name, "measured", row)
            log(json.dumps(row))
        if not keep:
            if there:
                shutil.rmtree(there, ignore_errors=True)
            else:
                drop_database(url, db)
        rows.append(row)
    single = next((r for r in rows if r["layout"] == "1 node"), None)
    for r in rows:
        if single and r["layout"].endswith("shards"):
            k = int(r["layout"].split()[0])
            r["fanout_ms_per_shard"] = (r["vector_ms"]["p50"] - single["vector_ms"]["p50"]) / k
    return {"passages": n, "dim": DIM, "queries": QUERIES, "rows": rows}


def write_pg(
    url: str, db: str, ports: list[int], d: dict[str, Any], x: np.ndarray, manifest: dict
) -> dict[str, Any]:
    """Write the passages into a fresh database ``db`` with shards ``ports``, through the
    product's build path; seconds in all and for the indexes (b-tree, HNSW, ANALYZE)."""
    target = database(url, db, ports)
    spent: list[float] = []
    t = time.perf_counter()
    with folder.timed(pg_layout, "index_tables", spent):
        write_generation(
            target, d["docs"], d["chunks"], x, (x, np.arange(len(x))), d["cols"], manifest,
            dictionary=None,
        )  # fmt: skip
    return {"write_s": time.perf_counter() - t, "index_s": sum(spent)}


def render(result: dict[str, Any]) -> str:
    out = [
        f"{result['passages']} synthetic passages ({result['dim']}-dim), "
        f"{result['queries']} queries, one at a time:",
        "",
        "| layout | vectors | vector p50 / p99 ms | keyword p50 / p99 ms | recall@10 | "
        "fan-out ms/shard | bytes/passage (ANN) | write s (indexes) |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        fan = f"{r['fanout_ms_per_shard']:.1f}" if "fanout_ms_per_shard" in r else "-"
        index = f" ({r['index_s']:.0f})" if "index_s" in r else ""
        ann = f" ({r['ann_bytes'] / result['passages']:.0f})" if "ann_bytes" in r else ""
        out.append(
            f"| {r['layout']} | {r['vector_index']} | {r['vector_ms']['p50']:.1f} / "
            f"{r['vector_ms']['p99']:.1f} | {r['keyword_ms']['p50']:.1f} / "
            f"{r['keyword_ms']['p99']:.1f} | {r['recall@10']:.3f} | {fan} | "
            f"{r['bytes_per_passage']:.0f}{ann} | {r['write_s']:.0f}{index} |"
        )
    return "\n".join(out)


def main(
    url: str | None,
    n: int,
    names: list[str],
    json_out: Path | None = None,
    work: Path | None = None,
    keep: bool = False,
) -> int:
    load = " ".join(f"{v:.2f}" for v in os.getloadavg())
    with contextlib.ExitStack() as stack:
        if work is None:
            work = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="bench-store-")))
        result = run(url, n, names, work, keep)
    result["command"] = "python -m bench " + " ".join(sys.argv[1:])
    result["load average at start / end"] = f"{load} / " + " ".join(
        f"{v:.2f}" for v in os.getloadavg()
    )
    if json_out:
        json_out.write_text(json.dumps(result, indent=1))
    print(render(result))
    return 0
