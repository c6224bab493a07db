"""The PostgreSQL store at scale: synthetic passages written into 1-node and k-shard layouts of a
running cluster, then vector and keyword queries timed through the store (what the searcher
calls), with recall@10 of the vector search against exact search.

    python -m bench --store postgresql://postgres@127.0.0.1:PORT/search --passages 20000

The URL names the coordinator of a cluster with shard servers attached (``python -m
search.store.pg_cluster start DIR --shards 2``); each layout gets its own database there
(``bench_1node``, ``bench_2shards`` ...), dropped at the end. Vectors are clustered unit vectors
(512-dim, as the bundled encoder's), keyword columns Zipf-distributed words.
"""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import numpy as np

from search.store import pg_layout
from search.store.pg_connect import connect, parse_location
from search.store.pg_writer import write_generation
from search.store.postgres import PostgresStore
from search.store.rows import FORMAT_VERSION
from search.types import Chunk, Document

DIM = 512
QUERIES = 200
PER_DOC = 10
VOCAB = 5000
SEED = 7


def synthetic(n: int, dim: int = DIM) -> tuple[np.ndarray, list[tuple[str, str, str]]]:
    """``n`` clustered unit vectors and keyword columns (Zipf words, some identifiers)."""
    rng = np.random.default_rng(SEED)
    centres = rng.standard_normal((max(1, n // 100), dim)).astype(np.float32)
    x = centres[rng.integers(0, len(centres), n)] + 0.6 * rng.standard_normal((n, dim)).astype(
        np.float32
    )
    x /= np.linalg.norm(x, axis=1, keepdims=True)
    words = np.minimum(rng.zipf(1.3, (n, 40)), VOCAB)
    cols = [
        (" ".join(f"w{w}" for w in row), f"w{row[0]}", f"gbt{i % 997}")
        for i, row in enumerate(words)
    ]
    return x, cols


def corpus(n: int) -> tuple[list[Document], list[Chunk]]:
    docs = [
        Document(f"d{i:07d}", f"/synthetic/{i}.txt", f"doc {i}", "en", "text")
        for i in range((n + PER_DOC - 1) // PER_DOC)
    ]
    chunks = [
        Chunk(
            chunk_id=f"d{i // PER_DOC:07d}-{i % PER_DOC:04d}",
            doc_id=f"d{i // PER_DOC:07d}",
            ordinal=i % PER_DOC,
            text=f"passage {i}",
            lang="en",
            heading="",
            section="",
            para_start=i % PER_DOC + 1,
            para_end=i % PER_DOC + 1,
            char_start=0,
            char_end=0,
        )
        for i in range(n)
    ]
    return docs, chunks


def database(url: str, name: str, ports: list[int]) -> str:
    """A fresh database ``name`` on the coordinator of ``url`` with shards ``ports``."""
    parts = urlsplit(url)
    admin = urlunsplit(parts._replace(path="/postgres", query=""))
    with connect(admin, write=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        conn.execute(f"CREATE DATABASE {name}")
    target = urlunsplit(parts._replace(path=f"/{name}", query=""))
    if ports:
        pg_layout.attach_shards(target, ports, parts.hostname or "127.0.0.1")
    return target


def drop_database(url: str, name: str) -> None:
    """Drop database ``name`` and the tables its generations keep on the shards."""
    target = urlunsplit(urlsplit(url)._replace(path=f"/{name}", query=""))
    with connect(target, write=True) as conn:
        for (gen,) in conn.execute("SELECT name FROM public.search_generations").fetchall():
            pg_layout.drop_generation(conn, gen)
    admin = urlunsplit(urlsplit(url)._replace(path="/postgres", query=""))
    with connect(admin, write=True) as conn:
        conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def percentiles(ms: list[float]) -> dict[str, float]:
    return {"p50": float(np.percentile(ms, 50)), "p99": float(np.percentile(ms, 99))}


def measure(location: str, x: np.ndarray, queries: np.ndarray) -> dict[str, Any]:
    store = PostgresStore(location)
    exact = np.argsort(-(queries @ x.T), axis=1)[:, :10]
    vec_ms, kw_ms, recall = [], [], []
    rng = np.random.default_rng(SEED + 1)
    try:
        for q, truth in zip(queries, exact, strict=True):
            t = time.perf_counter()
            hits = store.search_chunks(q[None, :], 10)
            vec_ms.append((time.perf_counter() - t) * 1000)
            recall.append(len({r for r, _ in hits} & set(truth.tolist())) / 10)
            words = [f"w{w}" for w in rng.integers(1, 200, 3)]
            t = time.perf_counter()
            store.keyword_search(words, 10)
            kw_ms.append((time.perf_counter() - t) * 1000)
        size = 0
        conn = connect(parse_location(location)[0])
        servers = pg_layout.shards(conn) if store.manifest["layout"] == "fdw" else []
        tables = [p for t in ("chunks", "windows", "postings") for p in store.parts[t]]
        import psycopg

        for i, (_, info) in enumerate(servers or [("", None)]):
            c = psycopg.connect(info) if info else conn
            for table in tables if not info else [t for t in tables if t.endswith(f"_p{i}")]:
                size += c.execute("SELECT pg_total_relation_size(%s)", (table,)).fetchone()[0]
            if info:
                c.close()
        conn.close()
    finally:
        store.close()
    return {
        "vector_ms": percentiles(vec_ms),
        "keyword_ms": percentiles(kw_ms),
        "recall@10": float(np.mean(recall)),
        "bytes_per_passage": size / len(x),
        "vector_index": store.manifest["vector_index"]["chunks"]["type"],
    }


def run(url: str, n: int, shard_counts: list[int], log=print) -> dict[str, Any]:
    base, _ = parse_location(url)
    with connect(base) as conn:
        ports = [int(info.split("port=")[1].split()[0]) for _, info in pg_layout.shards(conn)]
    x, cols = synthetic(n)
    docs, chunks = corpus(n)
    rng = np.random.default_rng(SEED + 2)
    queries = x[rng.integers(0, n, QUERIES)] + 0.3 * rng.standard_normal((QUERIES, DIM)).astype(
        np.float32
    )
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    rows = []
    for k in shard_counts:
        if k > len(ports):
            log(f"skipping {k} shards: the cluster has {len(ports)}")
            continue
        name = "bench_1node" if k == 0 else f"bench_{k}shards"
        target = database(url, name, ports[:k])
        manifest = {"format_version": None, "encoder": "synthetic", "dim": DIM, "chunks": n}
        manifest["format_version"] = FORMAT_VERSION
        t = time.perf_counter()
        write_generation(
            target, docs, chunks, x, (x, np.arange(n)), cols, manifest, dictionary=None
        )
        write_s = time.perf_counter() - t
        log(f"{name}: {n} passages written in {write_s:.0f} s")
        row = {"layout": "1 node" if k == 0 else f"{k} shards", "write_s": write_s}
        row.update(measure(target, x, queries))
        rows.append(row)
        drop_database(url, name)
        log(json.dumps(row))
    single = next((r for r in rows if r["layout"] == "1 node"), None)
    for r in rows:
        k = 0 if r["layout"] == "1 node" else int(r["layout"].split()[0])
        if single and k:
            r["fanout_ms_per_shard"] = (r["vector_ms"]["p50"] - single["vector_ms"]["p50"]) / k
    return {"passages": n, "dim": DIM, "queries": QUERIES, "rows": rows}


def render(result: dict[str, Any]) -> str:
    out = [
        f"PostgreSQL store, {result['passages']} synthetic passages ({result['dim']}-dim), "
        f"{result['queries']} queries, one at a time:",
        "",
        "| layout | vectors | vector p50 / p99 ms | keyword p50 / p99 ms | recall@10 | "
        "fan-out ms/shard | bytes/passage | write s |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["rows"]:
        fan = f"{r['fanout_ms_per_shard']:.1f}" if "fanout_ms_per_shard" in r else "-"
        out.append(
            f"| {r['layout']} | {r['vector_index']} | {r['vector_ms']['p50']:.1f} / "
            f"{r['vector_ms']['p99']:.1f} | {r['keyword_ms']['p50']:.1f} / "
            f"{r['keyword_ms']['p99']:.1f} | {r['recall@10']:.3f} | {fan} | "
            f"{r['bytes_per_passage']:.0f} | {r['write_s']:.0f} |"
        )
    return "\n".join(out)


def main(url: str, n: int, shard_counts: list[int], json_out: Path | None = None) -> int:
    result = run(url, n, shard_counts)
    if json_out:
        json_out.write_text(json.dumps(result, indent=1))
    print(render(result))
    return 0
